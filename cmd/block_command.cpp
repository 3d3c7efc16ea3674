#include "block_command.hpp"

#include "hints.hpp"
#include "state_change.hpp"

#include <fmt/format.h>

#include <thread>

namespace dax::cli {

BusyRetry default_busy_retry()
{
  return {5, std::chrono::milliseconds(100),
          [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }};
}

namespace {

int change_blocks(Env& env, const std::vector<DeviceName>& names, std::string_view verb, std::string_view state,
                  const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  ctx.hint = flag_hints();
  auto outcomes = for_each_device<OpReport>(names, [&](const DeviceName& name) {
    auto report = operation(ctx, name);
    if (report) {
      unsigned changed = report->blocks.count(BlockOutcome::changed);
      unsigned already = report->blocks.count(BlockOutcome::already);
      if (changed == 0) {
        print_note(fmt::format("{}: all {} memory blocks already {}", name.str(), already, state));
      } else if (already == 0) {
        print_note(fmt::format("{}: {} {} memory blocks", name.str(), verb, changed));
      } else {
        print_note(fmt::format("{}: {} {} memory blocks, {} already {}", name.str(), verb, changed,
                               already, state));
      }
    }
    return report;
  });
  print_note(fmt::format("{} memory for {}", verb, count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

} // namespace

int run_block_command(Env& env, const TargetOptions& targets, bool dry_run, std::string_view verb,
                      std::string_view state,
                      const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  auto names = resolve_targets(env.sysfs, targets);
  if (!names) {
    print_error(names.error().message());
    return k_exit_usage;
  }
  return run_state_change(env, dry_run ? DryRun::yes : DryRun::no,
                          [&](Env& target) { return change_blocks(target, *names, verb, state, operation); });
}

} // namespace dax::cli
