#pragma once

#include "core/kernel/modules.hpp"
#include "core/model/device.hpp"

namespace dax {

// Makes sure /sys/bus/dax/drivers/<driver> exists, loading the module through `loader` if not.
Result<void> ensure_driver(Sysfs& sysfs, ModuleLoader& loader, Driver driver);

// Takes `name` off `driver`'s id list (remove_id), so that the driver does not take it (again).
Result<void> remove_device_id(Sysfs& sysfs, const DeviceName& name, Driver driver);

// Unbinds `name` from its current driver `from`: remove_id then unbind, as daxctl does, so
// that the driver does not take the device back. Checks the link is gone afterwards.
Result<void> unbind_device(Sysfs& sysfs, const DeviceName& name, Driver from);

// Binds the unbound device `name` to `to`: new_id (which binds an unbound device at once),
// then bind only if the link is not there yet; checks the link afterwards.
Result<void> bind_device(Sysfs& sysfs, const DeviceName& name, Driver to);

// Binds `name` back to `former` after a switch to another driver failed, and says how that went:
// "the device was given back to device_dax", or why it is left unbound.
std::string give_back(Sysfs& sysfs, const DeviceName& name, Driver former);

} // namespace dax
