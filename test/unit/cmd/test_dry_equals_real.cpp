// Dry run = real run (issue #20): every changing command, dry and real, on the same fake systems
// (the fake kernel refuses what Linux refuses: kernel-behaviour.md), must end in the same exit
// status, the same per-device state (--report's "after": the prediction against what was read
// back) and the same error kinds. And `all` leaves out the idle seed of a dynamic region.
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/differential.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_hmem = "/sys/devices/platform/hmem.1";
constexpr uint64_t k_hmem_start = 8 * GiB;

// hmem.1: 4 GiB at 8 GiB, dax1.0 (1 GiB, `driver`) and the idle seed dax1.1 (size 0, unbound).
void add_hmem(FakeKernel& kernel, const std::string& driver = "device_dax")
{
  FakeDeviceSpec spec;
  spec.name = "dax1.0";
  spec.mappings = {{k_hmem_start, k_hmem_start + GiB - 1, 0}};
  spec.driver = driver;
  kernel.add_dynamic_region(1, k_hmem, k_hmem_start, 4 * GiB).add_device(1, spec);
  REQUIRE(kernel.write(k_hmem + "/dax_region/create", "1"));
  REQUIRE(kernel.has_device("dax1.1"));
}

// The systems every command runs on.
const std::vector<std::pair<std::string, std::function<void(FakeKernel&)>>> k_systems = {
  {"nfit devdax", [](FakeKernel& k) { add_nfit_system(k); }},
  {"nfit system-ram", [](FakeKernel& k) { add_nfit_system(k, nfit_device("kmem")); }},
  {"nfit + hmem with a seed", [](FakeKernel& k) { add_nfit_system(k); add_hmem(k); }},
  {"hmem system-ram with a seed", [](FakeKernel& k) { add_nfit_system(k, nfit_device("")); add_hmem(k, "kmem"); }},
};

// Every changing command, with `all`, -r REGION, several devices and a named seed.
const std::vector<Invocation> k_invocations = {
  {cli::reconfigure_command, {"-m", "devdax", "all"}},
  {cli::reconfigure_command, {"-m", "devdax", "-f", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "--no-online", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "--no-movable", "-r", "1", "all"}},
  {cli::reconfigure_command, {"-m", "famfs", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "dax0.0", "dax1.0"}},
  {cli::reconfigure_command, {"-m", "system-ram", "dax1.1"}},
  {cli::online_command, {"all"}},
  {cli::online_command, {"--no-movable", "dax0.0"}},
  {cli::offline_command, {"all"}},
  {cli::enable_device_command, {"all"}},
  {cli::enable_device_command, {"dax1.1"}},
  {cli::disable_device_command, {"all"}},
  {cli::disable_device_command, {"-r", "0", "all"}},
  {cli::destroy_device_command, {"--force", "all"}},
  {cli::destroy_device_command, {"dax1.0"}},
  {cli::create_device_command, {}},
  {cli::create_device_command, {"-r", "1", "-s", "1G"}},
};

} // namespace

TEST_CASE("the dry run predicts the real run: exit status, every device's end state, error kinds",
          "[dry-run][differential]")
{
  for (const auto& [system_name, system] : k_systems) {
    for (const auto& invocation : k_invocations) {
      INFO(system_name << ": dax " << invocation.line());
      auto dry = reported(system, invocation, true);
      auto real = reported(system, invocation, false);
      CHECK(dry["dry_run"] == true);
      CHECK(outcome(dry) == outcome(real));
    }
  }
}

TEST_CASE("all leaves out the idle seed of a dynamic region, names it once on stderr, and succeeds",
          "[targets][all]")
{
  for (const auto& args : std::vector<std::vector<std::string>>{{"-m", "devdax", "all"}, {"-m", "system-ram", "all"}}) {
    FakeKernel kernel;
    add_nfit_system(kernel);
    add_hmem(kernel);
    FakeModuleLoader loader(kernel);
    auto run = run_command(cli::reconfigure_command(), kernel, loader, args);
    INFO(run.err);
    CHECK(run.code == cli::k_exit_ok);
    CHECK(run.err.find("dax: all: skipping dax1.1 (idle: size 0, no driver") != std::string::npos);
    CHECK(kernel.driver_of("dax1.1").empty());
  }
  FakeKernel kernel;
  add_nfit_system(kernel);
  add_hmem(kernel);
  FakeModuleLoader loader(kernel);
  auto enable = run_command(cli::enable_device_command(), kernel, loader, {"all"});
  CHECK(enable.code == cli::k_exit_ok);
  // Named, the seed is not skipped: the kernel refuses to bind a device without memory.
  auto named = run_command(cli::enable_device_command(), kernel, loader, {"dax1.1"});
  CHECK(named.code == cli::k_exit_failure);
  CHECK(named.err.find("skipping") == std::string::npos);
}

