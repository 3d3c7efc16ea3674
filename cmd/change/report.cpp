#include "cmd/change/report.hpp"

#include "core/model/device_memory.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>

namespace dax::cli {

namespace {

// {"online": {"Movable": 7}, "offline": 0}: blocks per state, online ones per zone.
Json blocks_json(const DeviceMemory& memory)
{
  Json online = Json::object();
  uint64_t offline = 0;
  for (const auto& block : memory.blocks) {
    if (block.state == BlockState::online) {
      std::string zone = block.zone ? std::string(to_string(*block.zone)) : "unknown";
      online[zone] = online.value(zone, 0) + 1;
    } else {
      ++offline; // offline or going-offline: not usable as RAM
    }
  }
  return {{"online", std::move(online)}, {"offline", offline}};
}

} // namespace

Json device_state(Sysfs& sysfs, const DeviceName& name)
{
  auto device = read_device(sysfs, name);
  if (!device) return nullptr; // absent (destroyed, not created yet) or unreadable: the error says which
  Json state{{"mode", to_string(device->mode())},
             {"driver", device->driver_name.empty() ? Json(nullptr) : Json(device->driver_name)},
             {"enabled", device->enabled()},
             {"size", device->size},
             {"target_node", device->target_node ? Json(*device->target_node) : Json(nullptr)},
             {"memory_blocks", nullptr}};
  auto block_size = read_block_size(sysfs);
  if (device->mode() == Mode::system_ram && block_size && !device->ranges().empty()) {
    if (auto memory = read_device_memory(sysfs, *device, *block_size, WithZone::yes)) {
      state["memory_blocks"] = blocks_json(*memory);
    }
  }
  return state;
}

void Report::add(std::optional<DeviceName> name, Json asked, Json before, Json after, const Error* error,
                 std::optional<bool> changed_override)
{
  bool changed = changed_override.value_or(before != after);
  m_devices.push_back({{"device", name ? Json(name->str()) : Json(nullptr)},
                       {"asked", std::move(asked)},
                       {"before", std::move(before)},
                       {"after", std::move(after)},
                       {"predicted", m_dry_run},
                       {"changed", changed},
                       {"error", error ? Json(failure_json(*error)) : Json(nullptr)}});
}

Json Report::json(int exit_status, const FailureSink* command_failure) const
{
  bool changed = false;
  Json error = nullptr;
  size_t failed = 0;
  for (const auto& device : m_devices) {
    changed = changed || device["changed"].get<bool>();
    if (device["error"].is_null()) continue;
    if (failed++ == 0) error = device["error"];
  }
  if (exit_status == k_exit_partial) {
    error = failure_json(fmt::format("{} of {} devices failed: {}", failed, m_devices.size(),
                                     error.is_null() ? "see stderr" : error["message"].get<std::string>()),
                         exit_status);
  } else if (exit_status == k_exit_ok) {
    error = nullptr;
  } else if (error.is_null() && command_failure && command_failure->first()) {
    const Error& first = *command_failure->first();
    error = command_failure->text_only() ? Json(failure_json(first.message(), exit_status)) : Json(failure_json(first));
  } else if (error.is_null()) {
    error = failure_json("failed (see stderr)", exit_status); // every failure prints; none reached us
  }
  return {{"command", m_command},       {"dry_run", m_dry_run}, {"changed", changed},
          {"exit_status", exit_status}, {"error", std::move(error)}, {"devices", m_devices}};
}

void add_report_option(CLI::App& app, bool& report)
{
  app.add_flag("--report", report,
               "Print a JSON report on stdout: per device what was asked, the state before and after, "
               "whether it changed, the error");
}

int with_report(Env& env, bool enabled, DryRun dry_run, const std::string& command, Json asked,
                const std::function<int(Env&)>& run)
{
  if (!enabled) return run(env);
  Report report(command, dry_run == DryRun::yes, std::move(asked));
  Env reporting = env;
  reporting.report = &report;
  FailureSink failures;
  int code = run(reporting);
  fmt::print("{}\n", report.json(code, &failures).dump(2));
  return code;
}

} // namespace dax::cli
