// Outcome truth under every auto-online policy: each request (movable, --no-movable, --no-online)
// ends with every block as asked and auto_online_blocks as it was, or fails saying what is left.
#include "test/unit/support/fixtures.hpp"

#include "core/change/kmem_bind.hpp"
#include "core/change/reach.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_auto_online = "/sys/devices/system/memory/auto_online_blocks";

struct Request
{
  const char* name;
  OnlineAfter online;
  OnlineAs as;
};

constexpr Request k_requests[] = {
  {"movable", OnlineAfter::yes, OnlineAs::movable},
  {"--no-movable", OnlineAfter::yes, OnlineAs::kernel},
  {"--no-online", OnlineAfter::no, OnlineAs::movable},
};

constexpr const char* k_policies[] = {"offline", "online", "online_kernel", "online_movable"};
constexpr const char* k_zone_policies[] = {"contig-zones", "auto-movable"};

// Every block of dax0.0 is as `request` asks.
void check_as_asked(FakeKernel& kernel, const Request& request)
{
  for (uint64_t index : k_nfit_blocks) {
    INFO("memory" << index);
    if (request.online == OnlineAfter::no) {
      CHECK(kernel.block_state(index) == "offline");
    } else {
      CHECK(kernel.block_state(index) == "online");
      CHECK((kernel.block_zones(index) == "Movable") == (request.as == OnlineAs::movable));
    }
  }
}

SystemRamOptions options_of(const Request& request)
{
  return {request.online, request.as, InUse::refuse, MemmapOnMemory::keep};
}

std::string read_file(FakeKernel& kernel, const std::string& path)
{
  auto text = kernel.read(path);
  REQUIRE(text);
  return *text;
}

} // namespace

TEST_CASE("every policy x every request: devdax -> system-ram ends as asked, policy restored", "[auto_online]")
{
  for (const char* zone_policy : k_zone_policies) {
    for (const char* policy : k_policies) {
      for (const Request& request : k_requests) {
        for (const char* agent : {"", "online", "online_movable"}) {
          INFO(policy << " / " << zone_policy << " / " << request.name << " / udev agent '" << agent << "'");
          OpsFixture f;
          f.kernel.set_auto_online(policy).set_online_policy(zone_policy).set_online_agent(agent);
          auto report = reconfigure_to_system_ram(f.ctx, k_dax00, options_of(request));
          REQUIRE(report);
          CHECK(report->mode == ModeChange::changed);
          CHECK(f.kernel.driver_of("dax0.0") == "kmem");
          check_as_asked(f.kernel, request);
          CHECK(read_file(f.kernel, k_auto_online) == policy);
          bool exact = std::string(policy) == "offline" || std::string(policy) == to_string(exact_policy({request.online, request.as}));
          // The policy is touched only when it would not give what was asked.
          auto writes = f.kernel.writes();
          bool held = std::find(writes.begin(), writes.end(), wrote(k_auto_online, "offline")) != writes.end();
          CHECK(held == !exact);
          if (held) {
            REQUIRE_FALSE(f.notes.empty());
            CHECK(f.notes.front().find(std::string("auto_online_blocks=") + policy) != std::string::npos);
          }
        }
      }
    }
  }
}

TEST_CASE("every policy x every request, from system-ram online in either zone", "[auto_online]")
{
  for (const char* zone_policy : k_zone_policies) {
    for (const char* policy : k_policies) {
      for (const char* start : {"online", "online_movable", "offline"}) {
        for (const Request& request : k_requests) {
          for (bool whole_device : {false, true}) {
            INFO(policy << " / " << zone_policy << " / blocks " << start << " / " << request.name
                        << (whole_device ? " / daxX.Y/state" : ""));
            OpsFixture f(nfit_device("kmem"));
            if (whole_device) f.kernel.enable_kmem_state();
            f.kernel.set_auto_online(policy).set_online_policy(zone_policy);
            for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, start);
            auto report = request.online == OnlineAfter::no ? offline_device(f.ctx, k_dax00)
                                                            : online_device(f.ctx, k_dax00, request.as);
            REQUIRE(report);
            check_as_asked(f.kernel, request);
            auto again = reconfigure_to_system_ram(f.ctx, k_dax00, options_of(request));
            REQUIRE(again);
            CHECK(again->mode == ModeChange::already);
            CHECK(again->blocks.count(BlockOutcome::changed) == 0);
            CHECK(read_file(f.kernel, k_auto_online) == policy);
          }
        }
      }
    }
  }
}

