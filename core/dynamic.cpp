#include "dynamic.hpp"

#include "device_users.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace dax {

namespace {

constexpr uint64_t k_page = 4096; // the smallest granule of a device size (memremap_compat_align on x86)

std::unexpected<Error> refuse(const std::string& who, std::string detail)
{
  Error error = logic_error("", "", std::move(detail));
  error.device = who;
  return std::unexpected(std::move(error));
}

std::unexpected<Error> fail(const std::string& who, Error error)
{
  if (error.device.empty()) error.device = who;
  return std::unexpected(std::move(error));
}

// printf's "%#llx", as libdaxctl writes sizes and ranges ("0" for zero).
std::string hex(uint64_t value)
{
  return value == 0 ? std::string("0") : fmt::format("{:#x}", value);
}

std::string device_file(const DeviceName& name, std::string_view file)
{
  return fmt::format("{}/{}/{}", k_dax_devices, name.str(), file);
}

std::string region_name(unsigned id)
{
  return fmt::format("region{}", id);
}

std::string static_refusal(std::string_view what)
{
  return fmt::format("a static region (NVDIMM): {}; the size is set by its namespace "
                     "(ndctl create-namespace / destroy-namespace)", what);
}

Result<uint64_t> read_number(Sysfs& sysfs, const std::string& path)
{
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  auto value = parse_u64(*text);
  if (!value) return std::unexpected(logic_error("parse", path, fmt::format("malformed value '{}'", printable(*text))));
  return *value;
}

Result<RegionInfo> find_region(Sysfs& sysfs, unsigned id)
{
  auto regions = list_region_info(sysfs);
  if (!regions) return std::unexpected(regions.error());
  for (auto& region : *regions) {
    if (region.id == id) return region;
  }
  return refuse(region_name(id), "no such region (see dax list -R)");
}

// The size and alignment checks the kernel makes, made before writing so that nothing is half done.
Result<void> check_multiple(const std::string& who, std::string_view what, uint64_t value, uint64_t align)
{
  uint64_t granule = std::max(align, k_page);
  if (value % granule == 0) return {};
  return refuse(who, fmt::format("{} {:#x} is not a multiple of the alignment {:#x}", what, value, granule));
}

Result<void> check_align(const std::string& who, uint64_t align)
{
  if (align >= k_page && (align & (align - 1)) == 0) return {};
  return refuse(who, fmt::format("alignment {:#x} is not a power of two of at least 4 KiB "
                                 "(the kernel takes 4K, 2M or 1G)", align));
}

// `error` on `name`, followed by what became of the device: "<error>; <outcome>".
Error with_outcome(const DeviceName& name, const Error& error, const std::string& outcome)
{
  Error combined = logic_error("", "", fmt::format("{}; {}", error.message(), outcome));
  combined.device = error.device.empty() ? name.str() : std::string();
  return combined;
}

// A device bound to a driver dax does not know (vfio, a test driver) is left alone.
std::unexpected<Error> refuse_other(const Device& device)
{
  return refuse(device.name.str(), fmt::format("bound to driver '{}'; dax leaves it alone", device.driver_name));
}

// enable-device and disable-device act on devdax devices only, as in daxctl.
Result<void> require_devdax(const Device& device)
{
  if (device.driver == Driver::kmem) {
    return refuse(device.name.str(), "in system-ram mode: enable-device and disable-device apply to devdax devices "
                                     "(dax reconfigure -m devdax changes the mode)");
  }
  if (device.driver == Driver::other) return refuse_other(device);
  return {};
}

// Undoes a create after a failed step, and says how that went.
Error roll_back_create(Context& ctx, const RegionInfo& region, const DeviceName& name, bool created, Error error)
{
  std::string outcome;
  auto emptied = ctx.sysfs.write(device_file(name, "size"), "0");
  if (!emptied) {
    outcome = fmt::format("undoing it failed too ({}): {} is left as it is", emptied.error().message(), name.str());
  } else if (!created) {
    outcome = fmt::format("{} was set back to size 0", name.str());
  } else if (auto deleted = ctx.sysfs.write(region.path + "/dax_region/delete", name.str()); !deleted) {
    outcome = fmt::format("{} was set back to size 0, but deleting it failed ({})", name.str(),
                          deleted.error().message());
  } else {
    outcome = fmt::format("{} was deleted again", name.str());
  }
  return with_outcome(name, error, outcome);
}

} // namespace

Result<std::vector<RegionInfo>> list_region_info(Sysfs& sysfs)
{
  auto names = list_device_names(sysfs);
  if (!names) return std::unexpected(names.error());
  std::map<unsigned, RegionInfo> regions;
  for (const auto& name : *names) {
    if (regions.contains(name.region)) continue;
    auto path = sysfs.canonical(fmt::format("{}/{}", k_dax_devices, name.str()));
    if (!path) return std::unexpected(path.error());
    RegionInfo region{name.region, path->substr(0, path->rfind('/')), RegionKind::fixed};
    if (sysfs.exists(region.path + "/dax_region/create")) region.kind = RegionKind::dynamic;
    regions.emplace(name.region, std::move(region));
  }
  std::vector<RegionInfo> result;
  for (auto& [id, region] : regions) result.push_back(std::move(region));
  return result;
}

