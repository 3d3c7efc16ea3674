#include "state_change.hpp"

#include "dry_run.hpp"
#include "state_lock.hpp"

#include <fmt/format.h>

#include <unistd.h>

namespace dax::cli {

namespace {

// How long a second dax waits for the first to finish (offlining thousands of blocks can take long).
constexpr std::chrono::seconds k_lock_timeout{30};

} // namespace

void add_dry_run_option(CLI::App& app, bool& dry_run)
{
  app.add_flag("-n,--dry-run", dry_run, "Print the sysfs writes that would be made, in order; change nothing");
}

int run_state_change(Env& env, DryRun dry_run, const std::function<int(Env&)>& change)
{
  if (dry_run == DryRun::yes) {
    auto print = [](const std::string& line) { fmt::print("{}\n", line); };
    DryRunSysfs sysfs(env.sysfs, print);
    DryRunLoader loader(sysfs, print);
    Env dry{sysfs, loader, env.sysroot, env.live_system};
    int code = change(dry);
    print_note("dry run: nothing was changed");
    return code;
  }
  if (env.live_system && ::geteuid() != 0) {
    print_error("changing device modes and memory blocks needs root (writes to /sys); nothing was changed");
    return k_exit_failure;
  }
  auto lock = StateLock::acquire(env.sysroot, k_lock_timeout);
  if (!lock) {
    print_error(lock.error().message());
    return k_exit_failure;
  }
  return change(env);
}

} // namespace dax::cli
