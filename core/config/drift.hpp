#pragma once

#include "core/config/config.hpp"
#include "core/model/device.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace dax {

// Why a device is not in the state its configuration section wants, the first that applies:
// mode (another mode), driver (the mode's, but not bound to its driver: unbound, or a driver dax
// does not know), then for system-ram online (blocks offline, not present or going offline; online
// when offline is wanted) and zone (blocks online in the other zone), which may come together.
enum class DriftReason { mode, driver, online, zone };

inline constexpr std::array k_drift_reasons{DriftReason::mode, DriftReason::driver, DriftReason::online,
                                            DriftReason::zone};

// "mode", "driver", "online", "zone".
std::string_view to_string(DriftReason reason);

// Why `device` (read now) is not as `wanted` asks: none when it is, in which case `dax apply`
// changes nothing on it. The memory of a system-ram device is judged block by block, as apply's
// read-back judges it (wrong_blocks, reach.hpp); it needs the device's ranges (root only).
Result<std::vector<DriftReason>> read_drift(Sysfs& sysfs, const Device& device, const WantedState& wanted);

} // namespace dax
