#include "core/change/enable_disable.hpp"

#include "core/change/device_check.hpp"
#include "core/model/device_users.hpp"

#include <fmt/format.h>

namespace dax {

namespace {

// enable-device and disable-device act on devdax devices only, as in daxctl.
Result<void> require_devdax(const Context& ctx, const Device& device)
{
  if (device.driver == Driver::kmem || device.driver == Driver::fsdev_dax) {
    return std::unexpected(refusal(device.name.str(), fmt::format("in {} mode: {}", to_string(device.mode()),
                                                                  ctx.words(Hint::devdax_only, device.name))));
  }
  if (device.driver == Driver::other) return std::unexpected(other_driver_refusal(device));
  return {};
}

// The verdict of enable and disable: the driver read back after the writes. A failed write is
// reported with what it left when that is not as asked.
Result<EnableChange> read_back(Context& ctx, const DeviceName& name, Driver wanted, const Result<void>& written)
{
  auto checked = check_device(ctx.sysfs, name, {std::nullopt, std::nullopt, wanted, {}});
  if (!written) {
    Error error = on_device(name.str(), written.error());
    return std::unexpected(checked ? error : with_outcome(error, checked.error().detail));
  }
  if (!checked) return std::unexpected(checked.error());
  return EnableChange::changed;
}

} // namespace

Result<EnableChange> enable_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (auto devdax = require_devdax(ctx, *device); !devdax) return std::unexpected(devdax.error());
  if (device->driver == Driver::device_dax) return EnableChange::already;
  if (device->size == 0) {
    return std::unexpected(refusal(name.str(), fmt::format("has no memory (size 0); give it a size first ({})",
                                                           ctx.words(Hint::set_size, name))));
  }
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::device_dax); !driver) {
    return std::unexpected(on_device(name.str(), driver.error()));
  }
  return read_back(ctx, name, Driver::device_dax, bind_device(ctx.sysfs, name, Driver::device_dax));
}

Result<EnableChange> disable_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (auto devdax = require_devdax(ctx, *device); !devdax) return std::unexpected(devdax.error());
  if (device->driver == Driver::none) return EnableChange::already;
  auto users = require_known_users(ctx.sysfs, name);
  if (!users) return std::unexpected(users.error());
  if (!users->empty()) {
    return std::unexpected(in_use_refusal(name, *users, "disabling it would take the memory from under them; "
                                                       "stop them first"));
  }
  return read_back(ctx, name, Driver::none, unbind_device(ctx.sysfs, name, Driver::device_dax));
}

} // namespace dax
