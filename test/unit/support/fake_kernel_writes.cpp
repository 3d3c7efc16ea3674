// How the fake kernel reacts to writes: the tables of kernel-behaviour.md (Debian 6.1, observed
// in QEMU), with drivers/dax/bus.c and drivers/dax/kmem.c as the tie-breakers.
#include "test/unit/support/fake_kernel.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>

namespace dax::test {

namespace {

const std::string k_drivers = "/sys/bus/dax/drivers";
const std::string k_memory = "/sys/devices/system/memory";

// do_id_store: sscanf "dax%d.%d", and the name printed back must equal the input.
bool is_dax_name(const std::string& value)
{
  if (!value.starts_with("dax")) return false;
  size_t dot = value.find('.');
  if (dot == std::string::npos) return false;
  unsigned region = 0;
  unsigned id = 0;
  auto r1 = std::from_chars(value.data() + 3, value.data() + dot, region);
  auto r2 = std::from_chars(value.data() + dot + 1, value.data() + value.size(), id);
  if (r1.ec != std::errc{} || r2.ec != std::errc{}) return false;
  return value == fmt::format("dax{}.{}", region, id);
}

// "memory33" -> 33.
std::optional<uint64_t> block_index(std::string_view name)
{
  if (!name.starts_with("memory")) return std::nullopt;
  name.remove_prefix(6);
  uint64_t index = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (name.empty() || ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;
  return index;
}

bool is_online_request(const std::string& value)
{
  return value == "online" || value == "online_kernel" || value == "online_movable";
}

} // namespace

int FakeKernel::apply_write(const std::string& path, const std::string& raw)
{
  // sysfs_streq ignores one trailing newline; daxctl writes a trailing NUL, accepted too.
  std::string value = raw;
  if (!value.empty() && (value.back() == '\n' || value.back() == '\0')) value.pop_back();

  auto resolved = m_tree.resolve(path);
  if (!resolved) return resolved.error();
  FakeNode* node = m_tree.find(*resolved);
  if (node->kind == FakeNode::Kind::dir) return EISDIR;
  if (!node->writable()) return EACCES;

  const std::string& file = *resolved;
  std::string dir = parent_path(file);
  std::string attr = base_name(file);
  if (parent_path(dir) == k_drivers) return driver_write(base_name(dir), attr, value);
  for (const auto& [id, region] : m_dynamic) {
    if (dir == m_regions.at(id) + "/dax_region") return region_write(id, attr, value);
  }
  if (Device* device = device_in(dir)) {
    bool resizable = attr == "size" || attr == "align" || attr == "mapping";
    if (resizable && m_dynamic.contains(device->region)) return device_write(base_name(dir), attr, value);
    if (int error = device_attr_write(*device, attr, value); error != ENOTTY) return error;
  }
  if (file == k_memory + "/auto_online_blocks") {
    if (value != "offline" && !is_online_request(value)) return EINVAL;
    node->content = value;
    return 0;
  }
  if (parent_path(dir) == k_memory && (attr == "state" || attr == "online")) {
    if (auto index = block_index(base_name(dir))) return memory_write(*index, attr, value);
  }
  node->content = value;
  return 0;
}

int FakeKernel::driver_write(const std::string& driver, const std::string& attr, const std::string& value)
{
  if (attr == "new_id" || attr == "remove_id") {
    if (!is_dax_name(value)) return EINVAL;
    if (attr == "remove_id") {
      m_ids[driver].erase(value);
      return 0;
    }
    m_ids[driver].insert(value);
    // driver_attach(): an unbound matching device is probed; a probe failure is not reported.
    auto it = m_devices.find(value);
    if (it != m_devices.end() && it->second.driver.empty()) probe(driver, value);
    return 0;
  }
  auto it = m_devices.find(value);
  if (attr == "bind") {
    if (it == m_devices.end()) return ENODEV;
    // device_dax matches every pmem dax device by type; kmem and fsdev_dax only those in their id list.
    if (driver != "device_dax" && !in_id_list(driver, value)) return ENODEV;
    if (!it->second.driver.empty()) return EBUSY;
    return probe(driver, value);
  }
  if (attr == "unbind") {
    if (it == m_devices.end() || it->second.driver != driver) return ENODEV;
    if (driver == "kmem") kmem_remove(it->second);
    unlink_driver(value, it->second);
    return 0;
  }
  return EINVAL;
}

int FakeKernel::memory_write(uint64_t index, const std::string& attr, const std::string& value)
{
  bool online = block_state(index) == "online";
  if (attr == "state") {
    // Writing the current state again is EINVAL (device_online/offline return 1 -> -EINVAL).
    if (value == "offline") {
      if (!online) return EINVAL;
    } else if (is_online_request(value)) {
      if (online) return EINVAL;
    } else {
      return EINVAL;
    }
    set_block(index, value);
    return 0;
  }
  // The generic `online` attribute: idempotent, 1 onlines into the default kernel zone.
  if (value == "1") {
    if (!online) set_block(index, "online");
  } else if (value == "0") {
    if (online) set_block(index, "offline");
  } else {
    return EINVAL;
  }
  return 0;
}

int FakeKernel::probe(const std::string& driver, const std::string& name)
{
  Device& device = m_devices.at(name);
  // After a failed hot-remove the range stays reserved: "could not reserve range/region".
  if (device.stranded) return EBUSY;
  // dax_bus_probe: a device without memory (a seed, or one resized to 0) binds to nothing.
  uint64_t size = 0;
  for (const auto& range : device.ranges) size += range.end - range.start + 1;
  if (m_dynamic.contains(device.region) && size == 0) return ENXIO;
  if (driver == "kmem") {
    if (int error = kmem_probe(device)) return error;
  }
  link_driver(name, device, driver);
  // "Track new seed creation only after successful probe of the previous seed."
  if (auto region = m_dynamic.find(device.region); region != m_dynamic.end() && region->second.seed == name) {
    region->second.seed.clear();
    refresh_dynamic(device.region);
  }
  return 0;
}

int FakeKernel::kmem_probe(Device& device)
{
  // "rejecting DAX region with invalid node: -1"
  if (device.target_node < 0) return EINVAL;
  std::string policy = m_tree.find(k_memory + "/auto_online_blocks")->content;
  add_device_blocks(device, policy);
  // "rejecting DAX region without any memory after alignment"
  if (device.blocks.empty()) return EINVAL;
  if (!m_online_agent.empty()) {
    for (uint64_t index : device.blocks) {
      if (block_state(index) == "offline") set_block(index, m_online_agent);
    }
  }
  device.kmem_state = policy;
  if (m_kmem_state) m_tree.put_file(device.dir + "/state", policy, 0644);
  return 0;
}

void FakeKernel::add_device_blocks(Device& device, const std::string& online_type)
{
  std::vector<uint64_t> indexes;
  for (const auto& range : device.ranges) {
    uint64_t start = (range.start + m_block_size - 1) / m_block_size;
    uint64_t end = (range.end + 1) / m_block_size; // exclusive, in blocks
    for (uint64_t index = start; index < end; ++index) indexes.push_back(index);
  }
  for (uint64_t index : indexes) add_block(index, device.target_node, online_type);
  device.blocks = std::move(indexes);
}

void FakeKernel::remove_device_blocks(Device& device)
{
  for (uint64_t index : device.blocks) {
    m_block_node.erase(index);
    m_tree.remove(fmt::format("/sys/devices/system/node/node{}/memory{}", device.target_node, index));
    m_tree.remove(fmt::format("{}/memory{}", k_memory, index));
  }
  device.blocks.clear();
}

void FakeKernel::kmem_remove(Device& device)
{
  for (uint64_t index : device.blocks) {
    if (block_state(index) == "online") {
      // "removing memory fails, because memory [...] is onlined": unbind still succeeds.
      device.stranded = true;
      return;
    }
  }
  remove_device_blocks(device);
}

void FakeKernel::link_driver(const std::string& name, Device& device, const std::string& driver)
{
  device.driver = driver;
  m_tree.put_link(device.dir + "/driver", k_drivers + "/" + driver);
  m_tree.put_link(k_drivers + "/" + driver + "/" + name, device.dir);
  // fsdev_dax makes the character device too (open and release only: famfs opens it, nobody maps it).
  if (driver == "device_dax" || driver == "fsdev_dax") m_tree.put_file("/dev/" + name, "", 0600);
}

void FakeKernel::unlink_driver(const std::string& name, Device& device)
{
  m_tree.remove(device.dir + "/driver");
  m_tree.remove(device.dir + "/state");
  m_tree.remove(k_drivers + "/" + device.driver + "/" + name);
  m_tree.remove("/dev/" + name);
  device.driver.clear();
}

// ---- FakeModuleLoader ----

Result<void> FakeModuleLoader::load(std::string_view name)
{
  m_requests.emplace_back(name);
  if (m_error != 0) return std::unexpected(os_error(m_error, "load module", std::string(name)));
  if (auto present = check(name); !present) return present;
  m_kernel.load_driver(std::string(name));
  return {};
}

Result<void> FakeModuleLoader::check(std::string_view name)
{
  if (m_kernel.module_available(std::string(name))) return {};
  return std::unexpected(os_error(ENOENT, "load module", std::string(name)));
}

} // namespace dax::test
