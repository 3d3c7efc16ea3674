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

bool ViewArgs::given() const
{
  return !format.empty() || json || !columns.empty() || output_all || no_headings || raw || pairs || bytes;
}

void add_view_options(CLI::App& app, ViewArgs& args, const std::string& format_help, ShortNoHeadings short_n)
{
  add_format_option(app, args.format, format_help);
  app.add_flag("-J,--json", args.json, "Same as --format=json");
  app.add_option("-o,--output", args.columns, "Table columns to show, comma-separated; +COL,... adds to the default ones")
    ->type_name("COLUMNS");
  app.add_flag("--output-all", args.output_all, "Show every table column");
  app.add_flag(short_n == ShortNoHeadings::yes ? "-n,--noheadings" : "--noheadings", args.no_headings,
               "Print the table without its header line");
  app.add_flag("--raw", args.raw, "Table cells separated by one space, blanks escaped as \\xHH");
  app.add_flag("-P,--pairs", args.pairs, "Each table row as NAME=\"value\" pairs");
  app.add_flag("-b,--bytes", args.bytes, "Sizes in bytes in tables");
  app.add_flag("--list-columns", args.list_columns)->group("");
}

namespace {

// The first table option given, for the error when JSON is asked for too.
std::string_view table_option(const ViewArgs& args)
{
  if (!args.columns.empty()) return "-o";
  if (args.output_all) return "--output-all";
  if (args.no_headings) return "--noheadings";
  if (args.raw) return "--raw";
  if (args.pairs) return "--pairs";
  return "";
}

Result<void> check_view_args(const ViewArgs& args, Format format, bool human)
{
  auto refuse = [](std::string_view option, std::string why) {
    return std::unexpected(logic_error("", std::string(option), std::move(why)));
  };
  if (args.json && args.format == "table") return refuse("-J", "it asks for JSON and --format=table for a table: give one");
  std::string_view option = table_option(args);
  if (!option.empty() && format == Format::json) return refuse(option, "it is for tables; it cannot be used with JSON");
  if (args.raw && args.pairs) return refuse("--raw", "--raw and --pairs are two layouts: give one");
  if (args.output_all && !args.columns.empty()) return refuse("--output-all", "it and -o both choose columns: give one");
  if (human && args.bytes) return refuse("-b", "it asks for sizes in bytes and -u for human-readable ones: give one");
  return {};
}

} // namespace

Result<ViewOptions> view_options(const ViewArgs& args, Format fallback, bool human)
{
  ViewOptions options;
  // A table option alone asks for a table: columns and layouts only exist there.
  if (args.json || args.format == "json") options.format = Format::json;
  else if (args.format == "table" || !table_option(args).empty()) options.format = Format::table;
  else options.format = fallback;
  if (auto checked = check_view_args(args, options.format, human); !checked) return std::unexpected(checked.error());
  options.columns = args.columns;
  options.all_columns = args.output_all;
  options.look.layout = args.raw ? Layout::raw : args.pairs ? Layout::pairs : Layout::aligned;
  options.look.headings = !args.no_headings;
  options.look.bytes = args.bytes;
  bool aligned = options.format == Format::table && options.look.layout == Layout::aligned;
  options.look.colour = aligned ? stdout_colour() : Colour::no;
  return options;
}

Result<void> check_columns(Table table, const ViewOptions& options)
{
  if (options.columns.empty()) return {};
  return table.select(options.columns);
}

int print_table(Table& table, const ViewOptions& options)
{
  if (options.all_columns) table.select_all();
  else if (!options.columns.empty()) {
    if (auto selected = table.select(options.columns); !selected) return usage_error(selected.error().message());
  }
  std::fputs(table.render(options.look).c_str(), stdout);
  return k_exit_ok;
}

int print_column_names(const Table& table)
{
  for (const auto& column : table.columns()) fmt::print("{}\n", column.name);
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
