#include "cmd/view/device_json.hpp"

#include "cmd/common/command.hpp"
#include "cmd/view/device_blocks.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace dax::cli {

namespace {

// util_json_object_size: raw below 5000 KiB, else binary and decimal units with two decimals.
Json size_value(uint64_t bytes, Human human)
{
  if (human == Human::no || bytes < 5000ULL * 1024) return bytes;
  double value = static_cast<double>(bytes);
  constexpr uint64_t GiB = 1ULL << 30;
  if (bytes < 2 * GiB) return fmt::format("{:.2f} MiB ({:.2f} MB)", value / (1 << 20), value / 1e6);
  if (bytes < 2048 * GiB) return fmt::format("{:.2f} GiB ({:.2f} GB)", value / GiB, value / 1e9);
  return fmt::format("{:.2f} TiB ({:.2f} TB)", value / (1024.0 * GiB), value / 1e12);
}

// util_json_object_hex: "%#llx", which prints 0 as "0".
Json hex_value(uint64_t value, Human human)
{
  if (human == Human::no) return value;
  return value == 0 ? std::string("0") : fmt::format("{:#x}", value);
}

Json mappings_json(const Device& device, Human human)
{
  Json list = Json::array();
  for (const auto& mapping : device.mappings) {
    list.push_back({{"page_offset", hex_value(mapping.page_offset, human)},
                    {"start", hex_value(mapping.start, human)},
                    {"end", hex_value(mapping.end, human)},
                    {"size", size_value(mapping.size(), human)}});
  }
  return list;
}

void render(const Json& value, int indent, std::string& out)
{
  std::string pad(static_cast<size_t>(indent) + 2, ' ');
  if (value.is_object() && !value.empty()) {
    out += "{\n";
    size_t i = 0;
    for (const auto& [key, item] : value.items()) {
      out += pad;
      render(Json(key), indent + 2, out);
      out += ':';
      render(item, indent + 2, out);
      out += ++i < value.size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "}";
  } else if (value.is_array() && !value.empty()) {
    out += "[\n";
    size_t i = 0;
    for (const auto& item : value) {
      out += pad;
      render(item, indent + 2, out);
      out += ++i < value.size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "]";
  } else if (value.is_string()) {
    // Invalid UTF-8 (a name read from the system) becomes U+FFFD instead of an exception.
    for (char c : value.dump(-1, ' ', false, Json::error_handler_t::replace)) {
      if (c == '/') out += '\\';
      out += c;
    }
  } else {
    out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

} // namespace

Result<Json> device_json(Sysfs& sysfs, const Device& device, std::optional<uint64_t> block_size,
                         Human human, WithMappings with_mappings)
{
  Json object;
  object["chardev"] = device.name.str();
  object["size"] = size_value(device.size, human);
  if (device.target_node && *device.target_node >= 0) object["target_node"] = *device.target_node;
  if (device.align && *device.align > 0) object["align"] = *device.align;
  object["mode"] = to_string(device.mode());
  auto memory = read_hot_added_blocks(sysfs, device, block_size);
  if (!memory) return std::unexpected(memory.error());
  if (*memory) {
    object["online_memblocks"] = (*memory)->online_count();
    object["total_memblocks"] = (*memory)->total_count();
    if (auto movable = (*memory)->movable()) object["movable"] = *movable;
  }
  if (!device.enabled()) object["state"] = "disabled";
  if (with_mappings == WithMappings::yes && !device.mappings.empty()) {
    object["mappings"] = mappings_json(device, human);
  }
  return object;
}

Json region_json(const Region& region, Human human)
{
  Json object;
  object["path"] = shown_region_path(region.path);
  object["id"] = region.id;
  if (region.size) object["size"] = size_value(*region.size, human);
  if (region.available_size && *region.available_size > 0) {
    object["available_size"] = size_value(*region.available_size, human);
  }
  if (region.align) object["align"] = *region.align;
  return object;
}

std::string render_list(const Json& array, Human human)
{
  std::string out;
  render(human == Human::yes && array.size() == 1 ? array.front() : array, 0, out);
  return out + "\n";
}

Result<Json> current_device_json(Sysfs& sysfs, const DeviceName& name, Human human)
{
  auto device = read_device(sysfs, name);
  if (!device) return std::unexpected(device.error());
  return device_json(sysfs, *device, hotplug_block_size(sysfs), human, WithMappings::no);
}

void print_devices(const std::vector<Json>& devices, Human human)
{
  if (devices.empty()) return;
  Json array = Json::array();
  for (const auto& device : devices) array.push_back(device);
  std::fputs(render_list(array, human).c_str(), stdout);
}

void print_current_devices(Sysfs& sysfs, const std::vector<DeviceName>& names, Human human)
{
  std::vector<Json> devices;
  for (const auto& name : names) {
    auto device = current_device_json(sysfs, name, human);
    if (device) {
      devices.push_back(std::move(*device));
    } else {
      print_error(device.error().message());
    }
  }
  print_devices(devices, human);
}

} // namespace dax::cli
