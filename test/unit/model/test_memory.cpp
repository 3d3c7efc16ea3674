#include "test/unit/support/fixtures.hpp"

#include "core/model/hotplug_policy.hpp"
#include "core/model/memory.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_memory = "/sys/devices/system/memory";

} // namespace

TEST_CASE("memory names: to_string and block_path", "[memory]")
{
  CHECK(to_string(OnlineAs::movable) == "online_movable");
  CHECK(to_string(OnlineAs::kernel) == "online_kernel");
  CHECK(to_string(BlockState::online) == "online");
  CHECK(to_string(BlockState::offline) == "offline");
  CHECK(to_string(BlockState::going_offline) == "going-offline");
  CHECK(to_string(AutoOnline::online_kernel) == "online_kernel");
  CHECK(block_path(33) == "/sys/devices/system/memory/memory33");
}

TEST_CASE("read_block_size: hex power of two", "[memory]")
{
  FakeKernel kernel;
  CHECK(read_block_size(kernel) == 128 * MiB);
  kernel.set_block_size(2 * GiB);
  CHECK(read_block_size(kernel) == 2 * GiB);
  for (const char* bad : {"0", "1", "80000", "c000000", "xyz", "", "0x", "8000000000000000", "2000000000"}) {
    INFO("content '" << bad << "'");
    kernel.set_file(k_memory + "/block_size_bytes", bad);
    auto size = read_block_size(kernel);
    REQUIRE_FALSE(size);
    CHECK(size.error().message().find(k_memory + "/block_size_bytes") != std::string::npos);
  }
  kernel.set_file(k_memory + "/block_size_bytes", "100000");
  CHECK(read_block_size(kernel) == 1 * MiB); // the smallest size accepted
  kernel.set_file(k_memory + "/block_size_bytes", "1000000000");
  CHECK(read_block_size(kernel) == 64 * GiB); // the largest
  kernel.remove(k_memory + "/block_size_bytes");
  CHECK(read_block_size(kernel).error().code == ENOENT);
}

TEST_CASE("read_auto_online: the four policies, anything else is an error", "[memory]")
{
  FakeKernel kernel;
  for (auto policy : {AutoOnline::offline, AutoOnline::online, AutoOnline::online_kernel, AutoOnline::online_movable}) {
    kernel.set_auto_online(std::string(to_string(policy)));
    CHECK(read_auto_online(kernel) == policy);
  }
  kernel.set_file(k_memory + "/auto_online_blocks", "online-movable", 0644);
  auto policy = read_auto_online(kernel);
  REQUIRE_FALSE(policy);
  CHECK(policy.error().message() == "parse " + k_memory + "/auto_online_blocks: unknown policy 'online-movable'");
}

TEST_CASE("read_block: state and zone", "[memory]")
{
  FakeKernel kernel; // a kmem-bound nfit device: memory33-39 offline
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.set_block(34, "online_movable");
  auto offline = read_block(kernel, 33, WithZone::yes);
  REQUIRE(offline);
  CHECK(offline->index == 33);
  CHECK(offline->state == BlockState::offline);
  CHECK_FALSE(offline->zone);
  auto online = read_block(kernel, 34, WithZone::yes);
  REQUIRE(online);
  CHECK(online->state == BlockState::online);
  CHECK(online->zone == Zone::movable);
  kernel.clear_log();
  CHECK_FALSE(read_block(kernel, 34, WithZone::no)->zone);
  CHECK(kernel.reads() == std::vector<std::string>{k_memory + "/memory34/state"});
  CHECK(read_block(kernel, 40, WithZone::no).error().code == ENOENT);
  kernel.set_file(k_memory + "/memory35/state", "going-offline", 0644);
  CHECK(read_block(kernel, 35, WithZone::no)->state == BlockState::going_offline);
  kernel.set_file(k_memory + "/memory35/state", "weird", 0644);
  CHECK(read_block(kernel, 35, WithZone::no).error().message().find("memory35/state") != std::string::npos);
}

TEST_CASE("describe_blocks gives compact ranges", "[memory]")
{
  std::vector<uint64_t> many;
  for (uint64_t index = 160; index <= 175; ++index) many.push_back(index);
  many.push_back(180);
  many.push_back(3);
  CHECK(describe_blocks(many) == "memory3, memory160-175, memory180");
  CHECK(describe_blocks({}) == "");
  CHECK(describe_blocks({7, 8, 8, 7}) == "memory7-8");
}