Result<DeviceName> create_device(Context& ctx, unsigned id, const CreateSpec& spec)
{
  auto region = find_region(ctx.sysfs, id);
  if (!region) return std::unexpected(region.error());
  std::string who = region_name(id);
  if (region->kind == RegionKind::fixed) return refuse(who, static_refusal("devices cannot be created in it"));
  std::string attrs = region->path + "/dax_region";
  auto available = read_number(ctx.sysfs, attrs + "/available_size");
  if (!available) return fail(who, available.error());

  uint64_t size = spec.size.value_or(*available);
  if (!spec.mappings.empty()) {
    size = 0;
    for (const auto& range : spec.mappings) size += range.size;
  }
  if (size == 0) return refuse(who, "no space left (available_size is 0)");
  if (size > *available) {
    return refuse(who, fmt::format("{:#x} bytes requested, only {:#x} available", size, *available));
  }
  uint64_t align = 0;
  if (spec.align) {
    if (auto valid = check_align(who, *spec.align); !valid) return std::unexpected(valid.error());
    align = *spec.align;
  } else {
    auto region_align = read_number(ctx.sysfs, attrs + "/align");
    if (!region_align) return fail(who, region_align.error());
    align = *region_align;
  }
  for (const auto& range : spec.mappings) {
    auto aligned = check_multiple(who, fmt::format("mapping at {:#x}: length", range.start), range.size, align);
    if (!aligned) return std::unexpected(aligned.error());
  }
  if (auto aligned = check_multiple(who, "size", size, align); !aligned) return std::unexpected(aligned.error());

  // The seed is the region's empty, unbound device; the kernel makes one on each create.
  auto seed = ctx.sysfs.read(attrs + "/seed");
  if (!seed) return fail(who, seed.error());
  bool created = seed->empty();
  if (created) {
    if (auto made = ctx.sysfs.write(attrs + "/create", "1"); !made) return fail(who, made.error());
    seed = ctx.sysfs.read(attrs + "/seed");
    if (!seed) return fail(who, seed.error());
  }
  auto name = parse_device_name(*seed);
  if (!name) {
    return refuse(who, fmt::format("{}/seed names no device after create ('{}')", attrs, printable(*seed)));
  }
  auto undo = [&](Error error) {
    return std::unexpected(roll_back_create(ctx, *region, *name, created, std::move(error)));
  };

  if (spec.align) {
    if (auto written = ctx.sysfs.write(device_file(*name, "align"), hex(align)); !written) return undo(written.error());
  }
  if (spec.mappings.empty()) {
    if (auto written = ctx.sysfs.write(device_file(*name, "size"), hex(size)); !written) return undo(written.error());
  }
  for (const auto& range : spec.mappings) {
    std::string value = fmt::format("{}-{}", hex(range.start), hex(range.end() - 1));
    if (auto written = ctx.sysfs.write(device_file(*name, "mapping"), value); !written) return undo(written.error());
  }
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::device_dax); !driver) return undo(driver.error());
  if (auto bound = bind_device(ctx.sysfs, *name, Driver::device_dax); !bound) return undo(bound.error());
  return *name;
}

Result<Destroyed> destroy_device(Context& ctx, const DeviceName& name, Force force)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return fail(name.str(), device.error());
  auto region = find_region(ctx.sysfs, name.region);
  if (!region) return std::unexpected(region.error());
  if (region->kind == RegionKind::fixed) {
    return refuse(name.str(),
                  fmt::format("in {}, {}", region_name(region->id), static_refusal("it cannot be destroyed")));
  }
  if (device->driver == Driver::other) return refuse_other(*device);
  if (device->enabled() && force == Force::no) {
    std::string what = device->mode() == Mode::system_ram
                         ? "in system-ram mode; --force offlines and removes its memory, then destroys it"
                         : "enabled (devdax); --force disables it first";
    return refuse(name.str(), what);
  }
  if (device->driver == Driver::kmem) {
    auto devdax = reconfigure_to_devdax(ctx, name, Force::yes);
    if (!devdax) return std::unexpected(devdax.error());
    if (ctx.note) ctx.note(fmt::format("{}: memory offlined and removed; the device is devdax now", name.str()));
  }
  if (device->enabled()) {
    if (auto disabled = disable_device(ctx, name); !disabled) return std::unexpected(disabled.error());
  }
  if (device->size > 0) {
    if (auto emptied = ctx.sysfs.write(device_file(name, "size"), "0"); !emptied) {
      return std::unexpected(with_outcome(name, emptied.error(), device->enabled()
                                                                   ? "the device is left disabled, with its memory"
                                                                   : "the device is left as it was"));
    }
  }
  if (name.instance == 0) {
    if (ctx.note) {
      ctx.note(fmt::format("{}: size 0 now; the kernel keeps device 0 of a region, so it stays listed", name.str()));
    }
    return Destroyed::emptied;
  }
  if (auto deleted = ctx.sysfs.write(region->path + "/dax_region/delete", name.str()); !deleted) {
    return std::unexpected(with_outcome(name, deleted.error(), "its size is 0 now, the empty device remains"));
  }
  // Read back: the kernel may accept the write and keep the device (a seed, a later probe).
  if (ctx.sysfs.exists(fmt::format("{}/{}", k_dax_devices, name.str()))) {
    return refuse(name.str(), "still present after the kernel accepted its deletion; its size is 0");
  }
  return Destroyed::deleted;
}

