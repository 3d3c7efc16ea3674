#pragma once

#include "cmd/view/table.hpp"
#include "cmd/view/views.hpp"
#include "core/model/device.hpp"
#include "core/model/device_memory.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

// A device with the memory blocks it has hot-added (as read_hot_added_blocks finds them).
struct DeviceState
{
  Device device;
  std::optional<DeviceMemory> memory;
  // What kmem hot-adds (or has) in every mode; none when the ranges are root's or there is no
  // memory hotplug. Status, the tables and metrics give the same lost bytes from it.
  std::optional<HotplugPlan> plan;

  // The zones of its online blocks, "Movable", "Normal" or "Movable,Normal"; "-" when none.
  std::string zones() const;
  // The bytes block alignment loses, a size cell; "-" without a plan.
  Cell lost() const;
  // "7/7": online blocks of all hot-added blocks; "-" without memory blocks.
  std::string online_blocks() const;
};

// Reads the hot-added memory of `device` (read_hot_added_blocks).
Result<DeviceState> read_device_state(Sysfs& sysfs, Device device, std::optional<uint64_t> block_size);

// The devices table of `list --format=table` and `reconfigure --format=table`: one row a device.
// Columns DEVICE, REGION, SIZE, ALIGN, MODE, STATE, DRIVER, NODE, BLOCKS, ZONE, LOST; by default
// DEVICE, SIZE, MODE, STATE, NODE, BLOCKS, ZONE.
Table device_table(const std::vector<DeviceState>& devices);

// Reads the memory of `devices` and prints their table (list and reconfigure --format=table).
int print_device_table(Env& env, std::vector<Device> devices, const ViewOptions& options);

// The regions table of `list -R --format=table`: REGION, SIZE, AVAILABLE, ALIGN, DEVICES, PATH;
// all but PATH by default.
Table region_table(const std::vector<Region>& regions);

} // namespace dax::cli
