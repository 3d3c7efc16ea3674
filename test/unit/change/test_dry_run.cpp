// --dry-run: reports exactly the writes a real run makes, in order, and makes none.
#include "core/change/dry_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <functional>

using namespace dax;
using namespace dax::test;

namespace {

// Runs `operation` through a DryRunSysfs over a fresh fixture, then for real over another
// fresh fixture, and returns (reported lines, real writes as "echo VALUE > PATH").
template<typename Operation>
std::pair<std::vector<std::string>, std::vector<std::string>> dry_and_real(
  const FakeDeviceSpec& device, Operation operation, const std::function<void(FakeKernel&)>& setup = {})
{
  OpsFixture dry_fixture(device);
  if (setup) setup(dry_fixture.kernel);
  dry_fixture.kernel.clear_log();
  std::vector<std::string> reported;
  DryRunSysfs dry(dry_fixture.kernel, [&](const std::string& line) { reported.push_back(line); });
  DryRunLoader loader(dry, dry_fixture.loader, [&](const std::string& line) { reported.push_back(line); });
  Context ctx{dry, loader, dry_fixture.ctx.retry, dry_fixture.ctx.note};
  REQUIRE(operation(ctx));
  CHECK(dry_fixture.kernel.writes().empty());
  CHECK(dry_fixture.loader.requests().empty());

  OpsFixture real(device);
  if (setup) setup(real.kernel);
  real.kernel.clear_log();
  REQUIRE(operation(real.ctx));
  std::vector<std::string> made;
  for (const auto& module : real.loader.requests()) made.push_back("modprobe " + module);
  for (const auto& line : real.kernel.writes()) {
    auto arrow = line.find(" <- ");
    made.push_back("echo " + line.substr(arrow + 4) + " > " + line.substr(0, arrow));
  }
  return {reported, made};
}

} // namespace

TEST_CASE("dry run of devdax -> system-ram reports the real sequence, kmem load included", "[dry_run]")
{
  auto [reported, made] = dry_and_real(nfit_device(), [](Context& ctx) {
    return reconfigure_to_system_ram(ctx, k_dax00, {});
  });
  REQUIRE(reported.size() == 1 + 3 + 7);
  CHECK(reported.front() == "modprobe kmem");
  CHECK(reported == made);
}

TEST_CASE("dry run of system-ram -> devdax --force reports offlines, kmem unbind, device_dax bind", "[dry_run]")
{
  FakeDeviceSpec device = nfit_device("kmem");
  auto [reported, made] = dry_and_real(device, [](Context& ctx) {
    if (auto online = online_device(ctx, k_dax00, OnlineAs::movable); !online) return false;
    return reconfigure_to_devdax(ctx, k_dax00, Force::yes).has_value();
  });
  CHECK(reported == made);
  CHECK(reported.size() == 7 + 7 + 3);
}

TEST_CASE("dry run of online --no-movable then offline", "[dry_run]")
{
  auto [reported, made] = dry_and_real(nfit_device("kmem"), [](Context& ctx) {
    return online_device(ctx, k_dax00, OnlineAs::kernel).has_value() && offline_device(ctx, k_dax00).has_value();
  });
  CHECK(reported == made);
  CHECK(reported.at(0) == "echo online_kernel > /sys/devices/system/memory/memory33/state");
  CHECK(reported.at(7) == "echo offline > /sys/devices/system/memory/memory33/state");
}

TEST_CASE("dry run and real run plan the same writes under every auto-online policy", "[dry_run]")
{
  for (const char* zone_policy : {"contig-zones", "auto-movable"}) {
    for (const char* policy : {"offline", "online", "online_kernel", "online_movable"}) {
      for (auto online : {OnlineAfter::yes, OnlineAfter::no}) {
        for (auto as : {OnlineAs::movable, OnlineAs::kernel}) {
          INFO(policy << " / " << zone_policy << " / online " << (online == OnlineAfter::yes) << " / movable "
                      << (as == OnlineAs::movable));
          auto setup = [&](FakeKernel& kernel) { kernel.set_auto_online(policy).set_online_policy(zone_policy); };
          auto [reported, made] = dry_and_real(
            nfit_device(),
            [&](Context& ctx) {
              return reconfigure_to_system_ram(ctx, k_dax00, {online, as, InUse::refuse, MemmapOnMemory::keep}).has_value();
            },
            setup);
          CHECK(reported == made);
        }
      }
    }
  }
}

namespace {

// The nfit device bound to kmem on a kernel with daxX.Y/state (Linux 7.3), its blocks online Movable.
void kmem_state_kernel(FakeKernel& kernel)
{
  kernel.enable_kmem_state();
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online_movable");
}

// Where the real run's log names dax0.0/state: its resolved path, while kmem holds the device.
std::string real_state_path()
{
  OpsFixture probe(nfit_device("kmem"));
  probe.kernel.enable_kmem_state();
  return probe.kernel.canonical("/sys/bus/dax/devices/dax0.0/state").value();
}

// Reported and real writes with the whole-device state file named as the real run's log names it.
std::vector<std::string> with_state_path(std::vector<std::string> lines, const std::string& real_state)
{
  for (auto& line : lines) {
    auto at = line.find("/sys/bus/dax/devices/dax0.0/state");
    if (at != std::string::npos) line = line.substr(0, at) + real_state;
  }
  return lines;
}

} // namespace

TEST_CASE("dry run of devdax --force on a kernel with daxX.Y/state: one unplug, no block writes", "[dry_run]")
{
  auto [reported, made] = dry_and_real(
    nfit_device("kmem"), [](Context& ctx) { return reconfigure_to_devdax(ctx, k_dax00, Force::yes).has_value(); },
    kmem_state_kernel);
  std::string real_state = real_state_path();
  CHECK(with_state_path(reported, real_state) == made);
  CHECK(reported.size() == 1 + 3);
}

TEST_CASE("dry run of online on an unplugged device: one plug write, as the real run", "[dry_run]")
{
  auto unplugged = [](FakeKernel& kernel) {
    kmem_state_kernel(kernel);
    REQUIRE(kernel.write("/sys/bus/dax/devices/dax0.0/state", "unplugged"));
  };
  auto [reported, made] = dry_and_real(
    nfit_device("kmem"), [](Context& ctx) { return online_device(ctx, k_dax00, OnlineAs::movable).has_value(); },
    unplugged);
  std::string real_state = real_state_path();
  CHECK(with_state_path(reported, real_state) == made);
  CHECK(reported == std::vector<std::string>{"echo online_movable > /sys/bus/dax/devices/dax0.0/state"});
}
