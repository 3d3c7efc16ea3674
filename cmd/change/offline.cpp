// dax offline: offline the memory blocks of system-ram devices.
#include "cmd/change/block_command.hpp"
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"

namespace dax::cli {

namespace {

Json offline_asked(const ChangeOptions&)
{
  return {{"memory", "offline"}};
}

int run_offline(Env& env, const ChangeOptions& options)
{
  return run_block_command(env, options.targets, options.dry_run, "offlined", "offline", offline_device);
}

} // namespace

Command offline_command()
{
  return change_command<ChangeOptions>("offline", {"offline-memory"}, "Offline the memory of system-ram devices",
                                       add_change_targets, offline_asked, run_offline);
}

} // namespace dax::cli
