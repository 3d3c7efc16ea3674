// dax online: online the memory blocks of system-ram devices.
#include "cmd/block_command.hpp"
#include "cmd/report.hpp"
#include "cmd/state_change.hpp"

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
            add_human_compat_option(app);
            add_switch(app, "--no-movable", "--movable", options->movable,
                       "Online as kernel memory, not movable", "Undo --no-movable (the default)");
            add_dry_run_option(app, options->dry_run);
            add_report_option(app, options->report);
            return [options](Env& env) {
              OnlineAs as = options->movable ? OnlineAs::movable : OnlineAs::kernel;
              Json asked{{"memory", "online"}, {"movable", options->movable}};
              return with_report(env, options->report, options->dry_run, "online", asked, [&](Env& reporting) {
                return run_block_command(reporting, options->targets, options->dry_run, "onlined", "online",
                                         [as](Context& ctx, const DeviceName& name) { return online_device(ctx, name, as); });
              });
            };
          }};
}

} // namespace dax::cli
