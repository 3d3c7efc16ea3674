#include "core/model/hotplug.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace dax {

HotplugPlan plan_hotplug(const std::vector<Range>& device_ranges, uint64_t block_size)
{
  HotplugPlan plan;
  for (const auto& range : device_ranges) {
    plan.device_bytes += range.size;
    // kmem: start = ALIGN(start, block); size -= start shift; size &= ~(block - 1).
    uint64_t start = (range.start + block_size - 1) & ~(block_size - 1);
    if (start < range.start) continue; // rounded up past the top of the address space
    uint64_t shift = start - range.start;
    if (shift >= range.size) continue;
    uint64_t size = (range.size - shift) & ~(block_size - 1);
    if (size == 0) continue;
    plan.ranges.push_back({start, size});
    plan.hotplug_bytes += size;
  }
  return plan;
}

std::vector<uint64_t> block_indexes(const HotplugPlan& plan, uint64_t block_size)
{
  std::vector<uint64_t> indexes;
  for (const auto& range : plan.ranges) {
    // Counted, not compared with end(), which is 0 for a range ending at the top of the space.
    for (uint64_t block = 0; block < range.size / block_size; ++block) {
      indexes.push_back(range.start / block_size + block);
    }
  }
  std::sort(indexes.begin(), indexes.end()); // mappings need not be in address order
  return indexes;
}

std::string format_binary_size(uint64_t bytes)
{
  static constexpr std::array<const char*, 5> units{"bytes", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  uint64_t whole = bytes;
  while (unit + 1 < units.size() && whole >= 1024 && whole % 1024 == 0) {
    whole /= 1024;
    ++unit;
  }
  if (whole < 1024 * 10 || unit + 1 == units.size()) {
    return fmt::format("{} {}", whole, units[unit]);
  }
  // Not a whole number of any larger unit: two decimals of the largest unit it reaches.
  double value = static_cast<double>(bytes);
  unit = 0;
  while (unit + 1 < units.size() && value >= 1024.0) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.2f} {}", value, units[unit]);
}

std::string explain_empty_plan(const DeviceName& name, const std::vector<Range>& device_ranges,
                               uint64_t block_size)
{
  if (device_ranges.empty()) {
    return fmt::format("{}: the device has no address range to hot-add", name.str());
  }
  std::string ranges;
  for (const auto& range : device_ranges) {
    if (!ranges.empty()) ranges += ", ";
    ranges += fmt::format("{} range {:#x}-{:#x}", format_binary_size(range.size), range.start,
                          range.end() - 1);
  }
  return fmt::format("{}: {} holds no whole {} memory block", name.str(), ranges,
                     format_binary_size(block_size));
}

} // namespace dax
