#include "core/change/operations.hpp"

#include "core/base/words.hpp"
#include "core/change/famfs.hpp"
#include "core/change/kmem_bind.hpp"
#include "core/change/kmem_state.hpp"
#include "core/change/reach.hpp"
#include "core/model/device_users.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include <unistd.h>

namespace dax {

namespace {

// Every check that can refuse a switch to system-ram, made before the first write.
Result<void> check_system_ram_possible(Context& ctx, const Device& device, uint64_t block_size,
                                       const SystemRamOptions& options)
{
  const DeviceName& name = device.name;
  if (device.driver == Driver::other) {
    return std::unexpected(refusal(name.str(), fmt::format("bound to driver '{}', not device_dax; dax leaves it "
                                                           "alone", device.driver_name)));
  }
  if (device.size == 0) {
    return std::unexpected(refusal(name.str(), "has no memory (size 0): there is nothing to add as System RAM"));
  }
  if (!device.target_node || *device.target_node < 0) {
    return std::unexpected(refusal(name.str(), fmt::format(
      "no target NUMA node (target_node {}): kmem refuses such a device; the firmware gave "
      "it no proximity domain", device.target_node ? std::to_string(*device.target_node) : "missing")));
  }
  auto ranges = device.ranges();
  if (ranges.empty()) {
    return std::unexpected(refusal(name.str(), fmt::format("cannot read its address range ({}/resource and "
                                                           "mappingN are unreadable{})", device.path,
                                                           ::geteuid() == 0 ? "" : "; run as root")));
  }
  if (plan_hotplug(ranges, block_size).empty()) {
    return std::unexpected(logic_error("", "", explain_empty_plan(name, ranges, block_size)));
  }
  auto search = search_device_users(ctx.sysfs, name);
  if (!search.complete && options.in_use == InUse::refuse) {
    return std::unexpected(refusal(name.str(), fmt::format("cannot tell which processes use /dev/{} ({}), and "
                                                           "binding kmem would destroy their data; find out why, or use {}",
                                                           name.str(), search.gap,
                                                           ctx.words(Hint::destroy_data_in_use, name))));
  }
  if (const auto& users = search.users; !users.empty()) {
    if (options.in_use == InUse::refuse) {
      return std::unexpected(in_use_refusal(name, users, fmt::format("binding kmem would destroy the data they use; "
                                                                     "stop them, or use {}",
                                                                     ctx.words(Hint::destroy_data_in_use, name))));
    }
    if (ctx.note) {
      ctx.note(fmt::format("{}: in use by {}; going ahead, their data is lost", name.str(), describe_users(users)));
    }
  }
  return {};
}

// Gives a device that kmem did not take back to the driver it had (fsdev_dax, else device_dax),
// with the memmap_on_memory setting it had (`memmap_written`: what this command wrote, if any),
// and says how that went.
Error return_to_former_driver(Context& ctx, const Device& device, std::optional<bool> memmap_written,
                              Error bind_error)
{
  const DeviceName& name = device.name;
  Driver former = device.driver == Driver::fsdev_dax ? Driver::fsdev_dax : Driver::device_dax;
  (void)remove_device_id(ctx.sysfs, name, Driver::kmem);
  if (memmap_written) (void)write_memmap_on_memory(ctx.sysfs, name, !*memmap_written);
  return with_outcome(on_device(name.str(), std::move(bind_error)), give_back(ctx.sysfs, name, former));
}

Result<Device> read_system_ram_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  if (device->mode() != Mode::system_ram) {
    return std::unexpected(refusal(name.str(), fmt::format("memory operations need system-ram mode, the device is in "
                                                           "{} mode ({})", to_string(device->mode()),
                                                           ctx.words(Hint::to_system_ram, name))));
  }
  return device;
}

// Brings the memory of a system-ram device to `request`, read back.
Result<OpReport> change_memory(Context& ctx, const DeviceName& name, MemoryRequest request)
{
  auto device = read_system_ram_device(ctx, name);
  if (!device) return std::unexpected(device.error());
  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));
  auto pass = reach_request(ctx, *device, *block_size, request);
  if (!pass) return std::unexpected(on_device(name.str(), pass.error()));
  return OpReport{name, ModeChange::already, std::move(*pass)};
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
    return std::unexpected(refusal(name.str(), fmt::format("{} came online again while switching "
                                                           "(another agent?); kmem was not unbound",
                                                           counted(now->online_count(), "memory block"))));
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

