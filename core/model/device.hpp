#pragma once

#include "core/base/error.hpp"
#include "core/base/parse.hpp"
#include "core/kernel/sysfs.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dax {

// Where things are in sysfs.
inline constexpr const char* k_dax_devices = "/sys/bus/dax/devices";
inline constexpr const char* k_dax_drivers = "/sys/bus/dax/drivers";
inline constexpr const char* k_memory_root = "/sys/devices/system/memory";
inline constexpr const char* k_node_root = "/sys/devices/system/node";

// A physical address range [start, start + size).
struct Range
{
  uint64_t start = 0;
  uint64_t size = 0;

  uint64_t end() const { return start + size; } // one past the last byte
  bool operator==(const Range&) const = default;
};

// One `mappingN` directory of a device: the physical range backing part of it.
struct Mapping
{
  unsigned index = 0;
  uint64_t start = 0;
  uint64_t end = 0; // inclusive, as sysfs shows it
  uint64_t page_offset = 0;

  uint64_t size() const { return end - start + 1; }
};

// The driver a device is bound to, which decides its mode. fsdev_dax: drivers/dax/fsdev.c (Linux 7.2+).
enum class Driver { none, device_dax, kmem, fsdev_dax, other };

// What a device is used as: daxctl's "mode" (a device with no driver, or one bound to a driver dax
// does not know, is devdax, as daxctl 85 reports it). famfs: bound to fsdev_dax (daxctl 85+).
enum class Mode { devdax, system_ram, famfs };

// "devdax", "system-ram", "famfs": daxctl's names, one table for printing and parsing.
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

// The driver that puts a device in `mode`.
Driver driver_of(Mode mode);

// Reads which driver `device` is bound to (`<device>/driver` link).
Result<Driver> read_driver(Sysfs& sysfs, const DeviceName& name, std::string* driver_name = nullptr);

// The sysfs name of a driver ("device_dax", "kmem").
std::string_view driver_dir_name(Driver driver);

// /sys/bus/dax/devices/daxX.Y.
std::string device_dir(const DeviceName& name);

// A device-dax instance, /sys/bus/dax/devices/daxX.Y.
struct Device
{
  DeviceName name;
  std::string path;                   // canonical sysfs directory
  uint64_t size = 0;
  std::optional<uint64_t> align;      // absent before Linux 5.10
  std::optional<int> target_node;     // absent when missing; may be negative
  std::optional<uint64_t> resource;   // absent when unreadable (mode 0400 for non-root)
  std::vector<Mapping> mappings;      // in index order; empty before 5.10 or when unreadable
  Driver driver = Driver::none;
  std::string driver_name;            // basename of the driver link, empty when unbound

  Mode mode() const;
  bool enabled() const { return driver != Driver::none; }

  // The physical ranges of the device: its mappings, else resource + size, else none known.
  std::vector<Range> ranges() const;
};

// A dax region (the directory holding dax_region/ and the devices).
struct Region
{
  unsigned id = 0;
  std::string path;                        // canonical sysfs directory
  std::optional<uint64_t> size;
  std::optional<uint64_t> align;           // mode 0400: absent for non-root
  std::optional<uint64_t> available_size;  // only on dynamic regions
  std::vector<Device> devices;             // in natural name order
};

// The refusal of a device bound to a driver dax does not know (vfio, a test driver): dax leaves it alone.
Error other_driver_refusal(const Device& device);

// A region's sysfs directory as daxctl's region "path" shows it, without the leading
// "/sys/devices" ("/sys/devices/platform/hmem.0" -> "/platform/hmem.0"); other paths unchanged.
std::string shown_region_path(std::string path);

// Reads one device from its directory `/sys/bus/dax/devices/<name>`.
Result<Device> read_device(Sysfs& sysfs, const DeviceName& name);

// The names in /sys/bus/dax/devices, in natural order, reading no attribute (none when the
// directory is missing: no dax bus).
Result<std::vector<DeviceName>> list_device_names(Sysfs& sysfs);

// Every region with its devices, in natural order (dax2.0 before dax10.0).
Result<std::vector<Region>> read_regions(Sysfs& sysfs);

// The same, except that a device that cannot be read (malformed or unreadable attributes) is left
// out and its error, naming it, added to `bad`: one bad device must not hide the others.
Result<std::vector<Region>> read_regions(Sysfs& sysfs, std::vector<Error>& bad);

} // namespace dax
