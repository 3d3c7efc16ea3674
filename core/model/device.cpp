#include "core/model/device.hpp"

#include "core/base/checked.hpp"

#include "core/kernel/attribute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

namespace dax {

namespace {

struct ModeName
{
  Mode mode;
  std::string_view name;
  Driver driver;
};

constexpr ModeName k_modes[] = {
  {Mode::devdax, "devdax", Driver::device_dax},
  {Mode::system_ram, "system-ram", Driver::kmem},
  {Mode::famfs, "famfs", Driver::fsdev_dax},
};

const ModeName& entry(Mode mode)
{
  return *std::find_if(std::begin(k_modes), std::end(k_modes), [&](const ModeName& m) { return m.mode == mode; });
}

} // namespace

std::string_view driver_dir_name(Driver driver)
{
  switch (driver) {
  case Driver::device_dax: return "device_dax";
  case Driver::kmem: return "kmem";
  case Driver::fsdev_dax: return "fsdev_dax";
  case Driver::none:
  case Driver::other: break;
  }
  return "";
}

std::string device_dir(const DeviceName& name)
{
  return fmt::format("{}/{}", k_dax_devices, name.str());
}

Result<Driver> read_driver(Sysfs& sysfs, const DeviceName& name, std::string* driver_name)
{
  std::string link = device_dir(name) + "/driver";
  if (!sysfs.exists(link)) {
    if (driver_name) driver_name->clear();
    return Driver::none;
  }
  auto target = sysfs.canonical(link);
  if (!target) return std::unexpected(target.error());
  std::string base = target->substr(target->rfind('/') + 1);
  if (driver_name) *driver_name = base;
  for (Driver known : {Driver::kmem, Driver::device_dax, Driver::fsdev_dax}) {
    if (base == driver_dir_name(known)) return known;
  }
  return Driver::other;
}

std::string_view to_string(Mode mode)
{
  return entry(mode).name;
}

std::optional<Mode> parse_mode(std::string_view text)
{
  for (const auto& m : k_modes) {
    if (m.name == text) return m.mode;
  }
  return std::nullopt;
}

Driver driver_of(Mode mode)
{
  return entry(mode).driver;
}

Mode Device::mode() const
{
  for (const auto& m : k_modes) {
    if (m.driver == driver) return m.mode;
  }
  return Mode::devdax;
}

std::vector<Range> Device::ranges() const
{
  std::vector<Range> result;
  for (const auto& mapping : mappings) {
    result.push_back({mapping.start, mapping.size()});
  }
  if (result.empty() && resource && size > 0) {
    result.push_back({*resource, size});
  }
  return result;
}

Error other_driver_refusal(const Device& device)
{
  return refusal(device.name.str(), fmt::format("bound to driver '{}'; dax leaves it alone", device.driver_name));
}

std::string shown_region_path(std::string path)
{
  constexpr std::string_view prefix = "/sys/devices";
  if (path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/') {
    path.erase(0, prefix.size());
  }
  return path;
}

namespace {

// Reads optional attribute `path` into `field` (left empty when unavailable: attribute.hpp).
template<typename Parse, typename T>
Result<void> read_into(Sysfs& sysfs, const std::string& path, Parse parse, std::optional<T>& field)
{
  auto value = read_optional_value(sysfs, path, parse);
  if (!value) return std::unexpected(value.error());
  field = *value;
  return {};
}

// The kernel never gives one device two ranges that share a byte: overlapping mappings are
// malformed sysfs (hot-adding them would add the same memory twice).
Result<std::vector<Mapping>> check_disjoint(std::vector<Mapping> mappings, const std::string& dir)
{
  std::vector<const Mapping*> sorted;
  for (const auto& mapping : mappings) sorted.push_back(&mapping);
  std::sort(sorted.begin(), sorted.end(), [](const Mapping* a, const Mapping* b) { return a->start < b->start; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i]->start <= sorted[i - 1]->end) {
      return std::unexpected(logic_error("parse", dir, fmt::format(
        "mapping{} ({:#x}-{:#x}) overlaps mapping{} ({:#x}-{:#x})", sorted[i]->index, sorted[i]->start,
        sorted[i]->end, sorted[i - 1]->index, sorted[i - 1]->start, sorted[i - 1]->end)));
    }
  }
  return mappings;
}

// The mappings are the device: they must add up to its `size`, in 64 bits. Sizes that wrap
// around would defeat every bound computed from them (a block count, an allocation).
Result<void> check_mapped_size(const std::vector<Mapping>& mappings, uint64_t size, const std::string& dir)
{
  if (mappings.empty()) return {}; // before 5.10, or unreadable: nothing to add up
  std::optional<uint64_t> sum = 0;
  for (const auto& mapping : mappings) {
    auto one = checked_add(mapping.end - mapping.start, 1);
    sum = one ? checked_add(*sum, *one) : std::nullopt;
    if (!sum) {
      return std::unexpected(logic_error("parse", dir, fmt::format("the sizes of mapping0-{} overflow 64 bits "
                                                                   "(malformed sysfs)", mappings.back().index)));
    }
  }
  if (*sum != size) {
    return std::unexpected(logic_error("parse", dir, fmt::format("mappings add up to {:#x} bytes, not size {:#x} "
                                                                 "(malformed sysfs)", *sum, size)));
  }
  return {};
}

Result<std::vector<Mapping>> read_mappings(Sysfs& sysfs, const std::string& dir)
{
  std::vector<Mapping> mappings;
  for (unsigned index = 0;; ++index) {
    std::string base = fmt::format("{}/mapping{}", dir, index);
    if (!sysfs.exists(base)) break;
    auto start = read_optional_value(sysfs, base + "/start", parse_u64);
    if (!start) return std::unexpected(start.error());
    if (!*start) break; // unreadable (not root): no mapping data at all
    auto end = read_value(sysfs, base + "/end", parse_u64);
    if (!end) return std::unexpected(end.error());
    auto offset = read_value(sysfs, base + "/page_offset", parse_u64);
    if (!offset) return std::unexpected(offset.error());
    if (*end < **start) {
      return std::unexpected(logic_error("parse", base, "mapping ends before it starts"));
    }
    mappings.push_back({index, **start, *end, *offset});
  }
  return check_disjoint(std::move(mappings), dir);
}

} // namespace

