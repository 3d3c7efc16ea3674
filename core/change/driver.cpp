#include "core/change/driver.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

namespace {

std::string driver_file(Driver driver, std::string_view file)
{
  return fmt::format("{}/{}/{}", k_dax_drivers, driver_dir_name(driver), file);
}

} // namespace

Result<void> ensure_driver(Sysfs& sysfs, ModuleLoader& loader, Driver driver)
{
  std::string dir = fmt::format("{}/{}", k_dax_drivers, driver_dir_name(driver));
  if (sysfs.exists(dir)) return {};
  auto loaded = loader.load(driver_dir_name(driver));
  if (!loaded) return std::unexpected(loaded.error());
  if (!sysfs.exists(dir)) {
    return std::unexpected(logic_error("load driver", std::string(driver_dir_name(driver)),
                                       fmt::format("the module loaded but {} did not appear", dir)));
  }
  return {};
}

Result<void> remove_device_id(Sysfs& sysfs, const DeviceName& name, Driver driver)
{
  return sysfs.write(driver_file(driver, "remove_id"), name.str());
}

Result<void> unbind_device(Sysfs& sysfs, const DeviceName& name, Driver from)
{
  if (auto removed = remove_device_id(sysfs, name, from); !removed) return removed;
  if (auto unbound = sysfs.write(driver_file(from, "unbind"), name.str()); !unbound) {
    return std::unexpected(unbound.error());
  }
  auto now = read_driver(sysfs, name);
  if (!now) return std::unexpected(now.error());
  if (*now != Driver::none) {
    return std::unexpected(logic_error(fmt::format("unbind {} from", name.str()),
                                       std::string(driver_dir_name(from)),
                                       "the device is still bound after the unbind write"));
  }
  return {};
}

Result<void> bind_device(Sysfs& sysfs, const DeviceName& name, Driver to)
{
  if (auto added = sysfs.write(driver_file(to, "new_id"), name.str()); !added) {
    return std::unexpected(added.error());
  }
  auto now = read_driver(sysfs, name);
  if (!now) return std::unexpected(now.error());
  if (*now == Driver::none) {
    // new_id binds an unbound device at once; bind is only needed where it did not.
    if (auto bound = sysfs.write(driver_file(to, "bind"), name.str()); !bound) {
      return std::unexpected(bound.error());
    }
    now = read_driver(sysfs, name);
    if (!now) return std::unexpected(now.error());
  }
  if (*now != to) {
    return std::unexpected(logic_error(fmt::format("bind {} to", name.str()),
                                       std::string(driver_dir_name(to)),
                                       "the driver did not take the device (see dmesg)"));
  }
  return {};
}

std::string give_back(Sysfs& sysfs, const DeviceName& name, Driver former)
{
  auto back = bind_device(sysfs, name, former);
  if (back) return fmt::format("the device was given back to {}", driver_dir_name(former));
  return fmt::format("giving it back to {} failed too ({}): the device is left unbound", driver_dir_name(former),
                     back.error().message());
}

} // namespace dax
