#pragma once

#include "core/base/parse.hpp"
#include "core/kernel/sysfs.hpp"

#include <string>
#include <vector>

namespace dax {

// A process that has /dev/daxX.Y open or mapped: binding kmem under it would destroy data it uses.
struct DeviceUser
{
  int pid = 0;
  std::string command; // /proc/PID/comm as the kernel has it (any bytes; escape before printing)
  bool mapped = false; // a mapping of the device (/proc/PID/map_files), not just an open descriptor
  std::string famfs;   // where famfs on the device is mounted, in this process's mount namespace
};

// The processes found, and whether the search saw everything: without root, other users'
// /proc/PID/fd and map_files cannot be read, and nothing may be said about them.
struct UserSearch
{
  std::vector<DeviceUser> users; // by pid
  bool complete = true;          // every process was examined and the device number was known
  std::string gap;               // why not complete: "its sysfs dev ' 252:0' is not MAJOR:MINOR"
};

// Finds the processes holding `name`'s character device by device number, never by path: the
// device's major:minor (sysfs `dev`, else stat of /dev/daxX.Y) is compared with the character
// devices each /proc/PID/fd/* and /proc/PID/map_files/* refers to (a block device is not it). A renamed or deleted node, one made by a
// container in its own /dev, or a mapping whose descriptor was closed are all found. Processes
// that vanish meanwhile are skipped; a missing /proc gives an empty, complete search. A famfs
// mounted from the device is a user too: found in /proc/PID/mountinfo, once per mount namespace
// (the first process seen in it stands for it).
UserSearch search_device_users(Sysfs& sysfs, const DeviceName& name);

// search_device_users(...).users.
std::vector<DeviceUser> find_device_users(Sysfs& sysfs, const DeviceName& name);

// The users of `name`, or, when the search could not see everything, a refusal saying why: an
// action that must not run under a user must not run while they are unknown (fail closed).
Result<std::vector<DeviceUser>> require_known_users(Sysfs& sysfs, const DeviceName& name);

// "1234 (qemu-system-x86), 99 (fio, mapped)", commands escaped for a terminal.
std::string describe_users(const std::vector<DeviceUser>& users);

// The refusal of an action on `name` that `users` hold: "/dev/dax0.0 is in use by 1234 (fio):
// <consequence>", the consequence saying what the action would do to them and what to do.
Error in_use_refusal(const DeviceName& name, const std::vector<DeviceUser>& users, std::string_view consequence);

// The device number that sysfs `dev` shows ("252:0").
std::optional<DeviceNumber> parse_device_number(std::string_view text);

} // namespace dax
