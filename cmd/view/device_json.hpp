#pragma once

#include "core/model/device.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

using Json = nlohmann::ordered_json;

// How numbers are shown: raw, or daxctl's --human forms ("1006.00 MiB (1054.87 MB)", "0x...").
enum class Human { no, yes };

// What goes into a device object beyond daxctl's always-present keys.
enum class WithMappings { no, yes };

// daxctl's device object: chardev, size, target_node, align, mode, online_memblocks,
// total_memblocks, movable, state, mappings; each key under daxctl's rule for when it appears.
// `block_size` is needed for the memory-block keys of a system-ram device.
Result<Json> device_json(Sysfs& sysfs, const Device& device, std::optional<uint64_t> block_size,
                         Human human, WithMappings with_mappings);

// daxctl's region object without "devices": path, id, size, available_size, align.
Json region_json(const Region& region, Human human);

// Renders as json-c's pretty printer does (2-space indent, "key":value, "/" escaped as "\/"),
// so that output is byte-for-byte daxctl's. A one-element list with `Human::yes` is printed bare.
std::string render_list(const Json& array, Human human);

// The device object of `name` as it is now (no mappings), as reconfigure and create print it.
Result<Json> current_device_json(Sysfs& sysfs, const DeviceName& name, Human human);

// Prints `devices` (device objects) as daxctl does after a change; nothing when empty.
void print_devices(const std::vector<Json>& devices, Human human);

// Reads and prints the devices `names` as they are now (a device that cannot be read is an
// error message instead): the output of create and resize.
void print_current_devices(Sysfs& sysfs, const std::vector<DeviceName>& names, Human human);

} // namespace dax::cli
