#include "cmd/common/command.hpp"

#include "cmd/common/failure.hpp"
#include "cmd/common/hints.hpp"
#include "core/base/parse.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <thread>

namespace dax::cli {

BusyRetry default_busy_retry()
{
  return {5, std::chrono::milliseconds(100),
          [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }};
}

std::string did_or_would(const Env& env, std::string_view past, std::string_view plan)
{
  return env.dry_run == DryRun::yes ? fmt::format("would {}", plan) : std::string(past);
}

Context operation_context(Env& env)
{
  Context ctx{env.sysfs, env.loader, default_busy_retry(), print_note, env.control};
  ctx.hint = flag_hints();
  return ctx;
}

void add_switch(CLI::App& app, const std::string& off_names, const std::string& on_name, bool& value,
                const std::string& off_help, const std::string& on_help)
{
  // Both on one command line are refused (exit 2): CLI11 runs the callbacks in definition order,
  // not in the order given, so "the last one wins" could not be kept.
  CLI::Option* off = app.add_flag_callback(off_names, [&value] { value = false; }, off_help);
  CLI::Option* on = app.add_flag_callback(on_name, [&value] { value = true; }, on_help);
  off->excludes(on);
}

void print_error(const std::string& message)
{
  // fputs, not fmt::print: a closed stderr (ssh gone) must not throw in the middle of a pass.
  std::fputs(fmt::format("dax: error: {}\n", escape_controls(message, LineBreaks::keep)).c_str(), stderr);
  FailureSink::record(refusal("", message), true); // report_failure records the Error first when it has one
}

int usage_error(const std::string& message)
{
  FailureSink::record(bad_input("", message), false);
  print_error(message);
  return k_exit_usage;
}

void print_note(const std::string& message)
{
  std::fputs(fmt::format("dax: {}\n", escape_controls(message, LineBreaks::keep)).c_str(), stderr);
}

} // namespace dax::cli
