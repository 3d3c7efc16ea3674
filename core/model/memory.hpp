#pragma once

#include "core/base/error.hpp"
#include "core/base/types.hpp"
#include "core/kernel/sysfs.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dax {

// A memory block's `state` file.
enum class BlockState { online, offline, going_offline };

std::string_view to_string(BlockState state);

// /sys/devices/system/memory/memoryN.
std::string block_path(uint64_t index);

// One memory block as read from sysfs.
struct MemoryBlock
{
  uint64_t index = 0;
  BlockState state = BlockState::offline;
  std::optional<Zone> zone; // of an online block, when read (WithZone::yes); absent when offline or unknown
                            // (no valid_zones without CONFIG_MEMORY_HOTREMOVE)
};

// No kernel has memory blocks smaller than this (the smallest, powerpc's sections, are 16 MiB).
inline constexpr uint64_t k_min_block_size = uint64_t(1) << 20;

// No kernel has memory blocks larger than this (x86-64's largest are 2 GiB); a larger value is
// malformed sysfs, not a reason to compute with absurd numbers.
inline constexpr uint64_t k_max_block_size = uint64_t(64) << 30;

// `block_size_bytes` (hex): the size of a memory block, checked to be a power of two from 1 MiB
// to 64 GiB.
Result<uint64_t> read_block_size(Sysfs& sysfs);

// Reads `state` of block `index` alone.
Result<BlockState> read_block_state(Sysfs& sysfs, uint64_t index);

// Reads `state` of block `index` and, when it is online and `with_zone`, `valid_zones`.
// A block that does not exist gives ENOENT.
enum class WithZone { no, yes };
Result<MemoryBlock> read_block(Sysfs& sysfs, uint64_t index, WithZone with_zone);

// Block indexes as compact ranges: "memory160-175, memory180" (sorted, duplicates dropped).
std::string describe_blocks(std::vector<uint64_t> indexes);

} // namespace dax
