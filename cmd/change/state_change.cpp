#include "cmd/change/state_change.hpp"

#include "cmd/common/exit_status.hpp"
#include "core/base/non_copyable.hpp"
#include "core/base/parse.hpp"
#include "core/change/dry_run.hpp"
#include "core/kernel/state_lock.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <iterator>

#include <cstdlib>

namespace dax::cli {

namespace {

// How long a second dax waits for the first to finish (offlining thousands of blocks can take
// long): 30 s, or DAX_LOCK_TIMEOUT seconds (0 to 86400); anything else there is bad input.
Result<std::chrono::milliseconds> lock_timeout()
{
  const char* value = std::getenv("DAX_LOCK_TIMEOUT");
  if (!value) return std::chrono::seconds(30);
  auto seconds = parse_u64(value);
  if (!seconds || *seconds > 86400) {
    return std::unexpected(bad_input(fmt::format("DAX_LOCK_TIMEOUT='{}'", printable(value)),
                                     "not a number of seconds from 0 to 86400; nothing was changed"));
  }
  return std::chrono::seconds(*seconds);
}

// Set by a signal while a state change runs; block passes stop before their next block.
std::atomic<bool> g_interrupted{false};

// A standard stream whose reader is gone (SIGPIPE) or whose terminal hung up (SIGHUP) is pointed
// at /dev/null, so that the report printed at the end of the pass cannot fail or raise SIGPIPE
// again; the exit status still says what happened. Only async-signal-safe calls here.
void detach_dead_streams()
{
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct pollfd probe = {fd, 0, 0};
    if (::poll(&probe, 1, 0) != 1 || (probe.revents & (POLLERR | POLLHUP)) == 0) continue;
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) continue;
    ::dup2(null, fd);
    ::close(null);
  }
}

extern "C" void on_interrupt(int number)
{
  int saved = errno;
  g_interrupted = true;
  if (number == SIGHUP || number == SIGPIPE) detach_dead_streams();
  errno = saved;
}

// The signals that end a state change between two blocks instead of in the middle: Ctrl-C,
// SIGTERM (systemd, kill), SIGHUP (the ssh session or terminal went away) and SIGPIPE (whoever
// read the output went away).
constexpr int k_stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

// Catches the stop signals for its lifetime, so that a long pass ends between two blocks with its
// state reported (and rolled back where the operation does that) instead of being killed halfway.
class Interruptible : private NonCopyable
{
public:
  Interruptible()
  {
    struct sigaction action = {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESTART; // a write to a full pipe goes on; the pass stops at the next block
    ::sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < std::size(k_stop_signals); ++i) ::sigaction(k_stop_signals[i], &action, &m_old[i]);
  }
  ~Interruptible()
  {
    for (size_t i = 0; i < std::size(k_stop_signals); ++i) ::sigaction(k_stop_signals[i], &m_old[i], nullptr);
  }

private:
  struct sigaction m_old[std::size(k_stop_signals)] = {};
};

// "dax: 1234/32768 memory blocks" on a terminal, redrawn at most every 1/200 of the pass, cleared
// at the end.
void print_progress(size_t done, size_t total)
{
  size_t step = std::max<size_t>(total / 200, 1);
  if (total < 64 || (done % step != 0 && done != total)) return;
  // fputs, not fmt::print: a terminal that hung up must not throw in the middle of the pass.
  std::fputs(done == total ? "\r\033[K" : fmt::format("\rdax: {}/{} memory blocks", done, total).c_str(), stderr);
  std::fflush(stderr);
}

} // namespace

void add_dry_run_option(CLI::App& app, DryRun& dry_run)
{
  app.add_flag_callback("-n,--dry-run", [&dry_run] { dry_run = DryRun::yes; },
                        "Print the sysfs writes that would be made, in order; change nothing");
}

void add_change_targets(CLI::App& app, ChangeOptions& options)
{
  add_target_options(app, options.targets);
  add_human_compat_option(app);
}

int run_state_change(Env& env, DryRun dry_run, const std::function<int(Env&)>& change)
{
  if (dry_run == DryRun::yes) {
    // Under --report stdout is the JSON report: the writes go to stderr.
    auto print = [&env](const std::string& line) {
      fmt::print(env.report ? stderr : stdout, "{}\n", escape_controls(line, LineBreaks::keep));
    };
    DryRunSysfs sysfs(env.sysfs, print);
    DryRunLoader loader(sysfs, env.loader, print);
    Env dry{sysfs, loader, env.sysroot, env.live_system, {}, env.report, env.config_root, DryRun::yes};
    int code = change(dry);
    print_note("dry run: nothing was changed");
    return code;
  }
  if (env.live_system && ::geteuid() != 0) {
    Error error = refusal("", "changing device modes and memory blocks needs root (writes to /sys); nothing was changed");
    error.code = EPERM; // not-root in --report
    report_failure(error);
    return k_exit_failure;
  }
  auto timeout = lock_timeout();
  if (!timeout) {
    report_failure(timeout.error());
    return exit_status(timeout.error());
  }
  Interruptible interruptible;
  // On a terminal, say at once whom we wait for: a silent wait looks like a hang.
  auto waiting = [](const std::string& holder) {
    if (::isatty(STDERR_FILENO)) print_note(fmt::format("waiting for another dax: {}", printable(holder, 200)));
  };
  auto lock = StateLock::acquire(env.sysroot, *timeout, [] { return g_interrupted.load(); }, waiting);
  if (!lock) {
    report_failure(with_outcome(lock.error(), "nothing was changed"));
    return exit_status(lock.error());
  }
  Env live = env;
  // 130 when a signal stopped a pass (which then reported how far it got); a signal after the
  // last pass leaves the outcome, read back, as it is.
  static std::atomic<bool> stopped_a_pass{false};
  live.control.stop = [] { return g_interrupted ? (stopped_a_pass = true) : false; };
  if (::isatty(STDERR_FILENO)) live.control.progress = print_progress;
  int code = change(live);
  return stopped_a_pass ? k_exit_interrupted : code;
}

int run_on_targets(Env& env, const TargetOptions& targets, DryRun dry_run,
                   const std::function<int(Env&, const std::vector<DeviceName>&)>& change, IdleSeeds idle)
{
  auto names = resolve_targets(env.sysfs, targets, idle);
  if (!names) {
    return print_target_error(names.error());
  }
  return run_state_change(env, dry_run, [&](Env& target) { return change(target, *names); });
}

} // namespace dax::cli
