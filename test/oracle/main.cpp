// dax_oracle: generated systems with anomalies, whole dax commands against the fake kernel, and
// the invariants every run must keep (README.md beside this file). Deterministic: a seed is a case.
#include "case.hpp"
#include "check.hpp"
#include "on_disk.hpp"

#include "cmd/common/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace dax;
using namespace dax::oracle;

namespace {

// A run makes a few hundred accesses; this many means it would never end. Counted at each write
// (the fake's hooks run there), so a loop that only reads is left to ctest's timeout.
constexpr size_t k_step_limit = 200000;

struct StepLimit {};

// Ends the run by throwing once the kernel has seen more than k_step_limit accesses.
void bound_steps(test::FakeKernel& kernel)
{
  kernel.on_write("*", [](test::FakeKernel& k) {
    if (k.log().size() > k_step_limit) throw StepLimit{};
  }, test::FakeKernel::When::before, test::FakeKernel::always);
}

enum class Dry { no, yes };

cli::Command command_of(const Case& c)
{
  switch (c.verb) {
  case Verb::online: return cli::online_command();
  case Verb::offline: return cli::offline_command();
  case Verb::apply: return cli::apply_command();
  default: return cli::reconfigure_command();
  }
}

nlohmann::json parse_report(const std::string& out)
{
  size_t start = out.rfind("{\n  \"command\"");
  if (start == std::string::npos) return nullptr;
  return nlohmann::json::parse(out.substr(start), nullptr, false);
}

Run run_case(const Case& c, Dry dry)
{
  test::FakeKernel kernel;
  test::FakeModuleLoader loader(kernel);
  Run run;
  build(c, kernel, run.hidden);
  run.before = kernel_state(c, kernel);
  std::vector<std::string> args = command_args(c);
  args.insert(args.begin(), "--report");
  if (dry == Dry::yes) args.insert(args.begin(), "--dry-run");
  kernel.clear_log();
  bound_steps(kernel);
  try {
    run.command = test::run_command(command_of(c), kernel, loader, args);
  } catch (const StepLimit&) {
    run.crash = fmt::format("hang: more than {} sysfs accesses", k_step_limit);
  } catch (const std::exception& error) {
    run.crash = fmt::format("crash: exception {}", error.what());
  }
  run.log = kernel.log();
  run.after = kernel_state(c, kernel);
  run.report = parse_report(run.command.out);
  return run;
}

// What a run of many cases found.
struct Tally
{
  std::map<std::string, unsigned> failed; // anomaly -> failing cases
  unsigned link_cases = 0;                 // link_out_of_tree cases run on disk
  unsigned link_writes = 0;                // of them, those that tried the link (read, list, write)
};

// The violations of one case, its real run, its dry run, and on disk when its link leaves the
// root; printed with what reproduces it.
bool check_case(uint64_t seed, bool verbose, Tally& tally)
{
  Case c = generate(seed);
  Run real = run_case(c, Dry::no);
  Run dry = run_case(c, Dry::yes);
  auto violations = check_real(c, real);
  for (auto& line : check_dry(c, dry, real)) violations.push_back(line);
  if (c.anomaly == Anomaly::link_out_of_tree) {
    DiskRun disk = run_on_disk(c, command_of(c));
    if (!disk.crash.empty()) violations.push_back("(d) on disk: " + disk.crash);
    for (auto& line : disk.violations) violations.push_back(line);
    tally.link_cases += disk.link.empty() ? 0U : 1U;
    tally.link_writes += disk.exercised ? 1U : 0U;
    if (verbose) fmt::print("on disk: exit {}, {}\n", disk.command.code,
                            disk.exercised ? "tried the link" : "did not try the link");
  }
  if (!violations.empty()) ++tally.failed[anomaly_name(c.anomaly)];
  if (violations.empty() && !verbose) return true;
  fmt::print("{}\n  exit {} (dry run {}); reproduce: dax_oracle --seed {}\n", describe(c), real.command.code,
             dry.command.code, seed);
  for (const auto& line : violations) fmt::print("  VIOLATION {}\n", line);
  if (verbose) fmt::print("--- stdout\n{}--- stderr\n{}", real.command.out, real.command.err);
  return violations.empty();
}

std::vector<uint64_t> corpus_seeds(const std::string& path)
{
  std::vector<uint64_t> seeds;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') seeds.push_back(std::stoull(line.substr(0, line.find(' '))));
  return seeds;
}

int usage()
{
  fmt::print(stderr, "usage: dax_oracle [--corpus FILE] [--cases N] [--first SEED] | --seed N\n");
  return 2;
}

} // namespace

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string corpus;
  uint64_t cases = 0, first = 1;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    uint64_t value = args[i] == "--corpus" ? 0 : std::stoull(args[i + 1]);
    Tally tally;
    if (args[i] == "--seed") return check_case(value, true, tally) ? 0 : 1;
    if (args[i] == "--corpus") corpus = args[i + 1];
    else if (args[i] == "--cases") cases = value;
    else if (args[i] == "--first") first = value;
    else return usage();
  }
  if (args.size() % 2 != 0) return usage();
  std::vector<uint64_t> seeds = corpus.empty() ? std::vector<uint64_t>{} : corpus_seeds(corpus);
  size_t replayed = seeds.size();
  for (uint64_t s = first; s < first + cases; ++s)
    if (std::find(seeds.begin(), seeds.begin() + static_cast<long>(replayed), s) == seeds.begin() + static_cast<long>(replayed))
      seeds.push_back(s); // a corpus seed is run once
  Tally tally;
  for (uint64_t seed : seeds) check_case(seed, false, tally);
  unsigned failures = 0;
  for (const auto& [anomaly, count] : tally.failed) failures += count;
  fmt::print("dax_oracle: {} cases ({} from the corpus, seeds {}..{}), {} failed\n", seeds.size(), replayed, first,
             first + cases - 1, failures);
  for (const auto& [anomaly, count] : tally.failed) fmt::print("  anomaly {}: {} failing cases\n", anomaly, count);
  fmt::print("  link_out_of_tree on disk: {} cases, {} tried the link\n", tally.link_cases, tally.link_writes);
  // Links that no command tried would leave "nothing outside the tree is read or written" untried.
  bool untried = tally.link_cases > 0 && tally.link_writes == 0;
  if (untried) fmt::print("  VIOLATION (c) untried: no link_out_of_tree case tried its link\n");
  return failures == 0 && !untried ? 0 : 1;
}
