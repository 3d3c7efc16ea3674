#pragma once

#include "test/unit/support/fake_tree.hpp"

#include "core/kernel/modules.hpp"
#include "core/kernel/sysfs.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dax::test {

inline constexpr uint64_t KiB = 1024;
inline constexpr uint64_t MiB = 1024 * KiB;
inline constexpr uint64_t GiB = 1024 * MiB;

// One mappingN directory of a fake device; `end` is inclusive, as sysfs shows it.
struct FakeMapping
{
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t page_offset = 0;
};

// What a test asks for when adding a device.
struct FakeDeviceSpec
{
  std::string name = "dax0.0";
  std::optional<uint64_t> size;     // default: the sum of the mappings
  uint64_t align = 2 * MiB;
  int target_node = 1;
  int numa_node = 0;
  std::optional<uint64_t> resource; // default: the start of the first mapping
  std::vector<FakeMapping> mappings;
  std::string driver = "device_dax"; // "device_dax", "kmem", "fsdev_dax" or "" (unbound)
};

// A process holding a device: its links read `node` (a renamed, deleted or container node as
// the kernel shows it), but stat of them gives the device's number, as /proc does.
struct FakeProcess
{
  int pid = 0;
  std::string command;
  std::string device;  // "dax0.0"
  bool fd = true;      // /proc/PID/fd/3 refers to it
  bool mapped = false; // /proc/PID/map_files/7f0000000000-7f0040000000 refers to it
  std::string node;    // what the links read; default "/dev/<device>"
  bool block = false;  // the links refer to a block device with the device's major:minor instead
};

// One access made through the Sysfs interface, in the order made.
struct FakeAccess
{
  enum class Op { read, write, list, canonical, exists, read_link, device_number, file_status };

  Op op = Op::read;
  std::string path;     // as the caller gave it
  std::string resolved; // with symlinks resolved (or `path` when it does not resolve)
  std::string value;    // what was written, or what a read returned
  int error = 0;        // errno, 0 on success
};

// An in-memory Linux 6.1 sysfs that reacts to writes as the real kernel was observed to
// (kernel-behaviour.md, beside this file): dax driver binding through new_id /
// remove_id / bind / unbind, kmem hot-add and hot-remove of memory blocks, memory block
// state changes, plus fault injection, hooks and an access log.
class FakeKernel final : public Sysfs
{
public:
  static constexpr unsigned always = std::numeric_limits<unsigned>::max();

  // An empty system: 128 MiB blocks, auto_online_blocks "offline", device_dax loaded, kmem not.
  FakeKernel();

  // Builder. `block_size` must be set before blocks or devices are added.
  FakeKernel& set_block_size(uint64_t bytes);
  FakeKernel& set_auto_online(const std::string& policy);
  // memory_hotplug.online_policy: "contig-zones" (the default) or "auto-movable", which decides
  // the zone of blocks onlined with plain "online" (auto_online_blocks=online included):
  // contig-zones gives the kernel zone unless the node's online memory is all Movable;
  // auto-movable gives Movable while Movable stays within auto_movable_ratio (301%) of the
  // kernel-zone memory.
  FakeKernel& set_online_policy(const std::string& policy);
  // Another agent (a udev rule such as RHEL's 40-redhat.rules) that onlines, as `online_type`,
  // every block kmem hot-adds offline, right after the bind; "" for none.
  FakeKernel& set_online_agent(const std::string& online_type);
  // Boot RAM blocks [first, first + count) on node 0, online (memory0 zone "none", others DMA32).
  FakeKernel& add_boot_blocks(uint64_t first, uint64_t count);
  // A region directory `path` (holding dax_region/) with id `id`.
  FakeKernel& add_region(unsigned id, const std::string& path, uint64_t size, uint64_t align = 2 * MiB);
  // A dynamic region (hmem, CXL; Linux >= 5.10) at [start, start + size) with dax_region/
  // {available_size,create,seed,delete}; devices in it have writable size/align and a mapping
  // file, and are carved from the region's free space as drivers/dax/bus.c does.
  FakeKernel& add_dynamic_region(unsigned id, const std::string& path, uint64_t start, uint64_t size,
                                 uint64_t align = 2 * MiB, int target_node = 1);
  // A device inside region `region`, bound to `spec.driver` as the kernel would bind it.
  FakeKernel& add_device(unsigned region, const FakeDeviceSpec& spec);
  // Newer kernels: the per-device memmap_on_memory attribute (6.8+), with the global switch
  // memory_hotplug.memmap_on_memory `global_on`; and the whole-device daxX.Y/state of kmem
  // (proposed upstream in 2026). Call before adding devices.
  FakeKernel& enable_memmap_on_memory(bool global_on);
  FakeKernel& enable_kmem_state();
  // Creates /sys/bus/dax/drivers/<driver> with its four files (what loading the module does).
  FakeKernel& load_driver(const std::string& driver);
  // Makes module `name` exist for FakeModuleLoader (kmem and device_dax do from the start; fsdev_dax,
  // famfs mode's driver of Linux 7.2+, only when offered or loaded).
  FakeKernel& offer_module(const std::string& name);
  bool module_available(const std::string& name) const { return m_modules.contains(name); }

