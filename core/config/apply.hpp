#pragma once

#include "core/change/operations.hpp"
#include "core/config/config.hpp"
#include "core/config/match.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace dax {

// One device present and the section of the configuration that decides its state, if any.
struct ConfiguredDevice
{
  DeviceIdentity identity;
  std::optional<size_t> section; // index into ApplyPlan::config.sections
  std::optional<Error> unreadable; // reading it failed: this device fails, the others go on
};

// The configuration matched against every device present.
struct ApplyPlan
{
  Config config;
  std::vector<ConfiguredDevice> devices; // every device, in natural order

  // The section deciding device `name`, or null (none matches, or no such device).
  const ConfigSection* section_of(const DeviceName& name) const;
  // The identity of device `name`, or null when it is not present.
  const DeviceIdentity* identity_of(const DeviceName& name) const;
  // Why device `name` could not be read, or null.
  const Error* unreadable(const DeviceName& name) const;
  // The sections that match no device present (none while a device is unreadable: it may match).
  std::vector<const ConfigSection*> unmatched() const;
  // The section [device NAME] (dax's kind, not daxctl's [reconfigure-device NAME]), or null.
  const ConfigSection* section_named(std::string_view name) const;
  // Of `names`, those section `section` decides, and those that cannot be read (they may match it).
  std::vector<DeviceName> decided_by(const ConfigSection& section, const std::vector<DeviceName>& names) const;
};

// Loads the configuration below `config` and matches every device of `sysfs` to it; call it
// holding the state lock, so that what it read is what the changes act on. Malformed files and
// devices matched by sections that disagree are errors ("FILE:LINE: why"): then nothing may be
// applied at all. A device that cannot be read is kept with its error, to fail alone.
Result<ApplyPlan> plan_apply(Sysfs& sysfs, const ConfigRoot& config);

// What bringing one device to its wanted state did.
struct ApplyReport
{
  DeviceName name;
  Mode before = Mode::devdax; // the mode it was in
  ModeChange mode = ModeChange::already;
  BlockPass blocks;           // the online or offline pass, if one was made
};

// Brings device `name` to `wanted` with the operations of operations.hpp, writing nothing when it
// is there already: devdax -> system-ram (memory as wanted), system-ram -> devdax (refused while
// memory is online unless `force`), devdax <-> famfs (famfs.hpp, refused from system-ram), offline
// blocks onlined, online blocks offlined for "online = no", memory online in the other zone moved
// to the wanted one; all read back. A device a process has open or mapped is never bound to kmem
// (its data would be lost) nor moved between device_dax and fsdev_dax.
Result<ApplyReport> apply_wanted(Context& ctx, const DeviceName& name, const WantedState& wanted, Force force);

} // namespace dax
