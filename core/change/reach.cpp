#include "core/change/reach.hpp"

#include "core/change/driver.hpp"
#include "core/change/kmem_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <map>

namespace dax {

namespace {

OnlineAs other(OnlineAs as)
{
  return as == OnlineAs::movable ? OnlineAs::kernel : OnlineAs::movable;
}

std::string_view describe(MemoryRequest request)
{
  if (request.online == OnlineAfter::no) return "offline";
  return request.as == OnlineAs::movable ? "online in zone Movable" : "online in a kernel zone";
}

// Offlines block `index` and onlines it again as `as`; if the second step fails it is put back in
// the other zone, so that no memory is lost to the move.
BlockResult move_block(Context& ctx, uint64_t index, OnlineAs as)
{
  BlockPass off = offline_blocks(ctx.sysfs, std::vector<uint64_t>{index}, StopAtFailure::yes, ctx.retry);
  if (!off.ok()) return off.blocks.front();
  BlockPass on = online_blocks(ctx.sysfs, std::vector<uint64_t>{index}, as);
  if (on.ok()) return {index, BlockOutcome::changed, {}};
  (void)online_blocks(ctx.sysfs, std::vector<uint64_t>{index}, other(as));
  return on.blocks.front();
}

// Moves the blocks of `wrong` into the zone of `as`, one at a time, stopping between blocks when
// asked to.
BlockPass move_blocks(Context& ctx, const std::vector<uint64_t>& wrong, OnlineAs as)
{
  BlockPass pass;
  for (uint64_t index : wrong) {
    if (ctx.control.stop && ctx.control.stop()) {
      pass.interrupted = true;
      break;
    }
    pass.blocks.push_back(move_block(ctx, index, as));
    if (ctx.control.progress) ctx.control.progress(pass.blocks.size(), wrong.size());
  }
  return pass;
}

// Moves every block of the device at once: unplug, then plug as `as` (the kernel does each step
// for all blocks or none). If plugging as asked fails, the memory is plugged back in the other zone.
Result<BlockPass> replug_device(Context& ctx, const Device& device, const std::vector<uint64_t>& present, OnlineAs as)
{
  if (auto unplugged = unplug_device(ctx.sysfs, device.name, ctx.retry); !unplugged) {
    std::string_view zone = as == OnlineAs::movable ? "zone Movable" : "a kernel zone";
    return std::unexpected(with_outcome(on_device(device.name.str(), unplugged.error()),
                                        fmt::format("moving its memory to {} failed; the kernel left every block as "
                                                    "it was", zone)));
  }
  if (auto plugged = plug_device(ctx.sysfs, device.name, as); !plugged) {
    auto back = plug_device(ctx.sysfs, device.name, other(as));
    return std::unexpected(with_outcome(on_device(device.name.str(), plugged.error()),
                                        back ? "its memory was plugged back in the other zone"
                                             : "plugging it back failed too: its memory is unplugged"));
  }
  BlockPass pass;
  for (uint64_t index : present) pass.blocks.push_back({index, BlockOutcome::changed, {}});
  return pass;
}

// Folds `moves` into `pass`: a moved block counts as changed, a failed move as failed.
void merge(BlockPass& pass, const BlockPass& moves)
{
  for (const auto& moved : moves.blocks) {
    auto it = std::find_if(pass.blocks.begin(), pass.blocks.end(),
                           [&](const BlockResult& block) { return block.index == moved.index; });
    if (it == pass.blocks.end()) pass.blocks.push_back(moved);
    else *it = moved;
  }
  pass.interrupted = pass.interrupted || moves.interrupted;
}

// Onlines what is offline, then moves what is online in the other zone.
Result<BlockPass> online_as_asked(Context& ctx, const Device& device, uint64_t block_size, const DeviceMemory& memory,
                                  OnlineAs as)
{
  auto state = read_kmem_state(ctx.sysfs, device.name);
  if (!state) return std::unexpected(on_device(device.name.str(), state.error()));
  BlockPass pass;
  // The blocks decide: "unplugged" with memoryN present would be stale (unplugging removes them).
  if (*state == KmemState::unplugged && memory.blocks.empty()) {
    if (auto plugged = plug_device(ctx.sysfs, device.name, as); !plugged) {
      return std::unexpected(with_outcome(on_device(device.name.str(), plugged.error()), "its memory stays unplugged"));
    }
    for (uint64_t index : block_indexes(memory.plan, block_size)) {
      pass.blocks.push_back({index, BlockOutcome::changed, {}});
    }
    return pass;
  }
  pass = online_blocks(ctx.sysfs, memory.blocks, as, ctx.control);
  if (pass.interrupted) return pass;
  auto now = read_device_memory(ctx.sysfs, device, block_size, WithZone::yes);
  if (!now) return std::unexpected(on_device(device.name.str(), now.error()));
  std::vector<uint64_t> wrong, present;
  for (const auto& block : now->blocks) {
    present.push_back(block.index);
    if (block.state == BlockState::online && !in_zone(block, as)) wrong.push_back(block.index);
  }
  if (wrong.empty()) return pass;
  if (*state) {
    auto replugged = replug_device(ctx, device, present, as);
    if (!replugged) return std::unexpected(replugged.error());
    merge(pass, *replugged);
  } else {
    merge(pass, move_blocks(ctx, wrong, as));
  }
  return pass;
}

// "online in Normal"; "online in an unknown zone" when the zone was not read.
std::string online_in(const MemoryBlock& block)
{
  if (!block.zone) return "online in an unknown zone";
  return fmt::format("online in {}", to_string(*block.zone));
}

} // namespace

bool in_zone(const MemoryBlock& block, OnlineAs as)
{
  if (!block.zone) return false;
  bool movable = *block.zone == Zone::movable;
  return as == OnlineAs::movable ? movable : !movable;
}

std::map<std::string, WrongBlocks> wrong_blocks(const DeviceMemory& memory, uint64_t block_size, MemoryRequest request)
{
  std::map<std::string, WrongBlocks> wrong; // "online in Normal" / "offline" -> blocks
  for (uint64_t index : block_indexes(memory.plan, block_size)) {
    auto block = std::find_if(memory.blocks.begin(), memory.blocks.end(),
                              [&](const MemoryBlock& b) { return b.index == index; });
    bool online = block != memory.blocks.end() && block->state == BlockState::online;
    auto add = [&](const std::string& how, BlockWrong why) {
      wrong[how].why = why;
      wrong[how].indexes.push_back(index);
    };
    if (request.online == OnlineAfter::no) {
      // A block going offline still holds memory in use: not offline yet.
      if (online) add(online_in(*block), BlockWrong::state);
      else if (block != memory.blocks.end() && block->state == BlockState::going_offline) add("going-offline", BlockWrong::state);
    } else if (!online) {
      add(block == memory.blocks.end() ? "not present" : std::string(to_string(block->state)), BlockWrong::state);
    } else if (!in_zone(*block, request.as)) {
      add(online_in(*block), BlockWrong::zone);
    }
  }
  return wrong;
}

std::string mismatch(const DeviceMemory& memory, uint64_t block_size, MemoryRequest request)
{
  std::string text;
  for (const auto& [how, blocks] : wrong_blocks(memory, block_size, request)) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{} {} {}", describe_blocks(blocks.indexes), blocks.indexes.size() == 1 ? "is" : "are", how);
  }
  if (text.empty()) return text;
  return fmt::format("asked for its memory {}, but {}", describe(request), text);
}

