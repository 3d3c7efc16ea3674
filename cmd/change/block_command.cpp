#include "cmd/change/block_command.hpp"

#include "cmd/change/report.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

int change_blocks(Env& env, const std::vector<DeviceName>& names, std::string_view verb, std::string_view state,
                  const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  Context ctx = operation_context(env);
  auto outcomes = for_each_device<OpReport>(names, [&](const DeviceName& name) {
    auto report = reported(env, name, [&] { return operation(ctx, name); });
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

int run_block_command(Env& env, const TargetOptions& targets, DryRun dry_run, std::string_view verb,
                      std::string_view state,
                      const std::function<Result<OpReport>(Context&, const DeviceName&)>& operation)
{
  return run_on_targets(env, targets, dry_run, [&](Env& target, const std::vector<DeviceName>& names) {
    return change_blocks(target, names, verb, state, operation);
  });
}

} // namespace dax::cli
