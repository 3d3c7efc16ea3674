#include "core/model/device_users.hpp"

#include "core/model/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace dax {

namespace {

// The dax device's number: its sysfs `dev`, or the node in /dev when sysfs does not say.
std::optional<DeviceNumber> own_number(Sysfs& sysfs, const DeviceName& name)
{
  if (auto text = sysfs.read(fmt::format("{}/{}/dev", k_dax_devices, name.str()))) {
    return parse_device_number(*text);
  }
  auto node = sysfs.device_number("/dev/" + name.str());
  return node ? std::optional(*node) : std::nullopt;
}

// Whether an error reading a process's entries means "gone" (fine) or "not allowed" (unknown).
bool vanished(const Error& error)
{
  return error.code == ENOENT || error.code == ESRCH;
}

// Whether any link in directory `dir` (fd or map_files) refers to device `number`; `complete`
// is cleared when a link could not be examined for lack of permission.
bool holds(Sysfs& sysfs, const std::string& dir, DeviceNumber number, bool& complete)
{
  auto links = sysfs.list(dir);
  if (!links) {
    if (!vanished(links.error())) complete = false;
    return false;
  }
  bool found = false;
  for (const auto& link : *links) {
    auto target = sysfs.device_number(dir + "/" + link);
    if (target) {
      found = found || *target == number;
    } else if (target.error().code == EACCES || target.error().code == EPERM) {
      complete = false;
    }
  }
  return found;
}

} // namespace

std::optional<DeviceNumber> parse_device_number(std::string_view text)
{
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto major = parse_int(text.substr(0, colon));
  auto minor = parse_int(text.substr(colon + 1));
  if (!major || !minor || *major < 0 || *minor < 0) return std::nullopt;
  return DeviceNumber{static_cast<unsigned>(*major), static_cast<unsigned>(*minor)};
}

UserSearch search_device_users(Sysfs& sysfs, const DeviceName& name)
{
  UserSearch search;
  auto entries = sysfs.list("/proc");
  if (!entries) return search;
  auto number = own_number(sysfs, name);
  if (!number) {
    search.complete = false;
    return search;
  }
  for (const auto& entry : *entries) {
    auto pid = parse_int(entry);
    if (!pid || *pid <= 0 || entry != std::to_string(*pid)) continue;
    std::string pid_dir = "/proc/" + entry;
    bool mapped = holds(sysfs, pid_dir + "/map_files", *number, search.complete);
    if (!mapped && !holds(sysfs, pid_dir + "/fd", *number, search.complete)) continue;
    auto comm = sysfs.read(pid_dir + "/comm");
    search.users.push_back({*pid, comm ? *comm : std::string("?"), mapped});
  }
  std::sort(search.users.begin(), search.users.end(),
            [](const DeviceUser& a, const DeviceUser& b) { return a.pid < b.pid; });
  return search;
}

std::vector<DeviceUser> find_device_users(Sysfs& sysfs, const DeviceName& name)
{
  return search_device_users(sysfs, name).users;
}

std::string describe_users(const std::vector<DeviceUser>& users)
{
  std::string text;
  for (const auto& user : users) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} ({}{})", user.pid, printable(user.command, 32), user.mapped ? ", mapped" : "");
  }
  return text;
}

Error in_use_refusal(const DeviceName& name, const std::vector<DeviceUser>& users, std::string_view consequence)
{
  Error error = refusal(name.str(), fmt::format("/dev/{} is in use by {}: {}", name.str(), describe_users(users), consequence));
  error.code = EBUSY; // a refusal (logical) with EBUSY: --report's "in-use"; the text is the detail's
  return error;
}

} // namespace dax