Result<Device> read_device(Sysfs& sysfs, const DeviceName& name)
{
  std::string link = fmt::format("{}/{}", k_dax_devices, name.str());
  auto path = sysfs.canonical(link);
  if (!path) {
    if (path.error().code == ENOENT) {
      return std::unexpected(refusal(name.str(), "no such device (not in /sys/bus/dax/devices)"));
    }
    return std::unexpected(path.error());
  }
  Device device;
  device.name = name;
  device.path = *path;

  auto size = read_value(sysfs, device.path + "/size", parse_u64);
  if (!size) return std::unexpected(size.error());
  device.size = *size;

  for (auto read : {read_into(sysfs, device.path + "/align", parse_u64, device.align),
                    read_into(sysfs, device.path + "/target_node", parse_int, device.target_node),
                    read_into(sysfs, device.path + "/resource", parse_u64, device.resource)}) {
    if (!read) return std::unexpected(read.error());
  }

  auto mappings = read_mappings(sysfs, device.path);
  if (!mappings) return std::unexpected(mappings.error());
  if (auto checked = check_mapped_size(*mappings, device.size, device.path); !checked) {
    return std::unexpected(on_device(name.str(), checked.error()));
  }
  device.mappings = std::move(*mappings);

  auto driver = read_driver(sysfs, name, &device.driver_name);
  if (!driver) return std::unexpected(driver.error());
  device.driver = *driver;
  return device;
}

Result<std::vector<DeviceName>> list_device_names(Sysfs& sysfs)
{
  std::vector<DeviceName> names;
  if (sysfs.exists(k_dax_devices)) {
    auto entries = sysfs.list(k_dax_devices);
    if (!entries) return std::unexpected(entries.error());
    for (const auto& entry : *entries) {
      if (auto name = parse_device_name(entry)) names.push_back(*name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<Region>> read_regions(Sysfs& sysfs)
{
  std::vector<Error> bad;
  auto regions = read_regions(sysfs, bad);
  if (regions && !bad.empty()) return std::unexpected(bad.front());
  return regions;
}

Result<std::vector<Region>> read_regions(Sysfs& sysfs, std::vector<Error>& bad)
{
  auto names = list_device_names(sysfs);
  if (!names) return std::unexpected(names.error());
  std::vector<Region> regions;
  for (const auto& name : *names) {
    auto device = read_device(sysfs, name);
    if (!device) {
      Error error = device.error();
      if (error.device.empty()) error.device = name.str();
      bad.push_back(std::move(error));
      continue;
    }
    std::string region_path = device->path.substr(0, device->path.rfind('/'));
    auto region = std::find_if(regions.begin(), regions.end(),
                               [&](const Region& r) { return r.path == region_path; });
    if (region == regions.end()) {
      Region fresh;
      fresh.id = name.region;
      fresh.path = region_path;
      std::string attrs = region_path + "/dax_region";
      for (auto read : {read_into(sysfs, attrs + "/size", parse_u64, fresh.size),
                        read_into(sysfs, attrs + "/align", parse_u64, fresh.align),
                        read_into(sysfs, attrs + "/available_size", parse_u64, fresh.available_size)}) {
        if (!read) return std::unexpected(read.error());
      }
      regions.push_back(std::move(fresh));
      region = regions.end() - 1;
    }
    region->devices.push_back(std::move(*device));
  }
  std::sort(regions.begin(), regions.end(),
            [](const Region& a, const Region& b) { return a.id < b.id; });
  return regions;
}

} // namespace dax
