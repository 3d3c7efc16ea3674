#include "core/change/device_check.hpp"

#include "core/change/driver.hpp"

#include <fmt/format.h>

#include <numeric>

namespace dax {

std::string hex(uint64_t value)
{
  return value == 0 ? std::string("0") : fmt::format("{:#x}", value);
}

namespace {

// "unbound", "bound to kmem".
std::string binding(Driver driver, const std::string& name)
{
  if (driver == Driver::none) return "unbound";
  return fmt::format("bound to {}", name.empty() ? driver_dir_name(driver) : std::string_view(name));
}

// "0x240000000-0x27fffffff, 0x2c0000000-0x2ffffffff".
std::string describe_ranges(const std::vector<Range>& ranges)
{
  std::string text;
  for (const auto& range : ranges) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{:#x}-{:#x}", range.start, range.end() - 1);
  }
  return text.empty() ? std::string("none") : text;
}

// What of `device` differs from `wanted`, one item each ("size 0 (asked 0x40000000)").
std::vector<std::string> differences(const Device& device, const DeviceWanted& wanted)
{
  std::vector<std::string> items;
  if (wanted.size && device.size != *wanted.size) {
    items.push_back(fmt::format("size {} (asked {})", hex(device.size), hex(*wanted.size)));
  }
  if (wanted.align && device.align != wanted.align) {
    items.push_back(device.align ? fmt::format("align {:#x} (asked {:#x})", *device.align, *wanted.align)
                                 : fmt::format("no align attribute (asked {:#x})", *wanted.align));
  }
  std::vector<Range> ranges;
  for (const auto& mapping : device.mappings) ranges.push_back({mapping.start, mapping.size()});
  uint64_t mapped = std::accumulate(ranges.begin(), ranges.end(), uint64_t{0},
                                    [](uint64_t sum, const Range& range) { return sum + range.size; });
  if (!wanted.mappings.empty() && !ranges.empty() && ranges != wanted.mappings) {
    items.push_back(fmt::format("mappings {} (asked {})", describe_ranges(ranges), describe_ranges(wanted.mappings)));
  } else if (!ranges.empty() && mapped != device.size) {
    items.push_back(fmt::format("its mappings cover {:#x} of its size {}", mapped, hex(device.size)));
  }
  if (wanted.driver && device.driver != *wanted.driver) {
    items.push_back(fmt::format("{} (asked: {})", binding(device.driver, device.driver_name),
                                binding(*wanted.driver, {})));
  }
  return items;
}

} // namespace

Result<void> check_device(Sysfs& sysfs, const DeviceName& name, const DeviceWanted& wanted)
{
  auto device = read_device(sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  auto items = differences(*device, wanted);
  if (items.empty()) return {};
  return std::unexpected(refusal(name.str(), fmt::format("read back after the writes: {}", fmt::join(items, "; "))));
}

} // namespace dax
