#pragma once

#include "test/unit/support/fake_kernel.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dax::oracle {

// What is wrong with the generated system, beside what the command asks. Each is a class of
// bug found before (issue #21): the oracle must find it again when its fix is reverted.
enum class Anomaly {
  none,
  no_valid_zones,     // a block of a kmem device without valid_zones
  no_block_dir,       // a memoryN directory of a kmem device missing
  unreadable_state,   // a block's state unreadable (EACCES, as for a non-root user)
  going_offline,      // a block caught in "going-offline"
  process_user,       // a process holds the device open
  user_dev_space,     // a process holds it and its `dev` file ends with a space
  huge_mappings,      // two mappings whose sizes overflow 64 bits
  link_out_of_tree,   // a block's directory is a symlink out of /sys
  control_chars,      // names with terminal control characters in the device and memory lists
  busy_block,         // a block refuses offlining twice (EBUSY), then gives in
  vanishing_device,   // another device disappears at the command's first write
  vanishing_block,    // a block of the device disappears at the command's first write
  unreadable_device,  // every file of the device unreadable (EACCES)
  count
};

// apply: with a configuration of one section per device, each wanting `DeviceCase::want_ram`.
enum class Verb { to_system_ram, to_devdax, online, offline, apply, count };

struct DeviceCase
{
  std::string driver;         // "device_dax" or "kmem"
  uint64_t blocks = 0;        // 128 MiB blocks it spans
  std::vector<bool> online;   // per block, when kmem
  bool want_ram = false;      // apply: its section wants system-ram (else devdax)
};

// One generated case: a system, one anomaly on one device, one command.
struct Case
{
  uint64_t seed = 0;
  std::vector<DeviceCase> devices; // daxN.0 in regionN
  Anomaly anomaly = Anomaly::none;
  unsigned victim = 0;             // the device the anomaly is about
  unsigned victim_block = 0;       // which of its blocks, where the anomaly is about one
  Verb verb = Verb::online;
  std::string target;              // "daxN.0" or "all"
};

// The case seed `seed` stands for: the same seed gives the same case on every machine.
Case generate(uint64_t seed);

// Whether device `index` is one the command asks something of.
bool targeted(const Case& c, unsigned index);

// The block indexes of device `index` of a case.
std::vector<uint64_t> device_blocks(const Case& c, unsigned index);
std::string device_name(unsigned index);
std::string block_dir(uint64_t index); // /sys/devices/system/memory/memoryN

// Blocks whose memoryN directory the anomaly removed, before or during the run. Linux has a block
// exactly while its directory exists (kmem adding a multi-range device partly, memory hot-removed
// under us), so they are absent memory, not online; the command did not remove them.
using Hidden = std::set<uint64_t>;

// Builds the case's system into `kernel` and arms its anomaly; `hidden` learns what it hides.
void build(const Case& c, test::FakeKernel& kernel, Hidden& hidden);

// The command line: the verb's command name and its arguments (without -n/--report).
std::string command_name(const Case& c);
std::vector<std::string> command_args(const Case& c);

// Whether `anomaly` is about its victim alone: the other devices must reach the asked state.
bool about_victim_only(Anomaly anomaly);

// "seed 7: anomaly no_valid_zones on dax1.0 (block 1); dax offline all; dax0.0 kmem 3 blocks ..."
std::string describe(const Case& c);
const char* anomaly_name(Anomaly anomaly);

} // namespace dax::oracle
