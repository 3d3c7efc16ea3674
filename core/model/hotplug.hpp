#pragma once

#include "core/model/device.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dax {

// The part of a device that kmem hot-adds: per range, the start rounded up to `block_size`
// and the size, less that shift, rounded down to whole blocks (drivers/dax/kmem.c).
struct HotplugPlan
{
  std::vector<Range> ranges;  // aligned, non-empty ranges only
  uint64_t device_bytes = 0;  // the sum of the device's ranges
  uint64_t hotplug_bytes = 0; // the sum of `ranges`

  uint64_t lost_bytes() const { return device_bytes - hotplug_bytes; }
  bool empty() const { return ranges.empty(); }
};

// Aligns every range of `device_ranges` to `block_size` (a power of two); empty ones are dropped.
HotplugPlan plan_hotplug(const std::vector<Range>& device_ranges, uint64_t block_size);

// The memory block numbers (memoryN) covering `plan`, ascending.
std::vector<uint64_t> block_indexes(const HotplugPlan& plan, uint64_t block_size);

// "dax0.0: 256 MiB range 0x40000000-0x4fffffff holds no whole 2 GiB memory block": why a device
// cannot become System RAM, with the numbers.
std::string explain_empty_plan(const DeviceName& name, const std::vector<Range>& device_ranges,
                               uint64_t block_size);

// "512 MiB", "2 GiB", "1006 MiB", "4 KiB": a size in the largest binary unit that divides it,
// else with two decimals.
std::string format_binary_size(uint64_t bytes);

} // namespace dax
