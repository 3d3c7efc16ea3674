// Newer kernels' device attributes, detected by presence: kmem's whole-device daxX.Y/state and
// memmap_on_memory (Linux 6.8), through the operations that use them.
#include "test/unit/support/fixtures.hpp"

#include "core/change/kmem_state.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_state = "/sys/bus/dax/devices/dax0.0/state";
const std::string k_memmap = "/sys/bus/dax/devices/dax0.0/memmap_on_memory";

// The device path as the fake kernel resolves it.
std::string resolved(FakeKernel& kernel, const std::string& path)
{
  return kernel.canonical(path).value();
}

// dax0.0 in system-ram mode on a kernel with daxX.Y/state, all 7 blocks online and movable.
struct StateFixture : OpsFixture
{
  StateFixture() : OpsFixture(nfit_device("kmem"))
  {
    kernel.enable_kmem_state();
    for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
    m_state_file = resolved(kernel, k_state);
    kernel.clear_log();
  }
  // Resolved once: the file goes away when kmem unbinds.
  std::string m_state_file;
  const std::string& state_file() const { return m_state_file; }
};

SystemRamOptions with_memmap(MemmapOnMemory memmap)
{
  return {OnlineAfter::no, OnlineAs::movable, InUse::refuse, memmap};
}

} // namespace

TEST_CASE_METHOD(StateFixture, "read_kmem_state: present while kmem is bound, absent otherwise", "[kmem_state]")
{
  CHECK(read_kmem_state(kernel, k_dax00).value() == KmemState::offline); // probed with auto_online offline
  FakeKernel old;
  add_nfit_system(old, nfit_device("kmem"));
  CHECK_FALSE(read_kmem_state(old, k_dax00).value().has_value());
  kernel.set_file(state_file(), "bogus", 0644);
  auto bad = read_kmem_state(kernel, k_dax00);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message().find("unknown device state 'bogus'") != std::string::npos);
}

TEST_CASE_METHOD(StateFixture, "devdax --force unplugs the whole device in one write, then unbinds kmem", "[kmem_state]")
{
  auto report = reconfigure_to_devdax(ctx, k_dax00, Force::yes);
  REQUIRE(report);
  CHECK(report->mode == ModeChange::changed);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(state_file(), "unplugged")} + k_to_devdax);
  CHECK(kernel.blocks() == std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
  CHECK_FALSE(kernel.stranded("dax0.0"));
}

TEST_CASE_METHOD(StateFixture, "devdax --force: an EBUSY unplug is tried again with backoff", "[kmem_state]")
{
  kernel.fail_write(k_state, EBUSY, 2);
  REQUIRE(reconfigure_to_devdax(ctx, k_dax00, Force::yes));
  CHECK(sleeps == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100), std::chrono::milliseconds(200)});
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE_METHOD(StateFixture, "devdax --force: an unplug that stays busy changes nothing", "[kmem_state]")
{
  kernel.fail_write(k_state, EBUSY, FakeKernel::always);
  auto report = reconfigure_to_devdax(ctx, k_dax00, Force::yes);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("after 4 attempts") != std::string::npos);
  CHECK(report.error().message().find("kmem was not unbound") != std::string::npos);
  CHECK(kernel.writes() == std::vector<std::string>(4, wrote(state_file(), "unplugged", EBUSY)));
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_state(index) == "online");
}

TEST_CASE_METHOD(StateFixture, "devdax --force: a state write without effect falls back to the blocks", "[kmem_state]")
{
  kernel.drop_write(k_state);
  REQUIRE(reconfigure_to_devdax(ctx, k_dax00, Force::yes));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(state_file(), "unplugged")} +
                             state_writes(k_nfit_blocks, "offline") + k_to_devdax);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
  CHECK_FALSE(kernel.stranded("dax0.0"));
}

TEST_CASE_METHOD(StateFixture, "devdax --force: kmem refusing to unbind plugs the memory back", "[kmem_state]")
{
  kernel.fail_write(driver_file("kmem", "unbind"), EIO);
  auto report = reconfigure_to_devdax(ctx, k_dax00, Force::yes);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("its memory was plugged back (online_movable)") != std::string::npos);
  CHECK(kernel.writes().back() == wrote(state_file(), "online_movable"));
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_zones(index) == "Movable");
}

TEST_CASE_METHOD(StateFixture, "online: an unplugged device is plugged in one write", "[kmem_state]")
{
  REQUIRE(kernel.write(k_state, "unplugged"));
  kernel.clear_log();
  auto report = online_device(ctx, k_dax00, OnlineAs::kernel);
  REQUIRE(report);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(state_file(), "online_kernel")});
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_zones(index) == "Normal");
}

TEST_CASE_METHOD(StateFixture, "online: a failed plug says the memory stays unplugged", "[kmem_state]")
{
  REQUIRE(kernel.write(k_state, "unplugged"));
  kernel.fail_write(k_state, ENOMEM);
  auto report = online_device(ctx, k_dax00, OnlineAs::movable);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("its memory stays unplugged") != std::string::npos);
}

TEST_CASE_METHOD(StateFixture, "online: blocks offline under a stale online state go block by block", "[kmem_state]")
{
  REQUIRE(kernel.write(k_state, "unplugged"));
  REQUIRE(kernel.write(k_state, "online_movable"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "offline");
  kernel.clear_log();
  REQUIRE(online_device(ctx, k_dax00, OnlineAs::movable));
  CHECK(kernel.writes() == state_writes(k_nfit_blocks, "online_movable"));
}

TEST_CASE_METHOD(OpsFixture, "memmap_on_memory is written before the switch to system-ram", "[memmap]")
{
  kernel.enable_memmap_on_memory(true);
  kernel.load_driver("kmem");
  std::string memmap = resolved(kernel, k_memmap);
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::on)));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(memmap, "1")} + k_to_ram);
  CHECK(kernel.read(k_memmap).value() == "1");
}

TEST_CASE_METHOD(OpsFixture, "memmap_on_memory already as wanted is not written", "[memmap]")
{
  kernel.enable_memmap_on_memory(true);
  kernel.load_driver("kmem");
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::off)));
  CHECK(kernel.writes() == k_to_ram);
}

TEST_CASE_METHOD(OpsFixture, "memmap_on_memory refusals write nothing", "[memmap]")
{
  std::string expected;
  SECTION("a kernel without the attribute")
  {
    expected = "no /sys/bus/dax/devices/dax0.0/memmap_on_memory; Linux 6.8 added it";
  }
  SECTION("the global switch is off")
  {
    kernel.enable_memmap_on_memory(false);
    expected = "memory_hotplug.memmap_on_memory, which is off";
  }
  kernel.load_driver("kmem");
  auto report = reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::on));
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find(expected) != std::string::npos);
  CHECK(report.error().message().starts_with("dax0.0: "));
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "memmap_on_memory cannot change while kmem is bound", "[memmap]")
{
  kernel.enable_memmap_on_memory(true);
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::off)));
  kernel.clear_log();
  auto report = reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::on));
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("can only change while kmem is not bound") != std::string::npos);
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "memmap_on_memory is written back when kmem does not bind", "[memmap]")
{
  kernel.enable_memmap_on_memory(true);
  kernel.load_driver("kmem");
  kernel.fail_write(driver_file("kmem", "new_id"), ENOMEM);
  REQUIRE_FALSE(reconfigure_to_system_ram(ctx, k_dax00, with_memmap(MemmapOnMemory::on)));
  CHECK(kernel.read(k_memmap).value() == "0");
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}
