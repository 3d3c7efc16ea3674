// dax list --numa: the NUMA nodes, the dax memory hot-added on them, memory tiers and demotion.
#include "cmd/common/help_format.hpp"
#include "cmd/view/device_json.hpp"
#include "cmd/view/device_table.hpp"
#include "cmd/view/views.hpp"
#include "core/model/memory_view.hpp"
#include "core/model/numa.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace dax::cli {

namespace {

// Per node: the dax devices that target it and the bytes of their blocks hot-added on it.
struct NodeDax
{
  std::vector<std::string> devices;
  uint64_t hotplugged = 0;
  bool known = true; // false when a device's ranges could not be read (not root): unknown, not 0
};

// Groups the devices by target node and counts their hot-added blocks by the node they are on.
Result<std::map<int, NodeDax>> dax_by_node(Env& env, const std::vector<Device>& devices)
{
  std::map<int, NodeDax> nodes;
  auto block_size = read_block_size(env.sysfs);
  for (const auto& device : devices) {
    if (device.target_node && *device.target_node >= 0) {
      nodes[*device.target_node].devices.push_back(device.name.str());
    }
    if (!block_size || device.mode() != Mode::system_ram) continue;
    if (device.size > 0 && device.ranges().empty() && device.target_node && *device.target_node >= 0) {
      nodes[*device.target_node].known = false;
      continue;
    }
    auto view = read_memory_view(env.sysfs, device, *block_size);
    if (!view) return std::unexpected(view.error());
    for (const auto& group : view->groups) {
      if (group.state && group.node) nodes[*group.node].hotplugged += group.count * *block_size;
    }
  }
  return nodes;
}

// Per node: its memory blocks, online and in all, and the zones of the online ones. Read from
// files every user may read (as lsmem reads them): a user without root sees them too.
struct NodeBlocks
{
  uint64_t online = 0;
  uint64_t total = 0;
  std::vector<std::string> zones; // sorted, each once

