// dax offline: offline the memory blocks of system-ram devices.
#include "cmd/block_command.hpp"
#include "cmd/report.hpp"
#include "cmd/state_change.hpp"

namespace dax::cli {

Command offline_command()
{
  return {"offline", {"offline-memory"}, "Offline the memory of system-ram devices", [](CLI::App& app) -> Runner {
            auto options = std::make_shared<ChangeOptions>();
            add_target_options(app, options->targets);
            add_human_compat_option(app);
            add_dry_run_option(app, options->dry_run);
            add_report_option(app, options->report);
            return [options](Env& env) {
              return with_report(env, options->report, options->dry_run, "offline", {{"memory", "offline"}},
                                 [&](Env& reporting) {
                                   return run_block_command(reporting, options->targets, options->dry_run,
                                                            "offlined", "offline", offline_device);
                                 });
            };
          }};
}

} // namespace dax::cli
