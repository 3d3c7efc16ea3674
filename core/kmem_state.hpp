#pragma once

#include "error.hpp"
#include "memory.hpp"
#include "parse.hpp"
#include "sysfs.hpp"

#include <optional>
#include <string>

namespace dax {

// The whole-device hotplug state of a kmem device, `daxX.Y/state` (proposed upstream in 2026 by
// Gregory Price, "dax/kmem: atomic whole-device hotplug"; no released kernel is known to have it).
// kmem creates the file while bound; dax uses it when present and falls back to the per-block
// `memoryN/state` files otherwise.
//  - unplugged: kmem is bound but the memory blocks are not present (per-block onlining is
//    impossible); the only way back is writing an online state.
//  - offline: read only, the blocks were hot-added offline (auto_online_blocks=offline).
//  - online, online_kernel, online_movable: the last whole-device write. The kernel does not
//    update it when blocks are changed one by one, so it may be stale; dax trusts the blocks.
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
