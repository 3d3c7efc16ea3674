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
  std::vector<uint64_t> missing;   // blocks of the plan without a memoryN while others have one

  // Blocks counted from the device's ranges once any is hot-added: present or missing.
  size_t total_count() const { return blocks.size() + missing.size(); }
  // Blocks online or going offline: memory the system still uses.
  unsigned online_count() const;
  // True when every block is online in zone Movable, false when every block is online and one is
  // not Movable, absent when a block is offline (daxctl's rule for "movable").
  std::optional<bool> movable() const;
};

// More blocks than any real device has (16 Mi blocks of 128 MiB are 2 PiB): a larger count means
// a malformed tree, refused rather than allocated.
inline constexpr uint64_t k_max_device_blocks = uint64_t(1) << 24;

// Reads the blocks of `device`. A block whose memoryN directory does not exist is not hot-added:
// skipped when no block is (devdax mode), else listed in `missing`. A missing file inside an
// existing memoryN, or ranges that cannot be read (mapping and resource are root-only), fail.
Result<DeviceMemory> read_device_memory(Sysfs& sysfs, const Device& device, uint64_t block_size,
                                        WithZone with_zone);

} // namespace dax
