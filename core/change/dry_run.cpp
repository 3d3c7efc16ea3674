#include "core/change/dry_run.hpp"

#include "core/base/checked.hpp"
#include "core/base/parse.hpp"
#include "core/change/kmem_bind.hpp"
#include "core/model/device.hpp"
#include "core/model/hotplug.hpp"
#include "core/model/memory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <utility>

namespace dax {

namespace {

constexpr std::string_view k_device_prefix = "/sys/bus/dax/devices/";

// "/sys/bus/dax/devices/dax0.0/size" -> {"dax0.0", "/size"}, the device directory itself -> {"dax0.0", ""};
// {"", ""} for a path not under /sys/bus/dax/devices/daxX.Y.
std::pair<std::string, std::string> split_device_path(const std::string& path)
{
  if (!path.starts_with(k_device_prefix) || path.size() == k_device_prefix.size()) return {};
  std::string rest = path.substr(k_device_prefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash)};
}

// "/sys/bus/dax/devices/dax0.0/driver" -> "dax0.0"; empty if `path` is not a driver link.
std::string driver_link_device(const std::string& path)
{
  auto [device, rest] = split_device_path(path);
  return rest == "/driver" ? device : std::string();
}

bool is_block_file(const std::string& path, std::string_view file)
{
  return path.starts_with(std::string(k_memory_root) + "/memory") && path.ends_with(file);
}

// "/sys/devices/system/memory/memory33/state" -> 33; none for a path outside a memoryN directory.
std::optional<uint64_t> block_of(const std::string& path)
{
  std::string prefix = std::string(k_memory_root) + "/memory";
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view rest = std::string_view(path).substr(prefix.size());
  return parse_u64(rest.substr(0, rest.find('/')));
}

// The kernel zone a block goes online in (online_kernel; online under contig-zones): ZONE_DMA32
// below 4 GiB on x86-64, ZONE_NORMAL above (the e820 and hmem trees: --no-movable gives DMA32).
std::string kernel_zone_of(Sysfs& sysfs, const std::string& path)
{
  auto index = block_of(path);
  auto block_size = read_block_size(sysfs);
  if (!index || !block_size) return "Normal";
  auto start = checked_mul(*index, *block_size); // both from the kernel: an overflow is far above 4 GiB
  return start && *start < (uint64_t{4} << 30) ? "DMA32" : "Normal";
}

// The length of a mapping written as "START-END" (hex, inclusive), as mapping_store takes it.
std::optional<uint64_t> mapping_length(std::string_view value)
{
  size_t dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = parse_hex_u64(value.substr(0, dash));
  auto end = parse_hex_u64(value.substr(dash + 1));
  if (!start || !end || *end < *start) return std::nullopt;
  return *end - *start + 1;
}

} // namespace

DryRunSysfs::DryRunSysfs(Sysfs& inner, std::function<void(const std::string&)> report)
  : SysfsLayer(inner), m_report(std::move(report))
{
}

void DryRunSysfs::pretend_loaded(const std::string& driver)
{
  m_loaded.insert(fmt::format("{}/{}", k_dax_drivers, driver));
}

Result<std::string> DryRunSysfs::read(const std::string& path)
{
  std::string real = resolve_device(path);
  if (auto it = m_files.find(real); it != m_files.end()) return it->second;
  // A device create would make starts empty.
  for (const auto& [device, dir] : m_created) {
    if (real == dir + "/size") return std::string("0");
  }
  if (unplugged_block(path)) return std::unexpected(os_error(ENOENT, "read", path));
  auto result = m_inner.read(path);
  if (!result && result.error().code == ENOENT && m_kmem_bound) {
    // Blocks kmem would hot-add come up as auto_online_blocks said at the bind.
    if (is_block_file(path, "/state")) return std::string(m_hot_add_zone.empty() ? "offline" : "online");
    if (is_block_file(path, "/valid_zones")) {
      if (m_hot_add_zone.empty()) return kernel_zone_of(*this, path) + " Movable";
      return m_hot_add_zone == "Normal" ? kernel_zone_of(*this, path) : m_hot_add_zone;
    }
  }
  return result;
}

