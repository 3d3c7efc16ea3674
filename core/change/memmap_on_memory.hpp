#pragma once

#include "core/base/error.hpp"
#include "core/change/hint.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/device.hpp"

#include <optional>
#include <string>

namespace dax {

// Whether kmem places the memory map (struct pages) of the device's blocks on the device itself
// instead of in boot RAM: `daxX.Y/memmap_on_memory` (Linux 6.8+), read by kmem when it binds.
// `keep` leaves the attribute alone (and works on every kernel).
enum class MemmapOnMemory { keep, on, off };

// daxX.Y/memmap_on_memory.
std::string memmap_on_memory_path(const DeviceName& name);

// The device's setting, or nothing when the kernel has no such attribute (before 6.8).
Result<std::optional<bool>> read_memmap_on_memory(Sysfs& sysfs, const DeviceName& name);

// What to write before kmem binds `device`, or nothing when the attribute already says `wanted`
// (or `wanted` is keep). Refuses, writing nothing, when the kernel cannot do it: no attribute
// (before 6.8), the global memory_hotplug.memmap_on_memory is off, or the device is bound to kmem
// already (the kernel would say EBUSY: the setting only applies when kmem binds).
// `hint` words what to do about a refusal.
Result<std::optional<bool>> plan_memmap_on_memory(Sysfs& sysfs, const Device& device, MemmapOnMemory wanted,
                                                  const HintWords& hint);

// Writes the setting ("1" or "0").
Result<void> write_memmap_on_memory(Sysfs& sysfs, const DeviceName& name, bool on);

} // namespace dax
