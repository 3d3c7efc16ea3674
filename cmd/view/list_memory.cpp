// dax list --memory: each device's hot-plug ranges and memory blocks, grouped like lsmem.
#include "cmd/view/device_json.hpp"
#include "cmd/view/device_table.hpp"
#include "cmd/view/views.hpp"
#include "core/model/memory_view.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

// "0x108000000-0x13fffffff": a range with its last byte, as lsmem and /proc/iomem show it.
std::string range_text(const Range& range)
{
  return fmt::format("{:#x}-{:#x}", range.start, range.end() - 1);
}

// "33-39", or "33" for one block.
std::string block_span(const BlockGroup& group)
{
  return group.count == 1 ? std::to_string(group.first) : fmt::format("{}-{}", group.first, group.last());
}

// A group's state word; "absent" for blocks kmem has not added (devdax mode).
std::string state_text(const BlockGroup& group)
{
  return group.state ? std::string(to_string(*group.state)) : "absent";
}

// Online green, offline yellow, absent dim.
Style state_style(const BlockGroup& group)
{
  if (!group.state) return Style::dim;
  return *group.state == BlockState::online ? Style::good : Style::warn;
}

// One device and its memory view, in the order the devices were selected.
struct DeviceView
{
  const Device* device;
  MemoryView view;
  // When its ranges are root's: the blocks of its target node, which every user may read.
  std::optional<std::vector<BlockGroup>> node_groups;

  // Whether its ranges (and so its own blocks) are known: a size-0 device has none.
  bool known() const { return device->size == 0 || !device->ranges().empty(); }
};

// One block group as JSON, in bytes.
Json group_json(const BlockGroup& group, uint64_t block_size)
{
  Range range = group.range(block_size);
  Json object{{"start", range.start}, {"end", range.end() - 1}, {"size", range.size},
              {"first_block", group.first}, {"last_block", group.last()}, {"state", state_text(group)}};
  if (group.zone) object["zone"] = to_string(*group.zone);
  if (group.node) object["node"] = *group.node;
  return object;
}

// dax's own JSON for one device: its ranges under alignment and its block groups, in bytes.
Json view_json(const DeviceView& item)
{
  Json ranges = Json::array();
  for (const auto& range : item.view.ranges) {
    Json object{{"start", range.range.start}, {"end", range.range.end() - 1}, {"size", range.range.size}};
    if (range.hotplug) {
      object["hotplug_start"] = range.hotplug->start;
      object["hotplug_end"] = range.hotplug->end() - 1;
      object["hotplug_size"] = range.hotplug->size;
    } else {
      object["too_small"] = true;
    }
    object["lost_before"] = range.lost_before;
    object["lost_after"] = range.lost_after;
    ranges.push_back(std::move(object));
  }
  Json memory = Json::array();
  for (const auto& group : item.view.groups) memory.push_back(group_json(group, item.view.block_size));
  // null, not 0 or [], when the ranges could not be read (not root): nothing is known about them.
  bool known = item.known();
  Json object{{"chardev", item.device->name.str()}, {"mode", to_string(item.device->mode())},
              {"block_size", item.view.block_size},
              {"hotplug_size", known ? Json(item.view.hotplug_bytes) : Json(nullptr)},
              {"lost_size", known ? Json(item.view.lost_bytes()) : Json(nullptr)},
              {"ranges", known ? std::move(ranges) : Json(nullptr)}, {"memory", known ? std::move(memory) : Json(nullptr)}};
  if (item.node_groups) {
    Json node = Json::array();
    for (const auto& group : *item.node_groups) node.push_back(group_json(group, item.view.block_size));
    object["target_node_memory"] = std::move(node);
  }
  return object;
}

// The blocks of a node as lsmem shows them: one row a group.
Table node_table(const std::vector<BlockGroup>& groups, uint64_t block_size)
{
  Table table({{"RANGE", Align::left}, {"SIZE", Align::right}, {"STATE", Align::left}, {"ZONE", Align::left},
               {"NODE", Align::right}, {"BLOCKS", Align::right}},
              {"RANGE", "SIZE", "STATE", "ZONE", "NODE", "BLOCKS"});
  for (const auto& group : groups) {
    table.add_row({range_text(group.range(block_size)), Cell::size(group.range(block_size).size),
                   Cell(state_text(group), state_style(group)), group.zone ? std::string(to_string(*group.zone)) : k_none,
                   group.node ? std::to_string(*group.node) : k_none, block_span(group)});
  }
  return table;
}

// Without root: what every user may read of the memory of the nodes the devices target.
void print_node_sections(const std::vector<DeviceView>& views, const ViewOptions& options)
{
  for (const auto& item : views) {
    if (!item.node_groups) continue;
    fmt::print("\n{}\n", bold(fmt::format("{}: its own blocks need root; the memory blocks of node {}, its target node:",
                                          item.device->name.str(), *item.device->target_node),
                              options.look.colour));
    std::fputs(node_table(*item.node_groups, item.view.block_size).render(options.look).c_str(), stdout);
  }
}

