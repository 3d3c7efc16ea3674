#include "test/unit/support/fake_kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fnmatch.h>

namespace dax::test {

namespace {

const std::string k_devices = "/sys/bus/dax/devices";
const std::string k_drivers = "/sys/bus/dax/drivers";
const std::string k_memory = "/sys/devices/system/memory";
const std::string k_nodes = "/sys/devices/system/node";
const std::string k_online_policy = "/sys/module/memory_hotplug/parameters/online_policy";

std::string block_dir(uint64_t index)
{
  return fmt::format("{}/memory{}", k_memory, index);
}

std::string node_dir(int node)
{
  return fmt::format("{}/node{}", k_nodes, node);
}

constexpr int k_dropped = -1; // a "fault" that makes a write succeed without effect

bool matches(const std::string& glob, const std::string& path)
{
  return ::fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

} // namespace

std::string errno_name(int error)
{
  const char* name = ::strerrorname_np(error);
  return name ? name : std::to_string(error);
}

FakeKernel::FakeKernel()
{
  m_tree.make_dirs(k_devices);
  m_tree.make_dirs(k_drivers);
  m_tree.put_file(k_memory + "/block_size_bytes", fmt::format("{:x}", m_block_size));
  m_tree.put_file(k_memory + "/auto_online_blocks", "offline", 0644);
  m_tree.put_file(k_online_policy, "contig-zones", 0644);
  m_tree.make_dirs(node_dir(0));
  load_driver("device_dax");
}

FakeKernel& FakeKernel::set_block_size(uint64_t bytes)
{
  m_block_size = bytes;
  m_tree.put_file(k_memory + "/block_size_bytes", fmt::format("{:x}", bytes));
  return *this;
}

FakeKernel& FakeKernel::set_auto_online(const std::string& policy)
{
  m_tree.put_file(k_memory + "/auto_online_blocks", policy, 0644);
  return *this;
}

FakeKernel& FakeKernel::set_online_policy(const std::string& policy)
{
  m_tree.put_file(k_online_policy, policy, 0644);
  return *this;
}

FakeKernel& FakeKernel::set_online_agent(const std::string& online_type)
{
  m_online_agent = online_type;
  return *this;
}

void FakeKernel::hot_add_block(uint64_t index, int node)
{
  add_block(index, node, m_tree.find(k_memory + "/auto_online_blocks")->content);
}

FakeKernel& FakeKernel::add_boot_blocks(uint64_t first, uint64_t count)
{
  for (uint64_t index = first; index < first + count; ++index) {
    add_block(index, 0, "online_kernel");
    if (index == 0) m_tree.put_file(block_dir(0) + "/valid_zones", "none");
  }
  return *this;
}

FakeKernel& FakeKernel::add_region(unsigned id, const std::string& path, uint64_t size, uint64_t align)
{
  m_tree.put_file(path + "/dax_region/id", std::to_string(id));
  m_tree.put_file(path + "/dax_region/size", std::to_string(size));
  m_tree.put_file(path + "/dax_region/align", std::to_string(align), 0400);
  m_regions[id] = path;
  return *this;
}

FakeKernel& FakeKernel::add_device(unsigned region, const FakeDeviceSpec& spec)
{
  Device device;
  device.dir = m_regions.at(region) + "/" + spec.name;
  device.target_node = spec.target_node;
  device.ranges = spec.mappings;
  uint64_t mapped = 0;
  for (const auto& m : spec.mappings) mapped += m.end - m.start + 1;
  uint64_t size = spec.size.value_or(mapped);
  auto resource = spec.resource;
  if (!resource && !spec.mappings.empty()) resource = spec.mappings.front().start;
  if (device.ranges.empty() && resource && size > 0) device.ranges.push_back({*resource, *resource + size - 1, 0});

  device.region = region;
  device.align = spec.align;
  device.number = DeviceNumber{252, m_next_minor++};
  bool dynamic = m_dynamic.contains(region);
  const std::string& dir = device.dir;
  m_tree.put_file(dir + "/size", std::to_string(size), dynamic ? 0644 : 0444);
  m_tree.put_file(dir + "/align", std::to_string(spec.align), dynamic ? 0644 : 0444);
  if (dynamic) m_tree.put_file(dir + "/mapping", "", 0200);
  m_tree.put_file(dir + "/target_node", std::to_string(spec.target_node));
  m_tree.put_file(dir + "/numa_node", std::to_string(spec.numa_node));
  m_tree.put_file(dir + "/modalias", "dax:t0");
  m_tree.put_file(dir + "/dev", fmt::format("{}:{}", device.number.major, device.number.minor));
  m_tree.put_file(dir + "/uevent", "", 0644);
  if (m_memmap_attr) m_tree.put_file(dir + "/memmap_on_memory", "0", 0644);
  if (resource) m_tree.put_file(dir + "/resource", fmt::format("{:#x}", *resource), 0400);
  for (size_t i = 0; i < spec.mappings.size(); ++i) {
    std::string mapping = fmt::format("{}/mapping{}", dir, i);
    m_tree.put_file(mapping + "/start", fmt::format("{:#x}", spec.mappings[i].start), 0400);
    m_tree.put_file(mapping + "/end", fmt::format("{:#x}", spec.mappings[i].end), 0400);
    m_tree.put_file(mapping + "/page_offset", fmt::format("{:#x}", spec.mappings[i].page_offset), 0400);
  }
  m_tree.put_link(k_devices + "/" + spec.name, dir);
  m_devices[spec.name] = std::move(device);
  if (dynamic) refresh_dynamic(region);

  if (!spec.driver.empty()) {
    load_driver(spec.driver);
    // kmem and fsdev_dax take only the devices in their id list (dax_match_type, Linux 7.2).
    if (spec.driver != "device_dax") m_ids[spec.driver].insert(spec.name);
    probe(spec.driver, spec.name);
  }
  return *this;
}

FakeKernel& FakeKernel::load_driver(const std::string& driver)
{
  std::string dir = k_drivers + "/" + driver;
  if (m_tree.find(dir)) return *this;
  for (const char* attr : {"new_id", "remove_id", "bind", "unbind"}) {
    m_tree.put_file(dir + "/" + attr, "", 0200);
  }
  m_tree.put_file("/sys/module/" + driver + "/initstate", "live");
  m_tree.put_link(dir + "/module", "/sys/module/" + driver);
  return *this;
}

FakeKernel& FakeKernel::offer_module(const std::string& name)
{
  m_modules.insert(name);
  return *this;
}

FakeKernel& FakeKernel::add_process(int pid, const std::string& command, const std::string& device, bool mapped)
{
  return add_process(FakeProcess{pid, command, device, !mapped, mapped, "", false});
}

FakeKernel& FakeKernel::add_process(const FakeProcess& process)
{
  std::string dir = fmt::format("/proc/{}", process.pid);
  std::string node = process.node.empty() ? "/dev/" + process.device : process.node;
  DeviceNode number{!process.block, m_devices.at(process.device).number};
  m_tree.put_file(dir + "/comm", process.command);
  m_tree.make_dirs(dir + "/fd");
  m_tree.make_dirs(dir + "/map_files");
  m_tree.put_link(dir + "/fd/0", "/dev/null");
  if (process.fd) {
    m_tree.put_link(dir + "/fd/3", node);
    m_held[dir + "/fd/3"] = number;
  }
  if (process.mapped) {
    std::string range = dir + "/map_files/7f0000000000-7f0040000000";
    m_tree.put_link(range, node);
    m_held[range] = number;
  }
  return *this;
}

void FakeKernel::set_file(const std::string& path, std::string content, unsigned mode)
{
  m_tree.put_file(path, std::move(content), mode);
}

void FakeKernel::set_link(const std::string& path, const std::string& target)
{
  m_tree.make_dirs(target);
  m_tree.put_link(path, target);
}

void FakeKernel::remove(const std::string& path)
{
  m_tree.remove(path);
}

// ---- Sysfs ----

std::string FakeKernel::resolved_or_given(const std::string& path) const
{
  auto resolved = m_tree.resolve(path);
  return resolved ? *resolved : path;
}

void FakeKernel::record(FakeAccess::Op op, const std::string& path, std::string value, int error)
{
  m_log.push_back(FakeAccess{op, path, resolved_or_given(path), std::move(value), error});
}

Result<std::string> FakeKernel::read(const std::string& path)
{
  auto resolved = m_tree.resolve(path);
  int error = injected(FakeAccess::Op::read, path, resolved_or_given(path));
  std::string value;
  if (error == 0) {
    const FakeNode* node = resolved ? m_tree.find(*resolved) : nullptr;
    if (!resolved) error = resolved.error();
    else if (node->kind == FakeNode::Kind::dir) error = EISDIR;
    else if (!node->readable()) error = EACCES;
    else value = node->content;
  }
  record(FakeAccess::Op::read, path, value, error);
  if (error != 0) return std::unexpected(os_error(error, "read", path));
  return value;
}

Result<void> FakeKernel::write(const std::string& path, std::string_view value)
{
  run_hooks(When::before, path);
  std::string text(value);
  int error = injected(FakeAccess::Op::write, path, resolved_or_given(path));
  if (error == 0) error = apply_write(path, text);
  if (error == k_dropped) error = 0;
  record(FakeAccess::Op::write, path, text, error);
  run_hooks(When::after, path);
  if (error != 0) return std::unexpected(os_error(error, fmt::format("write '{}' to", value), path));
  return {};
}

Result<std::vector<std::string>> FakeKernel::list(const std::string& path)
{
  auto resolved = m_tree.resolve(path);
  int error = injected(FakeAccess::Op::list, path, resolved_or_given(path));
  std::vector<std::string> names;
  if (error == 0) {
    if (!resolved) error = resolved.error();
    else if (m_tree.find(*resolved)->kind != FakeNode::Kind::dir) error = ENOTDIR;
    else names = m_tree.children(*resolved);
  }
  record(FakeAccess::Op::list, path, fmt::format("{} entries", names.size()), error);
  if (error != 0) return std::unexpected(os_error(error, "list", path));
  return names;
}

Result<std::string> FakeKernel::canonical(const std::string& path)
{
  auto resolved = m_tree.resolve(path);
  record(FakeAccess::Op::canonical, path, resolved.value_or(""), resolved ? 0 : resolved.error());
  if (!resolved) return std::unexpected(os_error(resolved.error(), "resolve", path));
  return *resolved;
}

bool FakeKernel::exists(const std::string& path)
{
  auto resolved = m_tree.resolve(path);
  record(FakeAccess::Op::exists, path, resolved ? "yes" : "no", resolved ? 0 : resolved.error());
  return resolved.has_value();
}

Result<std::string> FakeKernel::read_link(const std::string& path)
{
  auto parent = m_tree.resolve(parent_path(path));
  int error = 0;
  std::string target;
  if (!parent) {
    error = parent.error();
  } else {
    const FakeNode* node = m_tree.find((*parent == "/" ? "" : *parent) + "/" + base_name(path));
    if (!node) error = ENOENT;
    else if (node->kind != FakeNode::Kind::link) error = EINVAL;
    else target = node->target;
  }
  record(FakeAccess::Op::read_link, path, target, error);
  if (error != 0) return std::unexpected(os_error(error, "read link", path));
  return target;
}

Result<DeviceNode> FakeKernel::device_number(const std::string& path)
{
  int error = injected(FakeAccess::Op::device_number, path, path);
  std::optional<DeviceNode> number;
  if (auto held = m_held.find(path); held != m_held.end()) number = held->second;
  for (const auto& [name, device] : m_devices) {
    if (path == "/dev/" + name) number = DeviceNode{true, device.number};
  }
  if (error == 0 && !number) error = m_tree.find(parent_path(path)) && m_tree.find(path) ? ENODEV : ENOENT;
  std::string shown = number ? fmt::format("{} {}:{}", number->character ? "c" : "b", number->number.major,
                                           number->number.minor) : "";
  record(FakeAccess::Op::device_number, path, shown, error);
  if (error != 0) return std::unexpected(os_error(error, "stat", path));
  return *number;
}

Result<FileStatus> FakeKernel::file_status(const std::string& path)
{
  auto parent = m_tree.resolve(parent_path(path));
  const FakeNode* node = parent ? m_tree.find((*parent == "/" ? "" : *parent) + "/" + base_name(path)) : nullptr;
  int error = node ? 0 : ENOENT;
  record(FakeAccess::Op::file_status, path, "", error);
  if (!node) return std::unexpected(os_error(error, "stat", path));
  auto owner = m_owners.find(path);
  FileType type = node->kind == FakeNode::Kind::dir ? FileType::directory
                : node->kind == FakeNode::Kind::link ? FileType::symlink : FileType::regular;
  return FileStatus{type, owner == m_owners.end() ? 0U : owner->second, node->mode};
}

void FakeKernel::fail_device_number(const std::string& glob, int error, unsigned count)
{
  m_faults.push_back({FakeAccess::Op::device_number, glob, error, count});
}

// ---- fault injection, hooks, log ----

void FakeKernel::fail_write(const std::string& glob, int error, unsigned count)
{
  m_faults.push_back({FakeAccess::Op::write, glob, error, count});
}

void FakeKernel::fail_read(const std::string& glob, int error, unsigned count)
{
  m_faults.push_back({FakeAccess::Op::read, glob, error, count});
}

void FakeKernel::fail_list(const std::string& glob, int error, unsigned count)
{
  m_faults.push_back({FakeAccess::Op::list, glob, error, count});
}

void FakeKernel::drop_write(const std::string& glob, unsigned count)
{
  m_faults.push_back({FakeAccess::Op::write, glob, k_dropped, count});
}

void FakeKernel::on_write(const std::string& glob, std::function<void(FakeKernel&)> hook, When when,
                          unsigned count)
{
  m_hooks.push_back({glob, std::move(hook), when, count});
}

int FakeKernel::injected(FakeAccess::Op op, const std::string& path, const std::string& resolved)
{
  for (auto it = m_faults.begin(); it != m_faults.end(); ++it) {
    if (it->op != op || (!matches(it->glob, path) && !matches(it->glob, resolved))) continue;
    int error = it->error;
    if (it->count != always && --it->count == 0) m_faults.erase(it);
    return error;
  }
  return 0;
}

void FakeKernel::run_hooks(When when, const std::string& path)
{
  std::string resolved = resolved_or_given(path);
  std::vector<std::function<void(FakeKernel&)>> due;
  for (auto it = m_hooks.begin(); it != m_hooks.end();) {
    if (it->when == when && (matches(it->glob, path) || matches(it->glob, resolved))) {
      due.push_back(it->fn);
      if (it->count != always && --it->count == 0) {
        it = m_hooks.erase(it);
        continue;
      }
    }
    ++it;
  }
  for (auto& fn : due) fn(*this);
}

std::vector<std::string> FakeKernel::writes() const
{
  std::vector<std::string> lines;
  for (const auto& access : m_log) {
    if (access.op != FakeAccess::Op::write) continue;
    std::string line = access.resolved + " <- " + access.value;
    if (access.error != 0) line += " = " + errno_name(access.error);
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> FakeKernel::reads() const
{
  std::vector<std::string> paths;
  for (const auto& access : m_log) {
    if (access.op == FakeAccess::Op::read) paths.push_back(access.resolved);
  }
  return paths;
}

// ---- state ----

std::string FakeKernel::driver_of(const std::string& device) const
{
  return m_devices.at(device).driver;
}

bool FakeKernel::stranded(const std::string& device) const
{
  return m_devices.at(device).stranded;
}

bool FakeKernel::in_id_list(const std::string& driver, const std::string& device) const
{
  auto it = m_ids.find(driver);
  return it != m_ids.end() && it->second.contains(device);
}

bool FakeKernel::driver_loaded(const std::string& driver) const
{
  return m_tree.find(k_drivers + "/" + driver) != nullptr;
}

bool FakeKernel::has_block(uint64_t index) const
{
  return m_tree.find(block_dir(index)) != nullptr;
}

std::vector<uint64_t> FakeKernel::blocks() const
{
  std::vector<uint64_t> indexes;
  for (const auto& name : m_tree.children(k_memory)) {
    uint64_t index = 0;
    if (!name.starts_with("memory")) continue;
    auto [end, ec] = std::from_chars(name.data() + 6, name.data() + name.size(), index);
    if (ec == std::errc{} && end == name.data() + name.size()) indexes.push_back(index);
  }
  std::sort(indexes.begin(), indexes.end());
  return indexes;
}

std::string FakeKernel::block_state(uint64_t index) const
{
  const FakeNode* node = m_tree.find(block_dir(index) + "/state");
  return node ? node->content : "";
}

std::string FakeKernel::block_zones(uint64_t index) const
{
  const FakeNode* node = m_tree.find(block_dir(index) + "/valid_zones");
  return node ? node->content : "";
}

void FakeKernel::set_block(uint64_t index, const std::string& state)
{
  std::string dir = block_dir(index);
  bool online = state != "offline";
  std::string zones = state == "online_movable" ? "Movable"
                      : state == "online"       ? online_zone(index)
                      : online                  ? kernel_zone(index)
                                                : kernel_zone(index) + " Movable";
  m_tree.put_file(dir + "/state", online ? "online" : "offline", 0644);
  m_tree.put_file(dir + "/online", online ? "1" : "0", 0644);
  m_tree.put_file(dir + "/valid_zones", zones);
}

std::string FakeKernel::device_dir(const std::string& device) const
{
  return m_devices.at(device).dir;
}

std::string FakeKernel::kernel_zone(uint64_t index) const
{
  return index * m_block_size < 4 * GiB ? "DMA32" : "Normal";
}

// mm/memory_hotplug.c, default_zone_for_pfn() and auto_movable_zone_for_pfn(), simplified.
std::string FakeKernel::online_zone(uint64_t index) const
{
  unsigned movable = 0, kernel = 0, node_movable = 0, node_kernel = 0;
  auto node = m_block_node.find(index);
  for (uint64_t other : blocks()) {
    if (other == index || block_state(other) != "online") continue;
    bool is_movable = block_zones(other) == "Movable";
    (is_movable ? movable : kernel)++;
    auto other_node = m_block_node.find(other);
    if (node != m_block_node.end() && other_node != m_block_node.end() && other_node->second == node->second) {
      (is_movable ? node_movable : node_kernel)++;
    }
  }
  if (m_tree.find(k_online_policy)->content == "auto-movable") {
    return (movable + 1) * 100 <= 301 * kernel ? "Movable" : kernel_zone(index);
  }
  return node_movable > 0 && node_kernel == 0 ? "Movable" : kernel_zone(index);
}

void FakeKernel::add_block(uint64_t index, int node, const std::string& state)
{
  m_block_node[index] = node;
  std::string dir = block_dir(index);
  m_tree.put_file(dir + "/phys_index", fmt::format("{:08x}", index));
  m_tree.put_file(dir + "/phys_device", "0");
  m_tree.put_file(dir + "/removable", "1");
  m_tree.make_dirs(node_dir(node));
  m_tree.put_link(fmt::format("{}/node{}", dir, node), node_dir(node));
  m_tree.put_link(fmt::format("{}/memory{}", node_dir(node), index), dir);
  set_block(index, state);
}

} // namespace dax::test
