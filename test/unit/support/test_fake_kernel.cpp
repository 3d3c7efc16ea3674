// The fake kernel is the oracle of every other unit test, so it is checked first against the
// observed 6.1 behaviour (kernel-behaviour.md).
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

// The errno of writing `value` to `path`, 0 on success.
int write_errno(FakeKernel& kernel, const std::string& path, const std::string& value)
{
  auto result = kernel.write(path, value);
  return result ? 0 : result.error().code;
}

std::string read_ok(FakeKernel& kernel, const std::string& path)
{
  auto value = kernel.read(path);
  REQUIRE(value);
  return *value;
}

const std::string k_block33 = "/sys/devices/system/memory/memory33";

} // namespace

TEST_CASE("FakeKernel: tree layout resolves like sysfs", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  std::string dir = std::string(k_region0) + "/dax0.0";
  CHECK(kernel.canonical("/sys/bus/dax/devices/dax0.0").value() == dir);
  CHECK(kernel.canonical("/sys/bus/dax/devices/dax0.0/driver").value() == "/sys/bus/dax/drivers/device_dax");
  CHECK(kernel.canonical("/sys/bus/dax/devices/dax0.0/..").value() == k_region0);
  CHECK(read_ok(kernel, "/sys/bus/dax/devices/dax0.0/../dax_region/id") == "0");
  CHECK(read_ok(kernel, "/sys/bus/dax/devices/dax0.0/mapping0/start") == "0x101200000");
  CHECK(read_ok(kernel, "/sys/bus/dax/devices/dax0.0/resource") == "0x101200000");
  CHECK(read_ok(kernel, "/sys/bus/dax/devices/dax0.0/size") == "1054867456");
  CHECK(read_ok(kernel, "/sys/devices/system/memory/block_size_bytes") == "8000000");
  CHECK(read_ok(kernel, "/sys/devices/system/memory/memory0/valid_zones") == "none");
  CHECK(read_ok(kernel, "/sys/devices/system/memory/memory7/valid_zones") == "DMA32");
  CHECK(kernel.exists("/dev/dax0.0"));
  CHECK_FALSE(kernel.exists("/sys/bus/dax/drivers/kmem"));
  CHECK(kernel.read("/sys/bus/dax/drivers/device_dax/bind").error().code == EACCES);
  CHECK(kernel.read("/sys/bus/dax/devices/dax0.0").error().code == EISDIR);
  CHECK(kernel.read("/sys/bus/dax/devices/dax9.9/size").error().code == ENOENT);
  CHECK(kernel.list("/sys/bus/dax/devices/dax0.0/size").error().code == ENOTDIR);
  CHECK(write_errno(kernel, "/sys/bus/dax/devices/dax0.0/size", "0") == EACCES);
}

