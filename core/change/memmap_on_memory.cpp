#include "core/change/memmap_on_memory.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

namespace {

constexpr const char* k_global_switch = "/sys/module/memory_hotplug/parameters/memmap_on_memory";

// A kernel boolean as sysfs shows it: "1"/"0" (device attribute), "Y"/"N" (module parameter);
// 6.6+ also has "force" for the global switch, which is on.
std::optional<bool> parse_kernel_bool(const std::string& text)
{
  if (text == "1" || text == "Y" || text == "y" || text == "force") return true;
  if (text == "0" || text == "N" || text == "n") return false;
  return std::nullopt;
}

Result<bool> read_bool(Sysfs& sysfs, const std::string& path)
{
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  auto value = parse_kernel_bool(*text);
  if (!value) return std::unexpected(logic_error("parse", path, fmt::format("'{}' is not a boolean", printable(*text, 32))));
  return *value;
}

} // namespace

std::string memmap_on_memory_path(const DeviceName& name)
{
  return fmt::format("{}/{}/memmap_on_memory", k_dax_devices, name.str());
}

Result<std::optional<bool>> read_memmap_on_memory(Sysfs& sysfs, const DeviceName& name)
{
  auto value = read_bool(sysfs, memmap_on_memory_path(name));
  if (!value) {
    if (value.error().code == ENOENT) return std::nullopt;
    return std::unexpected(value.error());
  }
  return *value;
}

Result<std::optional<bool>> plan_memmap_on_memory(Sysfs& sysfs, const Device& device, MemmapOnMemory wanted,
                                                  const HintWords& hint)
{
  if (wanted == MemmapOnMemory::keep) return std::nullopt;
  bool on = wanted == MemmapOnMemory::on;
  auto current = read_memmap_on_memory(sysfs, device.name);
  if (!current) return std::unexpected(current.error());
  if (!*current) {
    return std::unexpected(refusal(device.name.str(), fmt::format(
      "this kernel has no per-device memmap_on_memory (no {}; Linux 6.8 added it)",
      memmap_on_memory_path(device.name))));
  }
  if (**current == on) return std::nullopt;
  if (device.driver == Driver::kmem) {
    return std::unexpected(refusal(device.name.str(), fmt::format(
      "memmap_on_memory is {} and can only change while kmem is not bound: the kernel applies it when "
      "kmem binds ({} first)", **current ? "on" : "off", word(hint, Hint::to_devdax, device.name.str()))));
  }
  if (on) {
    auto global = read_bool(sysfs, k_global_switch);
    if (!global && global.error().code != ENOENT) return std::unexpected(global.error());
    if (!global || !*global) {
      return std::unexpected(refusal(device.name.str(), fmt::format(
        "memmap_on_memory needs the kernel's memory_hotplug.memmap_on_memory, which is {} ({}); boot "
        "with memory_hotplug.memmap_on_memory=1", global ? "off" : "missing", k_global_switch)));
    }
  }
  return on;
}

Result<void> write_memmap_on_memory(Sysfs& sysfs, const DeviceName& name, bool on)
{
  return sysfs.write(memmap_on_memory_path(name), on ? "1" : "0");
}

} // namespace dax
