// dax enable-device / disable-device: bind devdax devices to device_dax or unbind them.
#include "cmd/command.hpp"
#include "cmd/report.hpp"
#include "cmd/state_change.hpp"
#include "cmd/targets.hpp"
#include "core/enable_disable.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

// What differs between the two commands.
struct EnableAction
{
  std::string_view verb;  // "enabled"
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
  print_note(fmt::format("{} {}", action.verb, count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

Command enable_command(std::string name, std::string summary, EnableAction action)
{
  return {std::move(name), {}, std::move(summary), [action](CLI::App& app) -> Runner {
            auto options = std::make_shared<ChangeOptions>();
            add_target_options(app, options->targets);
            add_human_compat_option(app);
            add_dry_run_option(app, options->dry_run);
            add_report_option(app, options->report);
            std::string command = app.get_name();
            return [options, action, command](Env& env) {
              Json asked{{"enabled", action.state == "enabled"}};
              return with_report(env, options->report, options->dry_run, command, asked, [&](Env& reporting) {
                return run_on_targets(reporting, options->targets, options->dry_run,
                                      [&](Env& target, const std::vector<DeviceName>& names) {
                                        return enable_or_disable(target, names, action);
                                      });
              });
            };
          }};
}

} // namespace

Command enable_device_command()
{
  return enable_command("enable-device", "Enable devdax devices (bind them to device_dax)",
                        {"enabled", "enabled", enable_device});
}

Command disable_device_command()
{
  return enable_command("disable-device", "Disable devdax devices (unbind them from device_dax)",
                        {"disabled", "disabled", disable_device});
}

} // namespace dax::cli
