#pragma once

#include "core/change/operations.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dax {

// Whether a region's devices can be created, resized and destroyed (hmem, CXL: Linux >= 5.10 shows
// dax_region/create) or are fixed by whoever made the region (NVDIMM namespaces).
enum class RegionKind { fixed, dynamic };

// A region as create and destroy need it.
struct RegionInfo
{
  unsigned id = 0;
  std::string path; // canonical sysfs directory, holding dax_region/
  RegionKind kind = RegionKind::fixed;
};

// Every region, ascending by id, found through its devices (a registered region keeps daxX.0).
Result<std::vector<RegionInfo>> list_region_info(Sysfs& sysfs);

// What create-device is asked for.
struct CreateSpec
{
  std::optional<uint64_t> size;  // default: all of the region's available_size
  std::optional<uint64_t> align; // default: the region's
  std::vector<Range> mappings;   // exact physical ranges in page_offset order (--input); size is their sum
};

// Creates a devdax device in dynamic region `region`: takes the region's seed device (writing
// dax_region/create when there is none), writes align, then size (or each mapping), then binds
// device_dax, as daxctl does. Every check (space, alignment) is made before the first write. The
// device is read back before and after the bind (check_device: size, align if asked, mappings,
// driver); a failed write or a read-back that is not as asked is rolled back: the size is set to
// 0 again and a device this call created is deleted.
Result<DeviceName> create_device(Context& ctx, unsigned region, const CreateSpec& spec);

// What destroy left of a device.
enum class Destroyed {
  deleted, // gone from /sys/bus/dax/devices
  emptied, // daxX.0: size 0, kept by the kernel so that the region stays visible
};

// Destroys a device of a dynamic region: disables it (only with `force`: an enabled device is
// refused otherwise), sets its size to 0, and writes its name to dax_region/delete. A system-ram
// device is first given back to devdax by reconfigure_to_devdax (which offlines its memory and
// never unbinds kmem while a block is online); a devdax device open or mapped by a process is refused.
// Read back: a deleted device must be gone, device 0 unbound at size 0.
Result<Destroyed> destroy_device(Context& ctx, const DeviceName& name, Force force);

// A new size and/or alignment for a device of a dynamic region.
struct Resize
{
  std::optional<uint64_t> size;
  std::optional<uint64_t> align;
};

// Resizes and/or realigns a disabled device of a dynamic region, in the order the kernel accepts;
// when the second of two writes fails, a changed alignment is put back (a changed size is reported).
// Succeeds only when size and asked alignment read back as asked (check_device).
Result<void> resize_device(Context& ctx, const DeviceName& name, const Resize& resize);

} // namespace dax
