// The exact writes of every operation on the happy paths and on the refusals.
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

std::string error_of(const Result<OpReport>& result)
{
  REQUIRE_FALSE(result);
  return result.error().message();
}

void check_all_blocks(FakeKernel& kernel, const std::string& state, const std::string& zones)
{
  for (uint64_t index : k_nfit_blocks) {
    INFO("memory" << index);
    CHECK(kernel.block_state(index) == state);
    CHECK(kernel.block_zones(index) == zones);
  }
}

struct SystemRamFixture : OpsFixture
{
  SystemRamFixture() : OpsFixture(nfit_device("kmem")) {}
};

} // namespace

TEST_CASE_METHOD(OpsFixture, "to system-ram: unbind, load kmem, new_id, online movable", "[operations]")
{
  auto report = reconfigure_to_system_ram(ctx, k_dax00, {});
  REQUIRE(report);
  CHECK(report->mode == ModeChange::changed);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  CHECK(kernel.writes() == k_to_ram + state_writes(k_nfit_blocks, "online_movable"));
  CHECK(loader.requests() == std::vector<std::string>{"kmem"});
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  check_all_blocks(kernel, "online", "Movable");
  CHECK(notes.empty());
}

TEST_CASE_METHOD(OpsFixture, "to system-ram --no-online leaves the blocks offline", "[operations]")
{
  kernel.load_driver("kmem");
  auto report = reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::no, OnlineAs::movable, InUse::refuse});
  REQUIRE(report);
  CHECK(report->mode == ModeChange::changed);
  CHECK(report->blocks.count(BlockOutcome::changed) == 0);
  CHECK(kernel.writes() == k_to_ram);
  CHECK(loader.requests().empty());
  check_all_blocks(kernel, "offline", "Normal Movable");
}

TEST_CASE_METHOD(OpsFixture, "to system-ram --no-movable onlines as kernel memory", "[operations]")
{
  auto report = reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::yes, OnlineAs::kernel, InUse::refuse});
  REQUIRE(report);
  CHECK(kernel.writes() == k_to_ram + state_writes(k_nfit_blocks, "online_kernel"));
  check_all_blocks(kernel, "online", "Normal");
}

TEST_CASE_METHOD(OpsFixture, "to system-ram from an unbound device skips the unbind", "[operations]")
{
  REQUIRE(kernel.write(driver_file("device_dax", "unbind"), "dax0.0"));
  kernel.clear_log();
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::no, OnlineAs::movable, InUse::refuse}));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("kmem", "new_id"), "dax0.0")});
  CHECK(kernel.driver_of("dax0.0") == "kmem");
}

TEST_CASE_METHOD(SystemRamFixture, "to system-ram when already there: offline blocks are onlined", "[operations]")
{
  SECTION("all online: nothing to write")
  {
    for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
    auto report = reconfigure_to_system_ram(ctx, k_dax00, {});
    REQUIRE(report);
    CHECK(report->mode == ModeChange::already);
    CHECK(report->blocks.count(BlockOutcome::already) == 7);
    CHECK(kernel.writes().empty());
  }
  SECTION("offline: onlined, no driver writes")
  {
    auto report = reconfigure_to_system_ram(ctx, k_dax00, {});
    REQUIRE(report);
    CHECK(report->mode == ModeChange::already);
    CHECK(kernel.writes() == state_writes(k_nfit_blocks, "online_movable"));
  }
  CHECK(loader.requests().empty());
}

