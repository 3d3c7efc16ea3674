#pragma once

#include "core/kernel/sysfs.hpp"
#include "core/model/device.hpp"
#include "core/model/hotplug_policy.hpp"
#include "core/model/memory.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax {

// What a request for a device's memory is: offline, or online in a zone.
struct MemoryRequest
{
  OnlineAfter online = OnlineAfter::yes;
  OnlineAs as = OnlineAs::movable;
};

// The kernel's state file value that gives exactly `request` at hot-add without a choice of its
// own ("online_movable", "online_kernel", "offline"): only that policy needs no window.
AutoOnline exact_policy(MemoryRequest request);

// What binding kmem did about auto_online_blocks.
struct KmemBindReport
{
  std::optional<AutoOnline> held;      // the policy that was set to offline for the bind and restored
  ZonePolicy zone_policy = ZonePolicy::contig_zones;
  std::vector<uint64_t> others_onlined; // blocks another agent hot-added meanwhile, onlined as `held` says
  std::vector<Error> others_failed;     // the same that could not be onlined: left offline
};

// Binds kmem to the unbound device `name` (whose memory blocks are `own`) so that its memory
// comes up as `request` asks as far as the kernel's policy goes: when auto_online_blocks is not
// exactly what was asked, it is set to offline for the bind alone and restored right after, also
// when the bind fails, with every asynchronous signal held back in between (so no interruption
// leaves it changed). Blocks another agent hot-added in that window (not in `own`) are then
// onlined as the restored policy would have onlined them. Restoring the policy is tried three
// times; if it still fails, that is the error (the device stays bound to kmem).
Result<KmemBindReport> bind_kmem(Sysfs& sysfs, const DeviceName& name, const std::vector<uint64_t>& own,
                                 MemoryRequest request);

// "auto_online_blocks was online (online_policy contig-zones): set to offline while kmem bound
// the device, restored at once" and what happened to other agents' blocks; empty when nothing
// was held.
std::string describe(const KmemBindReport& report);

} // namespace dax
