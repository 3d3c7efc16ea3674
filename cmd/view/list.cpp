// dax list: regions and devices as daxctl's JSON, or as tables; the memory and NUMA views.
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "cmd/view/device_blocks.hpp"
#include "cmd/view/device_json.hpp"
#include "cmd/view/device_table.hpp"
#include "cmd/view/views.hpp"

#include <CLI/CLI.hpp>
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
  ViewArgs view;        // --format ("table", "json", or empty: JSON for the list, a table for the
                        // views), -J, -o and the table options
};

// What the filters in the options select: -r, -d, and -i for devices of size 0.
struct Filters
{
  std::optional<unsigned> region;
  std::optional<DeviceName> device;
  bool idle = false;

  bool selects(const Region& candidate) const { return !region || candidate.id == *region; }
  bool selects(const Device& candidate) const
  {
    return (!device || candidate.name == *device) && (candidate.size != 0 || idle);
  }
};

Result<Filters> parse_filters(const ListOptions& options)
{
  Filters filters;
  filters.idle = options.idle;
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

// The devices the filters select, in natural order.
std::vector<Device> selected_devices(const std::vector<Region>& regions, const Filters& filters)
{
  std::vector<Device> devices;
  for (const auto& region : regions) {
    if (!filters.selects(region)) continue;
    for (const auto& device : region.devices) {
      if (filters.selects(device)) devices.push_back(device);
    }
  }
  return devices;
}

// `list --format=table`: the regions table when regions are asked for, the devices table when
// devices are; with both, the regions first (in their default or all columns: -o is the
// devices'), a blank line between.
int print_list_table(Env& env, const ListOptions& options, const std::vector<Region>& regions,
                     const Filters& filters, const ViewOptions& view)
{
  if (options.regions) {
    std::vector<Region> shown;
    for (const auto& region : regions) {
      if (filters.selects(region)) shown.push_back(region);
    }
    Table table = region_table(shown);
    if (!options.devices) return print_table(table, view);
    ViewOptions regions_view = view;
    regions_view.columns.clear();
    // The devices' -o is checked first: a bad column prints no half of the view.
    if (auto columns = check_columns(device_table({}), view); !columns) return usage_error(columns.error().message());
    print_table(table, regions_view);
    std::fputs("\n", stdout);
  }
  return print_device_table(env, selected_devices(regions, filters), view);
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
    return usage_error("--memory and --numa are two views: give one of them");
  }
  bool view = options.memory || options.numa;
  auto shown = view_options(options.view, view ? Format::table : Format::json, options.human);
  if (!shown) {
    return usage_error(shown.error().message());
  }
  if (options.human && view && shown->format == Format::json) {
    return usage_error("-u: the JSON of --memory and --numa is dax's own and gives sizes in bytes; -u is for "
                       "daxctl's JSON (tables are human-readable without it)");
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
  // dax's own views: an unknown region or device is bad input (exit 2), as in status.
  if (auto exists = check_filter_exists(*regions, filters.region, filters.device); !exists) {
    return print_target_error(exists.error());
  }
  auto devices = selected_devices(*regions, filters);
  if (options.memory) return report_unreadable(bad, print_memory_view(env, devices, *shown));
  if (options.numa) return report_unreadable(bad, print_numa_view(env, devices, *shown));
  return report_unreadable(bad, print_list_table(env, options, *regions, filters, *shown));
}

// daxctl's JSON list as it is built: the entries, and whether a value was left out because only
// root may read it.
struct JsonList
{
  Json entries = Json::array();
  bool withheld = false;
  std::vector<Error> bad; // devices (or block_size_bytes) that could not be read: reported after
};

// The device objects of `region` the filters select; none without -D. A device whose blocks
// cannot be read is left out and added to `list.bad`.
Json device_objects(Sysfs& sysfs, const Region& region, const ListOptions& options, const Filters& filters,
                    std::optional<uint64_t> block_size, JsonList& list)
{
  Json devices = Json::array();
  if (!options.devices) return devices;
  for (const auto& device : region.devices) {
    if (!filters.selects(device)) continue;
    list.withheld = list.withheld || ranges_withheld(device);
    auto object = device_json(sysfs, device, block_size, options.human ? Human::yes : Human::no,
                              options.mappings ? WithMappings::yes : WithMappings::no);
    if (!object) {
      list.bad.push_back(object.error());
      continue;
    }
    devices.push_back(std::move(*object));
  }
  return devices;
}

// With -R, a region object a region, its devices under "devices"; without, the device objects.
JsonList list_json(Sysfs& sysfs, const std::vector<Region>& regions, const ListOptions& options,
                   const Filters& filters)
{
  JsonList list;
  std::optional<uint64_t> block_size;
  if (options.devices) {
    auto size = read_block_size(sysfs);
    if (size) block_size = *size;
    else if (size.error().code != ENOENT) list.bad.push_back(size.error()); // absent: no hotplug, no counts
  }
  for (const auto& region : regions) {
    if (!filters.selects(region)) continue;
    list.withheld = list.withheld || (options.regions && !region.align);
    Json devices = device_objects(sysfs, region, options, filters, block_size, list);
    if (!options.regions) {
      for (auto& device : devices) list.entries.push_back(std::move(device));
      continue;
    }
    if (filters.device && devices.empty()) continue;
    Json object = region_json(region, options.human ? Human::yes : Human::no);
    if (!devices.empty()) object["devices"] = std::move(devices);
    list.entries.push_back(std::move(object));
  }
  return list;
}

// The table whose columns -o names: the view's, the regions' with -R alone, else the devices'.
Table output_table(const ListOptions& options)
{
  if (options.memory) return memory_view_table();
  if (options.numa) return numa_view_table();
  return options.regions && !options.devices ? region_table({}) : device_table({});
}

int run_list(Env& env, ListOptions options)
{
  auto filters = parse_filters(options);
  if (!filters) {
    return usage_error(filters.error().message());
  }
  // daxctl: with neither -D nor -R, -r selects regions, -d devices, and nothing means devices.
  if (!options.devices && !options.regions) {
    options.regions = !options.region.empty();
    options.devices = !options.device.empty() || !options.regions;
  }
  if (options.view.list_columns) return print_column_names(output_table(options));
  auto view = view_options(options.view, Format::json, options.human);
  if (options.memory || options.numa || !view || view->format == Format::table) {
    return run_view(env, options, *filters);
  }
  std::vector<Error> bad;
  auto regions = read_regions(env.sysfs, bad);
  if (!regions) {
    print_error(regions.error().message());
    return k_exit_failure;
  }
  JsonList list = list_json(env.sysfs, *regions, options, *filters);
  std::fputs(render_list(list.entries, options.human ? Human::yes : Human::no).c_str(), stdout);
  // daxctl's JSON keeps its "[]" for an unknown filter (scripts rely on it); the reason goes to stderr.
  if (auto exists = check_filter_exists(*regions, filters->region, filters->device); !exists) {
    print_note(fmt::format("{}; daxctl's JSON lists nothing for it", exists.error().message()));
  }
  if (list.withheld) {
    print_note("some values are readable by root only and were left out (region align, device "
               "resource and mappings, memory-block counts); run as root to see them");
  }
  bad.insert(bad.end(), list.bad.begin(), list.bad.end());
  return report_unreadable(bad, k_exit_ok);
}

void add_list_options(CLI::App& app, ListOptions& options)
{
  app.add_option("-r,--region", options.region, "Only this region (N or regionN)")->type_name("REGION");
  app.add_option("-d,--dev", options.device, "Only this device (daxX.Y, X.Y or all)")->type_name("DEVICE");
  app.add_flag("-D,--devices", options.devices, "Include devices");
  app.add_flag("-R,--regions", options.regions, "Include regions");
  app.add_flag("-M,--mappings", options.mappings, "Include each device's mapping ranges");
  app.add_flag("-i,--idle", options.idle, "Include devices of size 0");
  app.add_flag("-u,--human", options.human, "Human-readable sizes and hex addresses");
  app.add_flag("--memory", options.memory, "Per device: hot-plug ranges, memory blocks, what alignment lost");
  app.add_flag("--numa", options.numa, "NUMA nodes: memory, distances, tiers, dax memory");
  add_view_options(app, options.view,
                   "table or json (default: json, a table for --memory and --numa)");
}

} // namespace

Command list_command()
{
  return make_command<ListOptions>(
    "list", {}, "List regions and devices as JSON (daxctl's schema) or tables; memory and NUMA views",
    add_list_options, run_list);
}

} // namespace dax::cli
