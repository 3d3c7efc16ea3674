#include "core/model/identity.hpp"

#include "core/kernel/attribute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace dax {

namespace {

// The content of an optional text attribute: nullopt when unavailable (attribute.hpp) or empty.
Result<std::optional<std::string>> read_text(Sysfs& sysfs, const std::string& path)
{
  auto text = read_optional(sysfs, path);
  if (text && *text && (*text)->empty()) return std::nullopt;
  return text;
}

std::string lower(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The uuids of an NVDIMM dax device: its nd_dax parent (`region`, devtype "nd_dax") holds the
// uuid of the info block, the one daxctl matches and `ndctl list` shows; the namespace it sits on
// may have its own (from labels, `raw_uuid` in ndctl list).
Result<std::vector<std::string>> read_nvdimm_uuids(Sysfs& sysfs, const std::string& region)
{
  std::vector<std::string> uuids;
  auto devtype = read_text(sysfs, region + "/devtype");
  if (!devtype) return std::unexpected(devtype.error());
  if (*devtype != "nd_dax") return uuids;
  auto own = read_text(sysfs, region + "/uuid");
  if (!own) return std::unexpected(own.error());
  if (*own) uuids.push_back(lower(**own));
  auto ns = read_text(sysfs, region + "/namespace");
  if (!ns) return std::unexpected(ns.error());
  if (*ns && (*ns)->find('/') == std::string::npos) {
    auto raw = read_text(sysfs, fmt::format("/sys/bus/nd/devices/{}/uuid", **ns));
    if (!raw) return std::unexpected(raw.error());
    if (*raw && std::find(uuids.begin(), uuids.end(), lower(**raw)) == uuids.end()) uuids.push_back(lower(**raw));
  }
  return uuids;
}

// The CXL region a dax region comes from: its parent is "regionN" on the cxl bus.
Result<std::optional<std::string>> read_cxl_region(Sysfs& sysfs, const std::string& region)
{
  std::string parent = region.substr(0, region.rfind('/'));
  std::string base = parent.substr(parent.rfind('/') + 1);
  if (!base.starts_with("region") || !parse_u64(std::string_view(base).substr(6))) return std::nullopt;
  if (!sysfs.exists(parent + "/subsystem")) return std::nullopt;
  auto bus = sysfs.canonical(parent + "/subsystem");
  if (!bus) return std::unexpected(bus.error());
  if (*bus != "/sys/bus/cxl") return std::nullopt;
  return base;
}

} // namespace

std::optional<Range> contiguous(std::vector<Range> ranges)
{
  if (ranges.empty()) return std::nullopt;
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  Range whole = ranges.front();
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start != whole.end()) return std::nullopt;
    whole.size += ranges[i].size;
  }
  return whole;
}

std::optional<uint64_t> lowest_start(const std::vector<Range>& ranges)
{
  auto lowest = std::min_element(ranges.begin(), ranges.end(),
                                 [](const Range& a, const Range& b) { return a.start < b.start; });
  if (lowest == ranges.end()) return std::nullopt;
  return lowest->start;
}

Result<DeviceIdentity> read_identity(Sysfs& sysfs, const Device& device)
{
  DeviceIdentity identity;
  identity.name = device.name;
  std::string region_dir = device.path.substr(0, device.path.rfind('/'));
  identity.region = shown_region_path(region_dir);
  identity.ranges = device.ranges();
  auto uuids = read_nvdimm_uuids(sysfs, region_dir);
  if (!uuids) return std::unexpected(uuids.error());
  identity.nvdimm_uuids = std::move(*uuids);
  auto cxl = read_cxl_region(sysfs, region_dir);
  if (!cxl) return std::unexpected(cxl.error());
  identity.cxl_region = *cxl;
  return identity;
}

std::string describe(const DeviceIdentity& identity)
{
  std::vector<std::string> parts{fmt::format("region = {}", identity.region)};
  if (auto start = lowest_start(identity.ranges)) {
    parts.push_back(fmt::format("resource = {:#x}", *start));
    if (auto whole = contiguous(identity.ranges)) {
      parts.push_back(fmt::format("range = {:#x}-{:#x}", whole->start, whole->end() - 1));
    }
  }
  for (const auto& uuid : identity.nvdimm_uuids) parts.push_back(fmt::format("nvdimm.uuid = {}", uuid));
  if (identity.cxl_region) parts.push_back(fmt::format("cxl.region = {}", *identity.cxl_region));
  return fmt::format("{}", fmt::join(parts, ", "));
}

} // namespace dax
