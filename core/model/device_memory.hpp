#pragma once

#include "core/model/device.hpp"
#include "core/model/hotplug.hpp"
#include "core/model/memory.hpp"

namespace dax {

// The memory blocks a device has hot-added, found by name from its aligned ranges
// (memoryN with N = address / block size), never by scanning every block.
struct DeviceMemory
{
  HotplugPlan plan;
  std::vector<MemoryBlock> blocks; // the blocks that exist, ascending; none in devdax mode

  unsigned online_count() const;
  // True when every block is online in zone Movable, false when every block is online and one is
  // not Movable, absent when a block is offline (daxctl's rule for "movable").
  std::optional<bool> movable() const;
};

// More blocks than any real device has (16 Mi blocks of 128 MiB are 2 PiB): a larger count means
// a malformed tree, refused rather than allocated.
inline constexpr uint64_t k_max_device_blocks = uint64_t(1) << 24;

// Reads the blocks of `device`. Blocks that do not exist are skipped; any other read error fails.
Result<DeviceMemory> read_device_memory(Sysfs& sysfs, const Device& device, uint64_t block_size,
                                        WithZone with_zone);

} // namespace dax