Result<void> DryRunSysfs::write(const std::string& path, std::string_view value)
{
  m_report(fmt::format("echo {} > {}", value, path));
  std::string name(value);
  std::string dir = path.substr(0, path.rfind('/'));
  std::string file = path.substr(path.rfind('/') + 1);
  std::string driver = dir.substr(dir.rfind('/') + 1);
  if (dir.starts_with(k_dax_drivers)) {
    if (file == "unbind") m_drivers[name] = "";
    if (file == "new_id" || file == "bind") {
      auto bound = m_drivers.find(name);
      bool unbound = bound != m_drivers.end() ? bound->second.empty()
                                              : !m_inner.exists(std::string(k_device_prefix) + name + "/driver");
      if (unbound) bind(name, driver);
    }
  } else if (is_block_file(path, "/state")) {
    std::string kernel_zone = kernel_zone_of(*this, path);
    m_files[path] = value.starts_with("online") ? "online" : "offline";
    // An offline block usually offers both zones again.
    m_files[dir + "/valid_zones"] = value == "online_movable"      ? "Movable"
                                    : value.starts_with("online") ? kernel_zone
                                                                  : kernel_zone + " Movable";
  } else if (auto [device, rest] = split_device_path(path); rest == "/state") {
    write_kmem_state(path, device, name);
  } else if (file == "create" && dir.ends_with("/dax_region")) {
    std::string seed = predicted_seed(dir);
    m_files[dir + "/seed"] = seed;
    if (!seed.empty() && !m_inner.exists(std::string(k_device_prefix) + seed)) {
      m_created[seed] = fmt::format("{}/{}", dir.substr(0, dir.rfind('/')), seed);
    }
  } else if (file == "delete" && dir.ends_with("/dax_region")) {
    m_deleted.insert(std::string(k_device_prefix) + name);
  } else {
    write_file(path, file, name);
  }
  return {};
}

void DryRunSysfs::bind(const std::string& device, const std::string& driver)
{
  m_drivers[device] = driver;
  if (driver == "kmem") {
    m_kmem_bound = true;
    m_hot_add_zone = predicted_hot_add_zone();
  }
  // dax_bus_probe: a device that binds is no longer its region's seed.
  if (auto dir = canonical(std::string(k_device_prefix) + device)) {
    std::string seed = dir->substr(0, dir->rfind('/')) + "/dax_region/seed";
    if (auto current = read(seed); current && *current == device) m_files[seed] = "";
  }
}

void DryRunSysfs::write_file(const std::string& path, const std::string& file, const std::string& value)
{
  std::string real = resolve_device(path);
  std::string dir = real.substr(0, real.rfind('/'));
  if (file == "size" || file == "mapping") m_resized.insert(dir);
  if (file != "mapping" || !real.starts_with("/sys/devices/")) {
    m_files[real] = value;
    return;
  }
  // mapping_store: the device grows by the range.
  auto size = read(dir + "/size");
  auto bytes = size ? parse_u64(*size) : std::nullopt;
  auto length = mapping_length(value);
  if (bytes && length) m_files[dir + "/size"] = std::to_string(*bytes + *length);
}

void DryRunSysfs::write_kmem_state(const std::string& path, const std::string& device, const std::string& value)
{
  m_files[resolve_device(path)] = value;
  bool unplug = value == "unplugged";
  for (uint64_t index : device_blocks(device)) {
    std::string block = block_path(index);
    if (unplug) {
      m_unplugged.insert(index);
      m_plugged.erase(index);
      continue;
    }
    m_unplugged.erase(index);
    m_plugged.insert(index);
    m_files[block + "/state"] = "online";
    m_files[block + "/valid_zones"] = value == "online_movable" ? "Movable" : kernel_zone_of(*this, block + "/state");
  }
}

std::vector<uint64_t> DryRunSysfs::device_blocks(const std::string& device)
{
  auto name = parse_device_name(device);
  auto block_size = read_block_size(*this);
  if (!name || !block_size) return {};
  auto read = read_device(*this, *name);
  if (!read) return {};
  return block_indexes(plan_hotplug(read->ranges(), *block_size), *block_size);
}

bool DryRunSysfs::unplugged_block(const std::string& path) const
{
  auto index = block_of(path);
  return index && m_unplugged.contains(*index);
}

