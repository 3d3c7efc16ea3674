// dax destroy-device: give the memory of devices in dynamic regions back to their region.
#include "cmd/command.hpp"
#include "cmd/report.hpp"
#include "cmd/state_change.hpp"
#include "cmd/targets.hpp"
#include "core/dynamic.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

struct DestroyOptions : ChangeOptions
{
  bool force = false;
};

int destroy_devices(Env& env, const DestroyOptions& options, const std::vector<DeviceName>& names)
{
  Context ctx = operation_context(env);
  Force force = options.force ? Force::yes : Force::no;
  auto outcomes = for_each_device<Destroyed>(names, [&](const DeviceName& name) {
    return reported(env, name, [&] { return destroy_device(ctx, name, force); });
  });
  print_note(fmt::format("destroyed {}", count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

} // namespace

Command destroy_device_command()
{
  return {"destroy-device", {}, "Destroy devices of dynamic regions, giving their memory back to the region",
          [](CLI::App& app) -> Runner {
            auto options = std::make_shared<DestroyOptions>();
            add_target_options(app, options->targets);
            add_human_compat_option(app);
            app.add_flag("-f,--force", options->force,
                         "Disable an enabled device first (system-ram: offline and remove its memory first)");
            add_dry_run_option(app, options->dry_run);
            add_report_option(app, options->report);
            return [options](Env& env) {
              Json asked{{"destroy", true}, {"force", options->force}};
              return with_report(env, options->report, options->dry_run, "destroy-device", asked, [&](Env& reporting) {
                return run_on_targets(reporting, options->targets, options->dry_run,
                                      [&](Env& target, const std::vector<DeviceName>& names) {
                                        return destroy_devices(target, *options, names);
                                      });
              });
            };
          }};
}

} // namespace dax::cli
