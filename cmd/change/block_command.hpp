#pragma once

#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "core/change/operations.hpp"

namespace dax::cli {

// What `dax online` and `dax offline` share: run `operation` on every target device, print per
// device how many blocks changed ("dax0.0: onlined 7 memory blocks") and the tally
// ("onlined memory for 1 device"). `verb` is "onlined" or "offlined", `state` "online"/"offline".
// The devices are resolved and the change is run as for every device command (run_on_targets).
int run_block_command(Env& env, const TargetOptions& targets, DryRun dry_run, std::string_view verb,
                      std::string_view state,
                      const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation);

} // namespace dax::cli
