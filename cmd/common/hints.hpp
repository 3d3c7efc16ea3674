#pragma once

#include "core/change/hint.hpp"
#include "core/config/apply.hpp"

namespace dax::cli {

// The hints of core's messages worded for a command typed with flags (reconfigure, online,
// offline, create/destroy/enable/disable-device): "--force", "dax offline dax0.0".
HintWords flag_hints();

// The same for `dax apply` and `reconfigure -C`: what the configuration says is named by its key,
// section and FILE:LINE ("online = no in [device fast] (/etc/dax/dax.conf:3)"); the rest as flag_hints.
HintWords config_hints(const ApplyPlan& plan);

} // namespace dax::cli
