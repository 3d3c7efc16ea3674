#include "test/unit/support/fixtures.hpp"

#include "core/change/block_pass.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;
using std::chrono::milliseconds;

namespace {

const std::string k_memory = "/sys/devices/system/memory";

// A kmem-bound nfit device: memory33-39 offline, the log cleared.
struct MemoryFixture
{
  MemoryFixture()
  {
    add_nfit_system(kernel, nfit_device("kmem"));
    kernel.clear_log();
  }

  BusyRetry retry(unsigned attempts)
  {
    return BusyRetry{attempts, milliseconds(100), [this](milliseconds delay) { sleeps.push_back(delay); }};
  }

  FakeKernel kernel;
  std::vector<milliseconds> sleeps;
};

std::vector<BlockOutcome> outcomes(const BlockPass& pass)
{
  return collect(pass.blocks, [](const auto& block) { return block.outcome; });
}

std::vector<uint64_t> indexes_of(const BlockPass& pass)
{
  return collect(pass.blocks, [](const auto& block) { return block.index; });
}

constexpr auto changed = BlockOutcome::changed;
constexpr auto already = BlockOutcome::already;
constexpr auto failed = BlockOutcome::failed;

} // namespace

TEST_CASE_METHOD(MemoryFixture, "online_blocks writes each offline block, in order", "[memory]")
{
  auto [as, value, zone] = GENERATE(std::tuple{OnlineAs::movable, "online_movable", "Movable"},
                                    std::tuple{OnlineAs::kernel, "online_kernel", "Normal"});
  kernel.set_block(35, "online");
  BlockPass pass = online_blocks(kernel, k_nfit_blocks, as);
  CHECK(pass.ok());
  CHECK(outcomes(pass) == std::vector{changed, changed, already, changed, changed, changed, changed});
  CHECK(pass.changed() == std::vector<uint64_t>{33, 34, 36, 37, 38, 39});
  CHECK(pass.count(already) == 1);
  CHECK(kernel.writes() == state_writes({33, 34, 36, 37, 38, 39}, value));
  CHECK(kernel.block_zones(39) == zone);
}

TEST_CASE_METHOD(MemoryFixture, "online_blocks continues past a failure and reports it", "[memory]")
{
  kernel.fail_write("*/memory34/state", EIO);
  BlockPass pass = online_blocks(kernel, {33, 34, 35}, OnlineAs::movable);
  CHECK_FALSE(pass.ok());
  CHECK(outcomes(pass) == std::vector{changed, failed, changed});
  REQUIRE(pass.blocks[1].error);
  CHECK(pass.blocks[1].error->message() ==
        "write 'online_movable' to " + k_memory + "/memory34/state: Input/output error");
  CHECK(kernel.block_state(34) == "offline");
  CHECK(kernel.block_state(35) == "online");
}

