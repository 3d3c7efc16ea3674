#pragma once

#include "test/unit/support/command_run.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace dax::test {

// A changing command and its arguments (--report and --dry-run are added).
struct Invocation
{
  cli::Command (*command)();
  std::vector<std::string> args;

  // "reconfigure -m devdax all".
  std::string line() const;
};

// --report of `invocation` on a fresh kernel made by `system`, dry or real; fails the test unless
// stdout is one JSON document whose exit_status is the command's.
nlohmann::json reported(const std::function<void(FakeKernel&)>& system, const Invocation& invocation, bool dry);

// What a dry run must predict of the real one: the exit status and error kind, and per device
// its name, end state ("after") and error kind.
nlohmann::json outcome(const nlohmann::json& report);

} // namespace dax::test
