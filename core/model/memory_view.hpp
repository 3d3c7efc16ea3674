#pragma once

#include "core/model/device.hpp"
#include "core/model/device_memory.hpp"
#include "core/model/memory.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dax {

// How one range of a device fares under kmem's block alignment (plan_hotplug on that range).
struct RangeAlignment
{
  Range range;                  // the device's range (a mapping, or resource + size)
  std::optional<Range> hotplug; // the whole blocks inside it; absent when none fits
  uint64_t lost_before = 0;     // bytes before the first whole block (the whole range when none fits)
  uint64_t lost_after = 0;      // bytes after the last whole block

  bool too_small() const { return !hotplug.has_value(); }
  uint64_t lost() const { return lost_before + lost_after; }
};

// Aligns each of `ranges` to `block_size` separately, in the order given.
std::vector<RangeAlignment> align_ranges(const std::vector<Range>& ranges, uint64_t block_size);

// Consecutive memory blocks of a device that share state, zone and node: one row of the view,
// as lsmem merges blocks into ranges.
struct BlockGroup
{
  uint64_t first = 0;              // the first block index (memoryN)
  uint64_t count = 0;              // blocks in the group
  std::optional<BlockState> state; // absent: the blocks are not hot-added (devdax mode)
  std::optional<Zone> zone;        // of online blocks; absent when offline or not hot-added
  std::optional<int> node;         // the node the blocks belong to (their nodeN link)

  uint64_t last() const { return first + count - 1; }
  Range range(uint64_t block_size) const { return {first * block_size, count * block_size}; }
};

// The memory view of one device: its ranges under alignment and its blocks, grouped.
struct MemoryView
{
  uint64_t block_size = 0;
  std::vector<RangeAlignment> ranges;
  std::vector<BlockGroup> groups; // ascending by block index
  uint64_t hotplug_bytes = 0;     // what kmem adds: the sum of the aligned ranges

  uint64_t lost_bytes() const;
  uint64_t blocks_in(std::optional<BlockState> state) const; // blocks in groups with `state`
};

// Reads the view of `device`: which of its blocks exist, their state, zone and node. Blocks that
// do not exist (devdax mode) form groups without a state.
Result<MemoryView> read_memory_view(Sysfs& sysfs, const Device& device, uint64_t block_size);

// The memory blocks of NUMA node `node` (its memoryN links), grouped by state, zone and node, as
// lsmem reads them: from files every user may read, without a device's root-only ranges.
Result<std::vector<BlockGroup>> read_node_blocks(Sysfs& sysfs, int node);

} // namespace dax
