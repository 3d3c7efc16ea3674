#pragma once

#include "command.hpp"
#include "operations.hpp"
#include "targets.hpp"

namespace dax::cli {

// What `dax online` and `dax offline` share: run `operation` on every target device, print per
// device how many blocks changed ("dax0.0: onlined 7 memory blocks") and the tally
// ("onlined memory for 1 device"). `verb` is "onlined" or "offlined", `state` "online"/"offline".
int run_block_command(Env& env, const TargetOptions& targets, bool dry_run, std::string_view verb,
                      std::string_view state,
                      const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation);

// The EBUSY retry policy of offlining: 5 tries, 100 ms doubling (about 1.5 s in all).
BusyRetry default_busy_retry();

} // namespace dax::cli