TEST_CASE("6.12's CXL case: kmem-bound, online Normal; -m system-ram moves it to Movable", "[auto_online]")
{
  OpsFixture cxl(nfit_device("kmem"));
  cxl.kernel.set_auto_online("online");
  for (uint64_t index : k_nfit_blocks) cxl.kernel.set_block(index, "online");
  cxl.kernel.clear_log();
  auto report = reconfigure_to_system_ram(cxl.ctx, k_dax00, {});
  REQUIRE(report);
  CHECK(report->mode == ModeChange::already);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  check_as_asked(cxl.kernel, k_requests[0]);
  std::vector<std::string> moves;
  for (uint64_t index : k_nfit_blocks) moves = moves + state_writes({index}, "offline") + state_writes({index}, "online_movable");
  CHECK(cxl.kernel.writes() == moves);
}

TEST_CASE("a block that cannot leave ZONE_NORMAL: the move fails and says exactly what is left", "[auto_online]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online");
  f.kernel.fail_write("/sys/devices/system/memory/memory35/state", EBUSY, FakeKernel::always);
  auto report = online_device(f.ctx, k_dax00, OnlineAs::movable);
  REQUIRE_FALSE(report);
  std::string message = report.error().message();
  CHECK(message.starts_with("dax0.0: asked for its memory online in zone Movable, but memory35 is online in Normal"));
  CHECK(message.find("Device or resource busy") != std::string::npos);
  CHECK(f.kernel.block_zones(35) == "Normal");
  for (uint64_t index : std::vector<uint64_t>{33, 34, 36, 37, 38, 39}) CHECK(f.kernel.block_zones(index) == "Movable");
}

TEST_CASE("a block that cannot be onlined Movable after the offline goes back to its zone", "[auto_online]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online");
  f.kernel.on_write("/sys/devices/system/memory/memory36/state", [](FakeKernel& k) {
    k.fail_write("/sys/devices/system/memory/memory36/state", EINVAL, 1);
  });
  auto report = online_device(f.ctx, k_dax00, OnlineAs::movable);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("memory36 is online in Normal") != std::string::npos);
  CHECK(f.kernel.block_state(36) == "online");
}

TEST_CASE("a kernel that ignores auto_online_blocks writes: the read-back moves the blocks", "[auto_online]")
{
  OpsFixture f;
  f.kernel.set_auto_online("online");
  f.kernel.drop_write(k_auto_online, FakeKernel::always);
  auto report = reconfigure_to_system_ram(f.ctx, k_dax00, {});
  REQUIRE(report);
  check_as_asked(f.kernel, k_requests[0]);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
}

TEST_CASE("whole-device state: blocks in the wrong zone are moved by unplug + plug", "[auto_online]")
{
  OpsFixture f;
  f.kernel.enable_kmem_state().set_auto_online("online");
  f.kernel.drop_write(k_auto_online, FakeKernel::always); // the kernel onlines them Normal anyway
  REQUIRE(reconfigure_to_system_ram(f.ctx, k_dax00, {}));
  check_as_asked(f.kernel, k_requests[0]);
  auto writes = f.kernel.writes();
  std::string state = f.kernel.device_dir("dax0.0") + "/state";
  CHECK(writes.end()[-2] == wrote(state, "unplugged"));
  CHECK(writes.end()[-1] == wrote(state, "online_movable"));
}

