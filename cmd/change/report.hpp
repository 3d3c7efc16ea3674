#pragma once

#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/failure.hpp"
#include "cmd/view/device_json.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

// --report: what a state-changing command did, per device, as JSON on stdout (schema in dax(1),
// REPORT): what was asked, the state read back before and after, whether it changed, the error.
// Under --dry-run "after" is what the plan predicts ("predicted": true).
class Report
{
public:
  Report(std::string command, bool dry_run, Json asked)
    : m_command(std::move(command)), m_dry_run(dry_run), m_asked(std::move(asked)) {}

  // What the command line asked of every device (apply's sections ask per device).
  const Json& asked() const { return m_asked; }

  // Records one device: `before`/`after` from device_state (null when the device did not exist);
  // it changed when they differ, unless `changed` says (create-device: whether it was created).
  void add(std::optional<DeviceName> name, Json asked, Json before, Json after, const Error* error,
           std::optional<bool> changed = std::nullopt);

  // The whole report with the command's exit status and its error object ("error"): null on
  // success, "partial" when some devices failed, else the first failure (`command_failure`
  // when no device has one: an unknown device, a usage error, not root).
  Json json(int exit_status, const FailureSink* command_failure = nullptr) const;

private:
  std::string m_command;
  bool m_dry_run;
  Json m_asked;
  Json m_devices = Json::array();
};

// The device's state as the report shows it: mode, driver, enabled, size, target_node and its
// memory blocks ({"online": {"Movable": 7}, "offline": 0}; null when it has none or they cannot be
// read), read now through `sysfs` (the dry run's sysfs predicts); null when the device is absent.
Json device_state(Sysfs& sysfs, const DeviceName& name);

// Adds --report to `app`.
void add_report_option(CLI::App& app, bool& report);

// Runs `run` with env.report set when `enabled`, then prints the report on stdout.
int with_report(Env& env, bool enabled, DryRun dry_run, const std::string& command, Json asked,
                const std::function<int(Env&)>& run);

// A command that changes devices: make_command with -n/--dry-run and --report after its own options,
// run through with_report, where `asked` says what was asked. `Options` has dry_run and report.
template <class Options>
Command change_command(std::string name, std::vector<std::string> aliases, std::string summary,
                       std::function<void(CLI::App&, Options&)> add_options,
                       std::function<Json(const Options&)> asked, std::function<int(Env&, const Options&)> run)
{
  std::string command = name;
  return make_command<Options>(
    std::move(name), std::move(aliases), std::move(summary),
    [add_options = std::move(add_options)](CLI::App& app, Options& options) {
      add_options(app, options);
      add_dry_run_option(app, options.dry_run);
      add_report_option(app, options.report);
    },
    [command, asked = std::move(asked), run = std::move(run)](Env& env, const Options& options) {
      return with_report(env, options.report, options.dry_run, command, asked(options),
                         [&](Env& reporting) { return run(reporting, options); });
    });
}

// Runs `operation` on `name`; with a report, records the device's state before and after it.
// `asked` replaces the command's (apply: the device's section).
template<typename Operation>
auto reported(Env& env, const DeviceName& name, Operation operation, std::optional<Json> asked = std::nullopt)
{
  if (env.report == nullptr) return operation();
  Json before = device_state(env.sysfs, name);
  auto result = operation();
  env.report->add(name, asked ? *asked : env.report->asked(), std::move(before), device_state(env.sysfs, name),
                  result ? nullptr : &result.error());
  return result;
}

} // namespace dax::cli
