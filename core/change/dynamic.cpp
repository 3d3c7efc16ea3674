#include "core/change/dynamic.hpp"

#include "core/change/device_check.hpp"
#include "core/change/enable_disable.hpp"
#include "core/kernel/attribute.hpp"
#include "core/model/device_users.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace dax {

namespace {

constexpr uint64_t k_page = 4096; // the smallest granule of a device size (memremap_compat_align on x86)

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

Result<RegionInfo> find_region(Context& ctx, unsigned id)
{
  auto regions = list_region_info(ctx.sysfs);
  if (!regions) return std::unexpected(regions.error());
  for (auto& region : *regions) {
    if (region.id == id) return region;
  }
  return std::unexpected(refusal(region_name(id), fmt::format("no such region (see {})",
                                                              word(ctx.hint, Hint::list_regions))));
}

// The size and alignment checks the kernel makes, made before writing so that nothing is half done.
Result<void> check_multiple(const std::string& who, std::string_view what, uint64_t value, uint64_t align)
{
  uint64_t granule = std::max(align, k_page);
  if (value % granule == 0) return {};
  return std::unexpected(refusal(who, fmt::format("{} {:#x} is not a multiple of the alignment {:#x}", what, value,
                                                  granule)));
}

Result<void> check_align(const std::string& who, uint64_t align)
{
  if (align >= k_page && (align & (align - 1)) == 0) return {};
  return std::unexpected(refusal(who, fmt::format("alignment {:#x} is not a power of two of at least 4 KiB "
                                                  "(the kernel takes 4K, 2M or 1G)", align)));
}

// Undoes a create after a failed step, and says how that went.
Error roll_back_create(Context& ctx, const RegionInfo& region, const DeviceName& name, bool created, Error error)
{
  std::string outcome;
  // The kernel resizes only unbound devices: a create that failed after the bind unbinds first.
  Result<void> emptied{};
  if (auto driver = read_driver(ctx.sysfs, name); driver && *driver == Driver::device_dax) {
    emptied = unbind_device(ctx.sysfs, name, Driver::device_dax);
  }
  if (emptied) emptied = ctx.sysfs.write(device_file(name, "size"), "0");
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
  return with_outcome(on_device(name.str(), error), outcome);
}

// The size a create gives the new device, checked with its alignment against region `who` (its
// attributes in `attrs`) before the first write.
Result<uint64_t> plan_create(Context& ctx, const std::string& who, const std::string& attrs,
                             const CreateSpec& spec)
{
  auto available = read_value(ctx.sysfs, attrs + "/available_size", parse_u64);
  if (!available) return std::unexpected(on_device(who, available.error()));

  uint64_t size = spec.size.value_or(*available);
  if (!spec.mappings.empty()) {
    size = 0;
    for (const auto& range : spec.mappings) size += range.size;
  }
  if (size == 0) return std::unexpected(refusal(who, "no space left (available_size is 0)"));
  if (size > *available) {
    return std::unexpected(refusal(who, fmt::format("{:#x} bytes requested, only {:#x} available", size, *available)));
  }
  uint64_t align = 0;
  if (spec.align) {
    if (auto valid = check_align(who, *spec.align); !valid) return std::unexpected(valid.error());
    align = *spec.align;
  } else {
    auto region_align = read_value(ctx.sysfs, attrs + "/align", parse_u64);
    if (!region_align) return std::unexpected(on_device(who, region_align.error()));
    align = *region_align;
  }
  for (const auto& range : spec.mappings) {
    auto aligned = check_multiple(who, fmt::format("mapping at {:#x}: length", range.start), range.size, align);
    if (!aligned) return std::unexpected(aligned.error());
  }
  if (auto aligned = check_multiple(who, "size", size, align); !aligned) {
    // The size or alignment the user gave that do not fit together: bad input, not a refusal.
    if (spec.size || spec.align) aligned.error().kind = ErrorKind::bad_input;
    return std::unexpected(aligned.error());
  }
  return size;
}

// Writes the alignment (if asked), then the size or each mapping, of the new device `name`, and
// reads them back while it is unbound: a rollback can still empty it, and the message says what the
// kernel kept rather than why the bind then failed.
Result<void> lay_out(Context& ctx, const DeviceName& name, const CreateSpec& spec, const DeviceWanted& wanted)
{
  if (wanted.align) {
    if (auto written = ctx.sysfs.write(device_file(name, "align"), hex(*wanted.align)); !written) return written;
  }
  if (spec.mappings.empty()) {
    if (auto written = ctx.sysfs.write(device_file(name, "size"), hex(*wanted.size)); !written) return written;
  }
  for (const auto& range : spec.mappings) {
    std::string value = fmt::format("{}-{}", hex(range.start), hex(range.end() - 1));
    if (auto written = ctx.sysfs.write(device_file(name, "mapping"), value); !written) return written;
  }
  return check_device(ctx.sysfs, name, wanted);
}

// Why a device cannot be resized now, checked before any write: a static region, system-ram
// mode, or enabled.
Result<void> check_resizable(Context& ctx, const Device& device, const RegionInfo& region)
{
  const DeviceName& name = device.name;
  const std::string who = name.str();
  if (region.kind == RegionKind::fixed) {
    return std::unexpected(refusal(who, fmt::format("in {}, {}", region_name(region.id),
                                                    static_refusal("this region cannot be resized"))));
  }
  // disable-device acts on devdax devices only: a system-ram or famfs device goes to devdax first.
  if (device.mode() != Mode::devdax) {
    return std::unexpected(refusal(who, fmt::format("in {} mode; the kernel resizes only disabled devices "
                                                    "({} && {} first)", to_string(device.mode()),
                                                    ctx.words(Hint::to_devdax, name),
                                                    ctx.words(Hint::disable_device, name))));
  }
  if (device.enabled()) {
    return std::unexpected(refusal(who, fmt::format("enabled; the kernel resizes only disabled devices ({} first)",
                                                    ctx.words(Hint::disable_device, name))));
  }
  return {};
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
  auto region = find_region(ctx, id);
  if (!region) return std::unexpected(region.error());
  std::string who = region_name(id);
  if (region->kind == RegionKind::fixed) {
    return std::unexpected(refusal(who, static_refusal("devices cannot be created in it")));
  }
  std::string attrs = region->path + "/dax_region";
  auto size = plan_create(ctx, who, attrs, spec);
  if (!size) return std::unexpected(size.error());

  // The seed is the region's empty, unbound device; the kernel makes one on each create.
  auto seed = ctx.sysfs.read(attrs + "/seed");
  if (!seed) return std::unexpected(on_device(who, seed.error()));
  bool created = seed->empty();
  if (created) {
    if (auto made = ctx.sysfs.write(attrs + "/create", "1"); !made) {
      return std::unexpected(on_device(who, made.error()));
    }
    seed = ctx.sysfs.read(attrs + "/seed");
    if (!seed) return std::unexpected(on_device(who, seed.error()));
  }
  auto name = parse_device_name(*seed);
  if (!name) {
    return std::unexpected(refusal(who, fmt::format("{}/seed names no device after create ('{}')", attrs,
                                                    printable(*seed))));
  }
  auto undo = [&](Error error) {
    return std::unexpected(roll_back_create(ctx, *region, *name, created, std::move(error)));
  };
  DeviceWanted wanted{*size, spec.align, std::nullopt, spec.mappings};
  if (auto laid = lay_out(ctx, *name, spec, wanted); !laid) return undo(laid.error());
  if (auto driver = ensure_driver(ctx.sysfs, ctx.loader, Driver::device_dax); !driver) return undo(driver.error());
  if (auto bound = bind_device(ctx.sysfs, *name, Driver::device_dax); !bound) return undo(bound.error());
  wanted.driver = Driver::device_dax;
  if (auto checked = check_device(ctx.sysfs, *name, wanted); !checked) return undo(checked.error());
  return *name;
}

Result<Destroyed> destroy_device(Context& ctx, const DeviceName& name, Force force)
{
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(name.str(), device.error()));
  auto region = find_region(ctx, name.region);
  if (!region) return std::unexpected(region.error());
  if (region->kind == RegionKind::fixed) {
    return std::unexpected(refusal(name.str(), fmt::format("in {}, {}", region_name(region->id),
                                                           static_refusal("it cannot be destroyed"))));
  }
  if (device->driver == Driver::other) return std::unexpected(other_driver_refusal(*device));
  if (device->enabled() && force == Force::no) {
    std::string what = device->mode() == Mode::system_ram
                         ? fmt::format("in system-ram mode; {} offlines and removes its memory, then destroys it",
                                       ctx.words(Hint::force, name))
                         : fmt::format("enabled ({}); {} disables it first", to_string(device->mode()),
                                       ctx.words(Hint::force, name));
    return std::unexpected(refusal(name.str(), what));
  }
  if (device->driver == Driver::kmem || device->driver == Driver::fsdev_dax) {
    auto devdax = reconfigure_to_devdax(ctx, name, Force::yes);
    if (!devdax) return std::unexpected(devdax.error());
    if (ctx.note && device->driver == Driver::kmem) {
      ctx.note(fmt::format("{}: memory offlined and removed; the device is devdax now", name.str()));
    }
  }
  if (device->enabled()) {
    if (auto disabled = disable_device(ctx, name); !disabled) return std::unexpected(disabled.error());
  }
  if (device->size > 0) {
    if (auto emptied = ctx.sysfs.write(device_file(name, "size"), "0"); !emptied) {
      return std::unexpected(with_outcome(on_device(name.str(), emptied.error()), device->enabled()
                                                                   ? "the device is left disabled, with its memory"
                                                                   : "the device is left as it was"));
    }
  }
  if (name.instance == 0) {
    if (auto empty = check_device(ctx.sysfs, name, {0, std::nullopt, Driver::none, {}}); !empty) {
      return std::unexpected(empty.error());
    }
    if (ctx.note) {
      ctx.note(fmt::format("{}: size 0 now; the kernel keeps device 0 of a region, so it stays listed", name.str()));
    }
    return Destroyed::emptied;
  }
  if (auto deleted = ctx.sysfs.write(region->path + "/dax_region/delete", name.str()); !deleted) {
    return std::unexpected(with_outcome(on_device(name.str(), deleted.error()),
                                        "its size is 0 now, the empty device remains"));
  }
  // Read back: the kernel may accept the write and keep the device (a seed, a later probe).
  if (ctx.sysfs.exists(fmt::format("{}/{}", k_dax_devices, name.str()))) {
    return std::unexpected(refusal(name.str(), "still present after the kernel accepted its deletion; its size is 0"));
  }
  return Destroyed::deleted;
}