  // A process `pid` named `command` that has `/dev/<device>` open (fd 3) or, if `mapped`, mapped.
  FakeKernel& add_process(int pid, const std::string& command, const std::string& device, bool mapped);
  FakeKernel& add_process(const FakeProcess& process);
  // A device's number, as its sysfs `dev` shows it (major 252, minors in the order added).
  DeviceNumber device_number_of(const std::string& device) const { return m_devices.at(device).number; }

  // Raw files for tests that need odd trees (missing or malformed attributes).
  void set_file(const std::string& path, std::string content, unsigned mode = 0444);
  void remove(const std::string& path);
  // A symlink `path` to directory `target` (created if missing), e.g. a `subsystem` link.
  void set_link(const std::string& path, const std::string& target);

  // Sysfs.
  Result<std::string> read(const std::string& path) override;
  Result<void> write(const std::string& path, std::string_view value) override;
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> canonical(const std::string& path) override;
  bool exists(const std::string& path) override;
  Result<std::string> read_link(const std::string& path) override;
  Result<DeviceNode> device_number(const std::string& path) override;
  // Every node is owned by root (uid 0) unless set_owner says otherwise.
  Result<FileStatus> file_status(const std::string& path) override;
  void set_owner(const std::string& path, unsigned uid) { m_owners[path] = uid; }

  // Fault injection: the next `count` accesses whose path (as given or resolved) matches the
  // fnmatch `glob` fail with `error` before the kernel sees them.
  void fail_write(const std::string& glob, int error, unsigned count = 1);
  void fail_read(const std::string& glob, int error, unsigned count = 1);
  void fail_list(const std::string& glob, int error, unsigned count = 1);
  void fail_device_number(const std::string& glob, int error, unsigned count = 1);
  // The next `count` writes matching `glob` succeed but the kernel ignores them.
  void drop_write(const std::string& glob, unsigned count = 1);

  // Runs `hook` before or after the next `count` writes matching `glob`: state that changes
  // "under us". The hook may change the kernel through the state setters below.
  enum class When { before, after };
  void on_write(const std::string& glob, std::function<void(FakeKernel&)> hook,
                When when = When::after, unsigned count = 1);

  // The log.
  const std::vector<FakeAccess>& log() const { return m_log; }
  void clear_log() { m_log.clear(); }
  // Every write as "<resolved path> <- <value>", and " = ENAME" appended when it failed.
  std::vector<std::string> writes() const;
  // Only the paths that were read (resolved), in order.
  std::vector<std::string> reads() const;

  // State, for assertions and hooks (none of these are logged).
  std::string driver_of(const std::string& device) const; // "device_dax", "kmem" or ""
  bool stranded(const std::string& device) const;
  bool in_id_list(const std::string& driver, const std::string& device) const;
  bool driver_loaded(const std::string& driver) const;
  uint64_t block_size() const { return m_block_size; }
  bool has_block(uint64_t index) const;
  std::vector<uint64_t> blocks() const;               // every block index, ascending
  std::string block_state(uint64_t index) const;      // "online" / "offline"
  std::string block_zones(uint64_t index) const;      // valid_zones
  // Sets block `index` to `state` ("online_movable", "online", "online_kernel", "offline")
  // as another agent would, ignoring the write rules.
  void set_block(uint64_t index, const std::string& state);
  // Another agent hot-adds block `index` on `node` (virtio-mem, ACPI): it comes up as
  // auto_online_blocks says.
  void hot_add_block(uint64_t index, int node);

  // Whether a device of that name exists (dynamic regions create and delete them).
  bool has_device(const std::string& device) const { return m_devices.contains(device); }
  // The ranges of a device, in range (mapping) order.
  std::vector<FakeMapping> ranges_of(const std::string& device) const;

  // The whole tree, as it is now (to copy it onto a disk).
  const FakeTree& tree() const { return m_tree; }

