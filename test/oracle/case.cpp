#include "case.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <random>

namespace dax::oracle {

namespace {

using test::FakeKernel;
using test::MiB;

constexpr uint64_t k_block = 128 * MiB;
constexpr uint64_t k_first_block = 32; // devices start at 4 GiB, above boot RAM memory0-7
constexpr uint64_t k_stride = 8;       // blocks between two devices' starts
constexpr const char* k_memory = "/sys/devices/system/memory/memory";

constexpr std::array<const char*, static_cast<size_t>(Anomaly::count)> k_anomaly_names{
  "none", "no_valid_zones", "no_block_dir", "unreadable_state", "going_offline", "process_user",
  "user_dev_space", "huge_mappings", "link_out_of_tree", "control_chars", "busy_block",
  "vanishing_device", "vanishing_block", "unreadable_device"};

// A uniform pick in [0, n): the distribution is spelled out so that every libstdc++ gives the same.
unsigned pick(std::mt19937_64& random, uint64_t n) { return static_cast<unsigned>(random() % n); }

void add_device(const Case& c, unsigned index, FakeKernel& kernel)
{
  const DeviceCase& device = c.devices[index];
  uint64_t start = (k_first_block + index * k_stride) * k_block;
  test::FakeDeviceSpec spec;
  spec.name = device_name(index);
  spec.mappings = {{start, start + device.blocks * k_block - 1, 0}};
  spec.driver = device.driver;
  spec.target_node = 1;
  kernel.add_region(index, fmt::format("/sys/devices/platform/hmem.{}/{}", index, spec.name),
                    device.blocks * k_block);
  kernel.add_device(index, spec);
  if (device.driver != "kmem") return;
  auto blocks = device_blocks(c, index);
  for (size_t b = 0; b < blocks.size(); ++b)
    kernel.set_block(blocks[b], device.online[b] ? "online_movable" : "offline");
}

// A block directory that goes away: the block is gone with it, as Linux has it.
void hide_block(FakeKernel& kernel, uint64_t index, Hidden& hidden)
{
  if (!kernel.has_block(index)) return; // a devdax device has none
  hidden.insert(index);
  kernel.remove(block_dir(index));
}

void add_control_chars(FakeKernel& kernel)
{
  kernel.set_link("/sys/bus/dax/devices/dax9.0\x1b[2J", "/sys/devices/platform/odd/dax9.0\x1b[2J");
  kernel.set_file(std::string(k_memory) + "\x1b]0;owned\x07/state", "online");
}

void arm_anomaly(const Case& c, FakeKernel& kernel, Hidden& hidden)
{
  std::string name = device_name(c.victim);
  std::string dir = kernel.device_dir(name);
  auto blocks = device_blocks(c, c.victim);
  uint64_t block = blocks[c.victim_block % blocks.size()];
  std::string state = block_dir(block) + "/state";
  int pid = 4242;
  switch (c.anomaly) {
  case Anomaly::none: break;
  case Anomaly::no_valid_zones: kernel.remove(block_dir(block) + "/valid_zones"); break;
  case Anomaly::no_block_dir: hide_block(kernel, block, hidden); break;
  case Anomaly::unreadable_state: kernel.set_file(state, kernel.block_state(block), 0200); break;
  case Anomaly::going_offline: kernel.set_file(state, "going-offline", 0644); break;
  // The user's name carries a terminal escape: refusals that name it must show it escaped.
  case Anomaly::process_user: kernel.add_process(pid, "qemu\x1b]0;owned\x07", name, false); break;
  case Anomaly::user_dev_space:
    kernel.add_process(pid, "qemu-kvm", name, true);
    kernel.set_file(dir + "/dev", kernel.read(dir + "/dev").value_or("") + " ");
    break;
  case Anomaly::huge_mappings:
    for (const char* mapping : {"/mapping0", "/mapping1"}) {
      kernel.set_file(dir + mapping + "/start", "0x0");
      kernel.set_file(dir + mapping + "/end", "0xffffffffffffffff");
      kernel.set_file(dir + mapping + "/page_offset", "0x0");
    }
    break;
  case Anomaly::link_out_of_tree: break; // a link out of the root exists on disk only (on_disk.hpp)
  case Anomaly::control_chars: add_control_chars(kernel); break;
  case Anomaly::busy_block: kernel.fail_write(state, EBUSY, 2); break;
  case Anomaly::vanishing_device:
    kernel.on_write("*", [other = device_name((c.victim + 1) % static_cast<unsigned>(c.devices.size()))](FakeKernel& k) {
      if (k.has_device(other)) k.remove(k.device_dir(other));
    }, FakeKernel::When::after);
    break;
  case Anomaly::vanishing_block:
    kernel.on_write("*", [block, &hidden](FakeKernel& k) { hide_block(k, block, hidden); },
                    FakeKernel::When::after);
    break;
  case Anomaly::unreadable_device: kernel.fail_read(dir + "/*", EACCES, FakeKernel::always); break;
  case Anomaly::count: break;
  }
}

void add_config(const Case& c, FakeKernel& kernel)
{
  std::string text;
  for (unsigned i = 0; i < c.devices.size(); ++i)
    text += fmt::format("[device d{}]\ndevice = {}\nmode = {}\n\n", i, device_name(i),
                        c.devices[i].want_ram ? "system-ram" : "devdax");
  kernel.set_file("/etc/dax/dax.conf", text);
}

} // namespace

std::string device_name(unsigned index) { return fmt::format("dax{}.0", index); }

std::string block_dir(uint64_t index) { return k_memory + std::to_string(index); }

std::vector<uint64_t> device_blocks(const Case& c, unsigned index)
{
  std::vector<uint64_t> blocks;
  uint64_t first = k_first_block + index * k_stride;
  for (uint64_t b = 0; b < c.devices[index].blocks; ++b) blocks.push_back(first + b);
  return blocks;
}

Case generate(uint64_t seed)
{
  std::mt19937_64 random(seed);
  Case c;
  c.seed = seed;
  unsigned count = 1 + pick(random, 3);
  for (unsigned i = 0; i < count; ++i) {
    DeviceCase device;
    device.driver = pick(random, 3) == 0 ? "device_dax" : "kmem";
    device.blocks = 2 + pick(random, 3);
    for (uint64_t b = 0; b < device.blocks; ++b) device.online.push_back(pick(random, 3) != 0);
    device.want_ram = pick(random, 2) == 0;
    c.devices.push_back(device);
  }
  c.anomaly = static_cast<Anomaly>(pick(random, static_cast<uint64_t>(Anomaly::count)));
  c.victim = pick(random, count);
  c.victim_block = pick(random, 4);
  c.verb = static_cast<Verb>(pick(random, static_cast<uint64_t>(Verb::count)));
  c.target = pick(random, 2) == 0 ? "all" : device_name(pick(random, count));
  return c;
}

void build(const Case& c, FakeKernel& kernel, Hidden& hidden)
{
  kernel.add_boot_blocks(0, 8);
  for (unsigned i = 0; i < c.devices.size(); ++i) add_device(c, i, kernel);
  if (c.verb == Verb::apply) add_config(c, kernel);
  arm_anomaly(c, kernel, hidden);
}

bool targeted(const Case& c, unsigned index) { return c.target == "all" || c.target == device_name(index); }

bool about_victim_only(Anomaly anomaly)
{
  switch (anomaly) {
  case Anomaly::none:
  case Anomaly::control_chars:
  case Anomaly::busy_block:
  case Anomaly::vanishing_device:
  case Anomaly::count: return false;
  default: return true;
  }
}

std::string command_name(const Case& c)
{
  switch (c.verb) {
  case Verb::to_system_ram:
  case Verb::to_devdax: return "reconfigure";
  case Verb::online: return "online";
  case Verb::apply: return "apply";
  default: return "offline";
  }
}

std::vector<std::string> command_args(const Case& c)
{
  if (c.verb == Verb::to_system_ram) return {"-m", "system-ram", c.target};
  if (c.verb == Verb::to_devdax) return {"-m", "devdax", c.target};
  return {c.target};
}

const char* anomaly_name(Anomaly anomaly) { return k_anomaly_names.at(static_cast<size_t>(anomaly)); }

std::string describe(const Case& c)
{
  std::string text = fmt::format("seed {}: anomaly {} on {} (its block {}); dax {}", c.seed,
                                 anomaly_name(c.anomaly), device_name(c.victim),
                                 c.victim_block % c.devices[c.victim].blocks, command_name(c));
  for (const auto& arg : command_args(c)) text += " " + arg;
  text += "; system:";
  for (unsigned i = 0; i < c.devices.size(); ++i) {
    const DeviceCase& d = c.devices[i];
    std::string states;
    for (bool on : d.online) states += d.driver == "kmem" ? (on ? '+' : '-') : '.';
    text += fmt::format(" {} {} [{}]", device_name(i), d.driver, states);
    if (c.verb == Verb::apply) text += d.want_ram ? " wants system-ram" : " wants devdax";
  }
  return text;
}

} // namespace dax::oracle