std::string describe_failures(const BlockPass& pass)
{
  struct Group
  {
    std::string reason;     // the message with the block's directory as memoryN
    std::string first;      // the first block's own message
    std::vector<uint64_t> indexes;
  };
  std::vector<Group> groups;
  for (const auto& block : pass.blocks) {
    if (block.outcome != BlockOutcome::failed || !block.error) continue;
    Error error = *block.error;
    error.device.clear();
    std::string own = error.message();
    std::string dir = fmt::format("/memory{}/", block.index);
    if (size_t at = error.subject.find(dir); at != std::string::npos) error.subject.replace(at, dir.size(), "/memoryN/");
    std::string reason = error.message();
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.reason == reason; });
    if (group == groups.end()) {
      groups.push_back({reason, own, {}});
      group = groups.end() - 1;
    }
    group->indexes.push_back(block.index);
  }
  std::string text;
  for (const auto& group : groups) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{}: {}", describe_blocks(group.indexes), group.indexes.size() == 1 ? group.first : group.reason);
  }
  return text;
}

std::string busy_advice(const BlockPass& pass)
{
  bool any = std::any_of(pass.blocks.begin(), pass.blocks.end(), [](const BlockResult& block) {
    return block.outcome == BlockOutcome::failed && block.error && block.error->code == EBUSY;
  });
  if (!any) return "";
  return ". The kernel could not move every page out of them: memory onlined as kernel memory (zone Normal) "
         "can hold pages that never move (kernel and pipe buffers, pinned pages); stop what uses that memory "
         "and try again, or online the device's memory as movable next time";
}

