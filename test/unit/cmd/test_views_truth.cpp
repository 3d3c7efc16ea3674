// dax's views do not lie by omission (issue #20 item 5): an unknown region or device is an error
// naming it (daxctl's JSON keeps "[]" with a note), LOST is given in every mode with the number
// status and metrics give, and metrics says when it cannot read a system-wide file.
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

CommandRun run(FakeKernel& kernel, const cli::Command& command, const std::vector<std::string>& args)
{
  FakeModuleLoader loader(kernel);
  return run_command(command, kernel, loader, args);
}

// 1054867456 bytes at 0x101200000: 7 blocks of 128 MiB hot-added, 110 MiB lost to alignment.
constexpr uint64_t k_lost = k_nfit_size - 7 * 128 * MiB;

} // namespace

TEST_CASE("dax's own views name an unknown device or region: exit 2, nothing printed", "[views][cmd]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  add_numa_files(kernel, Tiers::no);
  struct Case
  {
    cli::Command command;
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<Case> cases{
    {cli::list_command(), {"-d", "dax9.9", "--format=table"}, "dax: error: dax9.9: no such device (see dax list)\n"},
    {cli::list_command(), {"-d", "dax9.9", "--memory"}, "dax: error: dax9.9: no such device (see dax list)\n"},
    {cli::list_command(), {"-d", "dax9.9", "--numa"}, "dax: error: dax9.9: no such device (see dax list)\n"},
    {cli::list_command(), {"-r", "7", "-d", "dax0.0", "--format=table"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::list_command(), {"-r", "0", "-d", "dax1.0", "-o", "DEVICE"}, "dax: error: dax1.0: no such device in region 0 (see dax list)\n"},
    {cli::list_command(), {"-R", "-r", "7", "--format=table"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::list_command(), {"-r", "7", "--memory"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::status_command(), {"-r", "7"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::status_command(), {"--format=json", "-r", "7"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::metrics_command(), {"-r", "7"}, "dax: error: region7: no such region (see dax list -R)\n"},
    {cli::status_command(), {"dax9.9"}, "dax: error: dax9.9: no such device (see dax list)\n"},
    {cli::metrics_command(), {"dax9.9"}, "dax: error: dax9.9: no such device (see dax list)\n"},
  };
  for (const auto& c : cases) {
    auto result = run(kernel, c.command, c.args);
    INFO(c.command.name << " " << c.args.front());
    CHECK(result.code == cli::k_exit_usage);
    CHECK(result.out.empty());
    CHECK(result.err == c.error);
  }
  CHECK(kernel.writes().empty());
}

TEST_CASE("daxctl's JSON list keeps [] for an unknown filter, with a note on stderr", "[views][cmd]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"-d", "dax9.9"}, {"-r", "7"}}) {
    auto result = run(kernel, cli::list_command(), args);
    CHECK(result.code == cli::k_exit_ok);
    CHECK(result.out == "[]\n");
    CHECK(result.err.find(args[1] == "7" ? "region7: no such region" : "dax9.9: no such device") != std::string::npos);
  }
  auto known = run(kernel, cli::list_command(), {"-d", "dax0.0"});
  CHECK(known.code == cli::k_exit_ok);
  CHECK(known.err.empty());
}

TEST_CASE("LOST is given in every mode: the number status and metrics give", "[views][cmd]")
{
  for (const std::string driver : {"device_dax", "kmem", ""}) {
    FakeKernel kernel;
    add_nfit_system(kernel, nfit_device(driver));
    INFO("driver " << driver);
    auto table = run(kernel, cli::list_command(), {"--format=table", "-o", "DEVICE,LOST"});
    CHECK(table.code == cli::k_exit_ok);
    CHECK(table.out.find("110M\n") != std::string::npos);
    auto status = run(kernel, cli::status_command(), {"--format=json"});
    REQUIRE(status.code == cli::k_exit_ok);
    CHECK(nlohmann::json::parse(status.out)["devices"][0]["lost_size"] == k_lost);
    auto metrics = run(kernel, cli::metrics_command(), {});
    CHECK(metrics.code == cli::k_exit_ok);
    CHECK(metrics.out.find(fmt::format("dax_device_alignment_lost_bytes{{device=\"dax0.0\"}} {}\n", k_lost)) !=
          std::string::npos);
  }
}

TEST_CASE("metrics that cannot read a system-wide file exit 1 and say so in a series", "[views][cmd][metrics]")
{
  const std::string block_size = "/sys/devices/system/memory/block_size_bytes";
  const std::string auto_online = "/sys/devices/system/memory/auto_online_blocks";
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  auto fine = run(kernel, cli::metrics_command(), {});
  CHECK(fine.code == cli::k_exit_ok);
  CHECK(fine.out.find("dax_system_read_error{file=\"block_size_bytes\",kind=\"none\",errno=\"none\"} 0\n") != std::string::npos);
  CHECK(fine.out.find("dax_system_read_error{file=\"auto_online_blocks\",kind=\"none\",errno=\"none\"} 0\n") != std::string::npos);

  SECTION("block_size_bytes malformed")
  {
    kernel.set_file(block_size, "bogus");
    auto result = run(kernel, cli::metrics_command(), {});
    CHECK(result.code == cli::k_exit_failure);
    CHECK(result.err.find("block_size_bytes") != std::string::npos);
    CHECK(result.out.find("dax_system_read_error{file=\"block_size_bytes\",kind=\"refused\",errno=\"none\"} 1\n") != std::string::npos);
    // The families that need the block size are declared unreadable, not silently absent.
    for (const char* metric : {"dax_device_hotplug_bytes", "dax_device_alignment_lost_bytes", "dax_device_memory_blocks"}) {
      CHECK(result.out.find(fmt::format("dax_metric_unreadable{{metric=\"{}\",device=\"dax0.0\"}} 1\n", metric)) !=
            std::string::npos);
    }
  }
  SECTION("auto_online_blocks unreadable")
  {
    kernel.fail_read(auto_online, EIO, FakeKernel::always);
    auto result = run(kernel, cli::metrics_command(), {});
    CHECK(result.code == cli::k_exit_failure);
    CHECK(result.err.find("auto_online_blocks") != std::string::npos);
    CHECK(result.out.find("dax_system_read_error{file=\"auto_online_blocks\",kind=\"kernel-refused\",errno=\"EIO\"} 1\n") !=
          std::string::npos);
  }
}

TEST_CASE("a device that cannot be read: the same error object in status JSON and the metrics' labels",
          "[views][cmd][errors]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.fail_read("*/dax0.0/size", EACCES, FakeKernel::always);

  auto status = run(kernel, cli::status_command(), {"--format=json"});
  INFO("status: " << status.out << status.err);
  CHECK(status.code == cli::k_exit_failure);
  auto json = nlohmann::json::parse(status.out, nullptr, false);
  REQUIRE_FALSE(json.is_discarded());
  CHECK(json["devices"] == nlohmann::json::array());
  REQUIRE(json["errors"].size() == 1);
  const auto& error = json["errors"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : error.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"device", "errno", "kind", "message", "path", "pids"}); // json sorts keys
  CHECK(error["pids"].is_null());
  CHECK(error["kind"] == "not-root");
  CHECK(error["device"] == "dax0.0");
  CHECK(error["errno"] == "EACCES");
  CHECK(error["path"].get<std::string>().ends_with("/dax0.0/size"));
  CHECK(status.err.find(error["message"].get<std::string>()) != std::string::npos);
  CHECK(json["system"].is_object());

  auto metrics = run(kernel, cli::metrics_command(), {});
  INFO("metrics: " << metrics.out << metrics.err);
  CHECK(metrics.code == cli::k_exit_failure);
  CHECK(metrics.out.find("dax_device_read_error{device=\"dax0.0\",kind=\"not-root\",errno=\"EACCES\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("status JSON of a tree read whole has an empty errors array", "[views][cmd][errors]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  auto status = run(kernel, cli::status_command(), {"--format=json"});
  CHECK(status.code == cli::k_exit_ok);
  auto json = nlohmann::json::parse(status.out);
  CHECK(json["errors"] == nlohmann::json::array());
  CHECK(json["devices"].size() == 1);
}