TEST_CASE_METHOD(MemoryFixture, "online_blocks refuses online_movable where Movable is not offered", "[memory]")
{
  kernel.set_file(k_memory + "/memory33/valid_zones", "DMA32");
  BlockPass pass = online_blocks(kernel, {33}, OnlineAs::movable);
  CHECK(outcomes(pass) == std::vector{failed});
  REQUIRE(pass.blocks[0].error);
  CHECK(pass.blocks[0].error->message().find("DMA32") != std::string::npos);
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(MemoryFixture, "online_blocks: a block onlined by someone else meanwhile is 'already'", "[memory]")
{
  kernel.on_write("*/memory33/state", [](FakeKernel& k) { k.set_block(33, "online"); }, FakeKernel::When::before);
  BlockPass pass = online_blocks(kernel, {33}, OnlineAs::movable);
  CHECK(pass.ok());
  CHECK(outcomes(pass) == std::vector{already});
  CHECK(kernel.writes() == std::vector<std::string>{wrote(k_memory + "/memory33/state", "online_movable", EINVAL)});
}

TEST_CASE_METHOD(MemoryFixture, "offline_blocks writes each online block", "[memory]")
{
  for (uint64_t index : {33U, 34U, 36U}) kernel.set_block(index, "online_movable");
  BlockPass pass = offline_blocks(kernel, {33, 34, 35, 36}, StopAtFailure::no, retry(1));
  CHECK(pass.ok());
  CHECK(outcomes(pass) == std::vector{changed, changed, already, changed});
  CHECK(kernel.writes() == state_writes({33, 34, 36}, "offline"));
  CHECK(sleeps.empty());
}

TEST_CASE_METHOD(MemoryFixture, "offline_blocks retries EBUSY with doubling delays", "[memory]")
{
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  SECTION("busy twice, then it goes")
  {
    kernel.fail_write("*/memory34/state", EBUSY, 2);
    BlockPass pass = offline_blocks(kernel, {33, 34, 35}, StopAtFailure::no, retry(4));
    CHECK(pass.ok());
    CHECK(outcomes(pass) == std::vector{changed, changed, changed});
    CHECK(sleeps == std::vector{milliseconds(100), milliseconds(200)});
    std::string state34 = k_memory + "/memory34/state";
    CHECK(kernel.writes() == std::vector<std::string>{
      wrote(k_memory + "/memory33/state", "offline"), wrote(state34, "offline", EBUSY),
      wrote(k_memory + "/memory35/state", "offline"), wrote(state34, "offline", EBUSY), wrote(state34, "offline")});
  }
  SECTION("busy for good: gives up after the last attempt and says so")
  {
    kernel.fail_write("*/memory34/state", EBUSY, FakeKernel::always);
    BlockPass pass = offline_blocks(kernel, {33, 34, 35}, StopAtFailure::no, retry(4));
    CHECK(outcomes(pass) == std::vector{changed, failed, changed});
    CHECK(sleeps == std::vector{milliseconds(100), milliseconds(200), milliseconds(400)});
    CHECK(kernel.writes().size() == 1 + 4 + 1);
    REQUIRE(pass.blocks[1].error);
    CHECK(pass.blocks[1].error->code == EBUSY);
    CHECK(pass.blocks[1].error->message() == "write 'offline' to " + k_memory +
                                               "/memory34/state: Device or resource busy (after 4 attempts)");
  }
  SECTION("stop at the first failure that is not EBUSY")
  {
    kernel.fail_write("*/memory34/state", EIO, FakeKernel::always);
    BlockPass pass = offline_blocks(kernel, {33, 34, 35}, StopAtFailure::yes, retry(2));
    CHECK(indexes_of(pass) == std::vector<uint64_t>{33, 34});
    CHECK(outcomes(pass) == std::vector{changed, failed});
    CHECK(kernel.block_state(35) == "online");
    CHECK(sleeps.empty());
  }
  SECTION("stop at failure: a busy block waits for the rounds while the others go on")
  {
    kernel.fail_write("*/memory34/state", EBUSY, FakeKernel::always);
    BlockPass pass = offline_blocks(kernel, {33, 34, 35}, StopAtFailure::yes, retry(2));
    CHECK(indexes_of(pass) == std::vector<uint64_t>{33, 34, 35});
    CHECK(outcomes(pass) == std::vector{changed, failed, changed});
    CHECK(sleeps == std::vector{milliseconds(100)});
  }
}

TEST_CASE_METHOD(MemoryFixture, "offline_blocks: other errors, the default single attempt, a block offlined meanwhile", "[memory]")
{
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  SECTION("errors other than EBUSY are not retried")
  {
    kernel.fail_write("*/memory34/state", EIO, FakeKernel::always);
    BlockPass pass = offline_blocks(kernel, {34}, StopAtFailure::no, retry(4));
    CHECK(outcomes(pass) == std::vector{failed});
    CHECK(sleeps.empty());
    CHECK(kernel.writes().size() == 1);
    CHECK(pass.blocks[0].error->message() == "write 'offline' to " + k_memory + "/memory34/state: Input/output error");
  }
  SECTION("a single attempt by default, without a sleep function")
  {
    kernel.fail_write("*/memory34/state", EBUSY, FakeKernel::always);
    BlockPass pass = offline_blocks(kernel, {34}, StopAtFailure::no, BusyRetry{});
    CHECK(outcomes(pass) == std::vector{failed});
    CHECK(kernel.writes().size() == 1);
  }
  SECTION("a block offlined by someone else meanwhile is 'already'")
  {
    kernel.on_write("*/memory34/state", [](FakeKernel& k) { k.set_block(34, "offline"); },
                    FakeKernel::When::before);
    BlockPass pass = offline_blocks(kernel, {34}, StopAtFailure::no, retry(4));
    CHECK(outcomes(pass) == std::vector{already});
  }
}

TEST_CASE("offline_blocks: 2,048 busy blocks share one retry budget per pass", "[memory]")
{
  FakeKernel kernel;
  kernel.add_boot_blocks(0, 2048);
  std::vector<uint64_t> indexes;
  for (uint64_t index = 0; index < 2048; ++index) indexes.push_back(index);
  kernel.fail_write("*/state", EBUSY, FakeKernel::always);
  std::vector<milliseconds> sleeps;
  BusyRetry retry{5, milliseconds(100), [&](milliseconds delay) { sleeps.push_back(delay); }};
  BlockPass pass = offline_blocks(kernel, indexes, StopAtFailure::no, retry);
  CHECK(pass.count(failed) == 2048);
  // The waits of the whole pass: 0.1 + 0.2 + 0.4 + 0.8 s, not that much for every block.
  CHECK(sleeps == std::vector{milliseconds(100), milliseconds(200), milliseconds(400), milliseconds(800)});
  CHECK(kernel.writes().size() == 2048 * 5);
  CHECK(pass.blocks[2047].error->detail == "Device or resource busy (after 5 attempts)");
}

TEST_CASE_METHOD(MemoryFixture, "offline_blocks: a write cut by a stop signal ends the pass there", "[memory]")
{
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  bool signalled = false;
  // Offlining memory35 waits in the kernel (pages that cannot migrate) until a signal: EINTR.
  kernel.on_write("*/memory35/state", [&](FakeKernel&) { signalled = true; }, FakeKernel::When::before);
  kernel.fail_write("*/memory35/state", EINTR);
  PassControl control{[&] { return signalled; }, {}};
  std::vector<MemoryBlock> blocks;
  for (uint64_t index : k_nfit_blocks) blocks.push_back({index, BlockState::online, {}});
  BlockPass pass = offline_blocks(kernel, blocks, StopAtFailure::yes, retry(4), control);
  CHECK(pass.interrupted);
  CHECK(indexes_of(pass) == std::vector<uint64_t>{33, 34}); // memory35 was not handled
  CHECK(pass.ok());
  CHECK(kernel.block_state(35) == "online");
}

TEST_CASE("BlockPass counts and lists what changed", "[memory]")
{
  BlockPass pass{{{1, changed, {}}, {2, already, {}}, {3, failed, Error{}}, {4, changed, {}}}};
  CHECK(pass.count(changed) == 2);
  CHECK(pass.count(already) == 1);
  CHECK(pass.count(failed) == 1);
  CHECK_FALSE(pass.ok());
  CHECK(pass.changed() == std::vector<uint64_t>{1, 4});
  CHECK(BlockPass{}.ok());
}

TEST_CASE_METHOD(MemoryFixture, "a pass over blocks already read does not read state again", "[memory]")
{
  std::vector<MemoryBlock> blocks;
  for (uint64_t index : std::vector<uint64_t>{33, 34, 35}) blocks.push_back(*read_block(kernel, index, WithZone::no));
  kernel.clear_log();
  BlockPass pass = online_blocks(kernel, blocks, OnlineAs::kernel, {});
  CHECK(pass.count(changed) == 3);
  CHECK(kernel.reads().empty());
  CHECK(kernel.writes() == state_writes({33, 34, 35}, "online_kernel"));
}

TEST_CASE_METHOD(MemoryFixture, "a pass stops between blocks when asked, and reports progress", "[memory]")
{
  std::vector<MemoryBlock> blocks;
  for (uint64_t index : k_nfit_blocks) blocks.push_back(*read_block(kernel, index, WithZone::no));
  std::vector<std::pair<size_t, size_t>> progress;
  PassControl control{[&] { return progress.size() == 3; },
                      [&](size_t done, size_t total) { progress.emplace_back(done, total); }};
  BlockPass pass = online_blocks(kernel, blocks, OnlineAs::movable, control);
  CHECK(pass.interrupted);
  CHECK(pass.changed() == std::vector<uint64_t>{33, 34, 35});
  CHECK(progress == std::vector<std::pair<size_t, size_t>>{{1, 7}, {2, 7}, {3, 7}});
  CHECK(kernel.writes() == state_writes({33, 34, 35}, "online_movable"));
  CHECK(kernel.block_state(36) == "offline");
}
