#pragma once

#include "cmd/common/exit_status.hpp"
#include "core/change/block_pass.hpp"
#include "core/change/operations.hpp"
#include "core/config/config.hpp"
#include "core/kernel/modules.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/memory.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// CLI11 is declared only: its header costs every file that includes it about 9 CPU-seconds to
// compile, so only the files that add options include <CLI/CLI.hpp>.
namespace CLI {
class App;
}

namespace dax::cli {

class Report;

// How a state-changing command runs: for real, or only showing what it would write.
enum class DryRun { no, yes };

// What a command runs against, built after the global options are parsed.
struct Env
{
  Sysfs& sysfs;
  ModuleLoader& loader;
  std::string sysroot;      // the --sysroot directory ("/" by default)
  bool live_system = false; // the sysroot is this machine's root
  PassControl control = {};  // set while a state change runs: Ctrl-C and progress
  Report* report = nullptr;  // --report: where the devices' before/after go (report.hpp)
  std::optional<ConfigRoot> config_root = {}; // --config-root; nullopt: the sysroot's /etc
  DryRun dry_run = DryRun::no; // under --dry-run (run_state_change): messages word a plan
};

// What a change did, worded for `env`: `past` ("onlined") on a real run, "would " + `plan`
// ("would online") on a dry run, which changes nothing.
std::string did_or_would(const Env& env, std::string_view past, std::string_view plan);

// The EBUSY retry policy of offlining: 5 tries, 100 ms doubling (about 1.5 s in all).
BusyRetry default_busy_retry();

// What core's operations run with in a command: `env`'s files and module loader, the busy retry
// above, notes on stderr (print_note), env's Ctrl-C and progress, and hints worded with flags
// (flag_hints; apply words them with configuration keys instead).
Context operation_context(Env& env);

// Runs a command whose options have been parsed; returns the exit code.
using Runner = std::function<int(Env&)>;

// One subcommand: its names, one-line summary, and `setup`, which adds its options to `app`
// (bound to an options struct it owns) and returns the function that runs it.
struct Command
{
  std::string name;
  std::vector<std::string> aliases; // daxctl's names, so that its scripts keep working
  std::string summary;
  std::function<Runner(CLI::App& app)> setup;
};

// A command whose options live in an `Options` it owns: `add_options` binds them to its CLI::App,
// `run` runs with them once they are parsed.
template <class Options>
Command make_command(std::string name, std::vector<std::string> aliases, std::string summary,
                     std::function<void(CLI::App&, Options&)> add_options,
                     std::function<int(Env&, const Options&)> run)
{
  return {std::move(name), std::move(aliases), std::move(summary),
          [add_options = std::move(add_options), run = std::move(run)](CLI::App& app) -> Runner {
            auto options = std::make_shared<Options>();
            add_options(app, *options);
            return [options, run](Env& env) { return run(env, *options); };
          }};
}

Command list_command();
Command reconfigure_command();
Command online_command();
Command offline_command();
Command apply_command();
Command status_command();
Command create_device_command();
Command destroy_device_command();
Command enable_device_command();
Command disable_device_command();
Command migrate_command();
Command metrics_command();

// Adds daxctl's negatable switch pair: `off_names` ("-N,--no-online") sets `value` false,
// `on_name` ("--online") sets it true (the default); giving both is a usage error.
void add_switch(CLI::App& app, const std::string& off_names, const std::string& on_name, bool& value,
                const std::string& off_help, const std::string& on_help);

// Prints "dax: error: <message>" on stderr.
void print_error(const std::string& message);

// Prints `message` as print_error does; returns k_exit_usage (bad input, nothing changed).
int usage_error(const std::string& message);

// Prints "dax: <message>" on stderr (notes, tallies).
void print_note(const std::string& message);

} // namespace dax::cli