TEST_CASE("FakeKernel: bind/unbind/new_id/remove_id errno table", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  kernel.load_driver("kmem");
  const std::string kmem_bind = driver_file("kmem", "bind");

  CHECK(write_errno(kernel, kmem_bind, "dax0.0") == ENODEV);            // on device_dax, not in ids
  CHECK(write_errno(kernel, driver_file("kmem", "unbind"), "dax0.0") == ENODEV);
  CHECK(write_errno(kernel, kmem_bind, "dax9.9") == ENODEV);
  CHECK(write_errno(kernel, driver_file("kmem", "unbind"), "dax9.9") == ENODEV);
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "foo") == EINVAL);
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "dax0.0x") == EINVAL);
  CHECK(write_errno(kernel, driver_file("kmem", "remove_id"), "foo") == EINVAL);
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "dax9.9") == 0);
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0") == "device_dax"); // new_id does not steal a bound device
  CHECK(write_errno(kernel, kmem_bind, "dax0.0") == EBUSY);             // in ids, bound elsewhere
  CHECK(write_errno(kernel, driver_file("device_dax", "bind"), "dax0.0") == EBUSY);
  CHECK(write_errno(kernel, driver_file("device_dax", "remove_id"), "dax0.0") == 0);
  CHECK(write_errno(kernel, driver_file("device_dax", "remove_id"), "dax0.0") == 0);
  CHECK(write_errno(kernel, driver_file("device_dax", "unbind"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0").empty());
  CHECK_FALSE(kernel.exists("/sys/bus/dax/devices/dax0.0/driver"));
  CHECK_FALSE(kernel.exists("/dev/dax0.0"));
  CHECK(write_errno(kernel, driver_file("device_dax", "unbind"), "dax0.0") == ENODEV);
  // Unbound and in kmem's ids: bind works (and hot-adds), a second bind is EBUSY.
  CHECK(write_errno(kernel, kmem_bind, "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  CHECK(write_errno(kernel, kmem_bind, "dax0.0") == EBUSY);
  CHECK(kernel.blocks().size() == 8 + 7);
}

TEST_CASE("FakeKernel: kmem new_id binds an unbound device and hot-adds whole blocks", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device(""));
  kernel.load_driver("kmem");
  REQUIRE(write_errno(kernel, driver_file("kmem", "new_id"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  CHECK(kernel.canonical("/sys/bus/dax/drivers/kmem/dax0.0").value() == std::string(k_region0) + "/dax0.0");
  CHECK(kernel.blocks() == std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 33, 34, 35, 36, 37, 38, 39});
  CHECK(read_ok(kernel, k_block33 + "/state") == "offline");
  CHECK(read_ok(kernel, k_block33 + "/online") == "0");
  CHECK(read_ok(kernel, k_block33 + "/phys_index") == "00000021");
  CHECK(read_ok(kernel, k_block33 + "/removable") == "1");
  CHECK(read_ok(kernel, k_block33 + "/valid_zones") == "Normal Movable");
  CHECK(kernel.canonical(k_block33 + "/node1").value() == "/sys/devices/system/node/node1");
  CHECK(kernel.canonical("/sys/devices/system/node/node1/memory39").value() == "/sys/devices/system/memory/memory39");
  CHECK_FALSE(kernel.has_block(32));
  CHECK_FALSE(kernel.has_block(40));
}

TEST_CASE("FakeKernel: auto_online_blocks onlines hot-added blocks", "[fake]")
{
  auto [policy, zone] = GENERATE(std::pair<std::string, std::string>{"online", "Normal"},
                                 std::pair<std::string, std::string>{"online_kernel", "Normal"},
                                 std::pair<std::string, std::string>{"online_movable", "Movable"});
  FakeKernel kernel;
  kernel.set_auto_online(policy);
  add_nfit_system(kernel, nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) {
    CHECK(kernel.block_state(index) == "online");
    CHECK(kernel.block_zones(index) == zone);
  }
  CHECK(write_errno(kernel, "/sys/devices/system/memory/auto_online_blocks", "bogus") == EINVAL);
  CHECK(write_errno(kernel, "/sys/devices/system/memory/auto_online_blocks", "offline") == 0);
  CHECK(read_ok(kernel, "/sys/devices/system/memory/auto_online_blocks") == "offline");
}

TEST_CASE("FakeKernel: memory block state and online writes", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  const std::string state = k_block33 + "/state";
  CHECK(write_errno(kernel, state, "offline") == EINVAL);     // already offline
  CHECK(write_errno(kernel, state, "bogus") == EINVAL);
  CHECK(write_errno(kernel, state, "online_movable") == 0);
  CHECK(kernel.block_zones(33) == "Movable");
  CHECK(read_ok(kernel, state) == "online");
  CHECK(write_errno(kernel, state, "online") == EINVAL);      // already online
  CHECK(write_errno(kernel, state, "online_movable") == EINVAL);
  CHECK(write_errno(kernel, state, "offline") == 0);
  CHECK(kernel.block_zones(33) == "Normal Movable");
  CHECK(write_errno(kernel, state, "online_kernel") == 0);
  CHECK(kernel.block_zones(33) == "Normal");
  // Through the node link, with daxctl's trailing NUL.
  CHECK(write_errno(kernel, "/sys/devices/system/node/node1/memory34/state", std::string("online\0", 7)) == 0);
  CHECK(kernel.block_zones(34) == "Normal");

  const std::string online = "/sys/devices/system/memory/memory35/online";
  CHECK(write_errno(kernel, online, "0") == 0);               // idempotent
  CHECK(write_errno(kernel, online, "1") == 0);
  CHECK(write_errno(kernel, online, "1") == 0);
  CHECK(kernel.block_state(35) == "online");
  CHECK(kernel.block_zones(35) == "Normal");
  CHECK(write_errno(kernel, online, "2") == EINVAL);
}

TEST_CASE("FakeKernel: kmem unbind removes offline memory", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  REQUIRE(write_errno(kernel, driver_file("kmem", "unbind"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0").empty());
  CHECK_FALSE(kernel.stranded("dax0.0"));
  CHECK(kernel.blocks().size() == 8);
  CHECK_FALSE(kernel.exists("/sys/devices/system/node/node1/memory33"));
  CHECK(write_errno(kernel, driver_file("device_dax", "bind"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE("FakeKernel: kmem unbind with an online block strands the device", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.set_block(36, "online_movable");
  REQUIRE(write_errno(kernel, driver_file("kmem", "unbind"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0").empty());
  CHECK(kernel.stranded("dax0.0"));
  CHECK(kernel.blocks().size() == 8 + 7);
  CHECK(write_errno(kernel, driver_file("device_dax", "bind"), "dax0.0") == EBUSY);
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "dax0.0") == 0);
  CHECK(kernel.driver_of("dax0.0").empty());
  kernel.set_block(36, "offline");
  CHECK(write_errno(kernel, driver_file("kmem", "bind"), "dax0.0") == EBUSY);
  CHECK(kernel.driver_of("dax0.0").empty());
}

TEST_CASE("FakeKernel: kmem rejects a device without node or whole block", "[fake]")
{
  FakeDeviceSpec spec = nfit_device("");
  SECTION("target_node -1") { spec.target_node = -1; }
  SECTION("less than one aligned block") { spec.mappings = {{0x108100000, 0x10fffffff, 0}}; }
  FakeKernel kernel;
  add_nfit_system(kernel, spec);
  kernel.load_driver("kmem");
  CHECK(write_errno(kernel, driver_file("kmem", "new_id"), "dax0.0") == 0); // the probe error is swallowed
  CHECK(kernel.driver_of("dax0.0").empty());
  CHECK(write_errno(kernel, driver_file("kmem", "bind"), "dax0.0") == EINVAL);
  CHECK(kernel.blocks().size() == 8);
}

TEST_CASE("FakeKernel: injected faults, hooks and the write log", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("kmem"));
  kernel.clear_log();
  kernel.fail_write("*/memory3[45]/state", EBUSY, 2);
  kernel.on_write("*/memory33/state", [](FakeKernel& k) { k.set_block(37, "online"); });
  CHECK(write_errno(kernel, "/sys/devices/system/memory/memory34/state", "online") == EBUSY);
  CHECK(write_errno(kernel, "/sys/devices/system/node/node1/memory35/state", "online") == EBUSY);
  CHECK(write_errno(kernel, "/sys/devices/system/memory/memory35/state", "online") == 0);
  CHECK(kernel.block_state(37) == "offline");
  CHECK(write_errno(kernel, k_block33 + "/state", "online") == 0);
  CHECK(kernel.block_state(37) == "online");
  kernel.fail_read("*/phys_index", EIO, FakeKernel::always);
  CHECK(kernel.read(k_block33 + "/phys_index").error().code == EIO);
  CHECK(kernel.read(k_block33 + "/phys_index").error().code == EIO);
  auto error = kernel.write("/sys/devices/system/memory/memory34/state", "bogus").error();
  CHECK(error.message() == "write 'bogus' to /sys/devices/system/memory/memory34/state: Invalid argument");

  CHECK(kernel.writes() == std::vector<std::string>{
    wrote("/sys/devices/system/memory/memory34/state", "online", EBUSY),
    wrote("/sys/devices/system/memory/memory35/state", "online", EBUSY),
    wrote("/sys/devices/system/memory/memory35/state", "online"),
    wrote("/sys/devices/system/memory/memory33/state", "online"),
    wrote("/sys/devices/system/memory/memory34/state", "bogus", EINVAL)});
  CHECK(kernel.log()[1].path == "/sys/devices/system/node/node1/memory35/state");
}

TEST_CASE("FakeModuleLoader creates driver directories and records loads", "[fake]")
{
  FakeKernel kernel;
  FakeModuleLoader loader(kernel);
  REQUIRE(loader.load("kmem"));
  CHECK(kernel.driver_loaded("kmem"));
  CHECK(kernel.exists("/sys/bus/dax/drivers/kmem/new_id"));
  CHECK(loader.load("nonexistent").error().code == ENOENT);
  loader.fail_with(EPERM);
  CHECK(loader.load("device_dax").error().code == EPERM);
  CHECK(loader.requests() == std::vector<std::string>{"kmem", "nonexistent", "device_dax"});
}

TEST_CASE("FakeKernel: processes under /proc with the device open or mapped", "[fake]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  kernel.add_process(100, "qemu", "dax0.0", false).add_process(200, "fio", "dax0.0", true);
  CHECK(kernel.list("/proc").value() == std::vector<std::string>{"100", "200"});
  CHECK(kernel.read_link("/proc/100/fd/3").value() == "/dev/dax0.0");
  CHECK(kernel.read_link("/proc/100/comm").error().code == EINVAL);
  CHECK(kernel.read_link("/proc/100/fd/4").error().code == ENOENT);
  // stat of the links gives the device's number, as /proc does; other files are no device
  CHECK(read_ok(kernel, "/sys/bus/dax/devices/dax0.0/dev") == "252:0");
  CHECK(kernel.device_number("/proc/100/fd/3").value() == DeviceNode{true, {252, 0}});
  CHECK(kernel.device_number("/proc/200/map_files/7f0000000000-7f0040000000").value() == DeviceNode{true, {252, 0}});
  CHECK(kernel.device_number("/proc/100/fd/0").error().code == ENODEV);
  CHECK(kernel.device_number("/dev/dax0.0").value() == DeviceNode{true, {252, 0}});
  CHECK(read_ok(kernel, "/proc/200/comm") == "fio");
}
