#include "state_change.hpp"

#include "dry_run.hpp"
#include "parse.hpp"
#include "state_lock.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

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

// Set by SIGINT/SIGTERM while a state change runs; block passes stop before their next block.
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int)
{
  g_interrupted = true;
}

// Catches SIGINT and SIGTERM for its lifetime, so that a long pass ends between two blocks with
// its state reported instead of being killed in the middle.
class Interruptible
{
public:
  Interruptible()
  {
    struct sigaction action = {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESTART; // a write to a full pipe goes on; the pass stops at the next block
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &m_old_int);
    ::sigaction(SIGTERM, &action, &m_old_term);
  }
  Interruptible(const Interruptible&) = delete;
  Interruptible& operator=(const Interruptible&) = delete;
  ~Interruptible()
  {
    ::sigaction(SIGINT, &m_old_int, nullptr);
    ::sigaction(SIGTERM, &m_old_term, nullptr);
  }

private:
  struct sigaction m_old_int = {};
  struct sigaction m_old_term = {};
};

// "dax: 1234/32768 memory blocks" on a terminal, redrawn at most every 1/200 of the pass, cleared
// at the end.
void print_progress(size_t done, size_t total)
{
  size_t step = std::max<size_t>(total / 200, 1);
  if (total < 64 || (done % step != 0 && done != total)) return;
  if (done == total) {
    fmt::print(stderr, "\r\033[K");
  } else {
    fmt::print(stderr, "\rdax: {}/{} memory blocks", done, total);
  }
  std::fflush(stderr);
}

} // namespace

void add_dry_run_option(CLI::App& app, DryRun& dry_run)
{
  app.add_flag_callback("-n,--dry-run", [&dry_run] { dry_run = DryRun::yes; },
                        "Print the sysfs writes that would be made, in order; change nothing");
}

int run_state_change(Env& env, DryRun dry_run, const std::function<int(Env&)>& change)
{
  if (dry_run == DryRun::yes) {
    // Under --report stdout is the JSON report: the writes go to stderr.
    auto print = [&env](const std::string& line) { fmt::print(env.report ? stderr : stdout, "{}\n", line); };
    DryRunSysfs sysfs(env.sysfs, print);
    DryRunLoader loader(sysfs, print);
    Env dry{sysfs, loader, env.sysroot, env.live_system, {}, env.report};
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
  Interruptible interruptible;
  Env live = env;
  live.control.stop = [] { return g_interrupted.load(); };
  if (::isatty(STDERR_FILENO)) live.control.progress = print_progress;
  int code = change(live);
  return g_interrupted ? k_exit_interrupted : code;
}

int run_on_targets(Env& env, const TargetOptions& targets, DryRun dry_run,
                   const std::function<int(Env&, const std::vector<DeviceName>&)>& change)
{
  auto names = resolve_targets(env.sysfs, targets);
  if (!names) {
    print_error(names.error().message());
    return k_exit_usage;
  }
  return run_state_change(env, dry_run, [&](Env& target) { return change(target, *names); });
}

} // namespace dax::cli
