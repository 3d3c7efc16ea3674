#include "test/unit/support/fixtures.hpp"

#include "core/model/numa.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

NumaView numa_of(FakeKernel& kernel)
{
  auto numa = read_numa(kernel);
  INFO((numa ? std::string() : numa.error().message()));
  REQUIRE(numa);
  return *numa;
}

std::vector<int> distances(const NumaNode& node)
{
  return collect(node.distances, [](const auto& distance) { return static_cast<int>(distance.distance); });
}

} // namespace

TEST_CASE("parse_node_list: ranges and single nodes, strictly", "[numa]")
{
  CHECK(parse_node_list("0") == std::vector<int>{0});
  CHECK(parse_node_list("0-1") == std::vector<int>{0, 1});
  CHECK(parse_node_list("0-2,4,6-7") == std::vector<int>{0, 1, 2, 4, 6, 7});
  CHECK(parse_node_list("") == std::vector<int>{});
  for (const char* bad : {"1-0", "0,", ",0", "a", "0x1", "-1", "0--1", "2,1", "0,0", "70000"}) {
    INFO(bad);
    CHECK_FALSE(parse_node_list(bad).has_value());
  }
}

TEST_CASE("read_numa: nodes with memory, CPUs and distances (no tiers on this kernel)", "[numa]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  add_numa_files(kernel, Tiers::no);
  NumaView numa = numa_of(kernel);
  REQUIRE(numa.nodes.size() == 2);
  const NumaNode& node0 = numa.nodes[0];
  CHECK(node0.id == 0);
  CHECK(node0.mem_total == 1 * GiB);
  CHECK(node0.mem_free == 700 * MiB);
  CHECK(node0.cpus == "0");
  CHECK(distances(node0) == std::vector<int>{10, 20});
  CHECK(node0.distances[1].node == 1);
  const NumaNode& node1 = numa.nodes[1];
  CHECK(node1.mem_total == 896 * MiB);
  CHECK(node1.cpus.empty());
  CHECK(distances(node1) == std::vector<int>{20, 10});
  CHECK_FALSE(node1.tier.has_value());
  CHECK_FALSE(numa.tiers.has_value());
  CHECK_FALSE(numa.demotion_enabled.has_value());
  CHECK(numa.find(1) == &numa.nodes[1]);
  CHECK(numa.find(7) == nullptr);
}

TEST_CASE("read_numa: memory tiers and demotion where the kernel has them", "[numa]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  add_numa_files(kernel, Tiers::yes);
  NumaView numa = numa_of(kernel);
  REQUIRE(numa.tiers.has_value());
  REQUIRE(numa.tiers->size() == 2);
  CHECK((*numa.tiers)[0].id == 4);
  CHECK((*numa.tiers)[0].nodes == std::vector<int>{0});
  CHECK((*numa.tiers)[1].id == 22);
  CHECK(numa.nodes[0].tier == 4U);
  CHECK(numa.nodes[1].tier == 22U);
  CHECK(numa.demotion_enabled == false);

  kernel.set_file("/sys/kernel/mm/numa/demotion_enabled", "true", 0644);
  CHECK(numa_of(kernel).demotion_enabled == true);
}

TEST_CASE("read_numa: no node directory is a kernel without NUMA, not an error", "[numa]")
{
  FakeKernel kernel;
  kernel.remove("/sys/devices/system/node");
  NumaView numa = numa_of(kernel);
  CHECK(numa.nodes.empty());
  CHECK_FALSE(numa.tiers.has_value());
}

TEST_CASE("read_numa: an unreadable meminfo leaves the sizes out", "[numa]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  add_numa_files(kernel, Tiers::no);
  kernel.fail_read("*/node1/meminfo", EACCES);
  NumaView numa = numa_of(kernel);
  CHECK(numa.nodes[0].mem_total.has_value());
  CHECK_FALSE(numa.nodes[1].mem_total.has_value());
}

TEST_CASE("read_numa: malformed files are errors that name the file", "[numa]")
{
  struct Case
  {
    const char* path;
    const char* content;
  };
  for (const Case& bad : {Case{"/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: lots kB"},
                          Case{"/sys/devices/system/node/node0/meminfo", "Node 0 MemFree: 12 MB"},
                          Case{"/sys/devices/system/node/node0/distance", "10 20 30"},
                          Case{"/sys/devices/system/node/node0/distance", "10 x"},
                          Case{"/sys/devices/system/node/online", "0-"},
                          Case{"/sys/devices/virtual/memory_tiering/memory_tier4/nodelist", "zero"},
                          Case{"/sys/kernel/mm/numa/demotion_enabled", "1"}}) {
    FakeKernel kernel;
    add_nfit_system(kernel, nfit_device("kmem"));
    add_numa_files(kernel, Tiers::yes);
    kernel.set_file(bad.path, bad.content);
    auto numa = read_numa(kernel);
    INFO(bad.path << ": " << bad.content);
    REQUIRE_FALSE(numa);
    CHECK(numa.error().message().find(bad.path) != std::string::npos);
  }
}