// devdax or famfs -> kmem: the checks, kmem loaded, memmap_on_memory set if asked, device_dax (or
// fsdev_dax) unbound, kmem bound with auto-onlining held back where it would not give what was asked.
Result<void> bind_to_kmem(Context& ctx, const Device& device, uint64_t block_size, const SystemRamOptions& options,
                          std::optional<bool> memmap)
{
  const DeviceName& name = device.name;
  if (auto possible = check_system_ram_possible(ctx, device, block_size, options); !possible) {
    return std::unexpected(possible.error());
  }
  auto failed = [&](Error error) { return std::unexpected(on_device(name.str(), std::move(error))); };
  // The hotplug policies are read again at the bind; an unreadable one stops here, before any write.
  if (auto policy = read_auto_online(ctx.sysfs); !policy) return failed(policy.error());
  if (auto zones = read_zone_policy(ctx.sysfs); !zones) return failed(zones.error());
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::kmem); !driver) return failed(driver.error());
  if (memmap) {
    if (auto written = write_memmap_on_memory(ctx.sysfs, name, *memmap); !written) return failed(written.error());
  }
  if (device.driver != Driver::none) {
    if (auto unbound = unbind_device(ctx.sysfs, name, device.driver); !unbound) {
      if (memmap) (void)write_memmap_on_memory(ctx.sysfs, name, !*memmap);
      return failed(unbound.error());
    }
  }
  auto own = block_indexes(plan_hotplug(device.ranges(), block_size), block_size);
  auto bound = bind_kmem(ctx.sysfs, name, own, {options.online, options.as});
  if (!bound) {
    if (read_driver(ctx.sysfs, name).value_or(Driver::none) == Driver::kmem) return failed(bound.error());
    return std::unexpected(return_to_former_driver(ctx, device, memmap, bound.error()));
  }
  if (std::string held = describe(*bound); !held.empty() && ctx.note) ctx.note(fmt::format("{}: {}", name.str(), held));
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
    if (auto bound = bind_to_kmem(ctx, *device, *block_size, options, *memmap); !bound) {
      return std::unexpected(bound.error());
    }
    report.mode = ModeChange::changed;
    auto fresh = read_device(ctx.sysfs, name);
    if (!fresh) return std::unexpected(on_device(name.str(), fresh.error()));
    device = std::move(fresh);
  }
  auto pass = reach_request(ctx, *device, *block_size, {options.online, options.as});
  if (!pass) return std::unexpected(on_device(name.str(), pass.error()));
  report.blocks = std::move(*pass);
  if (auto bound = check_driver(ctx.sysfs, name, Driver::kmem); !bound) return std::unexpected(bound.error());
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
  if (device->driver == Driver::fsdev_dax) return famfs_to_devdax(ctx, *device);

  auto block_size = read_block_size(ctx.sysfs);
  if (!block_size) return std::unexpected(on_device(name.str(), block_size.error()));
  auto memory = read_device_memory(ctx.sysfs, *device, *block_size, WithZone::yes);
  if (!memory) return std::unexpected(on_device(name.str(), memory.error()));
  unsigned online = memory->online_count();
  if (online > 0 && force == Force::no) {
    return std::unexpected(refusal(name.str(), fmt::format("{} of {} {} online; offline them first "
                                                           "({}) or use {}", online,
                                                           counted(memory->total_count(), "memory block"),
                                                           memory->total_count() == 1 ? "is" : "are",
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
  return change_memory(ctx, name, {OnlineAfter::yes, as});
}

Result<OpReport> offline_device(Context& ctx, const DeviceName& name)
{
  return change_memory(ctx, name, {OnlineAfter::no, OnlineAs::movable});
}

} // namespace dax
