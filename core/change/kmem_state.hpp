#pragma once

#include "core/base/error.hpp"
#include "core/base/parse.hpp"
#include "core/change/block_pass.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/memory.hpp"

#include <optional>
#include <string>

namespace dax {

// The whole-device hotplug state of a kmem device, `daxX.Y/state` (Gregory Price's "dax/kmem:
// atomic whole-device hotplug", v7, applied to the mm tree in 2026 for Linux 7.3; no kernel we can
// boot has it yet). The file exists only while kmem holds the device; dax uses it when present and
// the per-block `memoryN/state` files otherwise. The ABI, as dax relies on it:
//  - writable: unplugged, online (the kernel picks the zone), online_kernel, online_movable; dax
//    writes only unplugged and the explicit online_kernel / online_movable;
//  - offline is read only (EINVAL to write): the blocks were hot-added offline at bind
//    (auto_online_blocks=offline); dax offlines block by block instead;
//  - onlining only from unplugged (EBUSY otherwise), all blocks or none; unplugging offlines and
//    removes every block or puts them all back;
//  - writing the current state is a no-op success, even when it is stale: the kernel does not
//    update it for per-block writes, so dax decides from the blocks and reads them back.
enum class KmemState { unplugged, offline, online, online_kernel, online_movable };

std::string_view to_string(KmemState state);

// daxX.Y/state.
std::string kmem_state_path(const DeviceName& name);

// The device's state, or nothing when the kernel has no such file (or kmem is not bound).
Result<std::optional<KmemState>> read_kmem_state(Sysfs& sysfs, const DeviceName& name);

// Onlines an unplugged device in one write: the kernel adds and onlines every block as `as`,
// or none of them.
Result<void> plug_device(Sysfs& sysfs, const DeviceName& name, OnlineAs as);

// Offlines and removes every block of the device in one write ("unplugged"): the kernel does all
// or, failing, puts them back as they were. EBUSY (pages still being migrated) is tried again as
// `retry` says.
Result<void> unplug_device(Sysfs& sysfs, const DeviceName& name, const BusyRetry& retry);

} // namespace dax
