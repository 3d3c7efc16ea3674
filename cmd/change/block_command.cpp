#include "cmd/change/block_command.hpp"

#include "cmd/change/report.hpp"
#include "core/base/words.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

// "all 7 memory blocks", "its 1 memory block".
std::string all_blocks(unsigned count)
{
  return fmt::format("{} {}", count == 1 ? "its" : "all", counted(count, "memory block"));
}

int change_blocks(Env& env, const std::vector<DeviceName>& names, std::string_view verb, std::string_view state,
                  const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  Context ctx = operation_context(env);
  auto outcomes = for_each_device<OpReport>(names, [&](const DeviceName& name) {
    auto report = reported(env, name, [&] { return operation(ctx, name); });
    if (report) {
      unsigned changed = report->blocks.count(BlockOutcome::changed);
      unsigned already = report->blocks.count(BlockOutcome::already);
      std::string did = did_or_would(env, verb, state);
      if (changed == 0) {
        print_note(fmt::format("{}: {} already {}", name.str(), all_blocks(already), state));
      } else if (already == 0) {
        print_note(fmt::format("{}: {} {}", name.str(), did, counted(changed, "memory block")));
      } else {
        print_note(fmt::format("{}: {} {}, {} already {}", name.str(), did, counted(changed, "memory block"),
                               already, state));
      }
    }
    return report;
  });
  print_note(fmt::format("{} memory for {}", did_or_would(env, verb, state), count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

} // namespace

int run_block_command(Env& env, const TargetOptions& targets, DryRun dry_run, std::string_view verb,
                      std::string_view state,
                      const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  return run_on_targets(env, targets, dry_run, [&](Env& target, const std::vector<DeviceName>& names) {
    return change_blocks(target, names, verb, state, operation);
  });
}

} // namespace dax::cli
