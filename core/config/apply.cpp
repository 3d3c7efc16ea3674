#include "core/config/apply.hpp"

#include "core/change/famfs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace dax {

const ConfigSection* ApplyPlan::section_of(const DeviceName& name) const
{
  for (const auto& device : devices) {
    if (device.identity.name == name && device.section) return &config.sections[*device.section];
  }
  return nullptr;
}

const DeviceIdentity* ApplyPlan::identity_of(const DeviceName& name) const
{
  for (const auto& device : devices) {
    if (device.identity.name == name) return &device.identity;
  }
  return nullptr;
}

const Error* ApplyPlan::unreadable(const DeviceName& name) const
{
  for (const auto& device : devices) {
    if (device.identity.name == name && device.unreadable) return &*device.unreadable;
  }
  return nullptr;
}

std::vector<const ConfigSection*> ApplyPlan::unmatched() const
{
  std::vector<const ConfigSection*> result;
  if (std::any_of(devices.begin(), devices.end(), [](const ConfiguredDevice& d) { return d.unreadable.has_value(); })) {
    return result;
  }
  for (const auto& section : config.sections) {
    if (std::none_of(devices.begin(), devices.end(),
                     [&](const ConfiguredDevice& device) { return matches(section.match, device.identity); })) {
      result.push_back(&section);
    }
  }
  return result;
}

const ConfigSection* ApplyPlan::section_named(std::string_view name) const
{
  for (const auto& section : config.sections) {
    if (section.kind == SectionKind::device && section.name == name) return &section;
  }
  return nullptr;
}

std::vector<DeviceName> ApplyPlan::decided_by(const ConfigSection& section, const std::vector<DeviceName>& names) const
{
  std::vector<DeviceName> result;
  std::copy_if(names.begin(), names.end(), std::back_inserter(result),
               [&](const DeviceName& name) { return section_of(name) == &section || unreadable(name) != nullptr; });
  return result;
}

Result<ApplyPlan> plan_apply(Sysfs& sysfs, const ConfigRoot& config_root)
{
  ApplyPlan plan;
  auto config = load_config(config_root);
  if (!config) return std::unexpected(config.error());
  plan.config = std::move(*config);
  auto names = list_device_names(sysfs);
  if (!names) return std::unexpected(names.error());
  for (const auto& name : *names) {
    auto device = read_device(sysfs, name);
    Result<DeviceIdentity> identity = device ? read_identity(sysfs, *device) : std::unexpected(device.error());
    if (!identity) {
      plan.devices.push_back({DeviceIdentity{name, {}, {}, {}, {}}, std::nullopt, on_device(name.str(), identity.error())});
      continue;
    }
    auto section = find_section(plan.config, *identity);
    if (!section) return std::unexpected(section.error());
    ConfiguredDevice configured{std::move(*identity), std::nullopt, std::nullopt};
    if (*section) configured.section = static_cast<size_t>(*section - plan.config.sections.data());
    plan.devices.push_back(std::move(configured));
  }
  return plan;
}

Result<ApplyReport> apply_wanted(Context& ctx, const DeviceName& name, const WantedState& wanted, Force force)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (device->driver == Driver::other) {
    return std::unexpected(other_driver_refusal(*device));
  }
  ApplyReport report{name, device->mode(), ModeChange::already, {}};
  auto take = [&](Result<OpReport> done) -> Result<ApplyReport> {
    if (!done) return std::unexpected(done.error());
    report.mode = done->mode;
    report.blocks = std::move(done->blocks);
    return report;
  };
  if (wanted.mode == Mode::devdax) return take(reconfigure_to_devdax(ctx, name, force));
  if (wanted.mode == Mode::famfs) return take(reconfigure_to_famfs(ctx, name));
  return take(reconfigure_to_system_ram(ctx, name, {wanted.online, wanted.as, InUse::refuse, MemmapOnMemory::keep}));
}

} // namespace dax
