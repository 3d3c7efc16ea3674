#include "test/unit/support/captured_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace dax::test {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

std::optional<uint64_t> number(const fs::path& path, int base = 0)
{
  if (!fs::is_regular_file(path)) return std::nullopt;
  try {
    return std::stoull(slurp(path), nullptr, base);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A captured device: where it is (as the kernel names it, "/sys/devices/..."), and what it is.
struct CapturedDevice
{
  std::string region_dir;
  FakeDeviceSpec spec;
};

// "/sys/..." for a path below the extracted tree.
std::string kernel_path(const fs::path& root, const fs::path& path)
{
  return "/" + fs::relative(path, root).string();
}

CapturedDevice read_device(const fs::path& root, const fs::path& link)
{
  fs::path dir = fs::canonical(link);
  CapturedDevice device;
  device.region_dir = kernel_path(root, dir.parent_path());
  FakeDeviceSpec& spec = device.spec;
  spec.name = link.filename().string();
  spec.size = number(dir / "size").value_or(0);
  spec.align = number(dir / "align").value_or(2 * MiB);
  spec.target_node = static_cast<int>(number(dir / "target_node").value_or(0));
  spec.numa_node = static_cast<int>(number(dir / "numa_node").value_or(0));
  spec.resource = number(dir / "resource");
  for (unsigned i = 0; fs::is_directory(dir / fmt::format("mapping{}", i)); ++i) {
    fs::path mapping = dir / fmt::format("mapping{}", i);
    spec.mappings.push_back({number(mapping / "start").value_or(0), number(mapping / "end").value_or(0),
                             number(mapping / "page_offset").value_or(0)});
  }
  spec.driver = fs::is_symlink(dir / "driver") ? fs::read_symlink(dir / "driver").filename().string() : "";
  return device;
}

// The memory blocks of `spec`'s ranges (kmem adds the whole blocks inside each).
std::set<uint64_t> device_blocks(const FakeDeviceSpec& spec, uint64_t block_size)
{
  std::vector<FakeMapping> ranges = spec.mappings;
  if (ranges.empty() && spec.resource && spec.size.value_or(0) > 0) {
    ranges.push_back({*spec.resource, *spec.resource + *spec.size - 1, 0});
  }
  std::set<uint64_t> blocks;
  for (const auto& range : ranges) {
    for (uint64_t b = (range.start + block_size - 1) / block_size; (b + 1) * block_size <= range.end + 1; ++b) {
      blocks.insert(b);
    }
  }
  return blocks;
}

// Where a dynamic region starts: its /proc/iomem entry ("40000000-5fffffff : hmem.0"), else its
// devices' lowest range.
uint64_t region_start(const fs::path& root, const std::string& region_dir, const std::vector<CapturedDevice>& devices)
{
  std::ifstream iomem(root / "proc/iomem");
  std::string name = fs::path(region_dir).filename().string();
  for (std::string line; std::getline(iomem, line);) {
    auto colon = line.find(" : ");
    if (colon == std::string::npos || line.substr(colon + 3) != name) continue;
    return std::stoull(line.substr(line.find_first_not_of(' ')), nullptr, 16);
  }
  uint64_t start = UINT64_MAX;
  for (const auto& device : devices) {
    for (const auto& m : device.spec.mappings) start = std::min(start, m.start);
    if (device.spec.resource && device.spec.size.value_or(0) > 0) start = std::min(start, *device.spec.resource);
  }
  return start;
}

// The kernel-wide settings: block size, policies, per-device attributes, the drivers loaded.
std::string load_settings(FakeKernel& kernel, const fs::path& sys, const std::vector<CapturedDevice>& devices)
{
  auto block_size = number(sys / "devices/system/memory/block_size_bytes", 16);
  if (!block_size) return "no memory/block_size_bytes";
  kernel.set_block_size(*block_size);
  if (fs::exists(sys / "devices/system/memory/auto_online_blocks")) {
    kernel.set_auto_online(slurp(sys / "devices/system/memory/auto_online_blocks"));
  }
  fs::path parameters = sys / "module/memory_hotplug/parameters";
  if (fs::exists(parameters / "online_policy")) kernel.set_online_policy(slurp(parameters / "online_policy"));
  fs::path first = devices.empty() ? fs::path() : fs::canonical(sys / "bus/dax/devices" / devices.front().spec.name);
  if (!devices.empty() && fs::exists(first / "memmap_on_memory")) {
    kernel.enable_memmap_on_memory(slurp(parameters / "memmap_on_memory") == "Y");
  }
  if (!devices.empty() && fs::exists(first / "state")) kernel.enable_kmem_state();
  if (fs::is_directory(sys / "bus/dax/drivers")) {
    for (const auto& driver : fs::directory_iterator(sys / "bus/dax/drivers")) {
      kernel.offer_module(driver.path().filename().string());
      kernel.load_driver(driver.path().filename().string());
    }
  }
  return "";
}

// The regions, then their devices in name order (a dynamic region's seed made by `create`, as
// the kernel made it, so that the region knows it).
std::string load_devices(FakeKernel& kernel, const fs::path& root, const std::vector<CapturedDevice>& devices)
{
  std::map<std::string, unsigned> regions;
  for (const auto& device : devices) {
    if (regions.contains(device.region_dir)) continue;
    fs::path attrs = root / device.region_dir.substr(1) / "dax_region";
    auto id = number(attrs / "id");
    if (!id) return device.region_dir + ": no dax_region/id";
    uint64_t size = number(attrs / "size").value_or(0);
    uint64_t align = number(attrs / "align").value_or(2 * MiB);
    if (fs::exists(attrs / "available_size")) {
      kernel.add_dynamic_region(static_cast<unsigned>(*id), device.region_dir, region_start(root, device.region_dir, devices),
                                size, align, device.spec.target_node);
    } else {
      kernel.add_region(static_cast<unsigned>(*id), device.region_dir, size, align);
    }
    regions[device.region_dir] = static_cast<unsigned>(*id);
  }
  for (const auto& device : devices) {
    unsigned region = regions.at(device.region_dir);
    bool seed = device.spec.size == 0 && device.spec.driver.empty() &&
                fs::exists(root / device.region_dir.substr(1) / "dax_region/create");
    if (!seed) {
      kernel.add_device(region, device.spec);
    } else if (!kernel.write(device.region_dir + "/dax_region/create", "1") || !kernel.has_device(device.spec.name)) {
      return device.spec.name + ": the seed could not be made by dax_region/create";
    }
  }
  return "";
}

// The blocks of no dax device: boot RAM (before the devices: kmem's blocks come after).
void load_boot_blocks(FakeKernel& kernel, const fs::path& sys, const std::set<uint64_t>& dax_blocks)
{
  std::vector<uint64_t> boot;
  for (const auto& entry : fs::directory_iterator(sys / "devices/system/memory")) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with("memory") || name.size() == 6 || name.find_first_not_of("0123456789", 6) != std::string::npos) continue;
    uint64_t index = std::stoull(name.substr(6));
    if (!dax_blocks.contains(index)) boot.push_back(index);
  }
  std::sort(boot.begin(), boot.end());
  for (uint64_t index : boot) kernel.add_boot_blocks(index, 1);
}