  // The path of a device directory, "/sys/bus/dax/devices/<device>" resolved.
  std::string device_dir(const std::string& device) const;

private:
  struct Device
  {
    std::string dir;
    int target_node = 0;
    std::vector<FakeMapping> ranges;
    std::string driver;
    bool stranded = false;
    std::vector<uint64_t> blocks; // hot-added by kmem
    unsigned region = 0;
    uint64_t align = 2 * MiB;
    bool memmap_on_memory = false;
    std::string kmem_state;       // what daxX.Y/state says: the last whole-device write, or the probe's
    DeviceNumber number;          // its character device (sysfs `dev`)
  };
  // What the kernel keeps of a dynamic region (static ones are m_regions only).
  struct DynamicRegion
  {
    uint64_t start = 0;
    uint64_t end = 0; // inclusive
    uint64_t align = 0;
    int target_node = 0;
    std::string seed; // the first created device not yet bound, "" when none
  };
  struct Fault
  {
    FakeAccess::Op op;
    std::string glob;
    int error;
    unsigned count;
  };
  struct Hook
  {
    std::string glob;
    std::function<void(FakeKernel&)> fn;
    When when;
    unsigned count;
  };

  int injected(FakeAccess::Op op, const std::string& path, const std::string& resolved);
  void run_hooks(When when, const std::string& path);
  int apply_write(const std::string& path, const std::string& value);
  int driver_write(const std::string& driver, const std::string& attr, const std::string& value);
  int memory_write(uint64_t index, const std::string& attr, const std::string& value);
  int probe(const std::string& driver, const std::string& device);
  int region_write(unsigned region, const std::string& attr, const std::string& value);
  int device_write(const std::string& name, const std::string& attr, const std::string& value);
  int resize(Device& device, uint64_t size);
  uint64_t available(unsigned region) const;
  void refresh_dynamic(unsigned region);
  int kmem_probe(Device& device);
  void add_device_blocks(Device& device, const std::string& online_type);
  void remove_device_blocks(Device& device);
  Device* device_in(const std::string& dir);
  int device_attr_write(Device& device, const std::string& attr, const std::string& value);
  int kmem_state_write(Device& device, const std::string& value);
  void kmem_remove(Device& device);
  void link_driver(const std::string& name, Device& device, const std::string& driver);
  void unlink_driver(const std::string& name, Device& device);
  void add_block(uint64_t index, int node, const std::string& state);
  std::string kernel_zone(uint64_t index) const;
  std::string online_zone(uint64_t index) const;
  std::string resolved_or_given(const std::string& path) const;
  void record(FakeAccess::Op op, const std::string& path, std::string value, int error);

  FakeTree m_tree;
  uint64_t m_block_size = 128 * MiB;
  bool m_memmap_attr = false; // devices have memmap_on_memory
  bool m_kmem_state = false;  // kmem gives devices daxX.Y/state
  std::string m_online_agent; // what the udev-like agent writes to blocks kmem adds offline
  std::map<uint64_t, int> m_block_node;
  std::map<unsigned, std::string> m_regions;
  std::map<std::string, Device> m_devices;
  std::map<unsigned, DynamicRegion> m_dynamic;
  std::map<std::string, std::set<std::string>> m_ids; // driver -> ids from new_id
  std::set<std::string> m_modules{"kmem", "device_dax"}; // what FakeModuleLoader can load
  std::vector<Fault> m_faults;
  std::vector<Hook> m_hooks;
  std::vector<FakeAccess> m_log;
  std::map<std::string, DeviceNode> m_held;   // /proc/PID/{fd,map_files}/X -> what it refers to
  std::map<std::string, unsigned> m_owners;   // path -> uid, where not root
  unsigned m_next_minor = 0;
};

// A ModuleLoader that "loads" the modules a FakeKernel offers (kmem, device_dax, and fsdev_dax when
// offered) by creating their driver directories, records every request, and can be told to fail.
class FakeModuleLoader final : public ModuleLoader
{
public:
  explicit FakeModuleLoader(FakeKernel& kernel) : m_kernel(kernel) {}

  Result<void> load(std::string_view name) override;
  // Whether the kernel offers the module; recorded nowhere.
  Result<void> check(std::string_view name) override;

  // Makes every later load fail with `error` (errno).
  void fail_with(int error) { m_error = error; }

  const std::vector<std::string>& requests() const { return m_requests; }

private:
  FakeKernel& m_kernel;
  int m_error = 0;
  std::vector<std::string> m_requests;
};

// "EBUSY" for EBUSY: the errno's symbolic name.
std::string errno_name(int error);

} // namespace dax::test