  std::string blocks() const { return total == 0 ? std::string(k_none) : fmt::format("{}/{}", online, total); }
};

Result<std::map<int, NodeBlocks>> blocks_by_node(Sysfs& sysfs, const NumaView& numa)
{
  std::map<int, NodeBlocks> nodes;
  for (const auto& node : numa.nodes) {
    auto groups = read_node_blocks(sysfs, node.id);
    if (!groups) return std::unexpected(groups.error());
    std::set<std::string> zones;
    NodeBlocks& blocks = nodes[node.id];
    for (const auto& group : *groups) {
      blocks.total += group.count;
      if (group.state != BlockState::online) continue;
      blocks.online += group.count;
      if (group.zone) zones.insert(std::string(to_string(*group.zone)));
    }
    blocks.zones.assign(zones.begin(), zones.end());
  }
  return nodes;
}

// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator)
{
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

// "0,1".
std::string node_list(const std::vector<int>& nodes)
{
  std::vector<std::string> names;
  for (int node : nodes) names.push_back(std::to_string(node));
  return join(names, ",");
}

// What the view shows: the nodes, the dax memory on them and their memory blocks.
struct NumaFacts
{
  NumaView numa;
  std::map<int, NodeDax> dax;
  std::map<int, NodeBlocks> blocks;
};

// dax's own JSON for the view: nodes, memory_tiers and demotion_enabled (null when absent).
Json numa_json(const NumaFacts& facts)
{
  const NumaView& numa = facts.numa;
  const auto& dax = facts.dax;
  Json nodes = Json::array();
  for (const auto& node : numa.nodes) {
    Json object{{"node", node.id}};
    if (node.mem_total) object["mem_total"] = *node.mem_total;
    if (node.mem_free) object["mem_free"] = *node.mem_free;
    object["cpus"] = node.cpus;
    Json distances = Json::object();
    for (const auto& distance : node.distances) distances[std::to_string(distance.node)] = distance.distance;
    object["distances"] = std::move(distances);
    if (node.tier) object["memory_tier"] = *node.tier;
    auto it = dax.find(node.id);
    object["dax_devices"] = it == dax.end() ? Json::array() : Json(it->second.devices);
    object["dax_hotplugged"] = it == dax.end() ? Json(0) : it->second.known ? Json(it->second.hotplugged) : Json(nullptr);
    const NodeBlocks& blocks = facts.blocks.at(node.id);
    object["online_memblocks"] = blocks.online;
    object["total_memblocks"] = blocks.total;
    object["zones"] = blocks.zones;
    nodes.push_back(std::move(object));
  }
  Json out{{"nodes", std::move(nodes)}};
  if (numa.tiers) {
    Json tiers = Json::array();
    for (const auto& tier : *numa.tiers) tiers.push_back({{"tier", tier.id}, {"nodes", tier.nodes}});
    out["memory_tiers"] = std::move(tiers);
  } else {
    out["memory_tiers"] = nullptr;
  }
  out["demotion_enabled"] = numa.demotion_enabled ? Json(*numa.demotion_enabled) : Json(nullptr);
  return out;
}

// Up to this many nodes the distances are a column of the table; beyond, the table would not fit
// 80 columns, and they are printed as rows of their own under it.
constexpr size_t k_distance_column_nodes = 6;

// The devices of a node for the DAX column: all of them, or the first and how many more, so that
// a node with dozens of devices still fits a terminal.
std::string dax_cell(const std::vector<std::string>& devices)
{
  if (devices.empty()) return std::string(k_none);
  std::string all = join(devices, ",");
  if (all.size() <= 20) return all;
  return fmt::format("{} +{} more", devices.front(), devices.size() - 1);
}

// One row per node.
Table numa_table(const NumaFacts& facts)
{
  const NumaView& numa = facts.numa;
  const auto& dax = facts.dax;
  bool distance_column = numa.nodes.size() <= k_distance_column_nodes;
  std::vector<std::string> columns{"NODE", "TOTAL", "FREE", "CPUS", "TIER", "DAX", "HOTPLUGGED", "BLOCKS"};
  if (distance_column) columns.push_back("DISTANCES");
  Table table({{"NODE", Align::right}, {"TOTAL", Align::right}, {"FREE", Align::right}, {"CPUS", Align::left},
               {"TIER", Align::right}, {"DAX", Align::left}, {"HOTPLUGGED", Align::right},
               {"BLOCKS", Align::right}, {"ZONES", Align::left}, {"DISTANCES", Align::left}},
              columns);
  for (const auto& node : numa.nodes) {
    std::vector<std::string> distances;
    for (const auto& distance : node.distances) distances.push_back(std::to_string(distance.distance));
    auto it = dax.find(node.id);
    bool has_dax = it != dax.end();
    table.add_row({std::to_string(node.id), Cell::size(node.mem_total), Cell::size(node.mem_free),
                   node.cpus.empty() ? k_none : node.cpus, node.tier ? std::to_string(*node.tier) : k_none,
                   has_dax ? dax_cell(it->second.devices) : k_none,
                   !has_dax ? Cell(k_none) : it->second.known ? Cell::size(it->second.hotplugged) : Cell("?"),
                   facts.blocks.at(node.id).blocks(),
                   facts.blocks.at(node.id).zones.empty() ? k_none : join(facts.blocks.at(node.id).zones, ","),
                   distances.empty() ? k_none : join(distances, " ")});
  }
  return table;
}

// The lines under the table: tiers, demotion, and which node each distance column is.
void print_kernel_settings(const NumaView& numa, Colour colour)
{
  std::vector<std::string> order;
  if (!numa.nodes.empty()) {
    for (const auto& distance : numa.nodes.front().distances) order.push_back(std::to_string(distance.node));
  }
  if (!order.empty() && numa.nodes.size() <= k_distance_column_nodes) {
    fmt::print("\nDistances are to nodes {}.\n", join(order, " "));
  } else if (!order.empty()) {
    fmt::print("\n{}\n", wrap_text(fmt::format("Distances from each node to nodes {}:", join(order, " ")), 80));
    for (const auto& node : numa.nodes) {
      std::vector<std::string> row;
      for (const auto& distance : node.distances) row.push_back(std::to_string(distance.distance));
      std::string text = wrap_text(join(row, " "), 72);
      for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) text.insert(at + 1, 8, ' ');
      fmt::print("  {:>4}: {}\n", node.id, text);
    }
  }
  if (!numa.tiers) {
    fmt::print("{} not available on this kernel\n", bold("Memory tiers:", colour));
  } else {
    std::vector<std::string> tiers;
    for (const auto& tier : *numa.tiers) tiers.push_back(fmt::format("tier {}: nodes {}", tier.id, node_list(tier.nodes)));
    fmt::print("{} {} (a lower tier is faster memory)\n", bold("Memory tiers:", colour),
               tiers.empty() ? "none" : join(tiers, "; "));
  }
  if (!numa.demotion_enabled) {
    fmt::print("{} not available on this kernel\n", bold("Demotion:", colour));
  } else {
    fmt::print("{} {}\n", bold("Demotion:", colour),
               *numa.demotion_enabled ? "enabled: reclaim moves cold pages to slower tiers"
                                      : fmt::format("disabled; enable: echo true > {}", k_demotion_enabled));
  }
}

} // namespace

Table numa_view_table()
{
  return numa_table(NumaFacts{});
}

int print_numa_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options)
{
  auto numa = read_numa(env.sysfs);
  if (!numa) {
    print_error(numa.error().message());
    return k_exit_failure;
  }
  auto dax = dax_by_node(env, devices);
  if (!dax) {
    print_error(dax.error().message());
    return k_exit_failure;
  }
  auto blocks = blocks_by_node(env.sysfs, *numa);
  if (!blocks) {
    print_error(blocks.error().message());
    return k_exit_failure;
  }
  NumaFacts facts{std::move(*numa), std::move(*dax), std::move(*blocks)};
  if (options.format == Format::json) {
    std::fputs(render_list(numa_json(facts), Human::no).c_str(), stdout);
    return k_exit_ok;
  }
  Table table = numa_table(facts);
  int code = print_table(table, options);
  // --raw and --pairs print one table for a script: the prose below is for people.
  if (code == k_exit_ok && options.look.layout == Layout::aligned) print_kernel_settings(facts.numa, options.look.colour);
  return code;
}

} // namespace dax::cli
