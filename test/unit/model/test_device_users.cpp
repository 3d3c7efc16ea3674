// Finding processes that hold /dev/daxX.Y, by device number: on a /proc tree in a temp dir (a
// captured tree, links followed inside the root), on the live /proc, and on the fake kernel.
#include "core/kernel/real_sysfs.hpp"
#include "core/model/device_users.hpp"
#include "test/unit/support/fake_kernel.hpp"
#include "test/unit/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace dax;
using dax::test::FakeKernel;
using dax::test::FakeProcess;
using dax::test::TempDir;

namespace {

// A character (or block) device node (needs CAP_MKNOD: the tests run as root, as CI does).
void make_node(const TempDir& root, const std::string& relative, unsigned major, unsigned minor,
               mode_t kind = S_IFCHR)
{
  std::string path = root.path() + "/" + relative;
  REQUIRE(::mknod(path.c_str(), kind | 0600, ::makedev(major, minor)) == 0);
}

} // namespace

TEST_CASE("find_device_users matches the device number, whatever the node is called", "[device_users]")
{
  TempDir root;
  root.write_all({{"sys/bus/dax/devices/dax0.0/dev", "252:0\n"},
                  {"sys/bus/dax/devices/dax1.0/dev", "252:1\n"},
                  {"proc/100/comm", "qemu-system-x86\n"},
                  {"proc/200/comm", "fio\n"},
                  {"proc/300/comm", "other\n"},
                  {"proc/400/comm", "ctr\x1b[2J\n"},
                  {"proc/meminfo", "MemTotal: 1 kB\n"},
                  {"dev/.keep", ""}});
  make_node(root, "dev/renamed", 252, 0);  // a node renamed or made elsewhere (a container's /dev)
  make_node(root, "dev/dax0.00", 252, 7);  // a name that starts like the device's: another device
  make_node(root, "dev/dax1.0", 252, 1);
  root.link_all({{"proc/100/fd/0", "/dev/.keep"},
                 {"proc/100/fd/7", "/dev/renamed"},
                 {"proc/200/map_files/7f00000-7f20000", "/dev/renamed"}, // mapped, descriptor closed
                 {"proc/300/fd/1", "/dev/dax1.0"},
                 {"proc/300/map_files/1000-2000", "/dev/dax0.00"},
                 {"proc/400/fd/3", "/dev/dax0.0 (deleted)"}, // a deleted node: dangling in a capture
                 {"proc/400/fd/4", "../../../dev/renamed"}});
  RealSysfs sysfs(root.path());

  auto users = find_device_users(sysfs, DeviceName{0, 0});
  REQUIRE(users.size() == 3);
  CHECK(users[0].pid == 100);
  CHECK(users[0].command == "qemu-system-x86");
  CHECK_FALSE(users[0].mapped);
  CHECK(users[1].pid == 200);
  CHECK(users[1].mapped);
  CHECK(users[2].pid == 400);
  CHECK(describe_users(users) == "100 (qemu-system-x86), 200 (fio, mapped), 400 (ctr\\x1b[2J)");

  CHECK(find_device_users(sysfs, DeviceName{1, 0}).size() == 1);
  CHECK(find_device_users(sysfs, DeviceName{2, 0}).empty());
}

// Issue #21: majors are per kind; a block device (a pmem namespace, a disk) may share the dax
// device's major:minor and is another device.
TEST_CASE("find_device_users: a block device with the same major:minor is not a user", "[device_users]")
{
  TempDir root;
  root.write_all({{"sys/bus/dax/devices/dax0.0/dev", "252:0\n"},
                  {"proc/100/comm", "mkfs\n"},
                  {"proc/200/comm", "fio\n"},
                  {"dev/.keep", ""}});
  make_node(root, "dev/blk", 252, 0, S_IFBLK);
  make_node(root, "dev/chr", 252, 0);
  root.link_all({{"proc/100/fd/3", "/dev/blk"},
                 {"proc/100/map_files/1000-2000", "/dev/blk"},
                 {"proc/200/fd/4", "/dev/chr"}});
  RealSysfs sysfs(root.path());
  CHECK(sysfs.device_number("/proc/100/fd/3").value() == DeviceNode{false, {252, 0}});
  CHECK(describe_users(find_device_users(sysfs, DeviceName{0, 0})) == "200 (fio)");

  SECTION("the fake kernel models it too")
  {
    FakeKernel kernel;
    dax::test::FakeDeviceSpec spec;
    spec.mappings = {{0x100000000, 0x100000000 + dax::test::GiB - 1, 0}};
    kernel.add_region(0, "/sys/devices/platform/region0", dax::test::GiB).add_device(0, spec);
    kernel.add_process(FakeProcess{10, "mkfs", "dax0.0", true, true, "/dev/pmem0", true});
    kernel.add_process(FakeProcess{20, "fio", "dax0.0", true, false, "", false});
    auto search = search_device_users(kernel, DeviceName{0, 0});
    CHECK(search.complete);
    CHECK(describe_users(search.users) == "20 (fio)");
  }
}

TEST_CASE("find_device_users gives nothing without /proc", "[device_users]")
{
  TempDir root;
  RealSysfs sysfs(root.path());
  CHECK(find_device_users(sysfs, DeviceName{0, 0}).empty());
}

