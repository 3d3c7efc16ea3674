#pragma once

#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"

namespace dax::cli {

// The options every command that changes devices takes (DEVICE..., -r/--region, -n/--dry-run,
// --report); a command with more derives its options from it.
struct ChangeOptions
{
  TargetOptions targets;
  DryRun dry_run = DryRun::no;
  bool report = false;
};

// Runs `change` the way every state-changing command must: with --dry-run against a DryRunSysfs
// that prints the writes (as shell commands, on stdout) and changes nothing; for real, only as
// root on the live system, and holding the state lock so that two dax never interleave writes.
int run_state_change(Env& env, DryRun dry_run, const std::function<int(Env&)>& change);

// Resolves the device arguments (a usage error, printed, when they name no device; `all` without
// the idle seeds unless `idle` keeps them), then runs `change` on them as run_state_change does.
int run_on_targets(Env& env, const TargetOptions& targets, DryRun dry_run,
                   const std::function<int(Env&, const std::vector<DeviceName>&)>& change,
                   IdleSeeds idle = IdleSeeds::skipped);

// Adds -n/--dry-run to `app`: it sets `dry_run` to DryRun::yes.
void add_dry_run_option(CLI::App& app, DryRun& dry_run);

// Adds DEVICE..., -r/--region and daxctl's -u/--human, for a command that prints no sizes.
void add_change_targets(CLI::App& app, ChangeOptions& options);

} // namespace dax::cli
