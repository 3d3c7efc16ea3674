#pragma once

#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "core/config/apply.hpp"

#include <optional>
#include <vector>

namespace dax::cli {

// Loads the configuration and matches it to the devices; on a malformed configuration prints the
// "FILE:LINE: why" error and gives nullopt (the caller exits with k_exit_usage, nothing applied).
std::optional<ApplyPlan> load_apply_plan(Env& env);

// What apply_devices did: the devices brought to the state their section wants, and the exit code.
struct ApplyOutcome
{
  std::vector<DeviceName> applied;
  int exit_code = k_exit_ok;
};

// Brings each of `names` to the state its section wants, saying one line per device through `say`
// ("dax0.0: devdax -> system-ram, online, movable ([device fast] /etc/dax/dax.conf:3)"); devices
// no section matches are left alone with a line saying so (not a failure, as with daxctl -C), and
// so are devices of size 0, unless their section names them by device name (a failure). When the
// names came from "all" (`all`), the idle seeds of dynamic regions are left out first, on stderr,
// as every changing command's "all" leaves them out (all_but_idle), but a seed a section names by
// device name, whose refusal says what to do.
ApplyOutcome apply_devices(Env& env, const ApplyPlan& plan, const std::vector<DeviceName>& names, Force force,
                           const std::function<void(const std::string&)>& say, bool all);

// Whether the targets of `options` are "all" (or none given: apply's default).
bool targets_all(const TargetOptions& options);

} // namespace dax::cli
