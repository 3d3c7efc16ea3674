// dax reconfigure: switch devices between devdax, system-ram and famfs mode, or resize them (-s/-a).
#include "cmd/change/apply_command.hpp"
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "core/base/words.hpp"
#include "cmd/view/device_json.hpp"
#include "cmd/view/device_table.hpp"
#include "cmd/view/views.hpp"
#include "core/change/dynamic.hpp"
#include "core/change/famfs.hpp"
#include "core/change/operations.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace dax::cli {

namespace {

struct ReconfigureOptions : ChangeOptions
{
  std::string mode;
  std::string size;  // -s: the new size of a disabled device in a dynamic region
  std::string align; // -a: its new alignment
  bool online = true;
  bool movable = true;
  bool force = false;          // -f: devdax offlines online memory first (daxctl's meaning)
  bool destroy_in_use = false; // --destroy-data-in-use: bind kmem over a device a process uses
  bool human = false;
  MemmapOnMemory memmap = MemmapOnMemory::keep;
  bool check_config = false;
  ViewArgs view; // --format ("json", the default, daxctl's, or "table"), -o and the table options
  std::vector<const CLI::Option*> ram_flags; // the options that only system-ram takes, to refuse with famfs
};

// The first option only system-ram takes that the command line gives, "" when none.
std::string given_ram_flag(const ReconfigureOptions& options)
{
  for (const CLI::Option* flag : options.ram_flags) {
    if (flag->count() > 0) return flag->get_name();
  }
  return {};
}

// The mode a device is in now, if it can be read.
std::optional<Mode> mode_now(Sysfs& sysfs, const DeviceName& name)
{
  auto device = read_device(sysfs, name);
  if (!device) return std::nullopt;
  return device->mode();
}

// The devices as they are now, as a table.
int print_reconfigured_table(Env& env, const std::vector<DeviceName>& names, const ViewOptions& view)
{
  std::vector<Device> devices;
  for (const auto& name : names) {
    auto device = read_device(env.sysfs, name);
    if (!device) {
      report_failure(device.error());
      return k_exit_failure;
    }
    devices.push_back(std::move(*device));
  }
  return print_device_table(env, std::move(devices), view);
}

// Prints `names` as they are now: daxctl's reconfigure JSON, or a table; nothing on a dry run.
// Returns k_exit_ok, or the failure of reading them for the table.
int print_result(Env& env, const std::vector<DeviceName>& names, const ReconfigureOptions& options,
                 const ViewOptions& view)
{
  if (names.empty() || options.dry_run == DryRun::yes || env.report) return k_exit_ok;
  if (view.format == Format::table) return print_reconfigured_table(env, names, view);
  print_current_devices(env.sysfs, names, options.human ? Human::yes : Human::no);
  return k_exit_ok;
}

// Switches one device to `mode` as the options ask.
Result<OpReport> reconfigure_one(Context& ctx, const DeviceName& name, Mode mode, const ReconfigureOptions& options)
{
  switch (mode) {
  case Mode::devdax: return reconfigure_to_devdax(ctx, name, options.force ? Force::yes : Force::no);
  case Mode::famfs: return reconfigure_to_famfs(ctx, name);
  case Mode::system_ram: break;
  }
  return reconfigure_to_system_ram(ctx, name, {options.online ? OnlineAfter::yes : OnlineAfter::no,
                                               options.movable ? OnlineAs::movable : OnlineAs::kernel,
                                               options.destroy_in_use ? InUse::destroy_data : InUse::refuse,
                                               options.memmap});
}

int reconfigure_devices(Env& env, const ReconfigureOptions& options, Mode mode, const std::vector<DeviceName>& names,
                        const ViewOptions& view)
{
  Context ctx = operation_context(env);
  // The devices that were in another mode before: only those can have switched partly.
  std::vector<DeviceName> switching;
  auto outcomes = for_each_device<DeviceName>(names, [&](const DeviceName& name) -> Result<DeviceName> {
    if (auto before = mode_now(env.sysfs, name); before && *before != mode) switching.push_back(name);
    auto report = reported(env, name, [&] { return reconfigure_one(ctx, name, mode, options); });
    if (!report) return std::unexpected(report.error());
    if (report->mode == ModeChange::already) {
      unsigned changed = report->blocks.count(BlockOutcome::changed);
      print_note(changed == 0 ? fmt::format("{}: already in {} mode", name.str(), options.mode)
                              : fmt::format("{}: already in {} mode; {} {} to the asked state", name.str(),
                                            options.mode, did_or_would(env, "brought", "bring"),
                                            counted(changed, "memory block")));
    }
    return name;
  });
  // A device that failed after its driver changed (kmem bound, some blocks not online) is in the
  // new mode now: it is printed and counted as partly done, never hidden. One that failed in the
  // mode it was already in did not switch at all.
  std::vector<DeviceName> shown = outcomes.succeeded;
  size_t partial = 0;
  for (const auto& name : switching) {
    if (options.dry_run == DryRun::yes || std::find(shown.begin(), shown.end(), name) != shown.end()) continue;
    if (mode_now(env.sysfs, name) == mode) {
      shown.push_back(name);
      ++partial;
    }
  }
  std::sort(shown.begin(), shown.end());
  if (int code = print_result(env, shown, options, view); code != k_exit_ok) return code;
  print_note(fmt::format("{} {}{}", did_or_would(env, "reconfigured", "reconfigure"), count_devices(shown.size()),
                         partial > 0 ? fmt::format(" ({} partly: see the errors above)", partial) : ""));
  return outcomes.exit_code();
}

// -s/-a: resizes and/or realigns disabled devices of dynamic regions.
int resize_devices(Env& env, const ReconfigureOptions& options, const Resize& resize,
                   const std::vector<DeviceName>& names, const ViewOptions& view)
{
  Context ctx = operation_context(env);
  auto outcomes = for_each_device<DeviceName>(names, [&](const DeviceName& name) -> Result<DeviceName> {
    auto resized = reported(env, name, [&] { return resize_device(ctx, name, resize); });
    if (!resized) return std::unexpected(resized.error());
    return name;
  });
  if (int code = print_result(env, outcomes.succeeded, options, view); code != k_exit_ok) return code;
  print_note(fmt::format("{} {}", did_or_would(env, "reconfigured", "reconfigure"),
                         count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

// The -s/-a values, or a usage error.
Result<Resize> parse_resize(const ReconfigureOptions& options)
{
  Resize resize;
  if (!options.size.empty()) {
    auto size = parse_size(options.size);
    if (!size) return std::unexpected(size.error());
    resize.size = *size;
  }
  if (!options.align.empty()) {
    auto align = parse_align(options.align);
    if (!align) return std::unexpected(align.error());
    resize.align = *align;
  }
  return resize;
}

// -s/-a: checked, then run on the targets.
int run_resize(Env& env, const ReconfigureOptions& options, const ViewOptions& view)
{
  if (!options.mode.empty()) {
    return usage_error("--size/--align resize a disabled device; --mode cannot be combined with them (run two commands)");
  }
  if (options.memmap != MemmapOnMemory::keep) {
    return usage_error("--[no-]memmap-on-memory is for --mode=system-ram, not with --size/--align");
  }
  auto resize = parse_resize(options);
  if (!resize) {
    return usage_error(resize.error().message());
  }
  // `all` keeps idle devices here: giving one a size is what -s is for.
  return run_on_targets(env, options.targets, options.dry_run,
                        [&](Env& target, const std::vector<DeviceName>& names) {
                          return resize_devices(target, options, *resize, names, view);
                        }, IdleSeeds::kept);
}

// -C: the mode, online and movable come from the configuration files (dax apply's), as daxctl's
// --check-config takes them from daxctl.conf.d. A device no section matches is left alone, exit 0.
int run_check_config(Env& env, const ReconfigureOptions& options, const ViewOptions& view)
{
  if (!options.mode.empty() || !options.online || !options.movable || options.memmap != MemmapOnMemory::keep ||
      !options.size.empty() || !options.align.empty() || options.destroy_in_use) {
    return usage_error("-C/--check-config takes the mode from the configuration files: it cannot be used with "
                "--mode, --no-online, --no-movable, --[no-]memmap-on-memory, --size, --align or "
                "--destroy-data-in-use");
  }
  auto names = resolve_targets(env.sysfs, options.targets);
  if (!names) {
    return print_target_error(names.error());
  }
  return run_state_change(env, options.dry_run, [&](Env& target) {
    auto plan = load_apply_plan(target); // matched under the lock, as the changes read
    if (!plan) return static_cast<int>(k_exit_usage);
    auto outcome = apply_devices(target, *plan, *names, options.force ? Force::yes : Force::no, print_note,
                                 targets_all(options.targets));
    if (int code = print_result(target, outcome.applied, options, view); code != k_exit_ok) return code;
    print_note(fmt::format("{} {}", did_or_would(target, "reconfigured", "reconfigure"), count_devices(outcome.applied.size())));
    return outcome.exit_code;
  });
}

// The output format and columns, checked before anything changes.
Result<ViewOptions> reconfigure_view(const ReconfigureOptions& options)
{
  auto view = view_options(options.view, Format::json, options.human);
  if (!view) return view;
  if (auto columns = check_columns(device_table({}), *view); !columns) return std::unexpected(columns.error());
  return view;
}

// What the command line asks of each device, as the report shows it.
Json reconfigure_asked(const ReconfigureOptions& options)
{
  if (options.check_config) return {{"check_config", true}, {"force", options.force}};
  if (options.mode.empty()) return {{"size", options.size}, {"align", options.align}};
  if (options.mode == "devdax") return {{"mode", "devdax"}, {"force", options.force}};
  if (options.mode == "famfs") return {{"mode", "famfs"}};
  return {{"mode", options.mode},
          {"online", options.online},
          {"movable", options.movable},
          {"destroy_data_in_use", options.destroy_in_use}};
}

// Why the options do not go with `mode` (a usage error), "" when they do.
std::string mode_conflict(const ReconfigureOptions& options, Mode mode)
{
  if (mode == Mode::famfs) {
    // daxctl 85: "--no-online is incompatible with --mode=famfs"; the other memory options too.
    std::string flag = given_ram_flag(options);
    return flag.empty() ? "" : fmt::format("{} is incompatible with --mode=famfs", flag);
  }
  if (mode == Mode::system_ram) return {};
  if (!options.online) return "--no-online is incompatible with --mode=devdax";
  if (options.destroy_in_use) return "--destroy-data-in-use is for --mode=system-ram";
  if (!options.movable) return "--no-movable is incompatible with --mode=devdax";
  if (options.memmap != MemmapOnMemory::keep) {
    return "--memmap-on-memory and --no-memmap-on-memory need --mode=system-ram";
  }
  return {};
}

int run_reconfigure(Env& env, const ReconfigureOptions& options)
{
  if (options.view.list_columns) return print_column_names(device_table({}));
  if (options.report && (options.view.given() || options.human)) {
    return usage_error("--report prints its own JSON: it cannot be combined with --format, -J, the table options or -u");
  }
  auto view = reconfigure_view(options);
  if (!view) {
    return usage_error(view.error().message());
  }
  if (options.check_config) return run_check_config(env, options, *view);
  if (!options.size.empty() || !options.align.empty()) return run_resize(env, options, *view);
  if (options.mode.empty()) {
    return usage_error("reconfigure: a --mode, --size or --align is required");
  }
  auto mode = parse_mode(options.mode);
  if (!mode) return usage_error(fmt::format("--mode '{}': expected system-ram, devdax or famfs", options.mode));
  if (std::string conflict = mode_conflict(options, *mode); !conflict.empty()) return usage_error(conflict);
  return run_on_targets(env, options.targets, options.dry_run,
                        [&](Env& target, const std::vector<DeviceName>& names) {
                          return reconfigure_devices(target, options, *mode, names, *view);
                        });
}

void add_reconfigure_options(CLI::App& app, ReconfigureOptions& options)
{
  add_target_options(app, options.targets);
  app.add_option("-m,--mode", options.mode, "system-ram (hot-add as RAM), devdax, or famfs (fsdev_dax, Linux 7.2+)")
    ->check(CLI::IsMember({"system-ram", "devdax", "famfs"}))
    ->type_name("MODE");
  app.add_option("-s,--size", options.size, "Resize a disabled device of a dynamic region (4G, 512M, 0x..., bytes)")
    ->type_name("SIZE");
  app.add_option("-a,--align", options.align, "Set the alignment of a disabled device (4K, 2M, 1G)")->type_name("ALIGN");
  add_switch(app, "-N,--no-online", "--online", options.online, "system-ram: leave the new memory offline",
             "Undo --no-online (the default)");
  add_switch(app, "--no-movable", "--movable", options.movable, "system-ram: online as kernel memory, not movable",
             "Undo --no-movable (the default)");
  app.add_flag_callback("--memmap-on-memory", [&options] { options.memmap = MemmapOnMemory::on; },
                        "system-ram: keep the memory map on the device itself (Linux 6.8+)");
  app.add_flag_callback("--no-memmap-on-memory", [&options] { options.memmap = MemmapOnMemory::off; },
                        "system-ram: keep the memory map in boot RAM (Linux 6.8+)");
  app.add_flag("-f,--force", options.force,
               "devdax: offline online memory first (accepted and unneeded with system-ram and famfs)");
  app.add_flag("--destroy-data-in-use", options.destroy_in_use,
               "system-ram: bind kmem although a process has /dev/daxX.Y open or mapped (its data is lost)");
  app.add_flag("-C,--check-config", options.check_config,
               "Take the mode, online and movable from the configuration files (see dax-apply(1))");
  for (const char* flag : {"--no-online", "--online", "--no-movable", "--movable", "--memmap-on-memory",
                           "--no-memmap-on-memory", "--destroy-data-in-use"}) {
    options.ram_flags.push_back(app.get_option(flag));
  }
  app.add_flag("-u,--human", options.human, "Human-readable sizes in the printed JSON");
  add_view_options(app, options.view, "json (the default, daxctl's) or table", ShortNoHeadings::no);
}

} // namespace

Command reconfigure_command()
{
  return change_command<ReconfigureOptions>("reconfigure", {"reconfigure-device"},
                                            "Switch devices between devdax, system-ram and famfs mode",
                                            add_reconfigure_options, reconfigure_asked, run_reconfigure);
}

} // namespace dax::cli
