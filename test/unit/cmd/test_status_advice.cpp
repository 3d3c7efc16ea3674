// dax status (issue #20 item 2): every command it advises succeeds, dry and real, in every state
// the fake kernel reaches; a device whose change would be refused gets the reason instead; the
// JSON carries structured fields and the system footer.
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_hmem = "/sys/devices/platform/hmem.1";

// The command `dax <name>`, as main.cpp dispatches it.
cli::Command command_named(const std::string& name)
{
  for (auto factory : {cli::reconfigure_command, cli::online_command, cli::offline_command, cli::create_device_command,
                       cli::destroy_device_command, cli::enable_device_command, cli::disable_device_command,
                       cli::migrate_command, cli::apply_command}) {
    cli::Command command = factory();
    if (command.name == name) return command;
  }
  FAIL("status advised an unknown command: " << name);
  return {};
}

// A state to advise on: how to build it, from an empty fake kernel.
struct State
{
  std::string name;
  std::function<void(FakeKernel&)> build;
};

// Builds a state by running dax commands on the nfit system (`driver` bound to dax0.0).
std::function<void(FakeKernel&)> nfit_after(const std::string& driver, std::vector<std::vector<std::string>> runs)
{
  return [driver, runs](FakeKernel& kernel) {
    add_nfit_system(kernel, nfit_device(driver));
    for (const auto& args : runs) {
      FakeModuleLoader loader(kernel);
      auto run = run_command(command_named(args.front()), kernel, loader, {args.begin() + 1, args.end()});
      REQUIRE(run.code == cli::k_exit_ok);
    }
  };
}

// hmem.1, 4 GiB at 8 GiB, whose only device dax1.0 is an idle seed (size 0, no driver).
void add_idle_seed(FakeKernel& kernel)
{
  FakeDeviceSpec seed;
  seed.name = "dax1.0";
  seed.size = 0;
  seed.driver = "";
  kernel.add_dynamic_region(1, k_hmem, 8 * GiB, 4 * GiB).add_device(1, seed);
}

const std::vector<State>& states()
{
  static const std::vector<State> all{
    {"devdax, kmem not loaded", nfit_after("device_dax", {})},
    {"devdax, fsdev_dax loaded", [](FakeKernel& k) { nfit_after("device_dax", {})(k); k.load_driver("fsdev_dax"); }},
    {"disabled devdax", nfit_after("", {})},
    {"system-ram online Movable", nfit_after("device_dax", {{"reconfigure", "-m", "system-ram", "dax0.0"}})},
    {"system-ram offline", nfit_after("device_dax", {{"reconfigure", "-m", "system-ram", "dax0.0"}, {"offline", "dax0.0"}})},
    {"system-ram partly online",
     [](FakeKernel& k) {
       nfit_after("device_dax", {{"reconfigure", "-m", "system-ram", "dax0.0"}})(k);
       k.set_block(35, "offline");
     }},
    {"system-ram online Normal",
     [](FakeKernel& k) {
       nfit_after("device_dax", {{"reconfigure", "-m", "system-ram", "dax0.0"}, {"offline", "dax0.0"}})(k);
       for (uint64_t block : k_nfit_blocks) k.set_block(block, "online_kernel");
     }},
    {"system-ram partly online Normal",
     [](FakeKernel& k) {
       nfit_after("device_dax", {{"reconfigure", "-m", "system-ram", "--no-online", "dax0.0"}})(k);
       for (uint64_t block : k_nfit_blocks) {
         if (block != 35) k.set_block(block, "online_kernel");
       }
     }},
    {"famfs", [](FakeKernel& k) { nfit_after("fsdev_dax", {})(k); }},
    {"idle seed of a region with free space",
     [](FakeKernel& k) { nfit_after("device_dax", {})(k); add_idle_seed(k); }},
  };
  return all;
}

// The command named args[0] run with the rest, on a fresh copy of `state`; "-n" first for a dry run.
CommandRun run_advised(const State& state, std::vector<std::string> args, bool dry)
{
  FakeKernel kernel;
  state.build(kernel);
  FakeModuleLoader loader(kernel);
  std::string name = args.front();
  args.erase(args.begin());
  if (dry) args.insert(args.begin(), "-n");
  return run_command(command_named(name), kernel, loader, args);
}

// `dax status --format=json` in `state`.
nlohmann::json status_json(const State& state)
{
  FakeKernel kernel;
  state.build(kernel);
  FakeModuleLoader loader(kernel);
  auto run = run_command(cli::status_command(), kernel, loader, {"--format=json"});
  REQUIRE(run.code == cli::k_exit_ok);
  return nlohmann::json::parse(run.out);
}

} // namespace

