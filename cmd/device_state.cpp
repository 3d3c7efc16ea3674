// dax enable-device / disable-device: bind devdax devices to device_dax or unbind them.
#include "command.hpp"
#include "enable_disable.hpp"
#include "block_command.hpp"
#include "hints.hpp"
#include "state_change.hpp"
#include "targets.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

struct DeviceStateOptions
{
  TargetOptions targets;
  bool dry_run = false;
};

// What differs between the two commands.
struct StateAction
{
  std::string_view verb;  // "enabled"
  std::string_view state; // "enabled": what an untouched device already was
  Result<EnableChange> (*operation)(Context&, const DeviceName&);
};

int change_state(Env& env, const std::vector<DeviceName>& names, const StateAction& action)
{
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  ctx.hint = flag_hints();
  auto outcomes = for_each_device<EnableChange>(names, [&](const DeviceName& name) {
    auto change = action.operation(ctx, name);
    if (change && *change == EnableChange::already) print_note(fmt::format("{}: already {}", name.str(), action.state));
    return change;
  });
  print_note(fmt::format("{} {}", action.verb, count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

Command state_command(std::string name, std::string summary, StateAction action)
{
  return {std::move(name), {}, std::move(summary), [action](CLI::App& app) -> Runner {
            auto options = std::make_shared<DeviceStateOptions>();
            add_target_options(app, options->targets);
            add_dry_run_option(app, options->dry_run);
            return [options, action](Env& env) {
              return run_on_targets(env, options->targets, options->dry_run ? DryRun::yes : DryRun::no,
                                    [&](Env& target, const std::vector<DeviceName>& names) {
                                      return change_state(target, names, action);
                                    });
            };
          }};
}

} // namespace

Command enable_device_command()
{
  return state_command("enable-device", "Enable devdax devices (bind them to device_dax)",
                       {"enabled", "enabled", enable_device});
}

Command disable_device_command()
{
  return state_command("disable-device", "Disable devdax devices (unbind them from device_dax)",
                       {"disabled", "disabled", disable_device});
}

} // namespace dax::cli
