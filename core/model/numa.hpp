#pragma once

#include "core/base/error.hpp"
#include "core/kernel/sysfs.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dax {

// Where the kernel shows memory tiers (Linux 6.1+) and whether it demotes pages to slower tiers.
inline constexpr const char* k_memory_tiering = "/sys/devices/virtual/memory_tiering";
inline constexpr const char* k_demotion_enabled = "/sys/kernel/mm/numa/demotion_enabled";

// The distance from one node to another, as in nodeN/distance (10 for the node itself).
struct NodeDistance
{
  int node = 0;
  unsigned distance = 0;
};

// A NUMA node, /sys/devices/system/node/nodeN: its memory, CPUs, distances and tier.
struct NumaNode
{
  int id = 0;
  std::optional<uint64_t> mem_total; // "MemTotal" of nodeN/meminfo, bytes; absent when unreadable
  std::optional<uint64_t> mem_free;  // "MemFree", bytes
  std::string cpus;                  // nodeN/cpulist, empty for a memory-only node
  std::vector<NodeDistance> distances; // to each online node, in `online` order
  std::optional<unsigned> tier;      // the memory_tierN holding the node, when the kernel has tiers
};

// One memory tier: memory_tierN and the nodes in its nodelist. Lower N is faster memory.
struct MemoryTier
{
  unsigned id = 0;
  std::vector<int> nodes;
};

// Everything the NUMA view shows. Tiers and demotion are optional because older kernels (and
// the captured trees) have neither file.
struct NumaView
{
  std::vector<NumaNode> nodes;                    // every nodeN directory, ascending
  std::optional<std::vector<MemoryTier>> tiers;   // absent: no memory_tiering directory
  std::optional<bool> demotion_enabled;           // absent: no demotion_enabled file

  const NumaNode* find(int node) const;
};

// A node list as sysfs prints it ("0-1,3"), ascending; nullopt when malformed. Empty text is an
// empty list (a tier or mask with no node).
std::optional<std::vector<int>> parse_node_list(std::string_view text);

// Reads the nodes, tiers and demotion setting. A missing node directory gives no nodes (a kernel
// without NUMA); unreadable per-node files leave those fields absent; a malformed one is an error.
Result<NumaView> read_numa(Sysfs& sysfs);

} // namespace dax
