#pragma once

#include "core/change/block_pass.hpp"
#include "core/change/driver.hpp"
#include "core/change/hint.hpp"
#include "core/change/memmap_on_memory.hpp"
#include "core/kernel/modules.hpp"
#include "core/model/device.hpp"
#include "core/model/device_memory.hpp"
#include "core/model/memory.hpp"

#include <functional>
#include <string>

namespace dax {

// What every operation needs: the kernel's files, a module loader, the EBUSY retry policy,
// where to say things that are not errors ("dax0.0: already in system-ram mode"), and the words
// for hints in messages.
struct Context
{
  Sysfs& sysfs;
  ModuleLoader& loader;
  BusyRetry retry;
  std::function<void(const std::string&)> note;
  PassControl control = {}; // Ctrl-C and progress over long block passes
  HintWords hint = {};       // how the command that ran words what the user can do (cmd/common/hints.hpp)

  // The words for `what` about device `name` (core's messages name no flag or command themselves).
  std::string words(Hint what, const DeviceName& name) const { return word(hint, what, name.str()); }
};

// Whether to offline online memory before unbinding kmem (devdax), or to refuse.
enum class Force { no, yes };

// Whether to bind kmem over a device a process has open or mapped (its data is lost), or to refuse.
enum class InUse { refuse, destroy_data };

struct SystemRamOptions
{
  OnlineAfter online = OnlineAfter::yes;
  OnlineAs as = OnlineAs::movable;
  InUse in_use = InUse::refuse;
  MemmapOnMemory memmap = MemmapOnMemory::keep; // set before kmem binds (Linux 6.8+)
};

// Whether an operation changed the device's mode.
enum class ModeChange { changed, already };

// What one operation did to one device.
struct OpReport
{
  DeviceName name;
  ModeChange mode = ModeChange::already;
  BlockPass blocks; // the online or offline pass, if one was made
};

// -> system-ram, memory as asked: from devdax it checks target_node, the hotplug range, and that no
// process has /dev/daxX.Y open or mapped (unless `in_use` says to destroy their data), then loads
// kmem if needed, sets memmap_on_memory if asked, unbinds device_dax and binds kmem, holding back
// the kernel's auto-onlining for that bind when it would not give what was asked (auto_online.hpp).
// A famfs device (fsdev_dax) is taken as a devdax one is. If kmem does not bind, the device is
// given back to the driver it had (device_dax for an unbound one) as it was. Then, also for a device
// already in system-ram mode, the memory is brought to what was asked and read back
// (reach_request: blocks online in the other zone are moved), and the driver is read back.
Result<OpReport> reconfigure_to_system_ram(Context& ctx, const DeviceName& name,
                                           const SystemRamOptions& options);

// famfs -> devdax: famfs_to_devdax (famfs.hpp).
// system-ram -> devdax: refuses while blocks are online unless `force`, which offlines them first
// (all at once through daxX.Y/state where the kernel has it, else block by block, re-onlining
// them if one cannot be offlined); then unbinds kmem and binds device_dax.
// kmem is never unbound while a block of the device is online.
Result<OpReport> reconfigure_to_devdax(Context& ctx, const DeviceName& name, Force force);

// Onlines the memory of a system-ram device as `as`, moving blocks online in the other zone, and
// reads it back (reach_request).
Result<OpReport> online_device(Context& ctx, const DeviceName& name, OnlineAs as);

// Offlines the online blocks of a system-ram device, read back.
Result<OpReport> offline_device(Context& ctx, const DeviceName& name);

} // namespace dax
