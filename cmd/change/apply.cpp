// dax apply: bring devices to the state the configuration files ask for.
#include "cmd/change/apply_command.hpp"

#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"
#include "cmd/common/hints.hpp"
#include "cmd/common/targets.hpp"
#include "core/base/words.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <optional>
#include <string>

namespace dax::cli {

namespace {

struct ApplyOptions : ChangeOptions
{
  bool force = false;
  std::optional<std::string> section; // --section NAME: only the devices [device NAME] decides
};

// "devdax -> system-ram, online, movable; onlined 7 memory blocks" or "already system-ram, ...".
std::string describe_report(const Env& env, const ApplyReport& report, const WantedState& wanted)
{
  std::string line = report.mode == ModeChange::changed
                       ? fmt::format("{} -> {}", to_string(report.before), describe(wanted))
                       : fmt::format("{}", describe(wanted));
  unsigned changed = report.blocks.count(BlockOutcome::changed);
  if (changed > 0) {
    bool onlined = wanted.mode == Mode::system_ram && wanted.online == OnlineAfter::yes;
    line += fmt::format("; {} {}", onlined ? did_or_would(env, "onlined", "online") : did_or_would(env, "offlined", "offline"),
                        counted(changed, "memory block"));
  } else if (report.mode == ModeChange::already) {
    line = "already " + line;
  }
  return line;
}

// A device of size 0 (a dynamic region's seed, a destroyed device 0) has no memory to configure.
// Under a section that matches it by region it is left alone with a line through `say` (success);
// a section naming it by device name asks for memory it does not have (failure).
std::optional<Result<DeviceName>> skip_empty(Env& env, const Context& ctx, const DeviceName& name,
                                             const ConfigSection& section,
                                             const std::function<void(const std::string&)>& say)
{
  auto device = read_device(env.sysfs, name);
  if (!device || device->size > 0) return std::nullopt;
  if (section.match.device) {
    return std::unexpected(refusal(name.str(), fmt::format("has no memory (size 0), but {} ({}) names it; give it "
                                                           "a size first ({})", section.header(), section.where(),
                                                           ctx.words(Hint::set_size, name))));
  }
  say(fmt::format("{}: size 0, no memory to configure; left as it is ({} {})", name.str(), section.header(),
                  section.where()));
  return name;
}

// The devices of `names` to apply: those --section's section decides (and the unreadable, which may
// match it), else all; nullopt after a usage error (no such section). Notes the sections that match
// no device present when applying to all (only --section's own with --section).
std::optional<std::vector<DeviceName>> chosen_devices(const ApplyPlan& plan, const ApplyOptions& options,
                                                      const std::vector<DeviceName>& names)
{
  std::vector<const ConfigSection*> unmatched = plan.unmatched();
  std::vector<DeviceName> chosen = names;
  if (options.section) {
    const ConfigSection* section = plan.section_named(*options.section);
    if (!section) {
      usage_error(fmt::format("--section {}: no section [device {}] in the configuration", *options.section,
                              *options.section));
      return std::nullopt;
    }
    chosen = plan.decided_by(*section, names);
    std::erase_if(unmatched, [section](const ConfigSection* other) { return other != section; });
  }
  if (targets_all(options.targets)) {
    for (const ConfigSection* section : unmatched) {
      print_note(fmt::format("{} ({}) matches no device present", section->header(), section->where()));
    }
  }
  return chosen;
}

int run_apply(Env& env, const ApplyOptions& options)
{
  TargetOptions targets = options.targets;
  if (targets.devices.empty()) targets.devices = {"all"};
  auto names = resolve_targets(env.sysfs, targets);
  if (!names) {
    return print_target_error(names.error());
  }
  Force force = options.force ? Force::yes : Force::no;
  return run_state_change(env, options.dry_run, [&](Env& target) {
    // Matched under the lock: a device changed meanwhile is judged by what it is now.
    auto plan = load_apply_plan(target);
    if (!plan) return static_cast<int>(k_exit_usage);
    auto chosen = chosen_devices(*plan, options, *names);
    if (!chosen) return static_cast<int>(k_exit_usage);
    FILE* out = target.report ? stderr : stdout; // under --report stdout is the JSON
    auto say = [out](const std::string& line) {
      fmt::print(out, "{}\n", line);
      std::fflush(out);
    };
    auto outcome = apply_devices(target, *plan, *chosen, force, say, targets_all(options.targets));
    print_note(fmt::format("{} the configuration to {}", did_or_would(target, "applied", "apply"),
                           count_devices(outcome.applied.size())));
    return outcome.exit_code;
  });
}

} // namespace

std::optional<ApplyPlan> load_apply_plan(Env& env)
{
  auto plan = plan_apply(env.sysfs, env.config_root.value_or(ConfigRoot(env.sysfs)));
  if (!plan) {
    // A configuration that cannot be used is bad input, as a bad command line is: the caller
    // exits 2, so the error's kind says usage (not-found for a file that is not there).
    Error error = with_outcome(plan.error(), "nothing was applied");
    error.kind = ErrorKind::bad_input;
    report_failure(error);
    return std::nullopt;
  }
  return std::move(*plan);
}

bool targets_all(const TargetOptions& options)
{
  return options.devices.empty() || options.devices == std::vector<std::string>{"all"};
}

ApplyOutcome apply_devices(Env& env, const ApplyPlan& plan, const std::vector<DeviceName>& given, Force force,
                           const std::function<void(const std::string&)>& say, bool all)
{
  Context ctx = operation_context(env);
  ctx.hint = config_hints(plan);
  ApplyOutcome outcome;
  auto named = [&](const DeviceName& name) {
    const ConfigSection* section = plan.section_of(name);
    return section != nullptr && section->match.device.has_value();
  };
  std::vector<DeviceName> names = all ? all_but_idle(env.sysfs, given, named) : given;
  auto outcomes = for_each_device<DeviceName>(names, [&](const DeviceName& name) -> Result<DeviceName> {
    if (const Error* unreadable = plan.unreadable(name)) return std::unexpected(*unreadable);
    const ConfigSection* section = plan.section_of(name);
    if (!section) {
      const DeviceIdentity* identity = plan.identity_of(name);
      say(fmt::format("{}: no section matches ({}); left as it is", name.str(),
                      identity ? describe(*identity) : std::string("not present")));
      return name;
    }
    if (auto skipped = skip_empty(env, ctx, name, *section, say)) return *skipped;
    Json asked{{"mode", to_string(section->wanted.mode)},
               {"online", section->wanted.online == OnlineAfter::yes},
               {"movable", section->wanted.as == OnlineAs::movable},
               {"force", force == Force::yes},
               {"section", section->header()},
               {"where", section->where()}};
    auto report = reported(env, name, [&] { return apply_wanted(ctx, name, section->wanted, force); }, asked);
    if (!report) return std::unexpected(report.error());
    say(fmt::format("{}: {} ({} {})", name.str(), describe_report(env, *report, section->wanted), section->header(),
                    section->where()));
    outcome.applied.push_back(name);
    return name;
  });
  // Devices no section matches are neither successes nor failures: 1 when every configured
  // device failed, 3 when only some did.
  outcome.exit_code = DeviceOutcomes<DeviceName>{outcome.applied, outcomes.failed, outcomes.failure_status}.exit_code();
  return outcome;
}

namespace {

void add_apply_options(CLI::App& app, ApplyOptions& options)
{
  add_target_options(app, options.targets, NoDevices::all);
  app.add_flag("-f,--force", options.force,
               "devdax: offline online memory first (a device in use is never bound to kmem)");
  app.add_option("--section", options.section,
                 "Only the devices section [device NAME] decides (others are left as they are)")
    ->type_name("NAME");
}

Json apply_asked(const ApplyOptions& options)
{
  return {{"force", options.force}};
}

} // namespace

Command apply_command()
{
  return change_command<ApplyOptions>("apply", {}, "Bring devices to the state the configuration files ask for",
                                      add_apply_options, apply_asked, run_apply);
}

} // namespace dax::cli
