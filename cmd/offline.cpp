// dax offline: offline the memory blocks of system-ram devices.
#include "block_command.hpp"

namespace dax::cli {

Command offline_command()
{
  return {"offline", {"offline-memory"}, "Offline the memory of system-ram devices", [](CLI::App& app) -> Runner {
            auto targets = std::make_shared<TargetOptions>();
            add_target_options(app, *targets);
            return [targets](Env& env) {
              return run_block_command(env, *targets, "offlined", "offline", offline_device);
            };
          }};
}

} // namespace dax::cli