// One row per block group, like lsmem's rows.
Table blocks_table(const std::vector<DeviceView>& views)
{
  Table table({{"DEVICE", Align::left}, {"RANGE", Align::left}, {"START", Align::left}, {"END", Align::left},
               {"SIZE", Align::right}, {"STATE", Align::left}, {"ZONE", Align::left}, {"NODE", Align::right},
               {"BLOCKS", Align::right}, {"COUNT", Align::right}},
              {"DEVICE", "RANGE", "SIZE", "STATE", "ZONE", "NODE", "BLOCKS"});
  for (const auto& item : views) {
    for (const auto& group : item.view.groups) {
      Range range = group.range(item.view.block_size);
      table.add_row({item.device->name.str(), range_text(range), fmt::format("{:#x}", range.start),
                     fmt::format("{:#x}", range.end() - 1), Cell::size(range.size),
                     Cell(state_text(group), state_style(group)), group.zone ? std::string(to_string(*group.zone)) : k_none,
                     group.node ? std::to_string(*group.node) : k_none, block_span(group),
                     std::to_string(group.count)});
    }
  }
  return table;
}

// One row per piece of a range that alignment keeps out, with the reason.
Table lost_table(const std::vector<DeviceView>& views)
{
  Table table({{"DEVICE", Align::left}, {"RANGE", Align::left}, {"SIZE", Align::right}, {"WHY", Align::left}},
              {"DEVICE", "RANGE", "SIZE", "WHY"});
  for (const auto& item : views) {
    std::string block = human_size(item.view.block_size);
    auto row = [&](const Range& range, std::string why) {
      table.add_row({item.device->name.str(), range_text(range), Cell::size(range.size), std::move(why)});
    };
    for (const auto& range : item.view.ranges) {
      if (range.too_small()) {
        row(range.range, fmt::format("too small after alignment (no whole {} block)", block));
        continue;
      }
      if (range.lost_before > 0) {
        row({range.range.start, range.lost_before}, fmt::format("before the first whole {} block", block));
      }
      if (range.lost_after > 0) {
        row({range.hotplug->end(), range.lost_after}, fmt::format("after the last whole {} block", block));
      }
    }
  }
  return table;
}

} // namespace

Table memory_view_table()
{
  return blocks_table({});
}

int print_memory_view(Env& env, const std::vector<Device>& devices, const ViewOptions& options)
{
  auto block_size = read_block_size(env.sysfs);
  if (!block_size) return print_block_size_error(block_size.error());
  std::vector<DeviceView> views;
  std::vector<std::string> unreadable;
  for (const auto& device : devices) {
    if (device.size > 0 && device.ranges().empty()) unreadable.push_back(device.name.str());
    auto view = read_memory_view(env.sysfs, device, *block_size);
    if (!view) {
      print_error(view.error().message());
      return k_exit_failure;
    }
    views.push_back({&device, std::move(*view), std::nullopt});
    if (!views.back().known() && device.target_node && *device.target_node >= 0) {
      auto groups = read_node_blocks(env.sysfs, *device.target_node);
      if (!groups) {
        print_error(groups.error().message());
        return k_exit_failure;
      }
      views.back().node_groups = std::move(*groups);
    }
  }
  int code = k_exit_ok;
  if (options.format == Format::json) {
    Json out = Json::array();
    for (const auto& item : views) out.push_back(view_json(item));
    std::fputs(render_list(out, Human::no).c_str(), stdout);
  } else {
    Table blocks = blocks_table(views);
    code = print_table(blocks, options);
    // --raw and --pairs print one table for a script: the prose below is for people.
    if (code != k_exit_ok || views.empty() || options.look.layout != Layout::aligned) return code;
    Table lost = lost_table(views);
    if (lost.empty() && !unreadable.empty()) {
      fmt::print("\nLost to {} block alignment: unknown (the ranges are readable by root only).\n",
                 human_size(*block_size));
    } else if (lost.empty()) {
      fmt::print("\nNothing lost to {} block alignment.\n", human_size(*block_size));
    } else {
      fmt::print("\n{}\n", bold(fmt::format("Lost to {} block alignment:", human_size(*block_size)), options.look.colour));
      std::fputs(lost.render(options.look).c_str(), stdout);
    }
    print_node_sections(views, options);
  }
  for (const auto& name : unreadable) {
    print_note(fmt::format("{}: its address ranges are readable by root only; run as root to see its own memory "
                           "blocks and what alignment lost", name));
  }
  return code;
}

} // namespace dax::cli
