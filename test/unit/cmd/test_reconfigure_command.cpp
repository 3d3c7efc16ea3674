// dax reconfigure run against the fake kernel: the "reconfigured N devices (M partly)" tally, the
// JSON of what it left and its exit status when a device switched mode but its memory did not
// all come online (issue #14).
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

// dax1.0: 512 MiB in region1 on node 1 (memory40-43 with 128 MiB blocks), bound to `driver`.
void add_second_device(FakeKernel& kernel, const std::string& driver)
{
  FakeDeviceSpec spec;
  spec.name = "dax1.0";
  spec.mappings = {{0x140000000, 0x15fffffff, 0}};
  spec.driver = driver;
  kernel.add_region(1, "/sys/devices/platform/hmem.1/dax1.0", 512 * MiB).add_device(1, spec);
}

// The printed devices: daxctl prints one device as an object, several as an array.
std::vector<nlohmann::json> printed_devices(const std::string& out)
{
  auto json = nlohmann::json::parse(out);
  if (json.is_object()) return {json};
  return json.get<std::vector<nlohmann::json>>();
}

// `dax reconfigure -m system-ram TARGET` while the writes matching `glob` fail with `error`.
CommandRun to_system_ram_failing(FakeKernel& kernel, const std::string& glob, int error,
                                 const std::string& target = "dax0.0")
{
  kernel.fail_write(glob, error, FakeKernel::always);
  FakeModuleLoader loader(kernel);
  return run_command(cli::reconfigure_command(), kernel, loader, {"-m", "system-ram", target});
}

// A run in which no device switched: exit 1, none counted or printed.
void check_none_switched(const CommandRun& run)
{
  CHECK(run.code == cli::k_exit_failure);
  CHECK(run.err.find("dax: reconfigured 0 devices\n") != std::string::npos);
  CHECK(run.err.find("partly") == std::string::npos);
  CHECK(run.out.empty());
}

} // namespace

TEST_CASE("a device whose driver switched but whose memory did not all come online counts as partly done",
          "[reconfigure][partly]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  // memory35 refuses to come online (ENOMEM: the kernel could not allocate its memory map).
  auto run = to_system_ram_failing(kernel, "*/memory35/state", ENOMEM);

  CHECK(run.code == cli::k_exit_failure);
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  CHECK(run.err.find("dax: reconfigured 1 device (1 partly: see the errors above)\n") != std::string::npos);
  CHECK(run.err.find("memory35") != std::string::npos);
  auto devices = printed_devices(run.out);
  REQUIRE(devices.size() == 1);
  CHECK(devices[0]["chardev"] == "dax0.0");
  CHECK(devices[0]["mode"] == "system-ram");
  CHECK(devices[0]["online_memblocks"] == 6);
  CHECK(devices[0]["total_memblocks"] == 7);
}

TEST_CASE("the tally counts the partly switched device beside a fully switched one, exit 3", "[reconfigure][partly]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  add_second_device(kernel, "device_dax");
  auto run = to_system_ram_failing(kernel, "*/memory35/state", ENOMEM, "all");

  CHECK(run.code == cli::k_exit_partial);
  CHECK(run.err.find("dax: reconfigured 2 devices (1 partly: see the errors above)\n") != std::string::npos);
  auto devices = printed_devices(run.out);
  REQUIRE(devices.size() == 2);
  CHECK(devices[0]["chardev"] == "dax0.0");
  CHECK(devices[0]["online_memblocks"] == 6);
  CHECK(devices[1]["chardev"] == "dax1.0");
  CHECK(devices[1]["online_memblocks"] == 4);
  CHECK(devices[1]["total_memblocks"] == 4);
}

TEST_CASE("a device already in system-ram mode whose onlining fails did not switch: not counted, not printed",
          "[reconfigure][partly]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem")); // hot-added offline (auto_online_blocks offline)
  check_none_switched(to_system_ram_failing(kernel, "*/memory35/state", ENOMEM));
  CHECK(kernel.block_state(33) == "online");
}

TEST_CASE("a failure before the driver changed is no partial switch", "[reconfigure][partly]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  check_none_switched(to_system_ram_failing(kernel, "*/kmem/new_id", EIO));
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}

// Issue #21: absent files are not states. Each of these once ended in exit 0 with nothing done.
TEST_CASE("dax offline: online blocks without valid_zones are offlined, not skipped", "[reconfigure]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) {
    kernel.set_block(index, "online");
    kernel.remove(block_path(index) + "/valid_zones");
  }
  FakeModuleLoader loader(kernel);
  auto run = run_command(cli::offline_command(), kernel, loader, {"dax0.0"});
  INFO(run.out << run.err);
  CHECK(run.code == 0);
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_state(index) == "offline");
}

TEST_CASE("dax offline: unreadable ranges (not root) fail, naming the device", "[reconfigure]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "online");
  kernel.fail_read("*/dax0.0/mapping*/start", EACCES, FakeKernel::always);
  kernel.fail_read("*/dax0.0/resource", EACCES, FakeKernel::always);
  FakeModuleLoader loader(kernel);
  auto run = run_command(cli::offline_command(), kernel, loader, {"dax0.0"});
  INFO(run.out << run.err);
  CHECK(run.code == 1);
  CHECK(run.err.find("dax0.0: cannot read its address ranges") != std::string::npos);
  CHECK(kernel.block_state(33) == "online");
}

TEST_CASE("dax reconfigure -m devdax: a block going offline counts as online memory", "[reconfigure]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) kernel.set_block(index, "offline");
  kernel.set_file(block_path(34) + "/state", "going-offline");
  FakeModuleLoader loader(kernel);
  auto run = run_command(cli::reconfigure_command(), kernel, loader, {"-m", "devdax", "dax0.0"});
  INFO(run.out << run.err);
  CHECK(run.code == 1);
  CHECK(run.err.find("1 of 7 memory blocks are online") != std::string::npos);
  CHECK(kernel.driver_of("dax0.0") == "kmem");
}

TEST_CASE("dax reconfigure -m system-ram: an unreadable device number refuses the kmem bind", "[reconfigure]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  DeviceNumber number = kernel.device_number_of("dax0.0");
  kernel.set_file(kernel.device_dir("dax0.0") + "/dev", fmt::format("{}:{} ", number.major, number.minor));
  kernel.add_process(FakeProcess{10, "fio", "dax0.0", true, false, "", false});
  FakeModuleLoader loader(kernel);
  auto run = run_command(cli::reconfigure_command(), kernel, loader, {"-m", "system-ram", "dax0.0"});
  INFO(run.out << run.err);
  CHECK(run.code == 1);
  CHECK(run.err.find("cannot tell which processes use /dev/dax0.0") != std::string::npos);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}
