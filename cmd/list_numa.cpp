// dax list --numa: the NUMA nodes, the dax memory hot-added on them, memory tiers and demotion.
#include "device_json.hpp"
#include "device_table.hpp"
#include "memory_view.hpp"
#include "numa.hpp"
#include "views.hpp"

#include <fmt/format.h>

#include <map>

namespace dax::cli {

namespace {

// Per node: the dax devices that target it and the bytes of their blocks hot-added on it.
struct NodeDax
{
  std::vector<std::string> devices;
  uint64_t hotplugged = 0;
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
    auto view = read_memory_view(env.sysfs, device, *block_size);
    if (!view) return std::unexpected(view.error());
    for (const auto& group : view->groups) {
      if (group.state && group.node) nodes[*group.node].hotplugged += group.count * *block_size;
    }
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

// dax's own JSON for the view: nodes, memory_tiers and demotion_enabled (null when absent).
Json numa_json(const NumaView& numa, const std::map<int, NodeDax>& dax)
{
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
    object["dax_hotplugged"] = it == dax.end() ? 0 : it->second.hotplugged;
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

// One row per node.
Table numa_table(const NumaView& numa, const std::map<int, NodeDax>& dax)
{
  Table table({{"NODE", Align::right}, {"TOTAL", Align::right}, {"FREE", Align::right}, {"CPUS", Align::left},
               {"TIER", Align::right}, {"DAX", Align::left}, {"HOTPLUGGED", Align::right},
               {"DISTANCES", Align::left}},
              {"NODE", "TOTAL", "FREE", "CPUS", "TIER", "DAX", "HOTPLUGGED", "DISTANCES"});
  for (const auto& node : numa.nodes) {
    std::vector<std::string> distances;
    for (const auto& distance : node.distances) distances.push_back(std::to_string(distance.distance));
    auto it = dax.find(node.id);
    bool has_dax = it != dax.end();
    table.add_row({std::to_string(node.id), human_size(node.mem_total), human_size(node.mem_free),
                   node.cpus.empty() ? k_none : node.cpus, node.tier ? std::to_string(*node.tier) : k_none,
                   has_dax && !it->second.devices.empty() ? join(it->second.devices, ",") : k_none,
                   has_dax ? human_size(it->second.hotplugged) : k_none,
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
  if (!order.empty()) fmt::print("\nDistances are to nodes {}.\n", join(order, " "));
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
  if (options.format == Format::json) {
    std::fputs(render_list(numa_json(*numa, *dax), Human::no).c_str(), stdout);
    return k_exit_ok;
  }
  Table table = numa_table(*numa, *dax);
  int code = print_table(table, options);
  if (code == k_exit_ok) print_kernel_settings(*numa, options.colour);
  return code;
}

} // namespace dax::cli
