#include "operations.hpp"

#include "device_users.hpp"
#include "kmem_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace dax {

namespace {

// The failed blocks grouped by reason, as compact ranges; one block keeps its own path:
// "memory160-175: write 'offline' to /sys/devices/system/memory/memoryN/state: Device or resource
// busy (after 5 attempts); memory180: write 'offline' to .../memory180/state: Input/output error".
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

// What an administrator can do about blocks that stayed busy, or "" when none did.
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

// The error of the first block a pass failed on (a pass that failed has one).
Error first_failure(const BlockPass& pass)
{
  for (const auto& block : pass.blocks) {
    if (block.outcome == BlockOutcome::failed && block.error) return *block.error;
  }
  return logic_error("", "", "");
}

// "interrupted after 1200 of 32768 memory blocks: 1150 set offline now (50 were already), the other
// 31568 are as they were".
std::string describe_interrupted(const BlockPass& pass, size_t total, std::string_view state)
{
  return fmt::format("interrupted after {} of {} memory blocks: {} set {} now ({} were already), the "
                     "other {} are as they were",
                     pass.blocks.size(), total, pass.count(BlockOutcome::changed), state,
                     pass.count(BlockOutcome::already), total - pass.blocks.size());
}

// The zone the kernel gives hot-added blocks under `policy`, if it onlines them at all.
std::optional<OnlineAs> kernel_online_choice(AutoOnline policy)
{
  switch (policy) {
  case AutoOnline::offline: return std::nullopt;
  case AutoOnline::online_movable: return OnlineAs::movable;
  case AutoOnline::online:
  case AutoOnline::online_kernel: return OnlineAs::kernel;
  }
  return std::nullopt;
}

std::string_view describe(OnlineAs as)
{
  return as == OnlineAs::movable ? "movable memory" : "kernel memory";
}

// Refuses (unless forced) when the kernel will online the new blocks differently from the request.
Result<void> check_auto_online(Context& ctx, const DeviceName& name, const SystemRamOptions& options)
{
  auto policy = read_auto_online(ctx.sysfs);
  if (!policy) return std::unexpected(on_device(name.str(), policy.error()));
  auto kernel = kernel_online_choice(*policy);
  if (!kernel) return {};
  bool matches = options.online == OnlineAfter::yes && options.as == *kernel;
  if (matches) return {};
  std::string requested = options.online == OnlineAfter::no
                            ? fmt::format("to stay offline ({})", ctx.words(Hint::stay_offline, name))
                            : fmt::format("as {}", describe(options.as));
  std::string what = fmt::format("the kernel onlines hot-added memory itself as {} "
                                 "(auto_online_blocks={}), not {} as requested",
                                 describe(*kernel), to_string(*policy), requested);
  if (options.force == Force::yes) {
    if (ctx.note) ctx.note(fmt::format("{}: {}; going ahead ({})", name.str(), what, ctx.words(Hint::force, name)));
    return {};
  }
  return std::unexpected(refusal(name.str(), fmt::format("{}; nothing was changed. Use {} to accept that, or first "
                                                         "run 'echo offline > /sys/devices/system/memory/"
                                                         "auto_online_blocks'", what, ctx.words(Hint::force, name))));
}

// Every check that can refuse a switch to system-ram, made before the first write.
Result<void> check_system_ram_possible(Context& ctx, const Device& device, uint64_t block_size,
                                       const SystemRamOptions& options)
{
  const DeviceName& name = device.name;
  if (device.driver == Driver::other) {
    return std::unexpected(refusal(name.str(), fmt::format("bound to driver '{}', not device_dax; dax leaves it "
                                                           "alone", device.driver_name)));
  }
  if (!device.target_node || *device.target_node < 0) {
    return std::unexpected(refusal(name.str(), fmt::format(
      "no target NUMA node (target_node {}): kmem refuses such a device; the firmware gave "
      "it no proximity domain", device.target_node ? std::to_string(*device.target_node) : "missing")));
  }
  auto ranges = device.ranges();
  if (ranges.empty()) {
    return std::unexpected(refusal(name.str(), fmt::format("cannot read its address range ({}/resource and "
                                                           "mappingN are unreadable; run as root)", device.path)));
  }
  if (plan_hotplug(ranges, block_size).empty()) {
    return std::unexpected(logic_error("", "", explain_empty_plan(name, ranges, block_size)));
  }
  if (auto users = find_device_users(ctx.sysfs, name); !users.empty()) {
    std::string who = describe_users(users);
    if (options.force == Force::no) {
      return std::unexpected(refusal(name.str(), fmt::format("/dev/{} is in use by {}: binding kmem would destroy "
                                                             "the data they use; stop them, or use {}", name.str(),
                                                             who, ctx.words(Hint::force, name))));
    }
    if (ctx.note) {
      ctx.note(fmt::format("{}: in use by {}; going ahead ({})", name.str(), who, ctx.words(Hint::force, name)));
    }
  }
  return check_auto_online(ctx, name, options);
}

// Gives a device that kmem did not take back to device_dax, with the memmap_on_memory setting it
// had (`memmap_written`: what this command wrote, if anything), and says how that went.
Error return_to_device_dax(Context& ctx, const DeviceName& name, std::optional<bool> memmap_written,
                           Error bind_error)
{
  (void)ctx.sysfs.write(fmt::format("{}/kmem/remove_id", k_dax_drivers), name.str());
  if (memmap_written) (void)write_memmap_on_memory(ctx.sysfs, name, !*memmap_written);
  auto back = bind_device(ctx.sysfs, name, Driver::device_dax);
  std::string outcome = back ? "the device was given back to device_dax"
                             : fmt::format("giving it back to device_dax failed too ({}): the device is left unbound",
                                           back.error().message());
  return with_outcome(on_device(name.str(), std::move(bind_error)), outcome);
}

// Onlines an unplugged device (daxX.Y/state) in one write and reports its blocks as onlined.
Result<BlockPass> plug_device_memory(Context& ctx, const Device& device, uint64_t block_size, OnlineAs as)
{
  if (auto plugged = plug_device(ctx.sysfs, device.name, as); !plugged) {
    return std::unexpected(with_outcome(on_device(device.name.str(), plugged.error()), "its memory stays unplugged"));
  }
  auto memory = read_device_memory(ctx.sysfs, device, block_size, WithZone::no);
  if (!memory) return std::unexpected(on_device(device.name.str(), memory.error()));
  BlockPass pass;
  for (const auto& block : memory->blocks) {
    if (block.state == BlockState::online) {
      pass.blocks.push_back({block.index, BlockOutcome::changed, {}});
    } else {
      pass.blocks.push_back({block.index, BlockOutcome::failed,
                             logic_error("check", block_path(block.index) + "/state",
                                         "still offline after the device was plugged")});
    }
  }
  if (!pass.ok()) return std::unexpected(refusal(device.name.str(), describe_failures(pass), first_failure(pass)));
  return pass;
}

Result<BlockPass> online_device_blocks(Context& ctx, const Device& device, uint64_t block_size, OnlineAs as)
{
  auto state = read_kmem_state(ctx.sysfs, device.name);
  if (!state) return std::unexpected(on_device(device.name.str(), state.error()));
  if (*state == KmemState::unplugged) return plug_device_memory(ctx, device, block_size, as);
  auto memory = read_device_memory(ctx.sysfs, device, block_size, WithZone::no);
  if (!memory) return std::unexpected(on_device(device.name.str(), memory.error()));
  BlockPass pass = online_blocks(ctx.sysfs, memory->blocks, as, ctx.control);
  if (pass.interrupted) {
    return std::unexpected(
      interruption(device.name.str(), describe_interrupted(pass, memory->blocks.size(), "online")));
  }
  if (!pass.ok()) {
    Error cause = first_failure(pass);
    std::string detail = fmt::format("{} of {} memory blocks online now; failed: {}",
                                     pass.count(BlockOutcome::changed) + pass.count(BlockOutcome::already),
                                     pass.blocks.size(), describe_failures(pass));
    // EINVAL: the kernel (or the check before the write) refuses zone Movable for a block.
    if (as == OnlineAs::movable && cause.code == EINVAL) {
      detail += fmt::format("; use {}", ctx.words(Hint::kernel_memory, device.name));
    }
    return std::unexpected(refusal(device.name.str(), detail, cause));
  }
  return pass;
}

Result<Device> read_system_ram_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (device->mode() != Mode::system_ram) {
    return std::unexpected(refusal(name.str(), fmt::format("memory operations need system-ram mode, the device is in "
                                                           "devdax mode ({})", ctx.words(Hint::to_system_ram, name))));
  }
  return device;
}

