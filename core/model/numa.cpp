#include "core/model/numa.hpp"

#include "core/base/parse.hpp"
#include "core/kernel/attribute.hpp"
#include "core/model/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace dax {

namespace {

// Plain decimal digits (no sign, no "0x"), as sysfs prints node numbers and meminfo values.
std::optional<uint64_t> decimal(std::string_view text)
{
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return parse_u64(text);
}

// The number N of a directory entry "<prefix>N", or nullopt for any other name.
std::optional<unsigned> numbered(std::string_view name, std::string_view prefix)
{
  if (!name.starts_with(prefix)) return std::nullopt;
  auto value = decimal(name.substr(prefix.size()));
  if (!value || *value > 1U << 20) return std::nullopt;
  return static_cast<unsigned>(*value);
}

// The numbers of the "<prefix>N" entries of directory `dir`, ascending; none when it is missing.
Result<std::vector<unsigned>> numbered_entries(Sysfs& sysfs, const std::string& dir, std::string_view prefix)
{
  auto names = sysfs.list(dir);
  if (!names) {
    if (names.error().code == ENOENT) return std::vector<unsigned>{};
    return std::unexpected(names.error());
  }
  std::vector<unsigned> ids;
  for (const auto& name : *names) {
    if (auto id = numbered(name, prefix)) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Error malformed(const std::string& path, std::string_view text, std::string_view what)
{
  return logic_error("parse", path, fmt::format("'{}' is not {}", printable(text, 48), what));
}

// "Node 1 MemTotal:   917504 kB" lines: the value of `key` in bytes.
Result<std::optional<uint64_t>> meminfo_value(const std::string& meminfo, const std::string& path,
                                              std::string_view key)
{
  std::istringstream lines(meminfo);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string node, id, name, value, unit;
    words >> node >> id >> name >> value >> unit;
    if (name != fmt::format("{}:", key)) continue;
    auto kib = decimal(value);
    if (!kib || unit != "kB" || *kib > (UINT64_MAX >> 10)) return std::unexpected(malformed(path, line, "a size in kB"));
    return std::optional<uint64_t>(*kib << 10);
  }
  return std::optional<uint64_t>{};
}

Result<void> read_meminfo(Sysfs& sysfs, NumaNode& node, const std::string& dir)
{
  std::string path = dir + "/meminfo";
  auto meminfo = read_optional(sysfs, path);
  if (!meminfo) return std::unexpected(meminfo.error());
  if (!*meminfo) return {};
  auto total = meminfo_value(**meminfo, path, "MemTotal");
  if (!total) return std::unexpected(total.error());
  auto free = meminfo_value(**meminfo, path, "MemFree");
  if (!free) return std::unexpected(free.error());
  node.mem_total = *total;
  node.mem_free = *free;
  return {};
}

Result<void> read_distances(Sysfs& sysfs, NumaNode& node, const std::string& dir, const std::vector<int>& online)
{
  std::string path = dir + "/distance";
  auto text = read_optional(sysfs, path);
  if (!text) return std::unexpected(text.error());
  if (!*text) return {};
  std::istringstream words(**text);
  std::string word;
  size_t i = 0;
  while (words >> word) {
    auto distance = decimal(word);
    if (!distance || *distance > 255 || i >= online.size()) {
      return std::unexpected(malformed(path, **text, "one distance (0-255) per online node"));
    }
    node.distances.push_back({online[i++], static_cast<unsigned>(*distance)});
  }
  return {};
}

Result<NumaNode> read_node(Sysfs& sysfs, unsigned id, const std::vector<int>& online)
{
  NumaNode node;
  node.id = static_cast<int>(id);
  std::string dir = fmt::format("{}/node{}", k_node_root, id);
  if (auto done = read_meminfo(sysfs, node, dir); !done) return std::unexpected(done.error());
  auto cpus = read_optional(sysfs, dir + "/cpulist");
  if (!cpus) return std::unexpected(cpus.error());
  node.cpus = cpus->value_or("");
  if (auto done = read_distances(sysfs, node, dir, online); !done) return std::unexpected(done.error());
  return node;
}

Result<std::optional<std::vector<MemoryTier>>> read_tiers(Sysfs& sysfs)
{
  if (!sysfs.exists(k_memory_tiering)) return std::optional<std::vector<MemoryTier>>{};
  auto ids = numbered_entries(sysfs, k_memory_tiering, "memory_tier");
  if (!ids) return std::unexpected(ids.error());
  std::vector<MemoryTier> tiers;
  for (unsigned id : *ids) {
    std::string path = fmt::format("{}/memory_tier{}/nodelist", k_memory_tiering, id);
    auto text = sysfs.read(path);
    if (!text) return std::unexpected(text.error());
    auto nodes = parse_node_list(*text);
    if (!nodes) return std::unexpected(malformed(path, *text, "a node list"));
    tiers.push_back({id, std::move(*nodes)});
  }
  return std::optional<std::vector<MemoryTier>>(std::move(tiers));
}

Result<std::optional<bool>> read_demotion(Sysfs& sysfs)
{
  auto text = read_optional(sysfs, k_demotion_enabled);
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<bool>{};
  // The kernel prints "true" or "false" (mm/memory-tiers.c, demotion_enabled_show).
  if (**text == "true") return std::optional<bool>(true);
  if (**text == "false") return std::optional<bool>(false);
  return std::unexpected(malformed(k_demotion_enabled, **text, "true or false"));
}

} // namespace

const NumaNode* NumaView::find(int node) const
{
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const NumaNode& n) { return n.id == node; });
  return it == nodes.end() ? nullptr : &*it;
}

