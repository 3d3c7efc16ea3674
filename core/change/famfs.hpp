#pragma once

#include "core/change/operations.hpp"

namespace dax {

// famfs mode: the device bound to fsdev_dax (drivers/dax/fsdev.c, Linux 7.2+), which serves the
// famfs file system; daxctl 85's `reconfigure-device --mode=famfs`.

// -> famfs, read back: from devdax (refused while a process has /dev/daxX.Y open or mapped) or
// from no driver. fsdev_dax is loaded if needed; where the kernel has no such driver that is the
// refusal, before any write. device_dax is unbound and fsdev_dax bound; if fsdev_dax does not take
// the device, it is given back to the driver it had. A system-ram device is refused (it must be
// switched to devdax first, as daxctl requires).
Result<OpReport> reconfigure_to_famfs(Context& ctx, const DeviceName& name);

// famfs -> devdax, read back: refused while a process holds /dev/daxX.Y; unbinds fsdev_dax and
// binds device_dax, giving the device back to fsdev_dax if device_dax does not take it.
Result<OpReport> famfs_to_devdax(Context& ctx, const Device& device);

} // namespace dax
