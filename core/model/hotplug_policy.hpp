#pragma once

#include "core/base/error.hpp"
#include "core/kernel/sysfs.hpp"

#include <string_view>

namespace dax {

// The zone policy of the kernel for hot-added blocks (`auto_online_blocks`).
enum class AutoOnline { offline, online, online_kernel, online_movable };

std::string_view to_string(AutoOnline policy);

// `auto_online_blocks`: what the kernel does with blocks as they are hot-added.
Result<AutoOnline> read_auto_online(Sysfs& sysfs);

// memory_hotplug.online_policy (Linux 5.15+): how the kernel picks the zone when a block is
// onlined with plain "online" (auto_online_blocks=online included): contig-zones keeps zones
// contiguous (in practice the kernel zone), auto-movable uses Movable while the ratio allows.
enum class ZonePolicy { contig_zones, auto_movable };

std::string_view to_string(ZonePolicy policy);

// The module parameter; contig-zones (the only behaviour before 5.15) when the file is absent.
Result<ZonePolicy> read_zone_policy(Sysfs& sysfs);

} // namespace dax