std::optional<std::vector<int>> parse_node_list(std::string_view text)
{
  constexpr uint64_t k_max_node = 1U << 16; // far above MAX_NUMNODES on any kernel
  std::vector<int> nodes;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return std::nullopt; // trailing comma
    size_t dash = item.find('-');
    auto first = decimal(item.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : decimal(item.substr(dash + 1));
    if (!first || !last || *first > *last || *last >= k_max_node) return std::nullopt;
    if (!nodes.empty() && static_cast<uint64_t>(nodes.back()) >= *first) return std::nullopt;
    for (uint64_t node = *first; node <= *last; ++node) nodes.push_back(static_cast<int>(node));
  }
  return nodes;
}

Result<NumaView> read_numa(Sysfs& sysfs)
{
  NumaView view;
  auto ids = numbered_entries(sysfs, k_node_root, "node");
  if (!ids) return std::unexpected(ids.error());
  std::vector<int> online;
  std::string online_path = fmt::format("{}/online", k_node_root);
  auto online_text = read_optional(sysfs, online_path);
  if (!online_text) return std::unexpected(online_text.error());
  if (*online_text) {
    auto parsed = parse_node_list(**online_text);
    if (!parsed) return std::unexpected(malformed(online_path, **online_text, "a node list"));
    online = std::move(*parsed);
  }
  for (unsigned id : *ids) {
    auto node = read_node(sysfs, id, online);
    if (!node) return std::unexpected(node.error());
    view.nodes.push_back(std::move(*node));
  }
  auto tiers = read_tiers(sysfs);
  if (!tiers) return std::unexpected(tiers.error());
  view.tiers = std::move(*tiers);
  if (view.tiers) {
    for (const auto& tier : *view.tiers) {
      for (int id : tier.nodes) {
        auto it = std::find_if(view.nodes.begin(), view.nodes.end(), [&](const NumaNode& n) { return n.id == id; });
        if (it != view.nodes.end()) it->tier = tier.id;
      }
    }
  }
  auto demotion = read_demotion(sysfs);
  if (!demotion) return std::unexpected(demotion.error());
  view.demotion_enabled = *demotion;
  return view;
}

} // namespace dax
