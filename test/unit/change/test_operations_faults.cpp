// A failure injected at each write of each operation: the error names the path and the reason,
// and the device ends either rolled back or in the state the message reports.
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <functional>

using namespace dax;
using namespace dax::test;
using std::chrono::milliseconds;

namespace {

constexpr int k_errors[] = {EBUSY, EINVAL, ENXIO, EIO, EACCES};

// One operation from a given starting state.
struct Flow
{
  std::string driver;                              // the device's driver at the start
  std::string blocks;                              // the blocks' state at the start (kmem only)
  std::function<Result<OpReport>(Context&)> run;
  // Checks the end state after write `failed` (its index in the fault-free sequence) failed.
  std::function<void(OpsFixture&, size_t failed, const std::string& message)> check;
};

void prepare(OpsFixture& f, const Flow& flow)
{
  if (flow.driver != "kmem") return;
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, flow.blocks);
  f.kernel.clear_log();
}

// The resolved paths of the writes `flow` makes when nothing fails.
std::vector<std::string> write_paths(const Flow& flow)
{
  OpsFixture f(nfit_device(flow.driver));
  prepare(f, flow);
  REQUIRE(flow.run(f.ctx));
  std::vector<std::string> paths;
  for (const auto& access : f.kernel.log()) {
    if (access.op == FakeAccess::Op::write) paths.push_back(access.resolved);
  }
  return paths;
}

// Fails each write of `flow` in turn with each errno of k_errors.
void fail_each_write(const Flow& flow, size_t expected_writes)
{
  std::vector<std::string> paths = write_paths(flow);
  REQUIRE(paths.size() == expected_writes);
  for (size_t i = 0; i < paths.size(); ++i) {
    for (int error : k_errors) {
      INFO("write #" << i << " " << paths[i] << " fails with " << errno_name(error));
      OpsFixture f(nfit_device(flow.driver));
      prepare(f, flow);
      f.kernel.fail_write(paths[i], error, FakeKernel::always);
      auto result = flow.run(f.ctx);
      REQUIRE_FALSE(result);
      std::string message = result.error().message();
      INFO("message: " << message);
      CHECK(message.starts_with("dax0.0: "));
      CHECK_FALSE(message.starts_with("dax0.0: dax0.0: "));
      CHECK(message.find(paths[i]) != std::string::npos);
      CHECK(message.find(std::strerror(error)) != std::string::npos);
      CHECK_FALSE(f.kernel.stranded("dax0.0"));
      flow.check(f, i, message);
    }
  }
}

size_t count_state(FakeKernel& kernel, const std::string& state, const std::string& zones)
{
  size_t n = 0;
  for (uint64_t index : k_nfit_blocks) {
    if (kernel.block_state(index) == state && kernel.block_zones(index) == zones) ++n;
  }
  return n;
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("faults: to system-ram", "[operations][faults]")
{
  Flow flow{"device_dax", "", [](Context& ctx) { return reconfigure_to_system_ram(ctx, k_dax00, {}); },
            [](OpsFixture& f, size_t failed, const std::string& message) {
              if (failed < 3) { // remove_id, unbind, new_id: back on device_dax, nothing hot-added
                CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
                CHECK_FALSE(f.kernel.has_block(33));
                if (failed == 2) CHECK(contains(message, "given back to device_dax"));
              } else { // onlining: every other block online, the failed one offline, reported
                CHECK(f.kernel.driver_of("dax0.0") == "kmem");
                CHECK(count_state(f.kernel, "online", "Movable") == 6);
                CHECK(contains(message, fmt::format("asked for its memory online in zone Movable, but memory{} is offline",
                                                    33 + failed - 3)));
              }
            }};
  fail_each_write(flow, 3 + 7);
}

TEST_CASE("faults: to devdax --force", "[operations][faults]")
{
  Flow flow{"kmem", "online_movable", [](Context& ctx) { return reconfigure_to_devdax(ctx, k_dax00, Force::yes); },
            [](OpsFixture& f, size_t failed, const std::string& message) {
              bool unbound_kmem = false;
              for (const auto& line : f.kernel.writes()) {
                if (line.starts_with(driver_file("kmem", "unbind")) && !contains(line, " = ")) unbound_kmem = true;
              }
              if (failed < 7) { // an offline failed: the others are onlined again, kmem stays
                CHECK_FALSE(unbound_kmem);
                CHECK(f.kernel.driver_of("dax0.0") == "kmem");
                CHECK(count_state(f.kernel, "online", "Movable") == 7);
                CHECK(contains(message, "onlined again"));
              } else if (failed < 9) { // kmem remove_id / unbind: rolled back, online in system-ram mode
                CHECK(f.kernel.driver_of("dax0.0") == "kmem");
                CHECK(count_state(f.kernel, "online", "Movable") == 7);
                CHECK(contains(message, "onlined again; the device stays in system-ram mode"));
              } else { // device_dax new_id: memory removed, device unbound, and it says so
                CHECK(f.kernel.driver_of("dax0.0").empty());
                CHECK_FALSE(f.kernel.has_block(33));
                CHECK(contains(message, "left unbound"));
              }
            }};
  fail_each_write(flow, 7 + 3);
}

TEST_CASE("faults: online", "[operations][faults]")
{
  Flow flow{"kmem", "offline", [](Context& ctx) { return online_device(ctx, k_dax00, OnlineAs::movable); },
            [](OpsFixture& f, size_t failed, const std::string& message) {
              CHECK(count_state(f.kernel, "online", "Movable") == 6);
              CHECK(contains(message, fmt::format("asked for its memory online in zone Movable, but memory{} is offline",
                                                  33 + failed)));
            }};
  fail_each_write(flow, 7);
}

TEST_CASE("faults: offline", "[operations][faults]")
{
  Flow flow{"kmem", "online_movable", [](Context& ctx) { return offline_device(ctx, k_dax00); },
            [](OpsFixture& f, size_t failed, const std::string& message) {
              CHECK(count_state(f.kernel, "offline", "Normal Movable") == 6);
              CHECK(contains(message, fmt::format("asked for its memory offline, but memory{} is online in Movable",
                                                  33 + failed)));
              CHECK(f.kernel.driver_of("dax0.0") == "kmem");
            }};
  fail_each_write(flow, 7);
}

TEST_CASE("faults: an unreadable auto_online_blocks stops to system-ram before any write", "[operations][faults]")
{
  OpsFixture f;
  f.kernel.fail_read("*/auto_online_blocks", EACCES);
  auto result = reconfigure_to_system_ram(f.ctx, k_dax00, {});
  REQUIRE_FALSE(result);
  CHECK(result.error().message() ==
        "dax0.0: read /sys/devices/system/memory/auto_online_blocks: Permission denied");
  CHECK(f.kernel.writes().empty());
}

TEST_CASE("faults: offline retries EBUSY per BusyRetry without sleeping", "[operations][faults]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online_movable");
  f.kernel.clear_log();
  f.kernel.fail_write("*/memory35/state", EBUSY, 2);
  auto report = offline_device(f.ctx, k_dax00);
  REQUIRE(report);
  CHECK(report->blocks.changed() == k_nfit_blocks);
  CHECK(f.sleeps == std::vector{milliseconds(100), milliseconds(200)});
  CHECK(f.kernel.writes().size() == 7 + 2);
}

