#include "cmd/view/views.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace dax::cli {

void add_format_option(CLI::App& app, std::string& format, const std::string& help)
{
  app.add_option("--format", format, help)->type_name("FORMAT")->check(CLI::IsMember({"table", "json"}));
}

void add_view_options(CLI::App& app, std::string& format, std::string& columns, const std::string& format_help)
{
  add_format_option(app, format, format_help);
  app.add_option("-o,--output", columns, "Table columns to show, comma-separated (--format=table)")
    ->type_name("COLUMNS");
}

Result<ViewOptions> view_options(const std::string& format, const std::string& columns, Format fallback)
{
  ViewOptions options;
  // -o alone asks for a table: columns only exist there.
  if (format.empty()) options.format = columns.empty() ? fallback : Format::table;
  else options.format = format == "json" ? Format::json : Format::table;
  options.columns = columns;
  if (!columns.empty() && options.format == Format::json) {
    return std::unexpected(logic_error("", "-o", "columns are for tables; it cannot be used with --format=json"));
  }
  options.colour = options.format == Format::table ? stdout_colour() : Colour::no;
  return options;
}

int print_table(Table& table, const ViewOptions& options)
{
  if (!options.columns.empty()) {
    if (auto selected = table.select(options.columns); !selected) {
      return usage_error(selected.error().message());
    }
  }
  std::fputs(table.render(options.colour).c_str(), stdout);
  return k_exit_ok;
}

int print_block_size_error(const Error& error)
{
  // Absent: the kernel has no memory hotplug; present but malformed: say only that.
  print_error(error.code == ENOENT ? fmt::format("no memory hotplug on this kernel: {}", error.message())
                                   : error.message());
  return k_exit_failure;
}

Result<void> check_filter_exists(const std::vector<Region>& regions, std::optional<unsigned> region,
                                 const std::optional<DeviceName>& device)
{
  auto in_filter = [&](const Region& candidate) { return !region || candidate.id == *region; };
  if (region && std::ranges::none_of(regions, in_filter)) {
    return std::unexpected(bad_input(fmt::format("region{}", *region), "no such region (see dax list -R)"));
  }
  if (!device) return {};
  for (const auto& candidate : regions) {
    if (!in_filter(candidate)) continue;
    for (const auto& present : candidate.devices) {
      if (present.name == *device) return {};
    }
  }
  std::string where = region ? fmt::format(" in region {}", *region) : std::string();
  return std::unexpected(bad_input(device->str(), fmt::format("no such device{} (see dax list)", where)));
}

} // namespace dax::cli
