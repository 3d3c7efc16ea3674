#pragma once

#include "core/change/operations.hpp"

namespace dax {

// Enabling and disabling a devdax device: binding it to device_dax or unbinding it, in any region
// (static NVDIMM regions as well as dynamic ones).

// Whether enable/disable had something to do.
enum class EnableChange { changed, already };

// Binds a devdax device to device_dax (loading it if needed). Enabled already is success;
// a system-ram device or one of size 0 is refused.
Result<EnableChange> enable_device(Context& ctx, const DeviceName& name);

// Unbinds a devdax device from device_dax. Disabled already is success; a system-ram device or
// one a process has open or mapped is refused.
Result<EnableChange> disable_device(Context& ctx, const DeviceName& name);

} // namespace dax
