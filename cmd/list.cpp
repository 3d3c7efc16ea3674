// dax list: regions and devices as daxctl's JSON, or as tables; the memory and NUMA views.
#include "command.hpp"
#include "device_json.hpp"
#include "device_table.hpp"
#include "memory.hpp"
#include "targets.hpp"
#include "views.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax::cli {

namespace {

struct ListOptions
{
  std::string region;
  std::string device;
  bool devices = false;
  bool regions = false;
  bool mappings = false;
  bool idle = false;
  bool human = false;
  bool memory = false;  // the memory view instead of the device list
  bool numa = false;    // the NUMA view instead of the device list
  std::string format;   // "table", "json", or empty: JSON for the list, a table for the views
  std::string columns;  // -o
};

// What a filter in the options selects.
struct Filters
{
  std::optional<unsigned> region;
  std::optional<DeviceName> device;
};

Result<Filters> parse_filters(const ListOptions& options)
{
  Filters filters;
  auto region = parse_region_filter(options.region);
  if (!region) return std::unexpected(region.error());
  filters.region = *region;
  if (!options.device.empty() && options.device != "all") {
    auto name = parse_device_argument(options.device);
    if (!name) return std::unexpected(name.error());
    filters.device = *name;
  }
  return filters;
}

// The devices the filters select (size 0 only with -i), in natural order.
std::vector<Device> selected_devices(const std::vector<Region>& regions, const Filters& filters, bool idle)
{
  std::vector<Device> devices;
  for (const auto& region : regions) {
    if (filters.region && region.id != *filters.region) continue;
    for (const auto& device : region.devices) {
      if (filters.device && device.name != *filters.device) continue;
      if (device.size == 0 && !idle) continue;
      devices.push_back(device);
    }
  }
  return devices;
}

// `list --format=table`: the regions table when only regions are asked for, else the devices table.
int print_list_table(Env& env, const ListOptions& options, const std::vector<Region>& regions,
                     const Filters& filters, const ViewOptions& view)
{
  if (options.regions && !options.devices) {
    std::vector<Region> shown;
    for (const auto& region : regions) {
      if (!filters.region || region.id == *filters.region) shown.push_back(region);
    }
    Table table = region_table(shown);
    return print_table(table, view);
  }
  return print_device_table(env, selected_devices(regions, filters, options.idle), view);
}

// Prints the devices that could not be read (after what could be), and makes the exit status 1
// when there were any: the others are shown, the bad ones are not hidden.
int report_unreadable(const std::vector<Error>& bad, int code)
{
  for (const auto& error : bad) print_error(error.message());
  return bad.empty() || code != k_exit_ok ? code : k_exit_failure;
}

// The views other than daxctl's JSON: tables, --memory and --numa.
int run_view(Env& env, const ListOptions& options, const Filters& filters)
{
  if (options.memory && options.numa) {
    print_error("--memory and --numa are two views: give one of them");
    return k_exit_usage;
  }
  bool view = options.memory || options.numa;
  auto shown = view_options(options.format, options.columns, view ? Format::table : Format::json);
  if (!shown) {
    print_error(shown.error().message());
    return k_exit_usage;
  }
  if (options.mappings && (view || shown->format == Format::table)) {
    print_error("--mappings is part of daxctl's JSON list; the ranges are in the --memory view");
    return k_exit_usage;
  }
  std::vector<Error> bad;
  auto regions = read_regions(env.sysfs, bad);
  if (!regions) {
    print_error(regions.error().message());
    return k_exit_failure;
  }
  auto devices = selected_devices(*regions, filters, options.idle);
  if (options.memory) return report_unreadable(bad, print_memory_view(env, devices, *shown));
  if (options.numa) return report_unreadable(bad, print_numa_view(env, devices, *shown));
  return report_unreadable(bad, print_list_table(env, options, *regions, filters, *shown));
}

int run_list(Env& env, ListOptions options)
{
  auto filters = parse_filters(options);
  if (!filters) {
    print_error(filters.error().message());
    return k_exit_usage;
  }
  // daxctl: with neither -D nor -R, -r selects regions, -d devices, and nothing means devices.
  if (!options.devices && !options.regions) {
    options.regions = !options.region.empty();
    options.devices = !options.device.empty() || !options.regions;
  }
  if (options.memory || options.numa || options.format == "table" || !options.columns.empty()) {
    return run_view(env, options, *filters);
  }
  std::vector<Error> bad;
  auto regions = read_regions(env.sysfs, bad);
  if (!regions) {
    print_error(regions.error().message());
    return k_exit_failure;
  }
  std::optional<uint64_t> block_size;
  if (options.devices) {
    auto size = read_block_size(env.sysfs);
    if (size) block_size = *size;
    else if (size.error().code != ENOENT) bad.push_back(size.error()); // absent: no hotplug, no block counts
  }
  Human human = options.human ? Human::yes : Human::no;
  WithMappings mappings = options.mappings ? WithMappings::yes : WithMappings::no;

  Json out = Json::array();
  bool withheld = false; // a value left out because only root may read it
  for (const auto& region : *regions) {
    if (filters->region && region.id != *filters->region) continue;
    withheld = withheld || (options.regions && !region.align);
    Json devices = Json::array();
    for (const auto& device : region.devices) {
      if (filters->device && device.name != *filters->device) continue;
      if (device.size == 0 && !options.idle) continue;
      if (!options.devices) continue;
      withheld = withheld || (device.mode() == Mode::system_ram && device.ranges().empty());
      auto object = device_json(env.sysfs, device, block_size, human, mappings);
      if (!object) {
        bad.push_back(object.error());
        continue;
      }
      devices.push_back(std::move(*object));
    }
    if (!options.regions) {
      for (auto& device : devices) out.push_back(std::move(device));
      continue;
    }
    if (filters->device && devices.empty()) continue;
    Json object = region_json(region, human);
    if (!devices.empty()) object["devices"] = std::move(devices);
    out.push_back(std::move(object));
  }
  std::fputs(render_list(out, human).c_str(), stdout);
  if (withheld) {
    print_note("some values are readable by root only and were left out (region align, device "
               "resource and mappings, memory-block counts); run as root to see them");
  }
  return report_unreadable(bad, k_exit_ok);
}

} // namespace

Command list_command()
{
  return {"list", {}, "List regions and devices as JSON (daxctl's schema) or tables; memory and NUMA views",
          [](CLI::App& app) -> Runner {
            auto options = std::make_shared<ListOptions>();
            app.add_option("-r,--region", options->region, "Only this region (N or regionN)")->type_name("REGION");
            app.add_option("-d,--dev", options->device, "Only this device (daxX.Y, X.Y or all)")->type_name("DEVICE");
            app.add_flag("-D,--devices", options->devices, "Include devices");
            app.add_flag("-R,--regions", options->regions, "Include regions");
            app.add_flag("-M,--mappings", options->mappings, "Include each device's mapping ranges");
            app.add_flag("-i,--idle", options->idle, "Include devices of size 0");
            app.add_flag("-u,--human", options->human, "Human-readable sizes and hex addresses");
            app.add_flag("--memory", options->memory,
                         "Per device: hot-plug ranges, memory blocks, what alignment lost");
            app.add_flag("--numa", options->numa, "NUMA nodes: memory, distances, tiers, dax memory");
            add_view_options(app, options->format, options->columns,
                             "table or json (default: json, a table for --memory and --numa)");
            return [options](Env& env) { return run_list(env, *options); };
          }};
}

} // namespace dax::cli
