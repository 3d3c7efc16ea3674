#pragma once

#include "core/kernel/modules.hpp"
#include "core/kernel/sysfs.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>

namespace dax {

// --dry-run: passes reads on to `inner` but makes no write. Each write is reported, in order, as
// the shell command that would make it ("echo offline > /sys/devices/system/memory/memory33/state"),
// and its effect is remembered where later steps read it back: driver links after bind/unbind/new_id,
// block states after state writes, and the blocks kmem would add once kmem would have bound a
// device (as auto_online_blocks reads at that bind: offline with zones "Normal Movable", or online
// in the zone the policy predicts; a prediction, which only the real run's read-back checks), the seed
// device a write to dax_region/create would make (size 0 until a size is written), and the devices
// dax_region/delete would remove. A device's attribute written through /sys/bus/dax/devices/daxX.Y
// reads back through its real directory too; the mappings of a device whose size or mapping was
// written are not shown (where the kernel would place its memory is not predicted). A write to
// kmem's whole-device daxX.Y/state (Linux 7.3) removes the device's blocks (unplugged) or adds
// them online in the zone written (online_movable, online_kernel), all at once as the kernel does.
class DryRunSysfs final : public SysfsLayer
{
public:
  DryRunSysfs(Sysfs& inner, std::function<void(const std::string&)> report);

  Result<std::string> read(const std::string& path) override;
  Result<void> write(const std::string& path, std::string_view value) override;
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> canonical(const std::string& path) override;
  bool exists(const std::string& path) override;

  // Makes /sys/bus/dax/drivers/<driver> appear, as loading its module would.
  void pretend_loaded(const std::string& driver);

private:
  // Records `device` as bound to `driver`, with what the bind would do (kmem's blocks, the seed).
  void bind(const std::string& device, const std::string& driver);
  // Records a write of `value` to attribute `file` at `path` (a device's mapping adds to its size).
  void write_file(const std::string& path, const std::string& file, const std::string& value);
  // Records a write of `value` to kmem's daxX.Y/state of `device` (`path`): its blocks go or come.
  void write_kmem_state(const std::string& path, const std::string& device, const std::string& value);
  // The memory blocks kmem hot-adds for `device`, from its ranges; none when they cannot be read.
  std::vector<uint64_t> device_blocks(const std::string& device);
  // Whether `path` is a memoryN directory (or below one) that an unplug would have removed.
  bool unplugged_block(const std::string& path) const;
  // The zone blocks hot-added now would be onlined in, "" when they would stay offline.
  std::string predicted_hot_add_zone();
  // The device `echo 1 > <region_attrs>/create` would make the region's seed.
  std::string predicted_seed(const std::string& region_attrs);
  // `path` with a leading /sys/bus/dax/devices/daxX.Y resolved to the device's directory, so that a
  // write through one path reads back through the other.
  std::string resolve_device(const std::string& path);
  // Whether `path` is a mappingN directory (or below one) of a device whose size was written.
  bool hidden_mapping(const std::string& path) const;

  std::function<void(const std::string&)> m_report;
  std::map<std::string, std::string> m_files;   // path -> content written (simulated)
  std::map<std::string, std::string> m_drivers; // device -> driver ("" = unbound)
  std::set<std::string> m_loaded;               // driver directories made to appear
  std::set<std::string> m_deleted;              // device directories dax_region/delete would remove
  std::map<std::string, std::string> m_created; // device name -> directory dax_region/create would make
  std::set<std::string> m_resized;              // device directories whose size or mapping was written
  std::set<uint64_t> m_unplugged;              // blocks a daxX.Y/state write would have removed
  std::set<uint64_t> m_plugged;                // blocks a daxX.Y/state write would have added
  bool m_kmem_bound = false;                    // a device would have been bound to kmem
  std::string m_hot_add_zone;                   // where its blocks would be online, "" for offline
};

// The module loader of --dry-run: where `inner` (the real run's loader) finds the module, reports
// "modprobe NAME" and makes the driver appear; else fails as the real load would.
class DryRunLoader final : public ModuleLoader
{
public:
  DryRunLoader(DryRunSysfs& sysfs, ModuleLoader& inner, std::function<void(const std::string&)> report);
  Result<void> load(std::string_view name) override;
  Result<void> check(std::string_view name) override { return m_inner.check(name); }

private:
  DryRunSysfs& m_sysfs;
  ModuleLoader& m_inner;
  std::function<void(const std::string&)> m_report;
};

} // namespace dax
