// dax reconfigure: switch devices between devdax and system-ram mode, or resize them (-s/-a).
#include "command.hpp"
#include "device_json.hpp"
#include "dynamic.hpp"
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
  std::string size;  // -s: the new size of a disabled device in a dynamic region
  std::string align; // -a: its new alignment
  bool online = true;
  bool movable = true;
  bool force = false;
  bool human = false;
  bool dry_run = false;
  MemmapOnMemory memmap = MemmapOnMemory::keep;
};

int reconfigure_devices(Env& env, const ReconfigureOptions& options, const std::vector<DeviceName>& names)
{
  bool to_ram = options.mode == "system-ram";
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  SystemRamOptions ram{options.online ? OnlineAfter::yes : OnlineAfter::no,
                       options.movable ? OnlineAs::movable : OnlineAs::kernel,
                       options.force ? Force::yes : Force::no, options.memmap};
  Human human = options.human ? Human::yes : Human::no;

  auto outcomes = for_each_device<Json>(names, [&](const DeviceName& name) -> Result<Json> {
    auto report = to_ram ? reconfigure_to_system_ram(ctx, name, ram)
                         : reconfigure_to_devdax(ctx, name, options.force ? Force::yes : Force::no);
    if (!report) return std::unexpected(report.error());
    if (report->mode == ModeChange::already) {
      print_note(fmt::format("{}: already in {} mode", name.str(), options.mode));
    }
    return current_device_json(env.sysfs, name, human);
  });
  if (!options.dry_run) print_devices(outcomes.succeeded, human);
  print_note(fmt::format("reconfigured {}", count_devices(outcomes.succeeded.size())));
  return outcomes.exit_code();
}

// -s/-a: resizes and/or realigns disabled devices of dynamic regions.
int resize_devices(Env& env, const ReconfigureOptions& options, const Resize& resize, const std::vector<DeviceName>& names)
{
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  Human human = options.human ? Human::yes : Human::no;
  auto outcomes = for_each_device<DeviceName>(names, [&](const DeviceName& name) -> Result<DeviceName> {
    if (auto resized = resize_device(ctx, name, resize); !resized) return std::unexpected(resized.error());
    return name;
  });
  if (!options.dry_run) print_current_devices(env.sysfs, outcomes.succeeded, human);
  print_note(fmt::format("reconfigured {}", count_devices(outcomes.succeeded.size())));
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
    auto align = parse_size(options.align);
    if (!align) return std::unexpected(align.error());
    resize.align = *align;
  }
  return resize;
}

int run_reconfigure(Env& env, const ReconfigureOptions& options)
{
  bool resizing = !options.size.empty() || !options.align.empty();
  if (options.mode.empty() && !resizing) {
    print_error("reconfigure: a --mode, --size or --align is required");
    return k_exit_usage;
  }
  if (resizing) {
    if (!options.mode.empty()) {
      print_error("--size/--align resize a disabled device; --mode cannot be combined with them (run two commands)");
      return k_exit_usage;
    }
    if (options.memmap != MemmapOnMemory::keep) {
      print_error("--[no-]memmap-on-memory is for --mode=system-ram, not with --size/--align");
      return k_exit_usage;
    }
    auto resize = parse_resize(options);
    if (!resize) {
      print_error(resize.error().message());
      return k_exit_usage;
    }
    return run_on_targets(env, options.targets, options.dry_run ? DryRun::yes : DryRun::no,
                          [&](Env& target, const std::vector<DeviceName>& names) {
                            return resize_devices(target, options, *resize, names);
                          });
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
  return run_on_targets(env, options.targets, options.dry_run ? DryRun::yes : DryRun::no,
                        [&](Env& target, const std::vector<DeviceName>& names) {
                          return reconfigure_devices(target, options, names);
                        });
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
            app.add_option("-s,--size", options->size,
                           "Resize a disabled device of a dynamic region (4G, 512M, 0x..., bytes)")
              ->type_name("SIZE");
            app.add_option("-a,--align", options->align, "Set the alignment of a disabled device (4K, 2M, 1G)")
              ->type_name("ALIGN");
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
            app.add_flag("-u,--human", options->human, "Human-readable sizes in the printed JSON");
            add_dry_run_option(app, options->dry_run);
            return [options](Env& env) { return run_reconfigure(env, *options); };
          }};
}

} // namespace dax::cli
