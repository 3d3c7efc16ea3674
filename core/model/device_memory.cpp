#include "core/model/device_memory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace dax {

unsigned DeviceMemory::online_count() const
{
  return static_cast<unsigned>(std::count_if(
    blocks.begin(), blocks.end(), [](const MemoryBlock& b) { return b.state != BlockState::offline; }));
}

std::optional<bool> DeviceMemory::movable() const
{
  if (blocks.empty() || !missing.empty() || online_count() != blocks.size()) return std::nullopt;
  return std::all_of(blocks.begin(), blocks.end(),
                     [](const MemoryBlock& b) { return b.zone == Zone::movable; });
}

Result<DeviceMemory> read_device_memory(Sysfs& sysfs, const Device& device, uint64_t block_size,
                                        WithZone with_zone)
{
  if (device.size > 0 && device.ranges().empty()) {
    return std::unexpected(refusal(device.name.str(), "cannot read its address ranges (mapping*/start and "
                                                      "resource are readable by root only), so not its memory blocks"));
  }
  DeviceMemory memory;
  memory.plan = plan_hotplug(device.ranges(), block_size);
  if (uint64_t count = memory.plan.hotplug_bytes / block_size; count > k_max_device_blocks) {
    return std::unexpected(refusal(device.name.str(),
                                   fmt::format("spans {} memory blocks of {} bytes, more than the {} dax handles: is "
                                               "block_size_bytes or the device's range wrong?",
                                               count, block_size, k_max_device_blocks)));
  }
  for (uint64_t index : block_indexes(memory.plan, block_size)) {
    auto block = read_block(sysfs, index, with_zone);
    if (block) {
      memory.blocks.push_back(*block);
    } else if (block.error().code != ENOENT || sysfs.exists(block_path(index))) {
      return std::unexpected(on_device(device.name.str(), block.error())); // a file missing in memoryN
    } else {
      memory.missing.push_back(index);
    }
  }
  if (memory.blocks.empty()) memory.missing.clear(); // nothing hot-added: devdax mode
  return memory;
}

} // namespace dax
