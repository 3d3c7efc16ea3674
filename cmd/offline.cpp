// dax offline: offline the memory blocks of system-ram devices.
#include "block_command.hpp"
#include "state_change.hpp"

namespace dax::cli {

Command offline_command()
{
  return {"offline", {"offline-memory"}, "Offline the memory of system-ram devices", [](CLI::App& app) -> Runner {
            auto options = std::make_shared<ChangeOptions>();
            add_target_options(app, options->targets);
            add_dry_run_option(app, options->dry_run);
            return [options](Env& env) {
              return run_block_command(env, options->targets, options->dry_run, "offlined", "offline",
                                       offline_device);
            };
          }};
}

} // namespace dax::cli