std::string DryRunSysfs::predicted_hot_add_zone()
{
  auto policy = read_auto_online(*this);
  if (!policy || *policy == AutoOnline::offline) return {};
  if (*policy == AutoOnline::online_movable) return "Movable";
  if (*policy == AutoOnline::online_kernel) return "Normal";
  auto zones = read_zone_policy(*this);
  return zones && *zones == ZonePolicy::auto_movable ? "Movable" : "Normal";
}

std::string DryRunSysfs::predicted_seed(const std::string& region_attrs)
{
  // The kernel names a created device daxR.N with the region's lowest unused N (ida_alloc).
  auto seed = read(region_attrs + "/seed");
  if (seed && !seed->empty()) return *seed;
  auto id = read(region_attrs + "/id");
  auto region = id ? parse_u64(*id) : std::nullopt;
  if (!region) return {};
  unsigned instance = 0;
  while (exists(fmt::format("{}dax{}.{}", k_device_prefix, *region, instance))) ++instance;
  return fmt::format("dax{}.{}", *region, instance);
}

std::string DryRunSysfs::resolve_device(const std::string& path)
{
  auto [device, rest] = split_device_path(path);
  if (device.empty() || rest.empty()) return path;
  auto dir = canonical(std::string(k_device_prefix) + device);
  return dir ? *dir + rest : path;
}

bool DryRunSysfs::hidden_mapping(const std::string& path) const
{
  for (const auto& dir : m_resized) {
    std::string prefix = dir + "/mapping";
    if (!path.starts_with(prefix) || path.size() == prefix.size()) continue;
    if (std::isdigit(static_cast<unsigned char>(path[prefix.size()]))) return true;
  }
  return false;
}

Result<std::vector<std::string>> DryRunSysfs::list(const std::string& path)
{
  auto entries = m_inner.list(path);
  if (entries && path == k_memory_root) {
    std::erase_if(*entries, [&](const std::string& entry) { return unplugged_block(path + "/" + entry); });
    for (uint64_t index : m_plugged) {
      std::string entry = fmt::format("memory{}", index);
      if (std::find(entries->begin(), entries->end(), entry) == entries->end()) entries->push_back(entry);
    }
  }
  if (!entries || path != k_dax_devices) return entries;
  std::erase_if(*entries,
                [&](const std::string& entry) { return m_deleted.contains(std::string(k_device_prefix) + entry); });
  for (const auto& [device, dir] : m_created) entries->push_back(device);
  return entries;
}

Result<std::string> DryRunSysfs::canonical(const std::string& path)
{
  std::string device = driver_link_device(path);
  if (auto it = m_drivers.find(device); !device.empty() && it != m_drivers.end()) {
    if (it->second.empty()) return std::unexpected(os_error(ENOENT, "resolve", path));
    return fmt::format("{}/{}", k_dax_drivers, it->second);
  }
  if (m_deleted.contains(path)) return std::unexpected(os_error(ENOENT, "resolve", path));
  auto [name, rest] = split_device_path(path);
  if (auto it = m_created.find(name); rest.empty() && it != m_created.end()) return it->second;
  return m_inner.canonical(path);
}

bool DryRunSysfs::exists(const std::string& path)
{
  std::string device = driver_link_device(path);
  if (auto it = m_drivers.find(device); !device.empty() && it != m_drivers.end()) return !it->second.empty();
  if (m_deleted.contains(path)) return false;
  auto [name, rest] = split_device_path(path);
  if (rest.empty() && m_created.contains(name)) return true;
  if (unplugged_block(path)) return false;
  if (auto index = block_of(path); index && m_plugged.contains(*index)) return true;
  std::string real = resolve_device(path);
  if (hidden_mapping(real)) return false;
  return m_loaded.contains(path) || m_files.contains(real) || m_inner.exists(path);
}

DryRunLoader::DryRunLoader(DryRunSysfs& sysfs, ModuleLoader& inner, std::function<void(const std::string&)> report)
  : m_sysfs(sysfs), m_inner(inner), m_report(std::move(report))
{
}

Result<void> DryRunLoader::load(std::string_view name)
{
  if (auto present = m_inner.check(name); !present) return present;
  m_report(fmt::format("modprobe {}", name));
  m_sysfs.pretend_loaded(std::string(name));
  return {};
}

} // namespace dax
