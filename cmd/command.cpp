#include "command.hpp"

#include "hints.hpp"

#include <fmt/format.h>

#include <thread>

namespace dax::cli {

BusyRetry default_busy_retry()
{
  return {5, std::chrono::milliseconds(100),
          [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }};
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
  app.add_flag_callback(off_names, [&value] { value = false; }, off_help);
  app.add_flag_callback(on_name, [&value] { value = true; }, on_help);
}

void print_error(const std::string& message)
{
  fmt::print(stderr, "dax: error: {}\n", message);
}

void print_note(const std::string& message)
{
  fmt::print(stderr, "dax: {}\n", message);
}

} // namespace dax::cli
