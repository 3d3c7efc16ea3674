#pragma once

#include "cmd/common/command.hpp"
#include "cmd/view/table.hpp"
#include "core/model/device.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

// A view's output options as given on the command line, named as lsmem names them.
struct ViewArgs
{
  std::string format;      // --format: "table", "json", or empty when not given
  bool json = false;       // -J/--json: --format=json
  std::string columns;     // -o/--output, "+COL,..." appends to the default columns
  bool output_all = false; // --output-all
  bool no_headings = false; // -n/--noheadings
  bool raw = false;        // --raw
  bool pairs = false;      // -P/--pairs
  bool bytes = false;      // -b/--bytes
  bool list_columns = false; // --list-columns (hidden): the names -o takes, for the completions

  // Whether any of them was given.
  bool given() const;
};

// What a person-or-script view is asked for: its format, the columns and how the table looks.
struct ViewOptions
{
  Format format = Format::table;
  std::string columns;      // -o; empty: the default ones
  bool all_columns = false; // --output-all
  Look look;
};

// Adds --format=table|json (into `format`, empty when not given); `help` says the default.
void add_format_option(CLI::App& app, std::string& format, const std::string& help);

// Whether -n is free for --noheadings (reconfigure's -n is --dry-run).
enum class ShortNoHeadings { no, yes };

// Adds --format (as add_format_option), -J/--json, -o/--output, --output-all, -n/--noheadings,
// --raw, -P/--pairs and -b/--bytes, and the hidden --list-columns.
void add_view_options(CLI::App& app, ViewArgs& args, const std::string& format_help,
                      ShortNoHeadings short_n = ShortNoHeadings::yes);

// Resolves the arguments to `ViewOptions`: without --format or -J, a table when a table option
// (-o, --output-all, -n, --raw, -P) is given, else `fallback`. Table options with JSON, two
// layouts, -o with --output-all, and -b with -u (`human`) are bad input (the error is returned).
Result<ViewOptions> view_options(const ViewArgs& args, Format fallback, bool human);

// Selects `options.columns` in `table` (if given) and prints it; 0, or 2 after printing the error
// for an unknown column.
int print_table(Table& table, const ViewOptions& options);

// Checks `options.columns` against `table` without printing (before anything is done); the
// error names an unknown column.
Result<void> check_columns(Table table, const ViewOptions& options);

// Prints every column name of `table`, one a line: what -o takes (--list-columns, for the
// completions); 0.
int print_column_names(const Table& table);

// Prints why the memory block size could not be read (no memory hotplug, or malformed); 1.
int print_block_size_error(const Error& error);

// Bad input naming what a filter (-r, -d) asks for when `regions` has no such region or device:
// dax's own views say so instead of printing nothing.
Result<void> check_filter_exists(const std::vector<Region>& regions, std::optional<unsigned> region,
                                 const std::optional<DeviceName>& device);

// `dax list --memory`: per device, the aligned hot-plug ranges, the memory blocks grouped like
// lsmem, and what block alignment lost.
int print_memory_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options);

// The table -o selects the columns of in `dax list --memory`, without rows.
Table memory_view_table();

// `dax list --numa`: every node's memory, CPUs, distances and tier, the dax memory on it, and
// the kernel's demotion setting.
int print_numa_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options);

// The table of `dax list --numa`, without rows.
Table numa_view_table();

} // namespace dax::cli
