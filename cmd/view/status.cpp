// dax status: one screen saying, for each device, what it is, what it is used as, and what the
// user can do next. Text by default (it is for people), JSON with --format=json.
#include "cmd/common/command.hpp"
#include "cmd/common/failure.hpp"
#include "cmd/common/help_format.hpp"
#include "cmd/common/targets.hpp"
#include "cmd/view/device_json.hpp"
#include "cmd/view/device_table.hpp"
#include "cmd/view/views.hpp"
#include "core/base/parse.hpp"
#include "core/base/words.hpp"
#include "core/model/device_users.hpp"
#include "core/model/hotplug.hpp"
#include "core/model/hotplug_policy.hpp"
#include "core/model/numa.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <map>

namespace dax::cli {

namespace {

// What `dax status` was given.
struct StatusOptions
{
  TargetOptions targets;
  std::string format;
};

// The width status fits in (a terminal's default) and the indentation of its values.
constexpr size_t k_screen_width = 80;
constexpr std::string_view k_indent = "           ";

// A command the user can run next (its arguments after "dax"), and why.
struct Step
{
  std::vector<std::string> args;
  std::string why;

  std::string command() const { return fmt::format("dax {}", fmt::join(args, " ")); }
};

// What status says about one device.
struct DeviceStatus
{
  DeviceState state;
  HotplugPlan plan;                 // what kmem would hot-add (or has); empty when unknown
  std::vector<DeviceUser> users;    // processes using /dev/daxX.Y (devdax and famfs mode only)
  std::string used_as;              // one line: what the device is used as now
  Style used_style = Style::plain;
  std::vector<std::string> notes;   // warnings worth a line of their own
  std::vector<Step> next;
  bool users_known = true;          // false when /proc could not be searched fully (not root)
};

// "System RAM: 7 of 7 memory blocks online in zone Movable".
std::string blocks_summary(const DeviceState& state)
{
  const auto& memory = *state.memory;
  std::string zones = state.zones();
  std::string where = zones == k_none ? "" : fmt::format(" in zone {}", zones);
  return fmt::format("System RAM: {} of {} online{}", memory.online_count(), counted(memory.total_count(), "memory block"),
                     where);
}

// Fills in used_as, notes and next for a system-ram device.
void advise_system_ram(DeviceStatus& status)
{
  std::string name = status.state.device.name.str();
  status.used_style = Style::good;
  if (!status.state.memory || status.state.memory->blocks.empty()) {
    status.used_as = "System RAM (kmem); its memory blocks are unknown (ranges readable by root only)";
    return;
  }
  const auto& memory = *status.state.memory;
  status.used_as = blocks_summary(status.state);
  unsigned online = memory.online_count();
  bool normal = status.state.zones().find("Normal") != std::string::npos;
  if (online < memory.total_count()) {
    status.used_style = Style::warn;
    // Beside blocks online in Normal, onlining Movable would first move those (offline them).
    if (normal) status.next.push_back({{"online", "--no-movable", name}, "online the offline blocks (zone Normal)"});
    else status.next.push_back({{"online", name}, "online the offline blocks"});
  }
  if (normal) {
    // Memory online in ZONE_NORMAL takes kernel allocations at once; Linux usually refuses to
    // offline it again (EBUSY: 7.3's CXL memory, 6.1's node with boot RAM), and every way back
    // (offline, devdax, a move to Movable) starts by offlining: none of them is advised.
    status.notes.push_back("zone Normal holds kernel allocations: it may refuse to go offline, and Linux usually does "
                           "(EBUSY), so no offline, devdax or move to Movable is advised");
    status.notes.push_back("to have it Movable, let it come up offline (auto_online_blocks=offline, or "
                           "memhp_default_state=offline on the kernel command line), then dax online it "
                           "(dax apply does at boot)");
    return;
  }
  if (online > 0) {
    status.next.push_back({{"offline", name}, "take the memory offline"});
    status.next.push_back({{"reconfigure", "-m", "devdax", "-f", name}, "offline, remove, back to devdax"});
  } else {
    status.next.push_back({{"reconfigure", "-m", "devdax", name}, "remove, back to devdax"});
  }
}

// The notes on who holds /dev/daxX.Y; true when someone does, and no mode change can succeed.
bool note_users(DeviceStatus& status)
{
  if (!status.users.empty()) {
    // The kernel keeps a held device bound: the way out is stopping the holders, not a command.
    status.notes.push_back(fmt::format("in use by {}: its mode cannot change until they stop; then run dax status again",
                                       describe_users(status.users)));
  }
  if (!status.users_known) {
    status.notes.push_back("other processes using it: unknown (only root can see every process's files)");
  }
  return !status.users.empty();
}

// Fills in used_as, notes and next for a famfs device (bound to fsdev_dax).
void advise_famfs(DeviceStatus& status)
{
  std::string name = status.state.device.name.str();
  status.used_as = fmt::format("the famfs file system's memory (fsdev_dax; /dev/{} cannot be mapped)", name);
  if (note_users(status)) return;
  status.next.push_back({{"reconfigure", "-m", "devdax", name}, "back to devdax (unmount famfs first)"});
}

// Fills in used_as, notes and next for a devdax device; famfs is offered where the kernel has
// fsdev_dax.
void advise_devdax(DeviceStatus& status, uint64_t block_size, bool famfs_available, uint64_t region_free)
{
  const Device& device = status.state.device;
  std::string name = device.name.str();
  if (device.size == 0) {
    // A dynamic region's seed device: nothing to use until space is given to it (create-device).
    status.used_as = "nothing: it has no memory (size 0, an idle device)";
    status.used_style = Style::dim;
    if (region_free > 0) {
      status.next.push_back({{"create-device", "-r", std::to_string(device.name.region)},
                             fmt::format("a device of the region's {} free", human_size(region_free))});
    }
    return;
  }
  if (!device.enabled()) {
    status.used_as = "nothing: no driver is bound (disabled)";
    status.used_style = Style::warn;
    status.next.push_back({{"enable-device", name}, "bind device_dax: /dev/" + name});
  } else {
    status.used_as = fmt::format("/dev/{}, a character device for applications (devdax)", name);
  }
  if (note_users(status)) return;
  if (device.enabled() && famfs_available) {
    status.next.push_back({{"reconfigure", "-m", "famfs", name}, "bind fsdev_dax for the famfs file system"});
  }
  if (device.ranges().empty()) {
    status.notes.push_back("its address ranges are readable by root only");
  } else if (status.plan.empty()) {
    status.notes.push_back(explain_empty_plan(device.name, device.ranges(), block_size) +
                           ": it cannot become System RAM");
    return;
  }
  status.next.push_back({{"reconfigure", "-m", "system-ram", name}, "hot-add as System RAM (Movable)"});
}

// Reads a device and decides what to say about it.
Result<DeviceStatus> read_status(Env& env, const DeviceName& name, uint64_t block_size, uint64_t region_free)
{
  auto device = read_device(env.sysfs, name);
  if (!device) return std::unexpected(device.error());
  auto state = read_device_state(env.sysfs, std::move(*device), block_size);
  if (!state) return std::unexpected(state.error());
  DeviceStatus status{std::move(*state), {}, {}, {}, Style::plain, {}, {}};
  status.plan = status.state.plan.value_or(HotplugPlan{});
  Mode mode = status.state.device.mode();
  if (mode == Mode::system_ram) {
    advise_system_ram(status);
    return status;
  }
  if (status.state.device.enabled()) {
    auto search = search_device_users(env.sysfs, name);
    status.users = std::move(search.users);
    status.users_known = search.complete;
  }
  if (mode == Mode::famfs) {
    advise_famfs(status);
  } else {
    bool famfs_available = env.sysfs.exists(fmt::format("{}/{}", k_dax_drivers, driver_dir_name(Driver::fsdev_dax)));
    advise_devdax(status, block_size, famfs_available, region_free);
  }
  return status;
}

// "0, 2-16": node ids, consecutive ones as ranges.
std::string id_ranges(const std::vector<int>& ids)
{
  std::vector<std::string> parts;
  for (size_t i = 0; i < ids.size();) {
    size_t last = i;
    while (last + 1 < ids.size() && ids[last + 1] == ids[last] + 1) ++last;
    parts.push_back(last == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[last]));
    i = last + 1;
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

// "node 1: 896M total, 896M free, distance 20 from node 0, memory tier 4"; the other nodes are
// grouped by distance ("distance 20 from nodes 0, 2-16") so that many nodes still fit a line.
std::string node_line(const NumaView& numa, int id)
{
  const NumaNode* node = numa.find(id);
  if (node == nullptr) return fmt::format("node {}: not online yet (hot-adding memory to it onlines it)", id);
  std::vector<std::string> facts;
  if (node->mem_total && node->mem_free) {
    facts.push_back(fmt::format("{} total, {} free", human_size(*node->mem_total), human_size(*node->mem_free)));
  }
  std::map<unsigned, std::vector<int>> by_distance;
  for (const auto& distance : node->distances) {
    if (distance.node != id) by_distance[distance.distance].push_back(distance.node);
  }
  std::vector<std::string> distances;
  for (const auto& [distance, nodes] : by_distance) {
    distances.push_back(fmt::format("{} from node{} {}", distance, nodes.size() > 1 ? "s" : "", id_ranges(nodes)));
  }
  if (!distances.empty()) facts.push_back(fmt::format("distance {}", fmt::join(distances, ", ")));
  if (node->tier) facts.push_back(fmt::format("memory tier {}", *node->tier));
  // Broken between facts (", "), continuation lines under the value column, within the screen.
  std::string text = fmt::format("node {}: {}", id, fmt::join(facts, ", "));
  std::vector<std::string> pieces;
  for (size_t start = 0; start < text.size();) {
    size_t comma = text.find(", ", start);
    pieces.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma + 1 - start));
    start = comma == std::string::npos ? text.size() : comma + 2;
  }
  return wrap_pieces(pieces, k_screen_width - k_indent.size(), "\n" + std::string(k_indent));
}

// The lines of one device: heading, used as, lost, numa, notes, next.
void print_device(const DeviceStatus& status, const NumaView& numa, Colour colour)
{
  const Device& device = status.state.device;
  std::string heading = fmt::format("{}  {}  {}", device.name.str(), human_size(device.size), to_string(device.mode()));
  std::string where = fmt::format("region {}", device.name.region);
  if (device.target_node && *device.target_node >= 0) where += fmt::format(", target node {}", *device.target_node);
  fmt::print("{}  ({})\n", bold(heading, colour), where);
  fmt::print("  used as  {}\n", styled(status.used_as, status.used_style, colour));
  if (status.plan.device_bytes > 0 && status.plan.lost_bytes() > 0 && !status.plan.empty()) {
    fmt::print("  lost     {} of {} to block alignment (dax list --memory)\n",
               human_size(status.plan.lost_bytes()), human_size(status.plan.device_bytes));
  }
  if (device.target_node && *device.target_node >= 0) fmt::print("  numa     {}\n", node_line(numa, *device.target_node));
  for (const auto& note : status.notes) {
    fmt::print("  note     {}\n", styled(escape_controls(note), Style::warn, colour));
  }
  // Command and why side by side when every line fits the screen, else the why under its command.
  size_t width = 0;
  size_t why_width = 0;
  for (const auto& step : status.next) {
    width = std::max(width, step.command().size());
    why_width = std::max(why_width, step.why.size());
  }
  bool side_by_side = k_indent.size() + width + 2 + why_width <= k_screen_width;
  std::string_view label = "  next     ";
  for (const auto& step : status.next) {
    if (side_by_side) {
      fmt::print("{}{:<{}}  {}\n", label, step.command(), width, step.why);
    } else {
      fmt::print("{}{}\n{}  {}\n", label, step.command(), k_indent, step.why);
    }
    label = k_indent;
  }
}

// The zones of the online blocks, as a list; null when the blocks are unknown or there are none
// to know (devdax, famfs).
Json zones_json(const DeviceState& state)
{
  if (!state.memory) return nullptr;
  Json zones = Json::array();
  std::string text = state.zones();
  for (size_t start = 0; text != k_none && start <= text.size();) {
    size_t comma = std::min(text.find(',', start), text.size());
    zones.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return zones;
}

// The same facts as JSON, in bytes.
Json status_json(const DeviceStatus& status, const NumaView& numa)
{
  const Device& device = status.state.device;
  Json object{{"chardev", device.name.str()}, {"size", device.size}, {"region", device.name.region},
              {"mode", to_string(device.mode())}, {"state", device.enabled() ? "enabled" : "disabled"}};
  if (device.target_node && *device.target_node >= 0) {
    object["target_node"] = *device.target_node;
    if (const NumaNode* node = numa.find(*device.target_node)) {
      Json node_json = Json::object();
      if (node->mem_total) node_json["mem_total"] = *node->mem_total;
      if (node->mem_free) node_json["mem_free"] = *node->mem_free;
      if (node->tier) node_json["memory_tier"] = *node->tier;
      object["node"] = std::move(node_json);
    }
  }
  if (status.state.memory) {
    object["online_memblocks"] = status.state.memory->online_count();
    object["total_memblocks"] = status.state.memory->blocks.size();
  }
  // null, never 0, for what could not be read (the ranges are root's; so is every process's /proc).
  bool ranges_known = device.size == 0 || !device.ranges().empty();
  object["hotplug_size"] = ranges_known ? Json(status.plan.hotplug_bytes) : Json(nullptr);
  object["lost_size"] = ranges_known ? Json(status.plan.lost_bytes()) : Json(nullptr);
  object["driver"] = device.driver_name.empty() ? Json(nullptr) : Json(device.driver_name);
  object["zones"] = zones_json(status.state);
  object["used_as"] = status.used_as;
  Json users = Json::array();
  for (const auto& user : status.users) users.push_back({{"pid", user.pid}, {"command", user.command}, {"mapped", user.mapped}});
  object["users"] = status.users_known ? std::move(users) : Json(nullptr);
  object["notes"] = status.notes;
  Json next = Json::array();
  for (const auto& step : status.next) {
    next.push_back({{"args", step.args}, {"command", step.command()}, {"why", step.why}});
  }
  object["next"] = std::move(next);
  return object;
}

// The kernel-wide facts (status's footer) as JSON: null for what could not be read.
Json system_json(Env& env, const NumaView& numa, uint64_t block_size)
{
  auto policy = read_auto_online(env.sysfs);
  Json tiers = nullptr;
  if (numa.tiers) {
    tiers = Json::array();
    for (const auto& tier : *numa.tiers) tiers.push_back({{"id", tier.id}, {"nodes", tier.nodes}});
  }
  return Json{{"memory_block_size", block_size},
              {"auto_online_blocks", policy ? Json(std::string(to_string(*policy))) : Json(nullptr)},
              {"memory_tiers", std::move(tiers)},
              {"demotion_enabled", numa.demotion_enabled ? Json(*numa.demotion_enabled) : Json(nullptr)}};
}

// The kernel-wide facts that decide what hot-added memory does.
void print_kernel_lines(Env& env, const NumaView& numa, uint64_t block_size)
{
  auto policy = read_auto_online(env.sysfs);
  fmt::print("memory blocks: {}, auto_online_blocks: {}\n", human_size(block_size),
             policy ? to_string(*policy) : "unreadable");
  std::string tiers = "not available";
  if (numa.tiers) {
    std::vector<std::string> items;
    for (const auto& tier : *numa.tiers) items.push_back(fmt::format("{} (nodes {})", tier.id, fmt::join(tier.nodes, ",")));
    tiers = items.empty() ? "none" : fmt::format("{}", fmt::join(items, ", "));
  }
  std::string demotion = !numa.demotion_enabled ? "not available" : *numa.demotion_enabled ? "enabled" : "disabled";
  fmt::print("memory tiers: {}; demotion: {}{}\n", tiers, demotion,
             !numa.tiers && !numa.demotion_enabled ? " (not on this kernel)" : "");
}

// The devices read, as JSON or text, then the kernel-wide lines; `bad`, the devices that could not
// be read, are in the JSON's "errors" as error objects (their messages go to stderr either way).
int print_statuses(Env& env, const std::vector<DeviceStatus>& statuses, const std::vector<Error>& bad,
                   const NumaView& numa, const ViewOptions& view, uint64_t block_size)
{
  if (view.format == Format::json) {
    // dax's own schema (not daxctl's): the devices, the errors, then the footer the text ends with.
    Json devices = Json::array();
    for (const auto& status : statuses) devices.push_back(status_json(status, numa));
    Json errors = Json::array();
    for (const auto& error : bad) errors.push_back(failure_json(error));
    Json out{{"devices", std::move(devices)}, {"errors", std::move(errors)}, {"system", system_json(env, numa, block_size)}};
    std::fputs(render_list(out, Human::no).c_str(), stdout);
    return k_exit_ok;
  }
  if (statuses.empty()) fmt::print("No dax devices (is a dax driver such as dax_pmem or dax_hmem loaded?)\n");
  for (const auto& status : statuses) {
    print_device(status, numa, view.look.colour);
    fmt::print("\n");
  }
  print_kernel_lines(env, numa, block_size);
  return k_exit_ok;
}

// Reads everything first, then prints; a device that cannot be read is reported after the others.
int run_status(Env& env, StatusOptions options)
{
  ViewArgs args;
  args.format = options.format;
  auto view = view_options(args, Format::table, false);
  if (!view) {
    return usage_error(view.error().message());
  }
  if (options.targets.devices.empty()) options.targets.devices = {"all"};
  auto names = resolve_targets(env.sysfs, options.targets);
  if (!names) {
    return print_target_error(names.error());
  }
  auto block_size = read_block_size(env.sysfs);
  if (!block_size) return print_block_size_error(block_size.error());
  auto numa = read_numa(env.sysfs);
  if (!numa) {
    print_error(numa.error().message());
    return k_exit_failure;
  }
  std::vector<Error> bad; // reported after the others, which are still shown
  auto regions = read_regions(env.sysfs, bad);
  if (!regions) return print_target_error(regions.error());
  bad.clear(); // each device's own read reports it below
  if (auto exists = check_filter_exists(*regions, *parse_region_filter(options.targets.region), std::nullopt); !exists) {
    return print_target_error(exists.error());
  }
  std::map<unsigned, uint64_t> region_free; // dynamic regions' space for new devices
  for (const auto& region : *regions) region_free[region.id] = region.available_size.value_or(0);
  std::vector<DeviceStatus> statuses;
  for (const auto& name : *names) {
    auto status = read_status(env, name, *block_size, region_free[name.region]);
    if (!status) {
      Error error = status.error();
      if (error.device.empty()) error.device = name.str();
      bad.push_back(std::move(error));
      continue;
    }
    statuses.push_back(std::move(*status));
  }
  int code = print_statuses(env, statuses, bad, *numa, *view, *block_size);
  for (const auto& error : bad) print_error(error.message());
  return bad.empty() ? code : k_exit_failure;
}

void add_status_options(CLI::App& app, StatusOptions& options)
{
  add_target_options(app, options.targets, NoDevices::all);
  add_format_option(app, options.format, "table or json (default: table, text for a person)");
}

} // namespace

Command status_command()
{
  return make_command<StatusOptions>("status", {}, "What each device is, what it is used as, and what to do next",
                                     add_status_options, run_status);
}

} // namespace dax::cli
