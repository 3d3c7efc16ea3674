// Finding processes that have /dev/daxX.Y open or mapped, on a /proc tree in a temp dir.
#include "device_users.hpp"
#include "real_sysfs.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace dax;
using dax::test::TempDir;

TEST_CASE("find_device_users finds open descriptors and mappings of the device only", "[device_users]")
{
  TempDir root;
  root.write("proc/100/comm", "qemu-system-x86\n");
  root.write("proc/100/maps", "7f00-7f10 r-xp 00000000 08:01 1234   /usr/lib/libc.so.6\n");
  root.link("proc/100/fd/0", "/dev/null");
  root.link("proc/100/fd/7", "/dev/dax0.0");
  root.write("proc/200/comm", "fio\n");
  root.write("proc/200/maps", "7f00000-7f20000 rw-s 00000000 00:06 77   /dev/dax0.0\n");
  root.write("proc/300/comm", "other\n");
  root.write("proc/300/maps", "7f00000-7f20000 rw-s 00000000 00:06 78   /dev/dax0.00\n");
  root.link("proc/300/fd/1", "/dev/dax1.0");
  root.write("proc/meminfo", "MemTotal: 1 kB\n");
  RealSysfs sysfs(root.path());

  auto users = find_device_users(sysfs, DeviceName{0, 0});
  REQUIRE(users.size() == 2);
  CHECK(users[0].pid == 100);
  CHECK(users[0].command == "qemu-system-x86");
  CHECK_FALSE(users[0].mapped);
  CHECK(users[1].pid == 200);
  CHECK(users[1].mapped);
  CHECK(describe_users(users) == "100 (qemu-system-x86), 200 (fio, mapped)");

  CHECK(find_device_users(sysfs, DeviceName{1, 0}).size() == 1);
  CHECK(find_device_users(sysfs, DeviceName{2, 0}).empty());
}

TEST_CASE("find_device_users gives nothing without /proc", "[device_users]")
{
  TempDir root;
  RealSysfs sysfs(root.path());
  CHECK(find_device_users(sysfs, DeviceName{0, 0}).empty());
}
