#include "test/unit/support/fixtures.hpp"

#include "core/model/device_memory.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

DeviceMemory memory_of(FakeKernel& kernel, WithZone zone = WithZone::yes)
{
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto memory = read_device_memory(kernel, *device, kernel.block_size(), zone);
  INFO((memory ? std::string() : memory.error().message()));
  REQUIRE(memory);
  return *memory;
}

std::vector<uint64_t> indexes(const DeviceMemory& memory)
{
  return collect(memory.blocks, [](const auto& block) { return block.index; });
}

} // namespace

TEST_CASE("read_device_memory: devdax mode has a plan but no blocks", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  DeviceMemory memory = memory_of(kernel);
  CHECK(memory.plan.hotplug_bytes == 7 * 128 * MiB);
  CHECK(memory.blocks.empty());
  CHECK(memory.online_count() == 0);
  CHECK_FALSE(memory.movable().has_value());
}

TEST_CASE("read_device_memory: finds the blocks by name, not by scanning", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.clear_log();
  DeviceMemory memory = memory_of(kernel);
  CHECK(indexes(memory) == k_nfit_blocks);
  CHECK(memory.online_count() == 0);
  CHECK_FALSE(memory.movable().has_value());
  for (const auto& access : kernel.log()) {
    INFO(access.path);
    CHECK(access.op != FakeAccess::Op::list);
    CHECK(access.path.find("/memory0/") == std::string::npos);
  }
}

TEST_CASE("read_device_memory: movable is all-or-nothing over online blocks", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
  CHECK(memory_of(kernel).movable() == true);
  CHECK(memory_of(kernel).online_count() == 7);
  kernel.set_block(36, "online_kernel");
  CHECK(memory_of(kernel).movable() == false);
  CHECK(memory_of(kernel).blocks[3].zone == Zone::normal);
  kernel.set_block(36, "offline");
  CHECK_FALSE(memory_of(kernel).movable().has_value());
  CHECK(memory_of(kernel).online_count() == 6);
}

TEST_CASE("read_device_memory: several mappings give their blocks in ascending order", "[device_memory]")
{
  FakeDeviceSpec spec;
  spec.driver = "kmem";
  spec.mappings = {{0x200000000 + 4 * MiB, 0x200000000 + 3 * 128 * MiB - 1, 0},  // blocks 65, 66
                   {0x100000000, 0x100000000 + 128 * MiB - 1, 0}};             // block 32
  FakeKernel kernel;
  kernel.add_region(0, k_region0, GiB).add_device(0, spec);
  DeviceMemory memory = memory_of(kernel);
  CHECK(indexes(memory) == std::vector<uint64_t>{32, 65, 66});
  CHECK(kernel.blocks() == std::vector<uint64_t>{32, 65, 66});
}

TEST_CASE("read_device_memory: read errors other than a missing block fail", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.remove("/sys/devices/system/memory/memory35");
  CHECK(indexes(memory_of(kernel)) == std::vector<uint64_t>{33, 34, 36, 37, 38, 39});
  kernel.fail_read("*/memory36/state", EIO);
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto memory = read_device_memory(kernel, *device, kernel.block_size(), WithZone::no);
  REQUIRE_FALSE(memory);
  CHECK(memory.error().message() == "dax0.0: read /sys/devices/system/memory/memory36/state: Input/output error");
}

TEST_CASE("read_device_memory refuses an absurd number of blocks instead of allocating them", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  kernel.set_file("/sys/devices/system/memory/block_size_bytes", "100000"); // 1 MiB blocks
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  device->mappings.at(0).end = device->mappings.at(0).start + (uint64_t(32) << 40) - 1; // 32 TiB
  auto memory = read_device_memory(kernel, *device, 1 * MiB, WithZone::no);
  REQUIRE_FALSE(memory);
  CHECK(memory.error().message().find("dax0.0: spans 33554432 memory blocks") == 0);
  CHECK(kernel.reads().size() < 20); // refused before reading any block
}

// Issue #21: a file or directory the kernel does not show is reported as such, never read as an
// offline or absent block.
TEST_CASE("read_device_memory: without valid_zones (no CONFIG_MEMORY_HOTREMOVE) online blocks stay online",
          "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) {
    kernel.set_block(index, "online");
    kernel.remove(block_path(index) + "/valid_zones");
  }
  DeviceMemory memory = memory_of(kernel);
  CHECK(indexes(memory) == k_nfit_blocks);
  CHECK(memory.online_count() == 7);
  CHECK_FALSE(memory.blocks.front().zone.has_value());
}

TEST_CASE("read_device_memory: a memoryN missing among hot-added ones is counted as missing", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  kernel.remove(block_path(35));
  DeviceMemory memory = memory_of(kernel);
  CHECK(memory.blocks.size() == 6);
  CHECK(memory.missing == std::vector<uint64_t>{35});
  CHECK(memory.total_count() == 7);
  CHECK_FALSE(memory.movable().has_value());
}

TEST_CASE("read_device_memory: a state file missing in an existing memoryN is an error", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.remove(block_path(36) + "/state");
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto memory = read_device_memory(kernel, *device, kernel.block_size(), WithZone::yes);
  REQUIRE_FALSE(memory);
  CHECK(memory.error().message().find("memory36/state") != std::string::npos);
}

TEST_CASE("read_device_memory: a block going offline is still online memory", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "offline");
  kernel.set_file(block_path(34) + "/state", "going-offline");
  CHECK(memory_of(kernel).online_count() == 1);
}

TEST_CASE("read_device_memory: unreadable ranges (not root) refuse instead of counting 0 blocks", "[device_memory]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  kernel.fail_read("*/dax0.0/mapping*/start", EACCES, FakeKernel::always);
  kernel.fail_read("*/dax0.0/resource", EACCES, FakeKernel::always);
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  REQUIRE(device->ranges().empty());
  auto memory = read_device_memory(kernel, *device, kernel.block_size(), WithZone::yes);
  REQUIRE_FALSE(memory);
  CHECK(memory.error().message().find("dax0.0: cannot read its address ranges") != std::string::npos);
}
