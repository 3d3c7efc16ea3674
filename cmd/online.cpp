// dax online: online the memory blocks of system-ram devices.
#include "block_command.hpp"
#include "state_change.hpp"

namespace dax::cli {

namespace {

struct OnlineOptions : ChangeOptions
{
  bool movable = true;
};

} // namespace

Command online_command()
{
  return {"online", {"online-memory"}, "Online the memory of system-ram devices", [](CLI::App& app) -> Runner {
            auto options = std::make_shared<OnlineOptions>();
            add_target_options(app, options->targets);
            add_switch(app, "--no-movable", "--movable", options->movable,
                       "Online as kernel memory, not movable", "Undo --no-movable (the default)");
            add_dry_run_option(app, options->dry_run);
            return [options](Env& env) {
              OnlineAs as = options->movable ? OnlineAs::movable : OnlineAs::kernel;
              return run_block_command(env, options->targets, options->dry_run, "onlined", "online",
                                       [as](Context& ctx, const DeviceName& name) { return online_device(ctx, name, as); });
            };
          }};
}

} // namespace dax::cli
