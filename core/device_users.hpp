#pragma once

#include "parse.hpp"
#include "sysfs.hpp"

#include <string>
#include <vector>

namespace dax {

// A process that has /dev/daxX.Y open or mapped: binding kmem under it would destroy data it uses.
struct DeviceUser
{
  int pid = 0;
  std::string command; // /proc/PID/comm
  bool mapped = false; // in /proc/PID/maps, not just an open descriptor
};

// Walks /proc/*/fd and /proc/*/maps for `name`'s character device. Processes that vanish or
// cannot be read (not root) are skipped; a missing /proc gives an empty list.
std::vector<DeviceUser> find_device_users(Sysfs& sysfs, const DeviceName& name);

// "1234 (qemu-system-x86), 99 (fio, mapped)".
std::string describe_users(const std::vector<DeviceUser>& users);

} // namespace dax
