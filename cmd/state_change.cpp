#include "state_change.hpp"

#include "dry_run.hpp"
#include "parse.hpp"
#include "state_lock.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>

namespace dax::cli {

namespace {

// How long a second dax waits for the first to finish (offlining thousands of blocks can take
// long): 30 s, or DAX_LOCK_TIMEOUT seconds.
std::chrono::milliseconds lock_timeout()
{
  const char* value = std::getenv("DAX_LOCK_TIMEOUT");
  auto seconds = value ? parse_u64(value) : std::nullopt;
  return std::chrono::seconds(seconds && *seconds < 86400 ? *seconds : 30);
}

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
  auto lock = StateLock::acquire(env.sysroot, lock_timeout());
  if (!lock) {
    print_error(lock.error().message());
    return k_exit_failure;
  }
  return change(env);
}

} // namespace dax::cli
