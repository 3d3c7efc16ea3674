// dax reconfigure: switch devices between devdax and system-ram mode.
#include "apply_command.hpp"
#include "command.hpp"
#include "device_json.hpp"
#include "operations.hpp"
#include "state_change.hpp"
#include "block_command.hpp"
#include "targets.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

struct ReconfigureOptions
{
  TargetOptions targets;
  std::string mode;
  bool online = true;
  bool movable = true;
  bool force = false;
  bool human = false;
  bool dry_run = false;
  MemmapOnMemory memmap = MemmapOnMemory::keep;
  bool check_config = false;
};

Result<Json> resulting_device(Env& env, const DeviceName& name, Human human)
{
  auto device = read_device(env.sysfs, name);
  if (!device) return std::unexpected(device.error());
  std::optional<uint64_t> block_size;
  if (auto size = read_block_size(env.sysfs)) block_size = *size;
  return device_json(env.sysfs, *device, block_size, human, WithMappings::no);
}

// Prints the JSON of `names` as they are now (daxctl's reconfigure output), unless a dry run.
void print_result(Env& env, const std::vector<DeviceName>& names, const ReconfigureOptions& options)
{
  if (names.empty() || options.dry_run) return;
  Human human = options.human ? Human::yes : Human::no;
  Json devices = Json::array();
  for (const auto& name : names) {
    auto device = resulting_device(env, name, human);
    if (!device) {
      print_error(device.error().message());
      continue;
    }
    devices.push_back(std::move(*device));
  }
  std::fputs(render_list(devices, human).c_str(), stdout);
}

int reconfigure_devices(Env& env, const ReconfigureOptions& options, const std::vector<DeviceName>& names)
{
  bool to_ram = options.mode == "system-ram";
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  SystemRamOptions ram{options.online ? OnlineAfter::yes : OnlineAfter::no,
                       options.movable ? OnlineAs::movable : OnlineAs::kernel,
                       options.force ? Force::yes : Force::no, options.memmap};

  auto outcomes = for_each_device<DeviceName>(names, [&](const DeviceName& name) -> Result<DeviceName> {
    auto report = to_ram ? reconfigure_to_system_ram(ctx, name, ram)
                         : reconfigure_to_devdax(ctx, name, options.force ? Force::yes : Force::no);
    if (!report) return std::unexpected(report.error());
    if (report->mode == ModeChange::already) {
      print_note(fmt::format("{}: already in {} mode", name.str(), options.mode));
    }
    return name;
  });
  print_result(env, outcomes.succeeded, options);
  print_note(fmt::format("reconfigured {}", count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

// -C: the mode, online and movable come from the configuration files (dax apply's), as daxctl's
// --check-config takes them from daxctl.conf.d. A device no section matches is left alone, exit 0.
int run_check_config(Env& env, const ReconfigureOptions& options)
{
  if (!options.mode.empty() || !options.online || !options.movable || options.memmap != MemmapOnMemory::keep) {
    print_error("-C/--check-config takes the mode from the configuration files: it cannot be used with "
                "--mode, --no-online, --no-movable or --[no-]memmap-on-memory");
    return k_exit_usage;
  }
  auto names = resolve_targets(env.sysfs, options.targets);
  if (!names) {
    print_error(names.error().message());
    return k_exit_usage;
  }
  auto plan = load_apply_plan(env);
  if (!plan) return k_exit_usage;
  return run_state_change(env, options.dry_run ? DryRun::yes : DryRun::no, [&](Env& target) {
    auto outcome = apply_devices(target, *plan, *names, options.force ? Force::yes : Force::no, print_note);
    print_result(target, outcome.applied, options);
    print_note(fmt::format("reconfigured {}", count_devices(outcome.applied.size())));
    return outcome.exit_code;
  });
}

int run_reconfigure(Env& env, const ReconfigureOptions& options)
{
  if (options.check_config) return run_check_config(env, options);
  if (options.mode.empty()) {
    print_error("reconfigure: a --mode is required (system-ram or devdax)");
    return k_exit_usage;
  }
  bool to_ram = options.mode == "system-ram";
  if (!to_ram && !options.online) {
    print_error("--no-online is incompatible with --mode=devdax");
    return k_exit_usage;
  }
  if (!to_ram && !options.movable) {
    print_error("--no-movable is incompatible with --mode=devdax");
    return k_exit_usage;
  }
  if (!to_ram && options.memmap != MemmapOnMemory::keep) {
    print_error("--memmap-on-memory and --no-memmap-on-memory need --mode=system-ram");
    return k_exit_usage;
  }
  auto names = resolve_targets(env.sysfs, options.targets);
  if (!names) {
    print_error(names.error().message());
    return k_exit_usage;
  }
  return run_state_change(env, options.dry_run ? DryRun::yes : DryRun::no,
                          [&](Env& target) { return reconfigure_devices(target, options, *names); });
}

} // namespace

Command reconfigure_command()
{
  return {"reconfigure", {"reconfigure-device"}, "Switch devices between devdax and system-ram mode",
          [](CLI::App& app) -> Runner {
            auto options = std::make_shared<ReconfigureOptions>();
            add_target_options(app, options->targets);
            app.add_option("-m,--mode", options->mode, "system-ram (hot-add as RAM) or devdax")
              ->check(CLI::IsMember({"system-ram", "devdax"}))
              ->type_name("MODE");
            add_switch(app, "-N,--no-online", "--online", options->online,
                       "system-ram: leave the new memory offline", "Undo --no-online (the default)");
            add_switch(app, "--no-movable", "--movable", options->movable,
                       "system-ram: online as kernel memory, not movable", "Undo --no-movable (the default)");
            app.add_flag_callback("--memmap-on-memory", [options] { options->memmap = MemmapOnMemory::on; },
                                  "system-ram: keep the memory map on the device itself (Linux 6.8+)");
            app.add_flag_callback("--no-memmap-on-memory", [options] { options->memmap = MemmapOnMemory::off; },
                                  "system-ram: keep the memory map in boot RAM (Linux 6.8+)");
            app.add_flag("-f,--force", options->force,
                         "devdax: offline online memory first; system-ram: accept the kernel's auto-online policy");
            app.add_flag("-C,--check-config", options->check_config,
                         "Take the mode, online and movable from the configuration files (see dax-apply(1))");
            app.add_flag("-u,--human", options->human, "Human-readable sizes in the printed JSON");
            add_dry_run_option(app, options->dry_run);
            return [options](Env& env) { return run_reconfigure(env, *options); };
          }};
}

} // namespace dax::cli