Result<void> resize_device(Context& ctx, const DeviceName& name, const Resize& resize)
{
  const std::string who = name.str();
  auto device = read_device(ctx.sysfs, name);
  if (!device) return std::unexpected(on_device(who, device.error()));
  auto region = find_region(ctx, name.region);
  if (!region) return std::unexpected(region.error());
  if (auto resizable = check_resizable(ctx, *device, *region); !resizable) return resizable;
  uint64_t old_align = device->align.value_or(k_page);
  uint64_t align = resize.align.value_or(old_align);
  uint64_t size = resize.size.value_or(device->size);
  if (resize.align) {
    if (auto valid = check_align(who, align); !valid) return valid;
  }
  if (auto aligned = check_multiple(who, "size", size, align); !aligned) return aligned;
  if (size > device->size) {
    auto available = read_value(ctx.sysfs, region->path + "/dax_region/available_size", parse_u64);
    if (!available) return std::unexpected(on_device(who, available.error()));
    if (size - device->size > *available) {
      return std::unexpected(refusal(who, fmt::format("growing by {:#x} bytes needs more than the {:#x} available "
                                                      "in {}", size - device->size, *available,
                                                      region_name(region->id))));
    }
  }
  bool new_align = align != old_align;
  bool new_size = size != device->size;
  // The kernel checks a new alignment against the current ranges: when they fit it, align goes first.
  bool align_first = std::ranges::all_of(device->mappings, [&](const Mapping& m) { return m.size() % align == 0; });
  if (new_align && !align_first && !new_size) {
    return std::unexpected(refusal(who, fmt::format("its ranges ({}) are not multiples of the alignment {:#x}",
                                                    ctx.words(Hint::list_mappings, name), align)));
  }
  auto write_align = [&](uint64_t value) { return ctx.sysfs.write(device_file(name, "align"), hex(value)); };
  auto write_size = [&] { return ctx.sysfs.write(device_file(name, "size"), hex(size)); };
  if (new_align && align_first) {
    if (auto written = write_align(align); !written) return std::unexpected(on_device(who, written.error()));
  }
  if (new_size) {
    if (auto written = write_size(); !written) {
      if (!(new_align && align_first)) return std::unexpected(on_device(who, written.error()));
      auto back = write_align(old_align);
      std::string outcome = back ? fmt::format("the alignment was set back to {:#x}", old_align)
                                 : fmt::format("setting the alignment back failed too ({})", back.error().message());
      return std::unexpected(with_outcome(on_device(name.str(), written.error()), outcome));
    }
  }
  if (new_align && !align_first) {
    if (auto written = write_align(align); !written) {
      return std::unexpected(with_outcome(on_device(name.str(), written.error()),
                                          fmt::format("the size is {:#x} now", size)));
    }
  }
  return check_device(ctx.sysfs, name, {size, resize.align, std::nullopt, {}});
}

} // namespace dax
