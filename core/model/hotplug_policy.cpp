#include "core/model/hotplug_policy.hpp"

#include "core/base/parse.hpp"
#include "core/model/device.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

namespace {

constexpr const char* k_zone_policy = "/sys/module/memory_hotplug/parameters/online_policy";

} // namespace

std::string_view to_string(AutoOnline policy)
{
  switch (policy) {
  case AutoOnline::offline: return "offline";
  case AutoOnline::online: return "online";
  case AutoOnline::online_kernel: return "online_kernel";
  case AutoOnline::online_movable: return "online_movable";
  }
  return "?";
}

Result<AutoOnline> read_auto_online(Sysfs& sysfs)
{
  std::string path = fmt::format("{}/auto_online_blocks", k_memory_root);
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  for (auto policy : {AutoOnline::offline, AutoOnline::online, AutoOnline::online_kernel,
                      AutoOnline::online_movable}) {
    if (*text == to_string(policy)) return policy;
  }
  return std::unexpected(
    logic_error("parse", path, fmt::format("unknown policy '{}'", printable(*text, 32))));
}

std::string_view to_string(ZonePolicy policy)
{
  return policy == ZonePolicy::auto_movable ? "auto-movable" : "contig-zones";
}

Result<ZonePolicy> read_zone_policy(Sysfs& sysfs)
{
  auto text = sysfs.read(k_zone_policy);
  if (!text) {
    if (text.error().code == ENOENT) return ZonePolicy::contig_zones;
    return std::unexpected(text.error());
  }
  for (auto policy : {ZonePolicy::contig_zones, ZonePolicy::auto_movable}) {
    if (*text == to_string(policy)) return policy;
  }
  return std::unexpected(logic_error("parse", k_zone_policy, fmt::format("unknown policy '{}'", printable(*text, 32))));
}

} // namespace dax
