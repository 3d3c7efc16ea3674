#include "core/change/kmem_bind.hpp"

#include "core/base/parse.hpp"
#include "core/base/words.hpp"
#include "core/change/driver.hpp"
#include "core/kernel/held_signals.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <set>

namespace dax {

namespace {

std::string auto_online_path()
{
  return fmt::format("{}/auto_online_blocks", k_memory_root);
}

// The memory blocks present now ("memoryN" entries), or an empty set when they cannot be listed.
std::set<uint64_t> present_blocks(Sysfs& sysfs)
{
  std::set<uint64_t> indexes;
  auto names = sysfs.list(k_memory_root);
  if (!names) return indexes;
  for (const auto& name : *names) {
    if (!name.starts_with("memory")) continue;
    if (auto index = parse_u64(std::string_view(name).substr(6))) indexes.insert(*index);
  }
  return indexes;
}

Result<void> restore_policy(Sysfs& sysfs, AutoOnline policy)
{
  Result<void> written;
  for (int attempt = 0; attempt < 3; ++attempt) {
    written = sysfs.write(auto_online_path(), to_string(policy));
    if (written) return written;
  }
  return written;
}

// Onlines, as `policy` would have, the offline blocks in `appeared` that are not in `own`.
void online_others(Sysfs& sysfs, const std::set<uint64_t>& appeared, const std::vector<uint64_t>& own,
                   AutoOnline policy, KmemBindReport& report)
{
  for (uint64_t index : appeared) {
    if (std::binary_search(own.begin(), own.end(), index)) continue;
    auto block = read_block(sysfs, index, WithZone::no);
    if (!block || block->state != BlockState::offline) continue;
    if (auto written = sysfs.write(block_path(index) + "/state", to_string(policy)); !written) {
      report.others_failed.push_back(written.error());
    } else {
      report.others_onlined.push_back(index);
    }
  }
}

} // namespace

AutoOnline exact_policy(MemoryRequest request)
{
  if (request.online == OnlineAfter::no) return AutoOnline::offline;
  return request.as == OnlineAs::movable ? AutoOnline::online_movable : AutoOnline::online_kernel;
}

Result<KmemBindReport> bind_kmem(Sysfs& sysfs, const DeviceName& name, const std::vector<uint64_t>& own,
                                 MemoryRequest request)
{
  KmemBindReport report;
  auto policy = read_auto_online(sysfs);
  if (!policy) return std::unexpected(policy.error());
  if (*policy == AutoOnline::offline || *policy == exact_policy(request)) {
    auto bound = bind_device(sysfs, name, Driver::kmem);
    if (!bound) return std::unexpected(bound.error());
    return report;
  }
  auto zone_policy = read_zone_policy(sysfs);
  if (!zone_policy) return std::unexpected(zone_policy.error());
  report.held = *policy;
  report.zone_policy = *zone_policy;
  std::set<uint64_t> before = present_blocks(sysfs);
  Result<void> bound;
  Result<void> restored;
  {
    HeldSignals held;
    auto offline = sysfs.write(auto_online_path(), to_string(AutoOnline::offline));
    if (!offline) return std::unexpected(offline.error());
    bound = bind_device(sysfs, name, Driver::kmem);
    restored = restore_policy(sysfs, *policy);
  }
  if (!restored) {
    Error error = restored.error();
    error.detail = fmt::format("{}: auto_online_blocks was set to offline for the bind and could not be put back "
                               "to '{}'; it reads offline now, so memory hot-added from now on stays offline",
                               error.detail.empty() ? std::string(std::strerror(error.code)) : error.detail,
                               to_string(*policy));
    return std::unexpected(error);
  }
  std::set<uint64_t> appeared;
  std::ranges::set_difference(present_blocks(sysfs), before, std::inserter(appeared, appeared.end()));
  online_others(sysfs, appeared, own, *policy, report);
  if (!bound) return std::unexpected(bound.error());
  return report;
}

std::string describe(const KmemBindReport& report)
{
  if (!report.held) return {};
  std::string text = fmt::format("the kernel onlines hot-added memory itself (auto_online_blocks={}, "
                                 "online_policy={}); auto_online_blocks was set to offline while kmem bound the "
                                 "device and restored right after",
                                 to_string(*report.held), to_string(report.zone_policy));
  if (!report.others_onlined.empty()) {
    text += fmt::format("; {} another agent hot-added meanwhile {} onlined as '{}'",
                        counted(report.others_onlined.size(), "memory block"),
                        report.others_onlined.size() == 1 ? "was" : "were", to_string(*report.held));
  }
  for (const auto& error : report.others_failed) {
    text += fmt::format("; a block another agent hot-added meanwhile was left offline: {}", error.message());
  }
  return text;
}

} // namespace dax
