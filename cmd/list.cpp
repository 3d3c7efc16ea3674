// dax list: regions and devices as daxctl's JSON.
#include "command.hpp"
#include "device_json.hpp"
#include "memory.hpp"
#include "targets.hpp"

#include <fmt/format.h>

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
  auto regions = read_regions(env.sysfs);
  if (!regions) {
    print_error(regions.error().message());
    return k_exit_failure;
  }
  std::optional<uint64_t> block_size;
  if (options.devices) {
    if (auto size = read_block_size(env.sysfs)) block_size = *size; // no hotplug support: no block counts
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
        print_error(object.error().message());
        return k_exit_failure;
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
  return k_exit_ok;
}

} // namespace

Command list_command()
{
  return {"list", {}, "List regions and devices as JSON (daxctl's schema)", [](CLI::App& app) -> Runner {
            auto options = std::make_shared<ListOptions>();
            app.add_option("-r,--region", options->region, "Only this region (N or regionN)")->type_name("REGION");
            app.add_option("-d,--dev", options->device, "Only this device (daxX.Y, X.Y or all)")->type_name("DEVICE");
            app.add_flag("-D,--devices", options->devices, "Include devices");
            app.add_flag("-R,--regions", options->regions, "Include regions");
            app.add_flag("-M,--mappings", options->mappings, "Include each device's mapping ranges");
            app.add_flag("-i,--idle", options->idle, "Include devices of size 0");
            app.add_flag("-u,--human", options->human, "Human-readable sizes and hex addresses");
            return [options](Env& env) { return run_list(env, *options); };
          }};
}

} // namespace dax::cli