// Onlines again, each in its former zone, the blocks an aborted devdax switch offlined.
std::string restore_blocks(Context& ctx, const DeviceMemory& before, const BlockPass& offlined)
{
  std::vector<uint64_t> movable, kernel;
  for (uint64_t index : offlined.changed()) {
    auto block = std::find_if(before.blocks.begin(), before.blocks.end(),
                              [&](const MemoryBlock& b) { return b.index == index; });
    (block != before.blocks.end() && block->zone != Zone::movable ? kernel : movable).push_back(index);
  }
  BlockPass restored = online_blocks(ctx.sysfs, movable, OnlineAs::movable);
  BlockPass restored_kernel = online_blocks(ctx.sysfs, kernel, OnlineAs::kernel);
  restored.blocks.insert(restored.blocks.end(), restored_kernel.blocks.begin(), restored_kernel.blocks.end());
  if (restored.ok()) {
    return fmt::format("the {} blocks this command offlined were onlined again; the device stays in "
                       "system-ram mode", restored.blocks.size());
  }
  return fmt::format("onlining again the blocks this command offlined failed too ({}); the device stays in "
                     "system-ram mode with those blocks offline", describe_failures(restored));
}

// Whether the blocks were offlined and removed by one write to daxX.Y/state.
enum class WholeDevice { no, yes };

