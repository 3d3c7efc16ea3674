#pragma once

#include "core/model/device.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax {

// What identifies a device across reboots, as sysfs shows it. Device names (daxX.Y) follow probe
// order; these do not.
struct DeviceIdentity
{
  DeviceName name;
  std::string region;                     // region path as `dax list -R` shows it
  std::vector<Range> ranges;              // its memory (mappings, else resource + size)
  std::vector<std::string> nvdimm_uuids;  // lower case: the nd_dax uuid, then the namespace's own
  std::optional<std::string> cxl_region;  // "regionN" when the device comes from a CXL region
};

// Reads the identity of `device`. Attributes that are absent or unreadable leave their field
// empty (a section naming that identity then does not match); malformed content is an error.
Result<DeviceIdentity> read_identity(Sysfs& sysfs, const Device& device);

// The device's ranges as one contiguous range, if they form one (what `range =` matches).
std::optional<Range> contiguous(std::vector<Range> ranges);

// The lowest start address of `ranges` (what `resource =` matches), none when empty.
std::optional<uint64_t> lowest_start(const std::vector<Range>& ranges);

// "resource 0x101200000, nvdimm.uuid f169...": what a device can be matched by, for messages.
std::string describe(const DeviceIdentity& identity);

} // namespace dax
