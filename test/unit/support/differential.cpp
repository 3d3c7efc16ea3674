#include "test/unit/support/differential.hpp"

#include <catch2/catch.hpp>

namespace dax::test {

std::string Invocation::line() const
{
  std::string text = command().name;
  for (const auto& arg : args) text += " " + arg;
  return text;
}

nlohmann::json reported(const std::function<void(FakeKernel&)>& system, const Invocation& invocation, bool dry)
{
  FakeKernel kernel;
  system(kernel);
  FakeModuleLoader loader(kernel);
  std::vector<std::string> args = invocation.args;
  args.push_back("--report");
  if (dry) args.push_back("--dry-run");
  auto run = run_command(invocation.command(), kernel, loader, args);
  INFO("stderr: " << run.err);
  auto json = nlohmann::json::parse(run.out, nullptr, false);
  REQUIRE_FALSE(json.is_discarded());
  REQUIRE(json["exit_status"] == run.code);
  return json;
}

nlohmann::json outcome(const nlohmann::json& report)
{
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& device : report["devices"]) {
    devices.push_back({device["device"], device["after"], device["error"].is_null() ? nullptr : device["error"]["kind"]});
  }
  return {{"exit_status", report["exit_status"]}, {"devices", devices},
          {"error", report["error"].is_null() ? nullptr : report["error"]["kind"]}};
}

} // namespace dax::test
