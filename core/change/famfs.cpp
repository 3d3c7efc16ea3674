#include "core/change/famfs.hpp"

#include "core/change/reach.hpp"
#include "core/model/device_users.hpp"

#include <fmt/format.h>

namespace dax {

namespace {

// Refuses taking a device from the processes that hold its character device.
Result<void> check_not_in_use(Context& ctx, const Device& device, Mode to)
{
  auto users = require_known_users(ctx.sysfs, device.name);
  if (!users) return std::unexpected(users.error());
  if (users->empty()) return {};
  return std::unexpected(in_use_refusal(device.name, *users, fmt::format("switching it to {} mode would take it from "
                                                                        "under them; stop them first", to_string(to))));
}

// Loads the driver of `to` if needed; a kernel without fsdev_dax is said so plainly.
Result<void> ensure_mode_driver(Context& ctx, const DeviceName& name, Mode to)
{
  auto loaded = ensure_driver(ctx.sysfs, ctx.loader, driver_of(to));
  if (loaded) return {};
  if (to != Mode::famfs) return std::unexpected(on_device(name.str(), loaded.error()));
  return std::unexpected(refusal(name.str(), fmt::format("the kernel has no fsdev_dax driver, which famfs mode needs "
                                                         "(Linux 7.2 or later); nothing was changed ({})",
                                                         loaded.error().message()),
                                 loaded.error()));
}

// Moves `device` from the driver it has to the one of `to`, giving it back if `to`'s does not
// take it; the driver is read back.
Result<OpReport> switch_driver(Context& ctx, const Device& device, Mode to)
{
  const DeviceName& name = device.name;
  if (device.driver != Driver::none) {
    if (auto users = check_not_in_use(ctx, device, to); !users) return std::unexpected(users.error());
  }
  if (auto loaded = ensure_mode_driver(ctx, name, to); !loaded) return std::unexpected(loaded.error());
  Driver target = driver_of(to);
  if (device.driver != Driver::none) {
    if (auto unbound = unbind_device(ctx.sysfs, name, device.driver); !unbound) {
      return std::unexpected(on_device(name.str(), unbound.error()));
    }
  }
  if (auto bound = bind_device(ctx.sysfs, name, target); !bound) {
    (void)remove_device_id(ctx.sysfs, name, target);
    std::string outcome = device.driver == Driver::none ? "the device is left unbound"
                                                       : give_back(ctx.sysfs, name, device.driver);
    return std::unexpected(with_outcome(on_device(name.str(), bound.error()), outcome));
  }
  if (auto now = check_driver(ctx.sysfs, name, target); !now) return std::unexpected(now.error());
  return OpReport{name, ModeChange::changed, {}};
}

} // namespace

Result<OpReport> reconfigure_to_famfs(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  switch (device->driver) {
  case Driver::fsdev_dax: return OpReport{name, ModeChange::already, {}};
  case Driver::other: return std::unexpected(other_driver_refusal(*device));
  case Driver::kmem:
    return std::unexpected(refusal(name.str(), fmt::format("in system-ram mode; must be in devdax mode to convert to "
                                                           "famfs ({} first)", ctx.words(Hint::to_devdax, name))));
  case Driver::none:
  case Driver::device_dax: break;
  }
  return switch_driver(ctx, *device, Mode::famfs);
}

Result<OpReport> famfs_to_devdax(Context& ctx, const Device& device)
{
  return switch_driver(ctx, device, Mode::devdax);
}

} // namespace dax