// Offlines and removes every block in one write where the kernel has daxX.Y/state; the kernel
// does it all or puts everything back. `no` when there is no such file, or when the file was
// stale (it said unplugged while blocks were online): then the caller goes block by block.
Result<WholeDevice> unplug_whole_device(Context& ctx, const Device& device, uint64_t block_size,
                                        const DeviceMemory& before)
{
  auto state = read_kmem_state(ctx.sysfs, device.name);
  if (!state) return std::unexpected(on_device(device.name.str(), state.error()));
  if (!*state) return WholeDevice::no;
  if (auto unplugged = unplug_device(ctx.sysfs, device.name, ctx.retry); !unplugged) {
    return std::unexpected(with_outcome(on_device(device.name.str(), unplugged.error()),
                                        fmt::format("the kernel left all {} memory blocks as they were, and kmem "
                                                    "was not unbound", before.blocks.size())));
  }
  auto after = read_device_memory(ctx.sysfs, device, block_size, WithZone::no);
  if (!after) return std::unexpected(on_device(device.name.str(), after.error()));
  return after->online_count() == 0 ? WholeDevice::yes : WholeDevice::no;
}

// Plugs back in one write the memory an aborted devdax switch unplugged: as movable memory when
// every online block was Movable, else in the kernel's zone.
std::string replug(Context& ctx, const DeviceName& name, const DeviceMemory& before)
{
  bool movable = std::all_of(before.blocks.begin(), before.blocks.end(), [](const MemoryBlock& block) {
    return block.state != BlockState::online || block.zone == Zone::movable;
  });
  OnlineAs as = movable ? OnlineAs::movable : OnlineAs::kernel;
  if (auto plugged = plug_device(ctx.sysfs, name, as); !plugged) {
    return fmt::format("plugging its memory back failed too ({}); the device stays in system-ram mode with its "
                       "memory unplugged", plugged.error().message());
  }
  return fmt::format("its memory was plugged back ({}); the device stays in system-ram mode", to_string(as));
}

// devdax from no driver: binds device_dax, loading it if needed.
Result<OpReport> bind_unbound_device(Context& ctx, const DeviceName& name)
{
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::device_dax); !driver) {
    return std::unexpected(on_device(name.str(), driver.error()));
  }
  if (auto bound = bind_device(ctx.sysfs, name, Driver::device_dax); !bound) {
    return std::unexpected(on_device(name.str(), bound.error()));
  }
  return OpReport{name, ModeChange::changed, {}};
}

