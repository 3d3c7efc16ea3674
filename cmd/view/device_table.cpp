#include "cmd/view/device_table.hpp"

#include "cmd/view/device_blocks.hpp"
#include "core/model/hotplug.hpp"

#include <fmt/format.h>

#include <set>

namespace dax::cli {

std::string DeviceState::zones() const
{
  std::set<std::string> zones;
  if (memory) {
    for (const auto& block : memory->blocks) {
      if (block.state == BlockState::online) zones.insert(block.zone ? std::string(to_string(*block.zone)) : std::string());
    }
  }
  std::string text;
  for (const auto& zone : zones) text += (text.empty() ? "" : ",") + zone;
  return text.empty() ? k_none : text;
}

std::string DeviceState::online_blocks() const
{
  if (!memory || memory->blocks.empty()) return k_none;
  return fmt::format("{}/{}", memory->online_count(), memory->total_count());
}

Cell DeviceState::lost() const
{
  return Cell::size(plan ? std::optional<uint64_t>(plan->lost_bytes()) : std::nullopt);
}

Result<DeviceState> read_device_state(Sysfs& sysfs, Device device, std::optional<uint64_t> block_size)
{
  auto memory = read_hot_added_blocks(sysfs, device, block_size);
  if (!memory) return std::unexpected(memory.error());
  std::optional<HotplugPlan> plan;
  if (*memory) plan = (*memory)->plan;
  // The ranges of a device of size 0 are known (none); others' are root's (0400) when absent.
  else if (block_size && (device.size == 0 || !device.ranges().empty())) plan = plan_hotplug(device.ranges(), *block_size);
  return DeviceState{std::move(device), std::move(*memory), std::move(plan)};
}

Table device_table(const std::vector<DeviceState>& devices)
{
  Table table({{"DEVICE", Align::left}, {"REGION", Align::right}, {"SIZE", Align::right},
               {"ALIGN", Align::right}, {"MODE", Align::left}, {"STATE", Align::left},
               {"DRIVER", Align::left}, {"NODE", Align::right}, {"BLOCKS", Align::right},
               {"ZONE", Align::left}, {"LOST", Align::right}},
              {"DEVICE", "SIZE", "MODE", "STATE", "NODE", "BLOCKS", "ZONE"});
  for (const auto& state : devices) {
    const Device& device = state.device;
    bool enabled = device.enabled();
    Style blocks_style = Style::plain;
    if (state.memory && !state.memory->blocks.empty()) {
      blocks_style = state.memory->online_count() == state.memory->total_count() ? Style::good : Style::warn;
    }
    std::string node = device.target_node && *device.target_node >= 0 ? std::to_string(*device.target_node) : k_none;
    table.add_row({device.name.str(), std::to_string(device.name.region), Cell::size(device.size),
                   Cell::size(device.align),
                   Cell(std::string(to_string(device.mode())), device.mode() == Mode::system_ram ? Style::good : Style::plain),
                   Cell(enabled ? "enabled" : "disabled", enabled ? Style::plain : Style::warn),
                   device.driver_name.empty() ? k_none : device.driver_name, node,
                   Cell(state.online_blocks(), blocks_style), state.zones(), state.lost()});
  }
  return table;
}

int print_device_table(Env& env, std::vector<Device> devices, const ViewOptions& options)
{
  std::optional<uint64_t> block_size = hotplug_block_size(env.sysfs);
  std::vector<DeviceState> states;
  bool withheld = false; // a system-ram device whose ranges only root may read: no block counts
  for (auto& device : devices) {
    withheld = withheld || ranges_withheld(device);
    auto state = read_device_state(env.sysfs, std::move(device), block_size);
    if (!state) {
      print_error(state.error().message());
      return k_exit_failure;
    }
    states.push_back(std::move(*state));
  }
  Table table = device_table(states);
  int code = print_table(table, options);
  if (code == k_exit_ok && withheld) {
    print_note("the memory blocks of system-ram devices are found from ranges readable by root only; "
               "run as root to see BLOCKS, ZONE and LOST (dax list --numa shows every node's blocks and zones "
                "without root)");
  }
  return code;
}

Table region_table(const std::vector<Region>& regions)
{
  Table table({{"REGION", Align::right}, {"SIZE", Align::right}, {"AVAILABLE", Align::right},
               {"ALIGN", Align::right}, {"DEVICES", Align::left}, {"PATH", Align::left}},
              {"REGION", "SIZE", "AVAILABLE", "ALIGN", "DEVICES"});
  for (const auto& region : regions) {
    std::string names;
    for (const auto& device : region.devices) names += (names.empty() ? "" : ",") + device.name.str();
    table.add_row({std::to_string(region.id), Cell::size(region.size), Cell::size(region.available_size),
                   Cell::size(region.align), names.empty() ? k_none : names, region.path});
  }
  return table;
}

} // namespace dax::cli
