#pragma once

#include "test/unit/support/fake_kernel.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dax::test {

// Loads a tree captured from a real kernel (test/snapshot/trees, extracted under SYSROOT/sys) into
// `kernel`, so that it reacts to writes as Linux does where a copy of plain files cannot: the
// memory block size and auto_online_blocks, the dax drivers loaded, every region (dynamic when it
// has dax_region/available_size, starting where /proc/iomem or its devices' ranges say), every
// device with its size, align, nodes, mapping ranges and driver, the kernel's per-device
// attributes (memmap_on_memory, kmem's daxX.Y/state) and each memory block's state and zone as
// captured; blocks of no dax device are boot RAM. Returns what could not be loaded, "" when all was.
std::string load_captured_tree(FakeKernel& kernel, const std::filesystem::path& sysroot);

// The extracted captured trees under `sysroots` (DIR/KIND/STATE, overlaid variants left out).
std::vector<std::filesystem::path> captured_trees(const std::filesystem::path& sysroots);

} // namespace dax::test
