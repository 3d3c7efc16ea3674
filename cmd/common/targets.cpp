#include "cmd/common/targets.hpp"

#include "cmd/common/exit_status.hpp"
#include "core/base/words.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace dax::cli {

void add_target_options(CLI::App& app, TargetOptions& options, NoDevices none)
{
  std::string help = "Devices: daxX.Y, X.Y, /dev/daxX.Y, or all";
  if (none == NoDevices::all) help += " (the default)";
  app.add_option("devices", options.devices, help)->type_name("DEVICE");
  app.add_option("-r,--region", options.region, "Only devices of this region (N or regionN)")
    ->type_name("REGION");
}

void add_human_compat_option(CLI::App& app)
{
  app.add_flag_callback("-u,--human", [] {}, "Accepted as daxctl accepts it; this command prints no sizes");
}

Result<std::optional<unsigned>> parse_region_filter(const std::string& region)
{
  if (region.empty() || region == "all") return std::nullopt;
  if (auto id = parse_region_argument(region)) return *id;
  return std::unexpected(bad_input(fmt::format("--region '{}'", printable(region)),
                                     "not a region (expected N or regionN)"));
}

int print_target_error(const Error& error)
{
  report_failure(error);
  return exit_status(error); // bad input is 2; a sysfs read that failed is 1
}

std::string count_devices(size_t count)
{
  return counted(count, "device");
}

namespace {

// Whether `name` is idle, as a dynamic region's seed is: size 0 and no driver (no mode, memory or
// driver state applies to it).
bool idle_seed(Sysfs& sysfs, const DeviceName& name)
{
  auto device = read_device(sysfs, name);
  return device && device->size == 0 && device->driver_name.empty();
}

} // namespace

std::vector<DeviceName> all_but_idle(Sysfs& sysfs, const std::vector<DeviceName>& existing,
                                     const std::function<bool(const DeviceName&)>& keep)
{
  std::vector<DeviceName> kept;
  std::vector<std::string> idle;
  for (const auto& name : existing) {
    if ((!keep || !keep(name)) && idle_seed(sysfs, name)) {
      idle.push_back(name.str());
    } else {
      kept.push_back(name);
    }
  }
  if (!idle.empty()) {
    print_note(fmt::format("all: skipping {} (idle: size 0, no driver; nothing to change until {} memory)",
                           fmt::join(idle, ", "), idle.size() == 1 ? "it has" : "they have"));
  }
  return kept;
}

Result<std::vector<DeviceName>> resolve_targets(Sysfs& sysfs, const TargetOptions& options, IdleSeeds idle)
{
  if (options.devices.empty()) {
    return std::unexpected(bad_input("", "no device given: name one or more devices, or all"));
  }
  auto region = parse_region_filter(options.region);
  if (!region) return std::unexpected(region.error());
  // Names only: each operation reads its device's attributes itself (a region's id is the X of daxX.Y).
  auto all_names = list_device_names(sysfs);
  if (!all_names) return std::unexpected(all_names.error());
  std::vector<DeviceName> existing;
  for (const auto& name : *all_names) {
    if (!*region || name.region == **region) existing.push_back(name);
  }
  if (*region && existing.empty()) {
    // Every region has a device (a dynamic one keeps its seed): none means no such region, an
    // error as in dax's views, not a command that changed nothing and succeeded.
    Error error = bad_input(fmt::format("region{}", **region), "no such region (see dax list -R)");
    error.code = ENOENT;
    return std::unexpected(error);
  }

  std::vector<DeviceName> names;
  std::vector<std::string> unknown;
  auto add = [&](const DeviceName& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  bool all = std::find(options.devices.begin(), options.devices.end(), "all") != options.devices.end();
  std::vector<DeviceName> every = !all ? std::vector<DeviceName>{}
                                  : idle == IdleSeeds::skipped ? all_but_idle(sysfs, existing) : existing;
  for (const auto& argument : options.devices) {
    if (argument == "all") {
      std::for_each(every.begin(), every.end(), add);
      continue;
    }
    auto name = parse_device_argument(argument);
    if (!name) return std::unexpected(name.error());
    if (std::find(existing.begin(), existing.end(), *name) == existing.end()) {
      unknown.push_back(name->str());
    } else {
      add(*name);
    }
  }
  if (!unknown.empty()) {
    std::string where = *region ? fmt::format(" in region {}", **region) : std::string();
    Error error = bad_input(fmt::format("{}", fmt::join(unknown, ", ")),
                            fmt::format("no such device{} (see dax list)", where));
    error.code = ENOENT; // not-found in --report (failure_kind); the message says it in words
    return std::unexpected(error);
  }
  return names;
}

} // namespace dax::cli
