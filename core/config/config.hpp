#pragma once

#include "core/base/error.hpp"
#include "core/base/types.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/device.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dax {

// Where the configuration lives, below the directory that stands for /etc, read in this order:
// dax's own file, then its drop-in directory, then daxctl's drop-in directory, each directory's
// *.conf files in byte order. Order only decides the order of error messages: two sections that
// match one device must want the same state, so no file overrides another.
inline constexpr const char* k_dax_config_file = "/dax/dax.conf";
inline constexpr const char* k_dax_config_dir = "/dax/dax.conf.d";
inline constexpr const char* k_daxctl_config_dir = "/daxctl.conf.d";

// The directory that stands for /etc, and the files it is read through: the system's /etc (rooted
// by --sysroot like every other path), or another directory, to try a configuration before
// installing it.
struct ConfigRoot
{
  ConfigRoot(Sysfs& through, std::string dir = "/etc") : files(through), etc(std::move(dir)) {}

  Sysfs& files;
  std::string etc; // absolute, no trailing slash
};

// Which kind of section: dax's `[device NAME]` or daxctl's `[reconfigure-device NAME]`. Both take
// the same keys; daxctl's files use only nvdimm.uuid, mode, online and movable.
enum class SectionKind { device, reconfigure_device };

// The stable identities a section may name; a device matches when it has every one given.
struct DeviceMatch
{
  std::optional<std::string> region;      // region path as `dax list -R` shows it ("/platform/hmem.0")
  std::optional<uint64_t> resource;       // start address of the device's memory
  std::optional<Range> range;             // the whole memory of the device, one contiguous range
  std::optional<std::string> nvdimm_uuid; // lower case: the uuid of the NVDIMM namespace's nd_dax
  std::optional<std::string> cxl_region;  // "regionN" of the CXL bus
  std::optional<DeviceName> device;       // daxX.Y: the least stable, names change with probe order

  bool empty() const { return !region && !resource && !range && !nvdimm_uuid && !cxl_region && !device; }
};

// The state a section wants. `online` and `as` only matter for system-ram.
struct WantedState
{
  Mode mode = Mode::devdax;
  OnlineAfter online = OnlineAfter::yes;
  OnlineAs as = OnlineAs::movable;

  // Whether two wishes lead to the same state (online/movable are ignored where they do not apply).
  bool same_as(const WantedState& other) const;
};

// "system-ram, online, movable", "system-ram, offline", "devdax", "famfs".
std::string describe(const WantedState& wanted);

// One section of a configuration file, checked.
struct ConfigSection
{
  SectionKind kind = SectionKind::device;
  std::string name;     // the NAME of the header
  std::string file;     // the file as given ("/etc/dax/dax.conf")
  unsigned line = 0;    // the header's line, 1-based
  DeviceMatch match;
  WantedState wanted;

  std::string where() const;  // "FILE:LINE"
  std::string header() const; // "[device NAME]"
};

// Every section of every configuration file, in reading order.
struct Config
{
  std::vector<ConfigSection> sections;
  std::vector<std::string> files; // the files read, in order
};

// Parses the text of one configuration file called `file`. Any malformed line, unknown key, bad
// value, repeated key, or a section without a match key or mode is an error "FILE:LINE: why".
Result<std::vector<ConfigSection>> parse_config(std::string_view text, const std::string& file);

// Reads and parses every configuration file below `root`. Missing files and directories are
// no configuration; a section name used twice (in any files) is an error. dax runs as root at
// boot, so a file is trusted as sshd's StrictModes and sudo trust theirs: the file (after its
// links) and every directory above it up to the root's etc (itself included: /etc, or the
// directory standing for it) must be owned by root (or by the user running dax) and not
// writable by group or others, and the file must be a regular file (no FIFO, device or socket);
// otherwise the error is "FILE: why" and nothing is read further. Reads are bounded (RealSysfs).
Result<Config> load_config(const ConfigRoot& root);

} // namespace dax