TEST_CASE("report: every failure class gives one JSON document with one error object", "[report][errors]")
{
  struct Case
  {
    std::string name;
    Invocation invocation;
    std::function<void(FakeKernel&)> setup;
    std::string kind;
    int code;
  };
  const std::vector<Case> cases = {
    {"unknown device", {cli::enable_device_command, {"dax9.9"}}, nullptr, "not-found", cli::k_exit_usage},
    {"bad value", {cli::create_device_command, {"-s", "4Q"}}, nullptr, "usage", cli::k_exit_usage},
    {"unknown region", {cli::online_command, {"-r", "7", "all"}}, nullptr, "not-found", cli::k_exit_usage},
    {"no device", {cli::offline_command, {}}, nullptr, "usage", cli::k_exit_usage},
    {"in use", {cli::reconfigure_command, {"-m", "system-ram", "dax0.0"}},
     [](FakeKernel& k) { k.add_process(4321, "qemu", "dax0.0", true); }, "in-use", cli::k_exit_failure},
    {"kernel refusal", {cli::disable_device_command, {"dax0.0"}},
     [](FakeKernel& k) { k.fail_write("*/unbind", EBUSY, FakeKernel::always); }, "busy", cli::k_exit_failure},
    {"not permitted", {cli::disable_device_command, {"dax0.0"}},
     [](FakeKernel& k) { k.fail_write("*/unbind", EACCES, FakeKernel::always); }, "not-root", cli::k_exit_failure},
    // A configuration that cannot be used is bad input, as a bad command line: exit 2, kind usage.
    {"malformed configuration", {cli::apply_command, {}},
     [](FakeKernel& k) { k.set_file("/etc/dax/dax.conf", "[device d]\nonline = perhaps\n"); }, "usage", cli::k_exit_usage},
    {"malformed configuration, -C", {cli::reconfigure_command, {"-C", "dax0.0"}},
     [](FakeKernel& k) { k.set_file("/etc/dax/dax.conf", "[device d\n"); }, "usage", cli::k_exit_usage},
    {"refusal", {cli::reconfigure_command, {"-m", "devdax", "dax0.0"}},
     [](FakeKernel& k) { for (uint64_t b = 33; b <= 39; ++b) k.set_block(b, "online_movable"); }, "refused",
     cli::k_exit_failure},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeKernel kernel;
    add_nfit_system(kernel, c.name == "refusal" ? nfit_device("kmem") : nfit_device());
    if (c.setup) c.setup(kernel);
    FakeModuleLoader loader(kernel);
    std::vector<std::string> args = c.invocation.args;
    args.push_back("--report");
    auto run = run_command(c.invocation.command(), kernel, loader, args);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    auto json = nlohmann::json::parse(run.out, nullptr, false); // exactly one document, or parse fails
    REQUIRE_FALSE(json.is_discarded());
    CHECK(run.code == c.code);
    CHECK(json["exit_status"] == c.code);
    REQUIRE(json["error"].is_object());
    CHECK(json["error"]["kind"] == c.kind);
    CHECK_FALSE(json["error"]["message"].get<std::string>().empty());
    std::vector<std::string> keys;
    for (const auto& [key, value] : json["error"].items()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"device", "errno", "kind", "message", "path", "pids"});
    if (c.kind == "in-use") CHECK(json["error"]["pids"] == nlohmann::json::parse(R"([{"pid": 4321, "command": "qemu"}])"));
    else CHECK(json["error"]["pids"].is_null());
  }
}

TEST_CASE("apply and reconfigure -C: `all` leaves out the idle seed as every changing command does", "[report][all]")
{
  struct Case
  {
    cli::Command (*command)();
    std::vector<std::string> args;
  };
  for (const auto& c : std::vector<Case>{{cli::apply_command, {}},
                                         {cli::apply_command, {"all"}},
                                         {cli::reconfigure_command, {"-C", "all"}}}) {
    for (bool dry : {true, false}) {
      FakeKernel kernel;
      add_nfit_system(kernel);
      add_hmem(kernel);
      kernel.set_file("/etc/dax/dax.conf", "[device hmem]\nregion = /platform/hmem.1\nmode = system-ram\n");
      FakeModuleLoader loader(kernel);
      std::vector<std::string> args = c.args;
      if (dry) args.insert(args.begin(), "-n");
      auto run = run_command(c.command(), kernel, loader, args);
      INFO(fmt::format("{} {}", run.out, run.err));
      CHECK(run.code == cli::k_exit_ok);
      CHECK(run.err.find("all: skipping dax1.1 (idle: size 0, no driver") != std::string::npos);
      CHECK(run.out.find("dax1.1") == std::string::npos); // not among the devices worked on
      CHECK(run.err.find("dax1.1:") == std::string::npos);
    }
  }
  SECTION("a section naming the seed by device name still says what to do")
  {
    FakeKernel kernel;
    add_nfit_system(kernel);
    add_hmem(kernel);
    kernel.set_file("/etc/dax/dax.conf", "[device seed]\ndevice = dax1.1\nmode = system-ram\n");
    FakeModuleLoader loader(kernel);
    auto run = run_command(cli::apply_command(), kernel, loader, {"-n"});
    CHECK(run.code == cli::k_exit_failure);
    CHECK(run.err.find("dax1.1: has no memory (size 0), but [device seed]") != std::string::npos);
  }
}