TEST_CASE("RealSysfs::device_number on the live /proc follows a descriptor to a deleted node", "[device_users]")
{
  TempDir dir;
  std::string node = dir.path() + "/node";
  REQUIRE(::mknod(node.c_str(), S_IFCHR | 0600, ::makedev(1, 3)) == 0); // /dev/null's number
  int fd = ::open(node.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::unlink(node.c_str()) == 0);
  RealSysfs live("/");
  auto number = live.device_number(fmt::format("/proc/self/fd/{}", fd));
  ::close(fd);
  REQUIRE(number);
  CHECK(*number == DeviceNode{true, {1, 3}});
  CHECK(live.device_number("/proc/self/comm").error().code == ENODEV);
}

TEST_CASE("RealSysfs::device_number on the live /proc tells a block device from a character one", "[device_users]")
{
  TempDir dir;
  std::string node = dir.path() + "/blk";
  REQUIRE(::mknod(node.c_str(), S_IFBLK | 0600, ::makedev(7, 200)) == 0); // a loop minor nobody has
  int fd = ::open(node.c_str(), O_PATH); // O_PATH: no block driver behind the number is needed
  REQUIRE(fd >= 0);
  auto found = RealSysfs("/").device_number(fmt::format("/proc/self/fd/{}", fd));
  ::close(fd);
  REQUIRE(found);
  CHECK(*found == DeviceNode{false, {7, 200}});
}

TEST_CASE("find_device_users on the fake kernel: renamed, deleted and mapped-only holders", "[device_users]")
{
  FakeKernel kernel;
  for (unsigned region = 0; region < 2; ++region) {
    dax::test::FakeDeviceSpec spec;
    spec.name = fmt::format("dax{}.0", region);
    uint64_t start = 0x100000000 + region * dax::test::GiB;
    spec.mappings = {{start, start + dax::test::GiB - 1, 0}};
    kernel.add_region(region, fmt::format("/sys/devices/platform/region{}", region), dax::test::GiB);
    kernel.add_device(region, spec);
  }
  kernel.add_process(FakeProcess{10, "a", "dax0.0", true, false, "/dev/dax0.0 (deleted)", false});
  kernel.add_process(FakeProcess{20, "b", "dax0.0", false, true, "/run/ctr/dev/pmem", false});
  kernel.add_process(FakeProcess{30, "c", "dax1.0", true, true, "/dev/dax0.0", false}); // a lying name
  auto search = search_device_users(kernel, DeviceName{0, 0});
  CHECK(search.complete);
  CHECK(describe_users(search.users) == "10 (a), 20 (b, mapped)");
  CHECK(describe_users(find_device_users(kernel, DeviceName{1, 0})) == "30 (c, mapped)");

  SECTION("a process whose links cannot be examined (not root) makes the search incomplete")
  {
    kernel.fail_device_number("/proc/10/fd/*", EACCES, FakeKernel::always);
    auto partial = search_device_users(kernel, DeviceName{0, 0});
    CHECK_FALSE(partial.complete);
    CHECK(describe_users(partial.users) == "20 (b, mapped)");
  }
}

// Issue #21: a search that cannot complete says why, and actions that must not run under a user
// refuse (fail closed) instead of going ahead.
TEST_CASE("require_known_users refuses when the device number cannot be read", "[device_users]")
{
  FakeKernel kernel;
  dax::test::FakeDeviceSpec spec;
  spec.mappings = {{0x100000000, 0x100000000 + dax::test::GiB - 1, 0}};
  kernel.add_region(0, "/sys/devices/platform/region0", dax::test::GiB).add_device(0, spec);
  DeviceNumber number = kernel.device_number_of("dax0.0");
  kernel.set_file(kernel.device_dir("dax0.0") + "/dev", fmt::format("{}:{} ", number.major, number.minor));
  kernel.add_process(FakeProcess{10, "a", "dax0.0", true, false, "", false});
  auto search = search_device_users(kernel, DeviceName{0, 0});
  CHECK_FALSE(search.complete);
  CHECK(search.gap.find("/dev: '") != std::string::npos);
  auto users = require_known_users(kernel, DeviceName{0, 0});
  REQUIRE_FALSE(users);
  CHECK(users.error().message().find("dax0.0: cannot tell which processes use /dev/dax0.0") == 0);
}

TEST_CASE("search_device_users counts a mounted famfs of the device as a user", "[device_users]")
{
  FakeKernel kernel;
  dax::test::FakeDeviceSpec spec;
  spec.mappings = {{0x100000000, 0x100000000 + dax::test::GiB - 1, 0}};
  spec.driver = "fsdev_dax";
  kernel.add_region(0, "/sys/devices/platform/region0", dax::test::GiB).add_device(0, spec);
  kernel.set_file("/proc/50/comm", "systemd");
  kernel.set_file("/proc/50/mountinfo", "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
                                        "36 22 0:52 / /mnt/famfs rw,relatime shared:20 - famfs /dev/dax0.0 rw\n");
  kernel.set_file("/proc/60/comm", "other");
  kernel.set_file("/proc/60/mountinfo", "36 22 0:52 / /mnt/x rw - famfs /dev/dax0.1 rw\n");
  auto search = search_device_users(kernel, DeviceName{0, 0});
  CHECK(search.complete);
  CHECK(describe_users(search.users) == "50 (systemd, famfs mounted on /mnt/famfs)");
}