// The dax devices' blocks in the state and zone captured.
void load_device_blocks(FakeKernel& kernel, const fs::path& sys, const std::set<uint64_t>& dax_blocks)
{
  for (uint64_t index : dax_blocks) {
    fs::path block = sys / fmt::format("devices/system/memory/memory{}", index);
    if (!kernel.has_block(index) || !fs::exists(block / "state")) continue;
    std::string state = slurp(block / "state");
    std::string zone = slurp(block / "valid_zones");
    kernel.set_block(index, state != "online" ? "offline" : zone.starts_with("Movable") ? "online_movable" : "online_kernel");
  }
}

} // namespace

std::string load_captured_tree(FakeKernel& kernel, const fs::path& root)
{
  fs::path sys = root / "sys";
  std::vector<CapturedDevice> devices;
  if (fs::is_directory(sys / "bus/dax/devices")) {
    for (const auto& link : fs::directory_iterator(sys / "bus/dax/devices")) devices.push_back(read_device(root, link.path()));
  }
  std::sort(devices.begin(), devices.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.spec.name.size(), a.spec.name) < std::make_pair(b.spec.name.size(), b.spec.name);
  });
  if (std::string error = load_settings(kernel, sys, devices); !error.empty()) return error;
  std::set<uint64_t> dax_blocks;
  for (const auto& device : devices) dax_blocks.merge(device_blocks(device.spec, kernel.block_size()));
  load_boot_blocks(kernel, sys, dax_blocks);
  if (std::string error = load_devices(kernel, root, devices); !error.empty()) return error;
  load_device_blocks(kernel, sys, dax_blocks);
  return "";
}

std::vector<fs::path> captured_trees(const fs::path& sysroots)
{
  std::vector<fs::path> trees;
  if (!fs::is_directory(sysroots)) return trees;
  for (const auto& kind : fs::directory_iterator(sysroots)) {
    if (!kind.is_directory()) continue;
    for (const auto& state : fs::directory_iterator(kind.path())) {
      if (state.path().filename().string().find('+') == std::string::npos && fs::is_directory(state.path() / "sys")) {
        trees.push_back(state.path());
      }
    }
  }
  std::sort(trees.begin(), trees.end());
  return trees;
}

} // namespace dax::test
