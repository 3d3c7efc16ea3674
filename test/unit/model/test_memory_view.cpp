#include "test/unit/support/fixtures.hpp"

#include "core/model/memory_view.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

MemoryView view_of(FakeKernel& kernel)
{
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto view = read_memory_view(kernel, *device, kernel.block_size());
  INFO((view ? std::string() : view.error().message()));
  REQUIRE(view);
  return *view;
}

} // namespace

TEST_CASE("align_ranges: the bytes before the first and after the last whole block", "[memory_view]")
{
  auto ranges = align_ranges({{k_nfit_start, k_nfit_size}}, 128 * MiB);
  REQUIRE(ranges.size() == 1);
  REQUIRE(ranges[0].hotplug.has_value());
  CHECK(ranges[0].hotplug->start == 33 * 128 * MiB);
  CHECK(ranges[0].hotplug->size == 7 * 128 * MiB);
  CHECK(ranges[0].lost_before == 0x108000000 - k_nfit_start);
  CHECK(ranges[0].lost_after == 0);
  CHECK(ranges[0].lost() == 110 * MiB);

  // Unaligned at both ends: 64 MiB before, 32 MiB after one whole block.
  auto both = align_ranges({{2 * GiB - 64 * MiB, 224 * MiB}}, 128 * MiB);
  REQUIRE(both[0].hotplug.has_value());
  CHECK(both[0].hotplug->start == 2 * GiB);
  CHECK(both[0].lost_before == 64 * MiB);
  CHECK(both[0].lost_after == 32 * MiB);
}

TEST_CASE("align_ranges: a range holding no whole block is too small, all of it lost", "[memory_view]")
{
  auto ranges = align_ranges({{2 * GiB + MiB, 100 * MiB}, {4 * GiB, 256 * MiB}}, 128 * MiB);
  REQUIRE(ranges.size() == 2);
  CHECK(ranges[0].too_small());
  CHECK(ranges[0].lost() == 100 * MiB);
  CHECK_FALSE(ranges[1].too_small());
  CHECK(ranges[1].lost() == 0);
}

TEST_CASE("read_memory_view: devdax mode shows the blocks kmem would add, absent", "[memory_view]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  MemoryView view = view_of(kernel);
  REQUIRE(view.groups.size() == 1);
  CHECK(view.groups[0].first == 33);
  CHECK(view.groups[0].count == 7);
  CHECK_FALSE(view.groups[0].state.has_value());
  CHECK_FALSE(view.groups[0].node.has_value());
  CHECK(view.hotplug_bytes == 896 * MiB);
  CHECK(view.lost_bytes() == 110 * MiB);
  CHECK(view.blocks_in(std::nullopt) == 7);
}

TEST_CASE("read_memory_view: consecutive blocks with the same state, zone and node are one group",
          "[memory_view]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
  kernel.set_block(36, "offline");
  kernel.set_block(38, "online_kernel");
  MemoryView view = view_of(kernel);
  REQUIRE(view.groups.size() == 5);
  CHECK(view.groups[0].first == 33);
  CHECK(view.groups[0].count == 3);
  CHECK(view.groups[0].state == BlockState::online);
  CHECK(view.groups[0].zone == Zone::movable);
  CHECK(view.groups[0].node == 1);
  CHECK(view.groups[0].range(view.block_size) == Range{0x108000000, 3 * 128 * MiB});
  CHECK(view.groups[1].first == 36);
  CHECK(view.groups[1].state == BlockState::offline);
  CHECK_FALSE(view.groups[1].zone);
  CHECK(view.groups[2].first == 37);
  CHECK(view.groups[2].count == 1);
  CHECK(view.groups[2].zone == Zone::movable);
  CHECK(view.groups[3].first == 38);
  CHECK(view.groups[3].zone == Zone::normal);
  CHECK(view.groups[3].last() == 38);
  CHECK(view.groups[4].first == 39);
  CHECK(view.groups[4].zone == Zone::movable);
  CHECK(view.blocks_in(BlockState::online) == 6);
  CHECK(view.blocks_in(BlockState::offline) == 1);
}

TEST_CASE("read_memory_view: a failing read of a block's directory is an error", "[memory_view]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.fail_list("/sys/devices/system/memory/memory35", EIO);
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto view = read_memory_view(kernel, *device, kernel.block_size());
  REQUIRE_FALSE(view);
  CHECK(view.error().message().find("memory35") != std::string::npos);
}

TEST_CASE("read_node_blocks: a node's blocks from its memoryN links, grouped as lsmem groups them",
          "[memory_view]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
  kernel.set_block(39, "offline");
  kernel.set_file(std::string(k_node_root) + "/node1/memory_side_cache/index1/size", "0"); // not a block
  auto groups = read_node_blocks(kernel, 1);
  INFO((groups ? std::string() : groups.error().message()));
  REQUIRE(groups);
  REQUIRE(groups->size() == 2);
  CHECK((*groups)[0].first == 33);
  CHECK((*groups)[0].count == 6);
  CHECK((*groups)[0].state == BlockState::online);
  CHECK((*groups)[0].zone == Zone::movable);
  CHECK((*groups)[0].node == 1);
  CHECK((*groups)[1].first == 39);
  CHECK((*groups)[1].state == BlockState::offline);
  CHECK_FALSE((*groups)[1].zone.has_value());
  // A node that does not exist: the error names it.
  auto missing = read_node_blocks(kernel, 7);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ENOENT);
}
