#pragma once

#include "core/model/device.hpp"
#include "core/model/device_memory.hpp"

#include <cstdint>
#include <optional>

namespace dax::cli {

// When the views (list's JSON, the tables, status) count a device's memory blocks: one rule.

// The memory block size; none on a kernel without memory hotplug (then no view counts blocks).
std::optional<uint64_t> hotplug_block_size(Sysfs& sysfs);

// Whether `device` is in system-ram mode with ranges only root may read: its memory blocks cannot
// be found, and the views say so.
bool ranges_withheld(const Device& device);

// The memory blocks `device` has hot-added, with their zones. Read only in system-ram mode, on a
// kernel with memory hotplug (`block_size`) and when its ranges were readable; else nullopt.
Result<std::optional<DeviceMemory>> read_hot_added_blocks(Sysfs& sysfs, const Device& device,
                                                          std::optional<uint64_t> block_size);

} // namespace dax::cli