TEST_CASE("to system-ram refuses a device kmem would reject, with zero writes", "[operations]")
{
  FakeDeviceSpec spec = nfit_device();
  std::string expected;
  SECTION("target_node -1")
  {
    spec.target_node = -1;
    expected = "target_node -1";
  }
  SECTION("too small")
  {
    spec.mappings = {{0x100000000, 0x1001fffff, 0}};
    expected = "dax0.0: 2 MiB range 0x100000000-0x1001fffff holds no whole 128 MiB memory block";
  }
  SECTION("whole blocks only at 2 GiB block size")
  {
    spec.mappings = {{k_nfit_start, k_nfit_end, 0}};
    expected = "dax0.0: 1006 MiB range 0x101200000-0x13fffffff holds no whole 2 GiB memory block";
  }
  OpsFixture f(spec);
  if (expected.find("2 GiB") != std::string::npos) f.kernel.set_block_size(2 * GiB);
  std::string message = error_of(reconfigure_to_system_ram(f.ctx, k_dax00, {}));
  CHECK(message.find(expected) != std::string::npos);
  CHECK(message.starts_with("dax0.0: "));
  CHECK(f.kernel.writes().empty());
  CHECK(f.loader.requests().empty());
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE_METHOD(SystemRamFixture, "to devdax with blocks online", "[operations]")
{
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
  SECTION("without --force: refused, zero writes")
  {
    std::string message = error_of(reconfigure_to_devdax(ctx, k_dax00, Force::no));
    CHECK(message.find("7 of 7 memory blocks are online") != std::string::npos);
    CHECK(kernel.writes().empty());
    CHECK(kernel.driver_of("dax0.0") == "kmem");
    check_all_blocks(kernel, "online", "Movable");
  }
  SECTION("with --force: offline all, then kmem remove_id/unbind, device_dax new_id")
  {
    auto report = reconfigure_to_devdax(ctx, k_dax00, Force::yes);
    REQUIRE(report);
    CHECK(report->mode == ModeChange::changed);
    CHECK(report->blocks.changed() == k_nfit_blocks);
    CHECK(kernel.writes() == state_writes(k_nfit_blocks, "offline") + k_to_devdax);
    CHECK(kernel.driver_of("dax0.0") == "device_dax");
    CHECK_FALSE(kernel.stranded("dax0.0"));
    CHECK(kernel.blocks() == std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(sleeps.empty());
  }
}

TEST_CASE_METHOD(SystemRamFixture, "to devdax with blocks offline needs no force", "[operations]")
{
  auto report = reconfigure_to_devdax(ctx, k_dax00, Force::no);
  REQUIRE(report);
  CHECK(kernel.writes() == k_to_devdax);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
  CHECK_FALSE(kernel.has_block(33));
}

TEST_CASE_METHOD(OpsFixture, "to devdax when already devdax or unbound", "[operations]")
{
  SECTION("already devdax: zero writes")
  {
    auto report = reconfigure_to_devdax(ctx, k_dax00, Force::no);
    REQUIRE(report);
    CHECK(report->mode == ModeChange::already);
    CHECK(kernel.writes().empty());
  }
  SECTION("unbound: device_dax new_id")
  {
    REQUIRE(kernel.write(driver_file("device_dax", "unbind"), "dax0.0"));
    kernel.clear_log();
    auto report = reconfigure_to_devdax(ctx, k_dax00, Force::no);
    REQUIRE(report);
    CHECK(report->mode == ModeChange::changed);
    CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "new_id"), "dax0.0")});
  }
}

TEST_CASE_METHOD(SystemRamFixture, "online and offline: only blocks not yet in the state are written", "[operations]")
{
  kernel.set_block(35, "online_movable");
  auto online = online_device(ctx, k_dax00, OnlineAs::movable);
  REQUIRE(online);
  CHECK(online->blocks.changed() == std::vector<uint64_t>{33, 34, 36, 37, 38, 39});
  CHECK(kernel.writes() == state_writes({33, 34, 36, 37, 38, 39}, "online_movable"));

  kernel.clear_log();
  auto again = online_device(ctx, k_dax00, OnlineAs::movable);
  REQUIRE(again);
  CHECK(again->blocks.count(BlockOutcome::already) == 7);
  CHECK(kernel.writes().empty());

  auto offline = offline_device(ctx, k_dax00);
  REQUIRE(offline);
  CHECK(kernel.writes() == state_writes(k_nfit_blocks, "offline"));
  kernel.clear_log();
  auto offline_again = offline_device(ctx, k_dax00);
  REQUIRE(offline_again);
  CHECK(offline_again->blocks.count(BlockOutcome::already) == 7);
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "online and offline refuse a devdax device with zero writes", "[operations]")
{
  std::string online = error_of(online_device(ctx, k_dax00, OnlineAs::movable));
  std::string offline = error_of(offline_device(ctx, k_dax00));
  CHECK(online.find("devdax mode") != std::string::npos);
  CHECK(offline.find("devdax mode") != std::string::npos);
  CHECK(online.starts_with("dax0.0: "));
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "operations on a missing device name it", "[operations]")
{
  DeviceName missing{9, 9};
  for (const auto& message : {error_of(reconfigure_to_system_ram(ctx, missing, {})),
                              error_of(reconfigure_to_devdax(ctx, missing, Force::yes)),
                              error_of(online_device(ctx, missing, OnlineAs::movable)),
                              error_of(offline_device(ctx, missing))}) {
    CHECK(message.starts_with("dax9.9: "));
  }
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "to system-ram refuses while a process uses /dev/daxX.Y", "[operations]")
{
  kernel.add_process(4321, "qemu-system-x86", "dax0.0", false).add_process(99, "fio", "dax0.0", true);
  SECTION("without --destroy-data-in-use: refused, naming the processes, zero writes")
  {
    std::string message = error_of(reconfigure_to_system_ram(ctx, k_dax00, {}));
    CHECK(message.find("99 (fio, mapped), 4321 (qemu-system-x86)") != std::string::npos);
    CHECK(message.starts_with("dax0.0: "));
    CHECK(kernel.writes().empty());
    CHECK(kernel.driver_of("dax0.0") == "device_dax");
  }
  SECTION("with --destroy-data-in-use: goes ahead and notes who used it")
  {
    REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::yes, OnlineAs::movable, InUse::destroy_data}));
    CHECK(kernel.writes() == k_to_ram + state_writes(k_nfit_blocks, "online_movable"));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("4321 (qemu-system-x86)") != std::string::npos);
  }
}