TEST_CASE("auto_online_blocks is restored when kmem does not bind", "[auto_online]")
{
  OpsFixture f;
  f.kernel.set_auto_online("online");
  f.kernel.fail_write("*/kmem/new_id", ENOMEM, FakeKernel::always);
  f.kernel.fail_write("*/kmem/bind", ENOMEM, FakeKernel::always);
  REQUIRE_FALSE(reconfigure_to_system_ram(f.ctx, k_dax00, {}));
  CHECK(read_file(f.kernel, k_auto_online) == "online");
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE("restoring auto_online_blocks that keeps failing is the error", "[auto_online]")
{
  OpsFixture f;
  f.kernel.set_auto_online("online_kernel");
  f.kernel.on_write(k_auto_online, [](FakeKernel& k) { k.fail_write(k_auto_online, EIO, FakeKernel::always); });
  auto report = reconfigure_to_system_ram(f.ctx, k_dax00, {});
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("could not be put back to 'online_kernel'") != std::string::npos);
}

TEST_CASE("an interruption during the bind: policy restored, the pass stops and says so", "[auto_online]")
{
  OpsFixture f;
  bool stop = false;
  f.ctx.control.stop = [&] { return stop; };
  f.kernel.set_auto_online("online");
  f.kernel.on_write("*/kmem/new_id", [&](FakeKernel&) { stop = true; });
  auto report = reconfigure_to_system_ram(f.ctx, k_dax00, {});
  REQUIRE_FALSE(report);
  CHECK(report.error().message().find("interrupted") != std::string::npos);
  CHECK(read_file(f.kernel, k_auto_online) == "online");
}

namespace {
std::atomic<bool> g_hangup{false};
extern "C" void on_hangup(int) { g_hangup = true; }
} // namespace

TEST_CASE("SIGHUP in the window is held until auto_online_blocks is restored", "[auto_online]")
{
  struct sigaction action = {}, old = {};
  action.sa_handler = on_hangup;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGHUP, &action, &old);
  g_hangup = false;
  OpsFixture f;
  f.kernel.set_auto_online("online");
  f.kernel.on_write("*/kmem/new_id", [](FakeKernel&) { ::raise(SIGHUP); });
  bool delivered_before_restore = true;
  f.kernel.on_write(k_auto_online, [&](FakeKernel& k) {
    if (k.read(k_auto_online).value_or("") == "online") delivered_before_restore = g_hangup;
  }, FakeKernel::When::after, 2);
  REQUIRE(reconfigure_to_system_ram(f.ctx, k_dax00, {}));
  CHECK_FALSE(delivered_before_restore);
  CHECK(g_hangup);
  ::sigaction(SIGHUP, &old, nullptr);
}

TEST_CASE("a block another agent hot-adds in the window is onlined as the policy says", "[auto_online]")
{
  OpsFixture f;
  f.kernel.set_auto_online("online");
  f.kernel.on_write("*/kmem/new_id", [](FakeKernel& k) { k.hot_add_block(200, 0); }, FakeKernel::When::before);
  REQUIRE(reconfigure_to_system_ram(f.ctx, k_dax00, {}));
  CHECK(f.kernel.block_state(200) == "online");
  check_as_asked(f.kernel, k_requests[0]);
  REQUIRE(f.notes.size() == 1);
  CHECK(f.notes[0].find("1 memory block another agent hot-added meanwhile was onlined as 'online'") != std::string::npos);
}

TEST_CASE("online must not say already online for blocks in the kernel zone when Movable is asked", "[auto_online]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online_kernel");
  auto report = online_device(f.ctx, k_dax00, OnlineAs::movable);
  REQUIRE(report);
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  CHECK(report->blocks.count(BlockOutcome::already) == 0);
}

TEST_CASE("describe_blocks compacts runs", "[auto_online]")
{
  CHECK(describe_blocks({39, 33, 34, 35, 37}) == "memory33-35, memory37, memory39");
  CHECK(describe_blocks({}).empty());
}