TEST_CASE("faults: devdax --force re-onlines what it offlined, each in its zone", "[operations][faults]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online_movable");
  f.kernel.set_block(34, "online_kernel");
  f.kernel.clear_log();
  f.kernel.fail_write("*/memory36/state", EBUSY, FakeKernel::always);
  auto result = reconfigure_to_devdax(f.ctx, k_dax00, Force::yes);
  REQUIRE_FALSE(result);
  const std::string state36 = "/sys/devices/system/memory/memory36/state";
  // memory36 is retried after the others, in rounds: the pass goes on past a busy block.
  CHECK(f.kernel.writes() ==
        state_writes({33, 34, 35}, "offline") + std::vector<std::string>{wrote(state36, "offline", EBUSY)} +
          state_writes({37, 38, 39}, "offline") + std::vector<std::string>(3, wrote(state36, "offline", EBUSY)) +
          state_writes({33, 35, 37, 38, 39}, "online_movable") + state_writes({34}, "online_kernel"));
  CHECK(f.sleeps == std::vector{milliseconds(100), milliseconds(200), milliseconds(400)});
  CHECK(f.kernel.block_zones(33) == "Movable");
  CHECK(f.kernel.block_zones(34) == "Normal");
  CHECK(f.kernel.block_zones(35) == "Movable");
  CHECK(f.kernel.driver_of("dax0.0") == "kmem");
  CHECK(result.error().message().find("cannot offline memory36: write 'offline' to " + state36 +
                                      ": Device or resource busy (after 4 attempts); the 6 blocks this command "
                                      "offlined were onlined again") != std::string::npos);
  CHECK(result.error().message().find("could not move every page") != std::string::npos);
}

TEST_CASE("faults: offline reports busy blocks as compact ranges", "[operations][faults]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online");
  f.kernel.fail_write("*/memory3[4-6]/state", EBUSY, FakeKernel::always);
  f.kernel.fail_write("*/memory39/state", EIO, FakeKernel::always);
  auto result = offline_device(f.ctx, k_dax00);
  REQUIRE_FALSE(result);
  CHECK(result.error().message() ==
        "dax0.0: asked for its memory offline, but memory34-36, memory39 are online in Normal (memory34-36: "
        "write 'offline' to /sys/devices/system/memory/memoryN/state: Device or resource busy (after 4 attempts); "
        "memory39: write 'offline' to /sys/devices/system/memory/memory39/state: Input/output error). The kernel "
        "could not move every page out of them: memory onlined as kernel memory (zone Normal) can hold pages "
        "that never move (kernel and pipe buffers, pinned pages); stop what uses that memory and try again, or "
        "online the device's memory as movable next time");
}

TEST_CASE("faults: a block onlined by another agent during devdax --force keeps kmem bound", "[operations][faults]")
{
  OpsFixture f(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) f.kernel.set_block(index, "online_movable");
  f.kernel.clear_log();
  f.kernel.on_write("*/memory39/state", [](FakeKernel& k) { k.set_block(34, "online_movable"); });
  auto result = reconfigure_to_devdax(f.ctx, k_dax00, Force::yes);
  REQUIRE_FALSE(result);
  CHECK(f.kernel.writes() == state_writes(k_nfit_blocks, "offline"));
  CHECK(f.kernel.driver_of("dax0.0") == "kmem");
  CHECK_FALSE(f.kernel.stranded("dax0.0"));
  CHECK(result.error().message().find("came online again") != std::string::npos);
}
