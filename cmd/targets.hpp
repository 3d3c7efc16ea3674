#pragma once

#include "command.hpp"
#include "model.hpp"

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

// Adds DEVICE... and -r/--region to `app`.
void add_target_options(CLI::App& app, TargetOptions& options);

// Adds daxctl's -u/--human to a command that prints no sizes, so that daxctl's scripts run.
void add_human_compat_option(CLI::App& app);

// A -r/--region argument: "N", "regionN", or "all"/empty for every region (nullopt).
Result<std::optional<unsigned>> parse_region_filter(const std::string& region);

// Resolves the arguments to existing devices, in the order given (duplicates dropped; "all" in
// natural order). Unknown or malformed names are bad input: one error naming them, nothing done.
Result<std::vector<DeviceName>> resolve_targets(Sysfs& sysfs, const TargetOptions& options);

// Runs `operation` on each device and turns the outcomes into an exit code: 0 when all succeeded,
// 1 when all failed, 3 when some did. Errors are printed as they happen.
template<typename Report>
struct DeviceOutcomes
{
  std::vector<Report> succeeded;
  unsigned failed = 0;

  int exit_code() const
  {
    if (failed == 0) return k_exit_ok;
    return succeeded.empty() ? k_exit_failure : k_exit_partial;
  }
};

template<typename Report, typename Operation>
DeviceOutcomes<Report> for_each_device(const std::vector<DeviceName>& names, Operation operation)
{
  DeviceOutcomes<Report> outcomes;
  for (const auto& name : names) {
    auto result = operation(name);
    if (result) {
      outcomes.succeeded.push_back(std::move(*result));
    } else {
      print_error(result.error().message());
      ++outcomes.failed;
    }
  }
  return outcomes;
}

// "1 device" / "2 devices".
std::string count_devices(size_t count);

} // namespace dax::cli
