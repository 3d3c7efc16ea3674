// dax destroy-device: give the memory of devices in dynamic regions back to their region.
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "core/change/dynamic.hpp"

#include <CLI/CLI.hpp>
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
  print_note(fmt::format("{} {}", did_or_would(env, "destroyed", "destroy"), count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

void add_destroy_options(CLI::App& app, DestroyOptions& options)
{
  add_change_targets(app, options);
  app.add_flag("-f,--force", options.force,
               "Disable an enabled device first (system-ram: offline and remove its memory first)");
}

Json destroy_asked(const DestroyOptions& options)
{
  return {{"destroy", true}, {"force", options.force}};
}

int run_destroy(Env& env, const DestroyOptions& options)
{
  return run_on_targets(env, options.targets, options.dry_run, [&](Env& target, const std::vector<DeviceName>& names) {
    return destroy_devices(target, options, names);
  });
}

} // namespace

Command destroy_device_command()
{
  return change_command<DestroyOptions>("destroy-device", {},
                                        "Destroy devices of dynamic regions, giving their memory back to the region",
                                        add_destroy_options, destroy_asked, run_destroy);
}

} // namespace dax::cli
