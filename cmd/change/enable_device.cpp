// dax enable-device / disable-device: bind devdax devices to device_dax or unbind them.
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "core/change/enable_disable.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

// What differs between the two commands.
struct EnableAction
{
  std::string_view verb;  // "enabled"
  std::string_view plan;  // "enable": what a dry run would do
  std::string_view state; // "enabled": what an untouched device already was
  Result<EnableChange> (*operation)(Context&, const DeviceName&);
};

int enable_or_disable(Env& env, const std::vector<DeviceName>& names, const EnableAction& action)
{
  Context ctx = operation_context(env);
  auto outcomes = for_each_device<EnableChange>(names, [&](const DeviceName& name) {
    auto change = reported(env, name, [&] { return action.operation(ctx, name); });
    if (change && *change == EnableChange::already) print_note(fmt::format("{}: already {}", name.str(), action.state));
    return change;
  });
  print_note(fmt::format("{} {}", did_or_would(env, action.verb, action.plan), count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

Command enable_command(std::string name, std::string summary, EnableAction action)
{
  return change_command<ChangeOptions>(
    std::move(name), {}, std::move(summary), add_change_targets,
    [action](const ChangeOptions&) { return Json{{"enabled", action.state == "enabled"}}; },
    [action](Env& env, const ChangeOptions& options) {
      return run_on_targets(env, options.targets, options.dry_run,
                            [&](Env& target, const std::vector<DeviceName>& names) {
                              return enable_or_disable(target, names, action);
                            });
    });
}

} // namespace

Command enable_device_command()
{
  return enable_command("enable-device", "Enable devdax devices (bind them to device_dax)",
                        {"enabled", "enable", "enabled", enable_device});
}

Command disable_device_command()
{
  return enable_command("disable-device", "Disable devdax devices (unbind them from device_dax)",
                        {"disabled", "disable", "disabled", disable_device});
}

} // namespace dax::cli