// How the memory of a kmem device was taken offline before kmem is unbound.
struct Removal
{
  WholeDevice unplugged = WholeDevice::no; // all at once through daxX.Y/state
  BlockPass offlined;                      // the blocks taken offline, either way
};

// Offlines the online blocks one by one, stopping at the first failure; when one fails (or Ctrl-C
// stops the pass) the blocks offlined so far are onlined again, each in its former zone.
Result<BlockPass> offline_block_by_block(Context& ctx, const DeviceName& name, const DeviceMemory& memory)
{
  BlockPass pass = offline_blocks(ctx.sysfs, memory.blocks, StopAtFailure::yes, ctx.retry, ctx.control);
  if (pass.interrupted) {
    return std::unexpected(interruption(name.str(), fmt::format("interrupted before kmem was unbound; {}",
                                                                restore_blocks(ctx, memory, pass))));
  }
  if (!pass.ok()) {
    return std::unexpected(refusal(name.str(), fmt::format("cannot offline {}; {}{}", describe_failures(pass),
                                                           restore_blocks(ctx, memory, pass), busy_advice(pass)),
                                   first_failure(pass)));
  }
  return pass;
}

// Takes every online block of a kmem device offline: in one write where the kernel has
// daxX.Y/state (all or nothing), else block by block.
Result<Removal> remove_device_memory(Context& ctx, const Device& device, uint64_t block_size,
                                     const DeviceMemory& memory)
{
  auto whole = unplug_whole_device(ctx, device, block_size, memory);
  if (!whole) return std::unexpected(whole.error());
  Removal removal{*whole, {}};
  if (*whole == WholeDevice::yes) {
    for (const auto& block : memory.blocks) {
      if (block.state != BlockState::online) continue;
      removal.offlined.blocks.push_back({block.index, BlockOutcome::changed, {}});
    }
    return removal;
  }
  auto offlined = offline_block_by_block(ctx, device.name, memory);
  if (!offlined) return std::unexpected(offlined.error());
  removal.offlined = std::move(*offlined);
  return removal;
}

// Unbinds kmem and binds device_dax once no block is online; if kmem does not let go, the memory
// `removal` took offline is put back.
Result<void> release_to_device_dax(Context& ctx, const Device& device, uint64_t block_size,
                                   const DeviceMemory& before, const Removal& removal)
{
  const DeviceName& name = device.name;
  // Never unbind kmem while a block is online: the memory would be stranded until reboot.
  auto now = read_device_memory(ctx.sysfs, device, block_size, WithZone::no);
  if (!now) return std::unexpected(on_device(name.str(), now.error()));
  if (now->online_count() > 0) {
    return std::unexpected(refusal(name.str(), fmt::format("{} memory blocks came online again while switching "
                                                           "(another agent?); kmem was not unbound",
                                                           now->online_count())));
  }
  if (auto unbound = unbind_device(ctx.sysfs, name, Driver::kmem); !unbound) {
    std::string restored = removal.unplugged == WholeDevice::yes ? replug(ctx, name, before)
                                                                 : restore_blocks(ctx, before, removal.offlined);
    return std::unexpected(with_outcome(on_device(name.str(), unbound.error()), restored));
  }
  if (auto bound = bind_device(ctx.sysfs, name, Driver::device_dax); !bound) {
    return std::unexpected(with_outcome(on_device(name.str(), bound.error()),
                                        fmt::format("the memory was removed but the device is left unbound "
                                                    "({} tries again)", ctx.words(Hint::to_devdax, name))));
  }
  return {};
}

} // namespace

