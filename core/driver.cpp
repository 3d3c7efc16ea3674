#include "core/driver.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

std::string_view driver_dir_name(Driver driver)
{
  switch (driver) {
  case Driver::device_dax: return "device_dax";
  case Driver::kmem: return "kmem";
  case Driver::fsdev_dax: return "fsdev_dax";
  case Driver::none:
  case Driver::other: break;
  }
  return "";
}

namespace {

std::string device_dir(const DeviceName& name)
{
  return fmt::format("{}/{}", k_dax_devices, name.str());
}

std::string driver_file(Driver driver, std::string_view file)
{
  return fmt::format("{}/{}/{}", k_dax_drivers, driver_dir_name(driver), file);
}

} // namespace

Result<Driver> read_driver(Sysfs& sysfs, const DeviceName& name, std::string* driver_name)
{
  std::string link = device_dir(name) + "/driver";
  if (!sysfs.exists(link)) {
    if (driver_name) driver_name->clear();
    return Driver::none;
  }
  auto target = sysfs.canonical(link);
  if (!target) return std::unexpected(target.error());
  std::string base = target->substr(target->rfind('/') + 1);
  if (driver_name) *driver_name = base;
  for (Driver known : {Driver::kmem, Driver::device_dax, Driver::fsdev_dax}) {
    if (base == driver_dir_name(known)) return known;
  }
  return Driver::other;
}

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
