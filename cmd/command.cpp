#include "command.hpp"

#include <fmt/format.h>

namespace dax::cli {

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