Result<void> resize_device(Context& ctx, const DeviceName& name, const Resize& resize)
{
  const std::string who = name.str();
  auto device = read_device(ctx.sysfs, name);
  if (!device) return fail(who, device.error());
  auto region = find_region(ctx.sysfs, name.region);
  if (!region) return std::unexpected(region.error());
  if (region->kind == RegionKind::fixed) {
    return refuse(who,
                  fmt::format("in {}, {}", region_name(region->id), static_refusal("this region cannot be resized")));
  }
  if (device->mode() == Mode::system_ram) {
    return refuse(who, fmt::format("in system-ram mode; the kernel resizes only disabled devices (dax reconfigure "
                                   "-m devdax {} && dax disable-device {} first)", who, who));
  }
  if (device->enabled()) {
    return refuse(who,
                  fmt::format("enabled; the kernel resizes only disabled devices (dax disable-device {} first)", who));
  }
  uint64_t old_align = device->align.value_or(k_page);
  uint64_t align = resize.align.value_or(old_align);
  uint64_t size = resize.size.value_or(device->size);
  if (resize.align) {
    if (auto valid = check_align(who, align); !valid) return valid;
  }
  if (auto aligned = check_multiple(who, "size", size, align); !aligned) return aligned;
  if (size > device->size) {
    auto available = read_number(ctx.sysfs, region->path + "/dax_region/available_size");
    if (!available) return fail(who, available.error());
    if (size - device->size > *available) {
      return refuse(who, fmt::format("growing by {:#x} bytes needs more than the {:#x} available in {}",
                                     size - device->size, *available, region_name(region->id)));
    }
  }
  bool new_align = align != old_align;
  bool new_size = size != device->size;
  // The kernel checks a new alignment against the current ranges: when they fit it, align goes first.
  bool align_first = std::ranges::all_of(device->mappings, [&](const Mapping& m) { return m.size() % align == 0; });
  if (new_align && !align_first && !new_size) {
    return refuse(who,
                  fmt::format("its ranges (dax list -M -d {}) are not multiples of the alignment {:#x}", who, align));
  }
  auto write_align = [&](uint64_t value) { return ctx.sysfs.write(device_file(name, "align"), hex(value)); };
  auto write_size = [&] { return ctx.sysfs.write(device_file(name, "size"), hex(size)); };
  if (new_align && align_first) {
    if (auto written = write_align(align); !written) return fail(who, written.error());
  }
  if (new_size) {
    if (auto written = write_size(); !written) {
      if (!(new_align && align_first)) return fail(who, written.error());
      auto back = write_align(old_align);
      std::string outcome = back ? fmt::format("the alignment was set back to {:#x}", old_align)
                                 : fmt::format("setting the alignment back failed too ({})", back.error().message());
      return std::unexpected(with_outcome(name, written.error(), outcome));
    }
  }
  if (new_align && !align_first) {
    if (auto written = write_align(align); !written) {
      return std::unexpected(with_outcome(name, written.error(), fmt::format("the size is {:#x} now", size)));
    }
  }
  return {};
}

Result<StateChange> enable_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return fail(name.str(), device.error());
  if (auto devdax = require_devdax(*device); !devdax) return std::unexpected(devdax.error());
  if (device->driver == Driver::device_dax) return StateChange::already;
  if (device->size == 0) {
    return refuse(name.str(), fmt::format("has no memory (size 0); give it a size first (dax reconfigure -s SIZE {})",
                                          name.str()));
  }
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::device_dax); !driver) {
    return fail(name.str(), driver.error());
  }
  if (auto bound = bind_device(ctx.sysfs, name, Driver::device_dax); !bound) return fail(name.str(), bound.error());
  return StateChange::changed;
}

Result<StateChange> disable_device(Context& ctx, const DeviceName& name)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return fail(name.str(), device.error());
  if (auto devdax = require_devdax(*device); !devdax) return std::unexpected(devdax.error());
  if (device->driver == Driver::none) return StateChange::already;
  if (auto users = find_device_users(ctx.sysfs, name); !users.empty()) {
    return refuse(name.str(), fmt::format("/dev/{} is in use by {}: disabling it would take the memory from "
                                          "under them; stop them first", name.str(), describe_users(users)));
  }
  if (auto unbound = unbind_device(ctx.sysfs, name, Driver::device_dax); !unbound) {
    return fail(name.str(), unbound.error());
  }
  return StateChange::changed;
}

} // namespace dax
