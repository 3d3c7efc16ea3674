#include "test/unit/support/fixtures.hpp"

#include "cmd/common/hints.hpp" // the messages as reconfigure, online and offline word them

#include <fmt/format.h>

namespace dax::test {

FakeDeviceSpec nfit_device(const std::string& driver)
{
  FakeDeviceSpec spec;
  spec.mappings = {{k_nfit_start, k_nfit_end, 0}};
  spec.driver = driver;
  return spec;
}

void add_nfit_system(FakeKernel& kernel, const FakeDeviceSpec& device)
{
  kernel.add_boot_blocks(0, 8).add_region(0, k_region0, k_nfit_size).add_device(0, device);
}

void add_numa_files(FakeKernel& kernel, Tiers tiers)
{
  const std::string nodes = "/sys/devices/system/node";
  kernel.set_file(nodes + "/online", "0-1");
  kernel.set_file(nodes + "/node0/meminfo", "Node 0 MemTotal:        1048576 kB\n"
                                            "Node 0 MemFree:          716800 kB\n"
                                            "Node 0 MemUsed:          331776 kB");
  kernel.set_file(nodes + "/node0/distance", "10 20");
  kernel.set_file(nodes + "/node0/cpulist", "0");
  kernel.set_file(nodes + "/node1/meminfo", "Node 1 MemTotal:         917504 kB\n"
                                            "Node 1 MemFree:          917504 kB");
  kernel.set_file(nodes + "/node1/distance", "20 10");
  kernel.set_file(nodes + "/node1/cpulist", "");
  if (tiers == Tiers::yes) {
    kernel.set_file("/sys/devices/virtual/memory_tiering/memory_tier4/nodelist", "0");
    kernel.set_file("/sys/devices/virtual/memory_tiering/memory_tier22/nodelist", "1");
    kernel.set_file("/sys/kernel/mm/numa/demotion_enabled", "false", 0644);
  }
}

void set_files(FakeKernel& kernel, std::initializer_list<std::pair<std::string, std::string>> files)
{
  for (const auto& [path, content] : files) kernel.set_file(path, content);
}

std::string driver_file(const std::string& driver, const std::string& attr)
{
  return fmt::format("/sys/bus/dax/drivers/{}/{}", driver, attr);
}

std::string wrote(const std::string& path, const std::string& value, int error)
{
  std::string line = path + " <- " + value;
  if (error != 0) line += " = " + errno_name(error);
  return line;
}

std::vector<std::string> state_writes(const std::vector<uint64_t>& indexes, const std::string& value)
{
  std::vector<std::string> lines;
  for (uint64_t index : indexes) {
    lines.push_back(wrote(fmt::format("/sys/devices/system/memory/memory{}/state", index), value));
  }
  return lines;
}

std::vector<std::string> switch_writes(const std::string& device, const std::string& from, const std::string& to)
{
  return {wrote(driver_file(from, "remove_id"), device), wrote(driver_file(from, "unbind"), device),
          wrote(driver_file(to, "new_id"), device)};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b)
{
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

OpsFixture::OpsFixture(const FakeDeviceSpec& device)
  : ctx{kernel, loader,
        BusyRetry{4, std::chrono::milliseconds(100),
                  [this](std::chrono::milliseconds delay) { sleeps.push_back(delay); }},
        [this](const std::string& note) { notes.push_back(note); }}
{
  ctx.hint = cli::flag_hints();
  add_nfit_system(kernel, device);
  kernel.clear_log();
}

} // namespace dax::test
