// dax reconfigure: switch devices between devdax and system-ram mode.
#include "command.hpp"
#include "device_json.hpp"
#include "operations.hpp"
#include "state_change.hpp"
#include "block_command.hpp"
#include "device_table.hpp"
#include "targets.hpp"
#include "views.hpp"

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
  std::string format;  // --format: "json" (the default, daxctl's) or "table"
  std::string columns; // -o
};

Result<Json> resulting_device(Env& env, const DeviceName& name, Human human)
{
  auto device = read_device(env.sysfs, name);
  if (!device) return std::unexpected(device.error());
  std::optional<uint64_t> block_size;
  if (auto size = read_block_size(env.sysfs)) block_size = *size;
  return device_json(env.sysfs, *device, block_size, human, WithMappings::no);
}

// The devices as they are now, as a table.
int print_reconfigured_table(Env& env, const std::vector<DeviceName>& names, const ViewOptions& view)
{
  std::vector<Device> devices;
  for (const auto& name : names) {
    auto device = read_device(env.sysfs, name);
    if (!device) {
      print_error(device.error().message());
      return k_exit_failure;
    }
    devices.push_back(std::move(*device));
  }
  return print_device_table(env, std::move(devices), view);
}

int reconfigure_devices(Env& env, const ReconfigureOptions& options, const std::vector<DeviceName>& names,
                        const ViewOptions& view)
{
  bool to_ram = options.mode == "system-ram";
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  SystemRamOptions ram{options.online ? OnlineAfter::yes : OnlineAfter::no,
                       options.movable ? OnlineAs::movable : OnlineAs::kernel,
                       options.force ? Force::yes : Force::no};
  Human human = options.human ? Human::yes : Human::no;

  std::vector<DeviceName> done;
  auto outcomes = for_each_device<Json>(names, [&](const DeviceName& name) -> Result<Json> {
    auto report = to_ram ? reconfigure_to_system_ram(ctx, name, ram)
                         : reconfigure_to_devdax(ctx, name, options.force ? Force::yes : Force::no);
    if (!report) return std::unexpected(report.error());
    if (report->mode == ModeChange::already) {
      print_note(fmt::format("{}: already in {} mode", name.str(), options.mode));
    }
    done.push_back(name);
    if (view.format == Format::table) return Json(); // the table reads the devices after the loop
    return resulting_device(env, name, human);
  });
  if (!outcomes.succeeded.empty() && !options.dry_run && view.format == Format::table) {
    if (int code = print_reconfigured_table(env, done, view); code != k_exit_ok) return code;
  } else if (!outcomes.succeeded.empty() && !options.dry_run) {
    Json devices = Json::array();
    for (auto& device : outcomes.succeeded) devices.push_back(std::move(device));
    std::fputs(render_list(devices, human).c_str(), stdout);
  }
  print_note(fmt::format("reconfigured {}", count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

int run_reconfigure(Env& env, const ReconfigureOptions& options)
{
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
  auto view = view_options(options.format, options.columns, Format::json);
  if (view) {
    if (auto columns = check_device_columns(options.columns); !columns) view = std::unexpected(columns.error());
  }
  if (!view) {
    print_error(view.error().message());
    return k_exit_usage;
  }
  auto names = resolve_targets(env.sysfs, options.targets);
  if (!names) {
    print_error(names.error().message());
    return k_exit_usage;
  }
  return run_state_change(env, options.dry_run ? DryRun::yes : DryRun::no,
                          [&](Env& target) { return reconfigure_devices(target, options, *names, *view); });
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
            app.add_flag("-f,--force", options->force,
                         "devdax: offline online memory first; system-ram: accept the kernel's auto-online policy");
            app.add_flag("-u,--human", options->human, "Human-readable sizes in the printed JSON");
            add_view_options(app, options->format, options->columns, "json (the default, daxctl's) or table");
            add_dry_run_option(app, options->dry_run);
            return [options](Env& env) { return run_reconfigure(env, *options); };
          }};
}

} // namespace dax::cli
