#pragma once

#include "cmd/common/command.hpp"
#include "cmd/common/failure.hpp"
#include "core/model/device.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

// The device arguments and region filter every device command takes.
struct TargetOptions
{
  std::vector<std::string> devices; // names, "X.Y", "/dev/daxX.Y" or "all"
  std::string region;               // "N", "regionN" or empty
};

// Prints a resolve_targets error and returns its exit status: bad arguments are a usage error
// (2); a /sys/bus/dax that cannot be read is a failure (1), as malformed sysfs is everywhere.
int print_target_error(const Error& error);

// What no device argument means: a usage error (the user names the devices), or every device.
enum class NoDevices { refused, all };

// Adds DEVICE... and -r/--region to `app`; its help says what no device means.
void add_target_options(CLI::App& app, TargetOptions& options, NoDevices none = NoDevices::refused);

// Adds daxctl's -u/--human to a command that prints no sizes, so that daxctl's scripts run.
void add_human_compat_option(CLI::App& app);

// A -r/--region argument: "N", "regionN", or "all"/empty for every region (nullopt).
Result<std::optional<unsigned>> parse_region_filter(const std::string& region);

// Resolves the arguments to existing devices, in the order given (duplicates dropped; "all" in
// natural order). Unknown or malformed names are bad input: one error naming them, nothing done.
// "all" leaves out the idle seed device (size 0, no driver) every dynamic region keeps for
// create-device, saying so on stderr, when `idle` says so (the changing commands: no mode or
// state applies to it); the views keep it. Named, it is always kept.
enum class IdleSeeds { kept, skipped };
Result<std::vector<DeviceName>> resolve_targets(Sysfs& sysfs, const TargetOptions& options,
                                                IdleSeeds idle = IdleSeeds::kept);

// What "all" leaves out, as resolve_targets does: `existing` without its idle seeds (but those
// `keep` says), naming the ones left out in one line on stderr ("all: skipping dax1.1 (idle: ...)").
std::vector<DeviceName> all_but_idle(Sysfs& sysfs, const std::vector<DeviceName>& existing,
                                     const std::function<bool(const DeviceName&)>& keep = nullptr);

// The outcomes of an operation run on each device, and the exit code they make: 0 when all
// succeeded, 3 when some did; when all failed, the status their errors stand for (exit_status:
// from the errors' kind, never their text), 1 when those differ.
template<typename Report>
struct DeviceOutcomes
{
  std::vector<Report> succeeded;
  unsigned failed = 0;
  int failure_status = k_exit_failure; // exit_status of every failure, when they agree

  void add_failure(const Error& error)
  {
    int status = exit_status(error);
    failure_status = failed == 0 || status == failure_status ? status : k_exit_failure;
    ++failed;
  }

  int exit_code() const
  {
    if (failed == 0) return k_exit_ok;
    return succeeded.empty() ? failure_status : k_exit_partial;
  }
};

// Runs `operation` on each device; errors are printed as they happen.
template<typename Report, typename Operation>
DeviceOutcomes<Report> for_each_device(const std::vector<DeviceName>& names, Operation operation)
{
  DeviceOutcomes<Report> outcomes;
  for (const auto& name : names) {
    auto result = operation(name);
    if (result) {
      outcomes.succeeded.push_back(std::move(*result));
    } else {
      report_failure(result.error());
      outcomes.add_failure(result.error());
    }
  }
  return outcomes;
}

// "1 device" / "2 devices".
std::string count_devices(size_t count);

} // namespace dax::cli
