#include "cmd/view/device_blocks.hpp"

#include "core/model/memory.hpp"

namespace dax::cli {

std::optional<uint64_t> hotplug_block_size(Sysfs& sysfs)
{
  auto size = read_block_size(sysfs);
  if (!size) return std::nullopt;
  return *size;
}

bool ranges_withheld(const Device& device)
{
  return device.mode() == Mode::system_ram && device.ranges().empty();
}

Result<std::optional<DeviceMemory>> read_hot_added_blocks(Sysfs& sysfs, const Device& device,
                                                          std::optional<uint64_t> block_size)
{
  if (device.mode() != Mode::system_ram || !block_size || device.ranges().empty()) return std::nullopt;
  auto memory = read_device_memory(sysfs, device, *block_size, WithZone::yes);
  if (!memory) return std::unexpected(memory.error());
  return std::move(*memory);
}

} // namespace dax::cli