std::string describe_interrupted(const BlockPass& pass, size_t total, std::string_view state)
{
  return fmt::format("interrupted after {} of {} memory blocks: {} set {} now ({} were already), the "
                     "other {} are as they were",
                     pass.blocks.size(), total, pass.count(BlockOutcome::changed), state,
                     pass.count(BlockOutcome::already), total - pass.blocks.size());
}

Error first_failure(const BlockPass& pass)
{
  for (const auto& block : pass.blocks) {
    if (block.outcome == BlockOutcome::failed && block.error) return *block.error;
  }
  return logic_error("", "", "");
}

Result<BlockPass> reach_request(Context& ctx, const Device& device, uint64_t block_size, MemoryRequest request)
{
  auto memory = read_device_memory(ctx.sysfs, device, block_size, WithZone::yes);
  if (!memory) return std::unexpected(memory.error());
  Result<BlockPass> pass;
  if (request.online == OnlineAfter::no) {
    pass = offline_blocks(ctx.sysfs, memory->blocks, StopAtFailure::no, ctx.retry, ctx.control);
  } else {
    pass = online_as_asked(ctx, device, block_size, *memory, request.as);
  }
  if (!pass) return pass;
  std::string_view verb = request.online == OnlineAfter::no ? "offline" : "online";
  if (pass->interrupted) {
    return std::unexpected(interruption(device.name.str(), describe_interrupted(*pass, memory->blocks.size(), verb)));
  }
  auto after = read_device_memory(ctx.sysfs, device, block_size, WithZone::yes);
  if (!after) return std::unexpected(after.error());
  std::string left = mismatch(*after, block_size, request);
  if (left.empty()) return pass;
  std::string failures = describe_failures(*pass);
  if (failures.empty()) return std::unexpected(refusal(device.name.str(), left));
  Error cause = first_failure(*pass);
  std::string detail = fmt::format("{} ({}){}", left, failures, busy_advice(*pass));
  // EINVAL: the kernel (or the check before the write) refuses zone Movable for a block.
  if (request.online == OnlineAfter::yes && request.as == OnlineAs::movable && cause.code == EINVAL) {
    detail += fmt::format("; use {}", ctx.words(Hint::kernel_memory, device.name));
  }
  return std::unexpected(refusal(device.name.str(), detail, cause));
}

Result<void> check_driver(Sysfs& sysfs, const DeviceName& name, Driver driver)
{
  std::string bound;
  auto now = read_driver(sysfs, name, &bound);
  if (!now) return std::unexpected(now.error());
  if (*now == driver) return {};
  return std::unexpected(refusal(name.str(), fmt::format("expected to be bound to {} now, but it is {}",
                                                         driver_dir_name(driver),
                                                         *now == Driver::none ? std::string("unbound")
                                                                              : "bound to " + bound)));
}

} // namespace dax
