#pragma once

#include "core/model/device.hpp"

#include <optional>
#include <vector>

namespace dax {

// Outcome truth for a device's own attributes: what create, resize, enable and disable asked for,
// read back from the kernel after their writes. The writes' return values never decide the verdict.

// printf's "%#llx", as libdaxctl writes sizes and ranges ("0" for zero).
std::string hex(uint64_t value);

// What a device should read back as; a field left empty is not asked about.
struct DeviceWanted
{
  std::optional<uint64_t> size;
  std::optional<uint64_t> align;
  std::optional<Driver> driver; // Driver::none: unbound
  std::vector<Range> mappings;  // exact ranges in page_offset order (create --input); empty: not asked
};

// Reads device `name` and fails unless it is as `wanted`, saying what it read ("dax1.1: read back
// after the writes: size 0 (asked 0x40000000); unbound (asked: bound to device_dax)"). The ranges
// of its mappings, where readable, must also add up to its size.
Result<void> check_device(Sysfs& sysfs, const DeviceName& name, const DeviceWanted& wanted);

} // namespace dax