Result<OpReport> reconfigure_to_system_ram(Context& ctx, const DeviceName& name,
                                           const SystemRamOptions& options)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));

  auto memmap = plan_memmap_on_memory(ctx.sysfs, *device, options.memmap, ctx.hint);
  if (!memmap) return std::unexpected(on_device(name.str(), memmap.error()));

  OpReport report{name, ModeChange::already, {}};
  if (device->mode() != Mode::system_ram) {
    if (auto possible = check_system_ram_possible(ctx, *device, *block_size, options); !possible) {
      return std::unexpected(possible.error());
    }
    if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::kmem); !driver) {
      return std::unexpected(on_device(name.str(), driver.error()));
    }
    if (*memmap) {
      if (auto written = write_memmap_on_memory(ctx.sysfs, name, **memmap); !written) {
        return std::unexpected(on_device(name.str(), written.error()));
      }
    }
    if (device->driver == Driver::device_dax) {
      if (auto unbound = unbind_device(ctx.sysfs, name, Driver::device_dax); !unbound) {
        if (*memmap) (void)write_memmap_on_memory(ctx.sysfs, name, !**memmap);
        return std::unexpected(on_device(name.str(), unbound.error()));
      }
    }
    if (auto bound = bind_device(ctx.sysfs, name, Driver::kmem); !bound) {
      return std::unexpected(return_to_device_dax(ctx, name, *memmap, bound.error()));
    }
    report.mode = ModeChange::changed;
    auto fresh = read_device(ctx.sysfs, name);
    if (!fresh) return std::unexpected(on_device(name.str(), fresh.error()));
    device = std::move(fresh);
  }
  if (options.online == OnlineAfter::yes) {
    auto pass = online_device_blocks(ctx, *device, *block_size, options.as);
    if (!pass) return std::unexpected(pass.error());
    report.blocks = std::move(*pass);
  }
  return report;
}

Result<OpReport> reconfigure_to_devdax(Context& ctx, const DeviceName& name, Force force)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (device->driver == Driver::other) {
    return std::unexpected(refusal(name.str(), fmt::format("bound to driver '{}', not kmem; dax leaves it alone",
                                                           device->driver_name)));
  }
  if (device->driver == Driver::device_dax) return OpReport{name, ModeChange::already, {}};
  if (device->driver == Driver::none) return bind_unbound_device(ctx, name);

  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));
  auto memory = read_device_memory(ctx.sysfs, *device, *block_size, WithZone::yes);
  if (!memory) return std::unexpected(on_device(name.str(), memory.error()));
  unsigned online = memory->online_count();
  if (online > 0 && force == Force::no) {
    return std::unexpected(refusal(name.str(), fmt::format("{} of {} memory blocks are online; offline them first "
                                                           "({}) or use {}", online, memory->blocks.size(),
                                                           ctx.words(Hint::offline_memory, name),
                                                           ctx.words(Hint::force, name))));
  }
  OpReport report{name, ModeChange::already, {}};
  Removal removal;
  if (online > 0) {
    auto removed = remove_device_memory(ctx, *device, *block_size, *memory);
    if (!removed) return std::unexpected(removed.error());
    removal = std::move(*removed);
    report.blocks = removal.offlined;
  }
  if (auto released = release_to_device_dax(ctx, *device, *block_size, *memory, removal); !released) {
    return std::unexpected(released.error());
  }
  report.mode = ModeChange::changed;
  return report;
}

Result<OpReport> online_device(Context& ctx, const DeviceName& name, OnlineAs as)
{
  auto device = read_system_ram_device(ctx, name);
  if (!device) return std::unexpected(device.error());
  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));
  auto pass = online_device_blocks(ctx, *device, *block_size, as);
  if (!pass) return std::unexpected(pass.error());
  return OpReport{name, ModeChange::already, std::move(*pass)};
}

Result<OpReport> offline_device(Context& ctx, const DeviceName& name)
{
  auto device = read_system_ram_device(ctx, name);
  if (!device) return std::unexpected(device.error());
  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));
  auto memory = read_device_memory(ctx.sysfs, *device, *block_size, WithZone::no);
  if (!memory) return std::unexpected(on_device(name.str(), memory.error()));
  BlockPass pass = offline_blocks(ctx.sysfs, memory->blocks, StopAtFailure::no, ctx.retry, ctx.control);
  if (pass.interrupted) {
    return std::unexpected(interruption(name.str(), describe_interrupted(pass, memory->blocks.size(), "offline")));
  }
  if (!pass.ok()) {
    return std::unexpected(refusal(name.str(), fmt::format("{} of {} memory blocks offline now; failed: {}{}",
                                    pass.count(BlockOutcome::changed) + pass.count(BlockOutcome::already),
                                    pass.blocks.size(), describe_failures(pass), busy_advice(pass)),
                                    first_failure(pass)));
  }
  return OpReport{name, ModeChange::already, std::move(pass)};
}

} // namespace dax