TEST_CASE("every command dax status advises succeeds, dry and real, in every state", "[status][cmd]")
{
  for (const auto& state : states()) {
    auto json = status_json(state);
    for (const auto& device : json["devices"]) {
      for (const auto& step : device["next"]) {
        auto args = step["args"].get<std::vector<std::string>>();
        INFO(state.name << ": " << step["command"].get<std::string>());
        CHECK(step["command"] == "dax " + fmt::format("{}", fmt::join(args, " ")));
        for (bool dry : {true, false}) {
          auto run = run_advised(state, args, dry);
          INFO((dry ? "dry run" : "real run") << ": " << run.err);
          CHECK(run.code == cli::k_exit_ok);
        }
      }
    }
  }
}

TEST_CASE("dax status advises the command that fits: enable-device, create-device", "[status][cmd]")
{
  auto commands = [](const nlohmann::json& device) {
    std::vector<std::string> out;
    for (const auto& step : device["next"]) out.push_back(step["command"]);
    return out;
  };
  auto disabled = status_json(states()[2])["devices"];
  REQUIRE(disabled.size() == 1);
  CHECK(commands(disabled[0]).front() == "dax enable-device dax0.0");

  auto idle = status_json(states().back())["devices"];
  REQUIRE(idle.size() == 2);
  CHECK(idle[1]["chardev"] == "dax1.0");
  CHECK(commands(idle[1]) == std::vector<std::string>{"dax create-device -r 1"});
}

TEST_CASE("a device in use gets the reason and the way out, not a command that fails", "[status][cmd]")
{
  for (const std::string driver : {"device_dax", "fsdev_dax"}) {
    FakeKernel kernel;
    add_nfit_system(kernel, nfit_device(driver));
    kernel.load_driver("fsdev_dax");
    kernel.add_process(4242, "app", "dax0.0", true);
    FakeModuleLoader loader(kernel);
    auto run = run_command(cli::status_command(), kernel, loader, {"--format=json"});
    REQUIRE(run.code == cli::k_exit_ok);
    auto device = nlohmann::json::parse(run.out)["devices"][0];
    INFO(driver << ": " << device.dump());
    CHECK(device["next"].empty());
    CHECK(device["users"][0]["pid"] == 4242);
    REQUIRE(device["notes"].size() == 1);
    CHECK(device["notes"][0].get<std::string>().starts_with("in use by 4242 (app, mapped): its mode cannot change"));
    // What status withholds is what reconfigure refuses.
    auto refused = run_command(cli::reconfigure_command(), kernel, loader, {"-m", "system-ram", "dax0.0"});
    CHECK(refused.code != cli::k_exit_ok);
  }
}

TEST_CASE("dax status --format=json: structured fields and the system footer", "[status][cmd]")
{
  auto json = status_json(states()[3]);
  auto device = json["devices"][0];
  CHECK(device["mode"] == "system-ram");
  CHECK(device["driver"] == "kmem");
  CHECK(device["zones"] == nlohmann::json::array({"Movable"}));
  CHECK(device["online_memblocks"] == 7);
  CHECK(device["total_memblocks"] == 7);
  CHECK(device["lost_size"] == k_nfit_size - 7 * 128 * MiB);
  CHECK(device["next"][0]["args"] == nlohmann::json::array({"offline", "dax0.0"}));
  auto system = json["system"];
  CHECK(system["memory_block_size"] == 128 * MiB);
  CHECK(system["auto_online_blocks"] == "offline");
  CHECK(system.contains("memory_tiers"));
  CHECK(system.contains("demotion_enabled"));
  auto devdax = status_json(states()[0])["devices"][0];
  CHECK(devdax["zones"].is_null());
  CHECK(devdax["driver"] == "device_dax");
}

TEST_CASE("memory online in zone Normal: no step that needs it offline, the reason and the way out",
          "[status][cmd]")
{
  const auto& normal = states()[6];
  REQUIRE(normal.name == "system-ram online Normal");
  auto device = status_json(normal)["devices"][0];
  INFO(device.dump());
  CHECK(device["zones"] == nlohmann::json::array({"Normal"}));
  CHECK(device["next"].empty());
  REQUIRE(device["notes"].size() == 2);
  CHECK(device["notes"][0].get<std::string>().find("Linux usually does (EBUSY)") != std::string::npos);
  CHECK(device["notes"][1].get<std::string>().find("auto_online_blocks=offline") != std::string::npos);

  // What status withholds is what fails where Linux refuses to offline Normal memory (7.3's CXL).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"offline", "dax0.0"}, {"reconfigure", "-m", "devdax", "-f", "dax0.0"}, {"online", "dax0.0"}}) {
    FakeKernel kernel;
    normal.build(kernel);
    kernel.fail_write("*/memory3[3-9]/state", EBUSY, FakeKernel::always);
    FakeModuleLoader loader(kernel);
    auto run = run_command(command_named(args[0]), kernel, loader, {args.begin() + 1, args.end()});
    INFO(args[0] << ": " << run.err);
    CHECK(run.code == cli::k_exit_failure);
  }

  // Beside blocks online in Normal, the offline ones are onlined there: that works.
  auto partly = status_json(states()[7])["devices"][0];
  REQUIRE(partly["next"].size() == 1);
  CHECK(partly["next"][0]["command"] == "dax online --no-movable dax0.0");
}
