// Dynamic dax regions in the fake kernel: dax_region/{available_size,create,seed,delete} and the
// writable device size/align/mapping, following drivers/dax/bus.c (create_store, delete_store,
// dev_dax_resize, dev_dax_shrink, mapping_store, align_store).
#include "test/unit/support/fake_kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace dax::test {

namespace {

constexpr uint64_t k_page = 4096;

// kstrtoull(buf, base): the whole string (one trailing newline already stripped) must parse.
std::optional<uint64_t> kstrtoull(std::string_view text, int base)
{
  if ((base == 0 || base == 16) && text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  } else if (base == 0) {
    base = text.size() > 1 && text[0] == '0' ? 8 : 10;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

uint64_t length(const FakeMapping& range)
{
  return range.end - range.start + 1;
}

// dax_align_valid() on x86-64: a page, a PMD or a PUD.
bool valid_align(uint64_t align)
{
  return align == k_page || align == 2 * MiB || align == GiB;
}

// Gives back BYTES from the end of the last ranges, as dev_dax_resize does when shrinking.
void shrink_from_end(std::vector<FakeMapping>& ranges, uint64_t bytes)
{
  while (bytes > 0) {
    FakeMapping& last = ranges.back();
    if (bytes < length(last)) {
      last.end -= bytes;
      return;
    }
    bytes -= length(last);
    ranges.pop_back();
  }
}

} // namespace

FakeKernel& FakeKernel::add_dynamic_region(unsigned id, const std::string& path, uint64_t start, uint64_t size,
                                           uint64_t align, int target_node)
{
  add_region(id, path, size, align);
  m_dynamic[id] = DynamicRegion{start, start + size - 1, align, target_node, {}};
  m_tree.put_file(path + "/dax_region/create", "", 0644);
  m_tree.put_file(path + "/dax_region/delete", "", 0200);
  refresh_dynamic(id);
  return *this;
}

std::vector<FakeMapping> FakeKernel::ranges_of(const std::string& device) const
{
  return m_devices.at(device).ranges;
}

uint64_t FakeKernel::available(unsigned region) const
{
  const DynamicRegion& r = m_dynamic.at(region);
  uint64_t used = 0;
  for (const auto& [name, device] : m_devices) {
    if (device.region != region) continue;
    for (const auto& range : device.ranges) used += length(range);
  }
  return r.end - r.start + 1 - used;
}

// Rewrites what sysfs shows of a dynamic region and its devices from the kernel's state.
void FakeKernel::refresh_dynamic(unsigned region)
{
  const DynamicRegion& r = m_dynamic.at(region);
  std::string attrs = m_regions.at(region) + "/dax_region";
  m_tree.put_file(attrs + "/available_size", std::to_string(available(region)));
  m_tree.put_file(attrs + "/seed", r.seed);
  for (const auto& [name, device] : m_devices) {
    if (device.region != region) continue;
    uint64_t size = 0;
    for (const auto& range : device.ranges) size += length(range);
    m_tree.put_file(device.dir + "/size", std::to_string(size), 0644);
    m_tree.put_file(device.dir + "/align", std::to_string(device.align), 0644);
    uint64_t resource = device.ranges.empty() ? r.start : device.ranges.front().start;
    m_tree.put_file(device.dir + "/resource", fmt::format("{:#x}", resource), 0400);
    for (const auto& entry : m_tree.children(device.dir)) {
      if (entry.starts_with("mapping") && entry != "mapping") m_tree.remove(device.dir + "/" + entry);
    }
    for (size_t i = 0; i < device.ranges.size(); ++i) {
      std::string mapping = fmt::format("{}/mapping{}", device.dir, i);
      m_tree.put_file(mapping + "/start", fmt::format("{:#x}", device.ranges[i].start), 0400);
      m_tree.put_file(mapping + "/end", fmt::format("{:#x}", device.ranges[i].end), 0400);
      m_tree.put_file(mapping + "/page_offset", fmt::format("{:#x}", device.ranges[i].page_offset), 0400);
    }
  }
}

int FakeKernel::region_write(unsigned region, const std::string& attr, const std::string& value)
{
  DynamicRegion& r = m_dynamic.at(region);
  if (attr == "create") {
    auto one = kstrtoull(value, 0);
    if (!one || *one != 1) return EINVAL;
    if (available(region) == 0) return ENOSPC;
    unsigned id = 0; // ida_alloc: the lowest free id
    while (m_devices.contains(fmt::format("dax{}.{}", region, id))) ++id;
    std::string name = fmt::format("dax{}.{}", region, id);
    FakeDeviceSpec spec;
    spec.name = name;
    spec.size = 0;
    spec.align = r.align;
    spec.target_node = r.target_node;
    spec.driver.clear();
    add_device(region, spec);
    if (r.seed.empty()) r.seed = name;
    refresh_dynamic(region);
    return 0;
  }
  if (attr == "delete") {
    auto it = m_devices.find(value);
    if (it == m_devices.end() || it->second.region != region) return ENXIO;
    if (!it->second.driver.empty() || !it->second.ranges.empty()) return EBUSY;
    if (value.ends_with(".0")) return EBUSY; // device 0 keeps /sys/bus/dax populated
    m_tree.remove(it->second.dir);
    m_tree.remove("/sys/bus/dax/devices/" + value);
    for (auto& [driver, ids] : m_ids) ids.erase(value);
    m_devices.erase(it);
    if (r.seed == value) r.seed.clear();
    refresh_dynamic(region);
    return 0;
  }
  return EINVAL;
}

int FakeKernel::device_write(const std::string& name, const std::string& attr, const std::string& value)
{
  Device& device = m_devices.at(name);
  uint64_t granule = std::max(device.align, k_page);
  int error = 0;
  if (attr == "size") {
    auto size = kstrtoull(value, 0);
    if (!size) return EINVAL;
    if (*size % granule != 0) return EINVAL;
    error = resize(device, *size);
  } else if (attr == "align") {
    auto align = kstrtoull(value, 0);
    if (!align) return ENXIO;
    if (!valid_align(*align)) return EINVAL;
    if (!device.driver.empty()) return EBUSY;
    for (const auto& range : device.ranges) {
      if (length(range) % std::max(*align, k_page) != 0) return EINVAL;
    }
    device.align = *align;
  } else {
    // mapping_store: "start-end", both hex; the range must be free and inside the region.
    size_t dash = value.find('-');
    if (dash == std::string::npos) return EINVAL;
    auto start = kstrtoull(std::string_view(value).substr(0, dash), 16);
    auto end = kstrtoull(std::string_view(value).substr(dash + 1), 16);
    if (!start || !end || *end < *start) return EINVAL;
    FakeMapping range{*start, *end, 0};
    if (length(range) % granule != 0) return ENXIO;
    const DynamicRegion& r = m_dynamic.at(device.region);
    if (range.start < r.start || range.end > r.end) return ENOMEM;
    for (const auto& [other_name, other] : m_devices) {
      if (other.region != device.region) continue;
      for (const auto& taken : other.ranges) {
        if (range.start <= taken.end && taken.start <= range.end) return ENOMEM;
      }
    }
    for (const auto& previous : device.ranges) range.page_offset += length(previous) / k_page;
    device.ranges.push_back(range);
  }
  if (error == 0) refresh_dynamic(device.region);
  return error;
}

// dev_dax_resize: shrinks from the end of the last ranges; grows into the region's free space
// first-fit in address order, extending the device's last range where it borders the gap.
int FakeKernel::resize(Device& device, uint64_t size)
{
  if (!device.driver.empty()) return EBUSY;
  uint64_t current = 0;
  for (const auto& range : device.ranges) current += length(range);
  if (size == current) return 0;
  if (size > current && size - current > available(device.region)) return ENOSPC;
  if (size < current) {
    shrink_from_end(device.ranges, current - size);
    return 0;
  }
  const DynamicRegion& r = m_dynamic.at(device.region);
  uint64_t to_alloc = size - current;
  while (to_alloc > 0) {
    // The region's allocations in address order, each with whether it is this device's last range.
    std::vector<std::pair<FakeMapping, bool>> taken;
    for (const auto& [name, other] : m_devices) {
      if (other.region != device.region) continue;
      for (size_t i = 0; i < other.ranges.size(); ++i) {
        taken.emplace_back(other.ranges[i], &other == &device && i + 1 == other.ranges.size());
      }
    }
    std::sort(taken.begin(), taken.end(), [](const auto& a, const auto& b) { return a.first.start < b.first.start; });
    uint64_t page_offset = 0;
    for (const auto& range : device.ranges) page_offset += length(range) / k_page;
    auto append = [&](uint64_t start, uint64_t bytes) {
      device.ranges.push_back({start, start + bytes - 1, page_offset});
      return bytes;
    };
    uint64_t alloc = 0;
    if (taken.empty()) {
      alloc = append(r.start, to_alloc);
    } else if (taken.front().first.start > r.start) {
      alloc = append(r.start, std::min(taken.front().first.start - r.start, to_alloc));
    } else {
      for (size_t i = 0; i < taken.size() && alloc == 0; ++i) {
        const FakeMapping& res = taken[i].first;
        bool has_next = i + 1 < taken.size();
        uint64_t gap = 0;
        if (has_next && taken[i + 1].first.start > res.end + 1) gap = taken[i + 1].first.start - (res.end + 1);
        if (gap == 0 && !has_next && res.end < r.end) gap = r.end - res.end;
        if (gap == 0) continue;
        alloc = std::min(gap, to_alloc);
        if (taken[i].second) {
          device.ranges.back().end += alloc;
        } else {
          append(res.end + 1, alloc);
        }
      }
    }
    if (alloc == 0) return ENOSPC;
    to_alloc -= alloc;
  }
  return 0;
}

} // namespace dax::test
