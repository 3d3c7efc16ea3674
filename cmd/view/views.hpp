#pragma once

#include "cmd/common/command.hpp"
#include "cmd/view/table.hpp"
#include "core/model/device.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax::cli {

// What a person-or-script view is asked for: its format, the -o columns (empty: the default
// ones) and whether colour may be used.
struct ViewOptions
{
  Format format = Format::table;
  std::string columns;
  Colour colour = Colour::no;
};

// Adds --format=table|json (into `format`, empty when not given); `help` says the default.
void add_format_option(CLI::App& app, std::string& format, const std::string& help);

// Adds --format (as add_format_option) and -o/--output COLUMNS.
void add_view_options(CLI::App& app, std::string& format, std::string& columns, const std::string& format_help);

// Resolves the --format and -o given to `ViewOptions`: without --format, a table when -o is
// given, else `fallback`. -o with --format=json is bad input (the error is returned).
Result<ViewOptions> view_options(const std::string& format, const std::string& columns, Format fallback);

// Selects `options.columns` in `table` (if given) and prints it; 0, or 2 after printing the error
// for an unknown column.
int print_table(Table& table, const ViewOptions& options);

// Prints why the memory block size could not be read (no memory hotplug, or malformed); 1.
int print_block_size_error(const Error& error);

// Bad input naming what a filter (-r, -d) asks for when `regions` has no such region or device:
// dax's own views say so instead of printing nothing.
Result<void> check_filter_exists(const std::vector<Region>& regions, std::optional<unsigned> region,
                                 const std::optional<DeviceName>& device);

// `dax list --memory`: per device, the aligned hot-plug ranges, the memory blocks grouped like
// lsmem, and what block alignment lost.
int print_memory_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options);

// `dax list --numa`: every node's memory, CPUs, distances and tier, the dax memory on it, and
// the kernel's demotion setting.
int print_numa_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options);

} // namespace dax::cli
