#include "device_users.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace dax {

namespace {

bool maps_device(const std::string& maps, const std::string& dev_path)
{
  std::istringstream lines(maps);
  std::string line;
  while (std::getline(lines, line)) {
    // "start-end perms offset dev inode   pathname": the path is the line's last field.
    if (line.size() >= dev_path.size() && line.ends_with(dev_path) &&
        line[line.size() - dev_path.size() - 1] == ' ') {
      return true;
    }
  }
  return false;
}

bool has_open_fd(Sysfs& sysfs, const std::string& pid_dir, const std::string& dev_path)
{
  auto fds = sysfs.list(pid_dir + "/fd");
  if (!fds) return false;
  return std::any_of(fds->begin(), fds->end(), [&](const std::string& fd) {
    auto target = sysfs.read_link(pid_dir + "/fd/" + fd);
    return target && *target == dev_path;
  });
}

} // namespace

std::vector<DeviceUser> find_device_users(Sysfs& sysfs, const DeviceName& name)
{
  std::vector<DeviceUser> users;
  auto entries = sysfs.list("/proc");
  if (!entries) return users;
  std::string dev_path = "/dev/" + name.str();
  for (const auto& entry : *entries) {
    auto pid = parse_int(entry);
    if (!pid || *pid <= 0) continue;
    std::string pid_dir = "/proc/" + entry;
    auto maps = sysfs.read(pid_dir + "/maps");
    bool mapped = maps && maps_device(*maps, dev_path);
    if (!mapped && !has_open_fd(sysfs, pid_dir, dev_path)) continue;
    auto comm = sysfs.read(pid_dir + "/comm");
    users.push_back({*pid, comm ? *comm : std::string("?"), mapped});
  }
  std::sort(users.begin(), users.end(), [](const DeviceUser& a, const DeviceUser& b) { return a.pid < b.pid; });
  return users;
}

std::string describe_users(const std::vector<DeviceUser>& users)
{
  std::string text;
  for (const auto& user : users) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} ({}{})", user.pid, user.command, user.mapped ? ", mapped" : "");
  }
  return text;
}

} // namespace dax
