#include "core/dry_run.hpp"

#include "core/auto_online.hpp"
#include "core/model.hpp"
#include "core/parse.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

namespace {

constexpr std::string_view k_device_prefix = "/sys/bus/dax/devices/";

// "/sys/bus/dax/devices/dax0.0/driver" -> "dax0.0"; empty if `path` is not a driver link.
std::string driver_link_device(const std::string& path)
{
  if (!path.starts_with(k_device_prefix) || !path.ends_with("/driver")) return {};
  std::string device = path.substr(k_device_prefix.size());
  device.resize(device.size() - std::string_view("/driver").size());
  return device.find('/') == std::string::npos ? device : std::string();
}

bool is_block_file(const std::string& path, std::string_view file)
{
  return path.starts_with(std::string(k_memory_root) + "/memory") && path.ends_with(file);
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
  if (auto it = m_files.find(path); it != m_files.end()) return it->second;
  auto result = m_inner.read(path);
  if (!result && result.error().code == ENOENT && m_kmem_bound) {
    // Blocks kmem would hot-add come up as auto_online_blocks said at the bind.
    if (is_block_file(path, "/state")) return std::string(m_hot_add_zone.empty() ? "offline" : "online");
    if (is_block_file(path, "/valid_zones")) {
      return m_hot_add_zone.empty() ? std::string("Normal Movable") : m_hot_add_zone;
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
      if (unbound) {
        m_drivers[name] = driver;
        if (driver == "kmem") {
          m_kmem_bound = true;
          m_hot_add_zone = predicted_hot_add_zone();
        }
      }
    }
  } else if (is_block_file(path, "/state")) {
    m_files[path] = value.starts_with("online") ? "online" : "offline";
    // An offline block usually offers both zones again.
    m_files[dir + "/valid_zones"] = value == "online_movable"      ? "Movable"
                                    : value.starts_with("online") ? "Normal"
                                                                  : "Normal Movable";
  } else if (file == "create" && dir.ends_with("/dax_region")) {
    m_files[dir + "/seed"] = predicted_seed(dir);
  } else if (file == "delete" && dir.ends_with("/dax_region")) {
    m_deleted.insert(std::string(k_device_prefix) + name);
  } else {
    m_files[path] = name;
  }
  return {};
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
  while (m_inner.exists(fmt::format("{}dax{}.{}", k_device_prefix, *region, instance))) ++instance;
  return fmt::format("dax{}.{}", *region, instance);
}

Result<std::vector<std::string>> DryRunSysfs::list(const std::string& path)
{
  return m_inner.list(path);
}

Result<std::string> DryRunSysfs::canonical(const std::string& path)
{
  std::string device = driver_link_device(path);
  if (auto it = m_drivers.find(device); !device.empty() && it != m_drivers.end()) {
    if (it->second.empty()) return std::unexpected(os_error(ENOENT, "resolve", path));
    return fmt::format("{}/{}", k_dax_drivers, it->second);
  }
  return m_inner.canonical(path);
}

bool DryRunSysfs::exists(const std::string& path)
{
  std::string device = driver_link_device(path);
  if (auto it = m_drivers.find(device); !device.empty() && it != m_drivers.end()) return !it->second.empty();
  if (m_deleted.contains(path)) return false;
  return m_loaded.contains(path) || m_files.contains(path) || m_inner.exists(path);
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
