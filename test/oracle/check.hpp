#pragma once

#include "case.hpp"

#include "test/unit/support/command_run.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace dax::oracle {

// What a block of a kmem device whose memoryN directory is gone is: not online, not offline.
inline constexpr const char* k_absent = "absent";

// What the fake kernel holds of the case's devices: each one's driver ("" when it vanished) and,
// for a kmem device, the state of each block of its range ("online", "offline", ..., k_absent).
struct KernelState
{
  std::map<std::string, std::string> drivers;
  std::map<std::string, std::map<uint64_t, std::string>> blocks;
};
KernelState kernel_state(const Case& c, test::FakeKernel& kernel);

// One run of the case's command and what the oracle saw of it.
struct Run
{
  test::CommandRun command;
  std::string crash;                 // an exception's text, or "" when it returned
  std::vector<test::FakeAccess> log; // every access it made
  KernelState before, after;
  Hidden hidden;                     // blocks the anomaly removed (by the end of the run)
  nlohmann::json report;             // its --report, null when none could be parsed
};

// The violations, one line each, of invariants (a) to (d) by the real run `real` of `c`, and
// (c) and (e) by its dry run `dry`.
std::vector<std::string> check_real(const Case& c, const Run& real);
std::vector<std::string> check_dry(const Case& c, const Run& dry, const Run& real);

} // namespace dax::oracle
