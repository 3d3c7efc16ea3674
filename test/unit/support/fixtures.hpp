#pragma once

#include "test/unit/support/fake_kernel.hpp"

#include "core/base/non_copyable.hpp"
#include "core/change/operations.hpp"

#include <chrono>
#include <initializer_list>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace dax::test {

// The nfit-node1 VM (kernel-behaviour.md): region0 holds dax0.0, 1006 MiB at 0x101200000-0x13fffffff
// with target_node 1; with 128 MiB blocks kmem hot-adds memory33-39 (0x108000000-0x13fffffff).
inline constexpr const char* k_region0 = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0";
inline constexpr uint64_t k_nfit_start = 0x101200000;
inline constexpr uint64_t k_nfit_end = 0x13fffffff;
inline constexpr uint64_t k_nfit_size = 1054867456;
inline const std::vector<uint64_t> k_nfit_blocks{33, 34, 35, 36, 37, 38, 39};
inline const DeviceName k_dax00{0, 0};

// dax0.0 of the nfit-node1 VM, bound to `driver`.
FakeDeviceSpec nfit_device(const std::string& driver = "device_dax");

// Boot RAM memory0-7, region0 and `device` in it.
void add_nfit_system(FakeKernel& kernel, const FakeDeviceSpec& device = nfit_device());

// The NUMA files of the nfit-node1 VM: node0 (CPU 0, 1 GiB, 700 MiB free) and node1 (memory
// only, 896 MiB, all free), online "0-1", distances 10/20. With `Tiers::yes`, also the memory tiers
// of a 6.1+ kernel (node0 in memory_tier4, node1 in memory_tier22) and demotion_enabled "false".
enum class Tiers { no, yes };
void add_numa_files(FakeKernel& kernel, Tiers tiers);

// Raw files in one table, {path, content}, each made as FakeKernel::set_file makes it.
void set_files(FakeKernel& kernel, std::initializer_list<std::pair<std::string, std::string>> files);

// "/sys/bus/dax/drivers/<driver>/<attr>".
std::string driver_file(const std::string& driver, const std::string& attr);

// The FakeKernel::writes() line of a write: "<path> <- <value>[ = ENAME]".
std::string wrote(const std::string& path, const std::string& value, int error = 0);

// The writes of a memory block's `state`: one line per index of `indexes`.
std::vector<std::string> state_writes(const std::vector<uint64_t>& indexes, const std::string& value);

// The writes that move `device` from `from` to `to` (remove_id, unbind, new_id), as core does.
std::vector<std::string> switch_writes(const std::string& device, const std::string& from, const std::string& to);

// Those of dax0.0: to system-ram (kmem) and back to devdax (device_dax).
inline const std::vector<std::string> k_to_ram = switch_writes("dax0.0", "device_dax", "kmem");
inline const std::vector<std::string> k_to_devdax = switch_writes("dax0.0", "kmem", "device_dax");

// `f` of each of `items`, in order: what a test compares of a list (GCC 12 has no std::ranges::to).
template <class Items, class F>
auto collect(const Items& items, F f)
{
  std::vector<std::decay_t<decltype(f(*std::begin(items)))>> result;
  for (const auto& item : items) result.push_back(f(item));
  return result;
}

// Concatenation, for building expected write sequences.
std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b);

// Everything an operation needs, around a FakeKernel: a module loader, a retry policy whose
// sleeps are recorded instead of slept, and the notes the operation printed.
struct OpsFixture : NonCopyable
{
  explicit OpsFixture(const FakeDeviceSpec& device = nfit_device());

  FakeKernel kernel;
  FakeModuleLoader loader{kernel};
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::string> notes;
  Context ctx;
};

} // namespace dax::test
