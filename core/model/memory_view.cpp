#include "core/model/memory_view.hpp"

#include "core/base/parse.hpp"
#include "core/model/hotplug.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <numeric>

namespace dax {

namespace {

// The node of block `index` from its "nodeN" link; absent when the block has none.
Result<std::optional<int>> block_node(Sysfs& sysfs, uint64_t index)
{
  auto names = sysfs.list(block_path(index));
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) {
    if (name.size() < 5 || !name.starts_with("node")) continue;
    std::string_view digits = std::string_view(name).substr(4);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (auto node = parse_int(digits)) return std::optional<int>(*node);
  }
  return std::optional<int>{};
}

// Whether block `block` continues `group` (next index, same state, zone and node).
bool continues(const BlockGroup& group, const BlockGroup& block)
{
  return block.first == group.first + group.count && block.state == group.state &&
         block.zone == group.zone && block.node == group.node;
}

// Appends `block` to `groups`, into the last group when it continues it.
void add_block(std::vector<BlockGroup>& groups, const BlockGroup& block)
{
  if (!groups.empty() && continues(groups.back(), block)) ++groups.back().count;
  else groups.push_back(block);
}

} // namespace

std::vector<RangeAlignment> align_ranges(const std::vector<Range>& ranges, uint64_t block_size)
{
  std::vector<RangeAlignment> result;
  for (const auto& range : ranges) {
    RangeAlignment alignment{range, std::nullopt, range.size, 0};
    HotplugPlan plan = plan_hotplug({range}, block_size);
    if (!plan.empty()) {
      const Range& hotplug = plan.ranges.front();
      alignment.hotplug = hotplug;
      alignment.lost_before = hotplug.start - range.start;
      alignment.lost_after = range.size - alignment.lost_before - hotplug.size;
    }
    result.push_back(alignment);
  }
  return result;
}

uint64_t MemoryView::lost_bytes() const
{
  return std::accumulate(ranges.begin(), ranges.end(), uint64_t(0),
                         [](uint64_t sum, const RangeAlignment& r) { return sum + r.lost(); });
}

uint64_t MemoryView::blocks_in(std::optional<BlockState> state) const
{
  uint64_t count = 0;
  for (const auto& group : groups) {
    if (group.state == state) count += group.count;
  }
  return count;
}

Result<MemoryView> read_memory_view(Sysfs& sysfs, const Device& device, uint64_t block_size)
{
  MemoryView view;
  view.block_size = block_size;
  view.ranges = align_ranges(device.ranges(), block_size);
  // Ranges readable by root only: no blocks to show, and the view says the loss is unknown.
  if (device.ranges().empty()) return view;
  auto memory = read_device_memory(sysfs, device, block_size, WithZone::yes);
  if (!memory) return std::unexpected(memory.error());
  view.hotplug_bytes = memory->plan.hotplug_bytes;
  auto present = memory->blocks.begin();
  for (uint64_t index : block_indexes(memory->plan, block_size)) {
    BlockGroup block{index, 1, std::nullopt, {}, std::nullopt};
    if (present != memory->blocks.end() && present->index == index) {
      block.state = present->state;
      block.zone = present->zone;
      auto node = block_node(sysfs, index);
      if (!node) return std::unexpected(node.error());
      block.node = *node;
      ++present;
    }
    add_block(view.groups, block);
  }
  return view;
}

Result<std::vector<BlockGroup>> read_node_blocks(Sysfs& sysfs, int node)
{
  auto names = sysfs.list(fmt::format("{}/node{}", k_node_root, node));
  if (!names) return std::unexpected(names.error());
  std::vector<uint64_t> indexes;
  for (const auto& name : *names) {
    if (!name.starts_with("memory")) continue; // also memory_side_cache, not a block
    if (auto index = parse_u64(std::string_view(name).substr(6))) indexes.push_back(*index);
  }
  std::sort(indexes.begin(), indexes.end());
  std::vector<BlockGroup> groups;
  for (uint64_t index : indexes) {
    auto block = read_block(sysfs, index, WithZone::yes);
    if (!block) return std::unexpected(block.error());
    add_block(groups, BlockGroup{index, 1, block->state, block->zone, node});
  }
  return groups;
}

} // namespace dax
