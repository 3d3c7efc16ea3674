#include "core/model/device_users.hpp"

#include "core/model/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <cerrno>

namespace dax {

namespace {

// The dax device's number: its sysfs `dev`, or the node in /dev when sysfs does not say; else why not.
Result<DeviceNumber> own_number(Sysfs& sysfs, const DeviceName& name)
{
  std::string path = fmt::format("{}/{}/dev", k_dax_devices, name.str());
  if (auto text = sysfs.read(path)) {
    if (auto number = parse_device_number(*text)) return *number;
    return std::unexpected(logic_error("parse", path, fmt::format("'{}' is not MAJOR:MINOR", printable(*text, 32))));
  }
  std::string node = "/dev/" + name.str();
  auto found = sysfs.device_number(node);
  if (!found) return std::unexpected(found.error());
  if (!found->character) return std::unexpected(logic_error("stat", node, "a block device, not a dax device"));
  return found->number;
}

// Clears `complete` and keeps the first reason.
void note_gap(UserSearch& search, std::string why)
{
  if (search.gap.empty()) search.gap = std::move(why);
  search.complete = false;
}

// Whether an error reading a process's entries means "gone" (fine) or "not allowed" (unknown).
bool vanished(const Error& error)
{
  return error.code == ENOENT || error.code == ESRCH;
}

// Whether any link in directory `dir` (fd or map_files) refers to character device `number` (a
// block device of the same major:minor, a pmem namespace say, is another device); the search is
// marked incomplete when a link could not be examined for lack of permission.
bool holds(Sysfs& sysfs, const std::string& dir, DeviceNumber number, UserSearch& search)
{
  auto links = sysfs.list(dir);
  if (!links) {
    if (!vanished(links.error())) note_gap(search, links.error().message());
    return false;
  }
  bool found = false;
  for (const auto& link : *links) {
    auto target = sysfs.device_number(dir + "/" + link);
    if (target) {
      found = found || (target->character && target->number == number);
    } else if (target.error().code == EACCES || target.error().code == EPERM) {
      note_gap(search, target.error().message());
    }
  }
  return found;
}

// Where famfs from /dev/`name` is mounted in mountinfo `text` ("36 25 0:52 / /mnt/famfs rw - famfs
// /dev/dax0.0 rw"): the mount point of the first such line, or empty.
std::string famfs_mount_point(std::string_view text, const DeviceName& name)
{
  std::string source = "/dev/" + name.str();
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    std::string_view tail = line.substr(dash + 3); // FSTYPE SOURCE OPTIONS
    std::string_view type = tail.substr(0, tail.find(' '));
    std::string_view rest = tail.substr(std::min(type.size() + 1, tail.size()));
    if ((type != "famfs" && type != "fuse.famfs") || rest.substr(0, rest.find(' ')) != source) continue;
    // ID PARENT MAJ:MIN ROOT MOUNTPOINT ...: the fifth field.
    size_t field = 0;
    for (int skip = 0; skip < 4 && field != std::string_view::npos; ++skip) field = line.find(' ', field + 1);
    if (field == std::string_view::npos) continue;
    std::string_view point = line.substr(field + 1);
    return std::string(point.substr(0, point.find(' ')));
  }
  return "";
}

// The famfs mount of `name` seen by the process of `pid_dir`, once per mount namespace (`seen`).
std::string famfs_of(Sysfs& sysfs, const std::string& pid_dir, const DeviceName& name, std::set<std::string>& seen,
                     UserSearch& search)
{
  auto ns = sysfs.read_link(pid_dir + "/ns/mnt");
  if (ns && !seen.insert(*ns).second) return "";
  if (!ns && !vanished(ns.error())) note_gap(search, ns.error().message());
  auto mounts = sysfs.read(pid_dir + "/mountinfo");
  if (!mounts) {
    // EINVAL: a zombie, which has no mount namespace left.
    if (!vanished(mounts.error()) && mounts.error().code != EINVAL) note_gap(search, mounts.error().message());
    return "";
  }
  return famfs_mount_point(*mounts, name);
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
    note_gap(search, number.error().message());
    return search;
  }
  std::set<std::string> namespaces; // mount namespaces whose mountinfo was read
  for (const auto& entry : *entries) {
    auto pid = parse_int(entry);
    if (!pid || *pid <= 0 || entry != std::to_string(*pid)) continue;
    std::string pid_dir = "/proc/" + entry;
    bool mapped = holds(sysfs, pid_dir + "/map_files", *number, search);
    bool holding = mapped || holds(sysfs, pid_dir + "/fd", *number, search);
    std::string famfs = famfs_of(sysfs, pid_dir, name, namespaces, search);
    if (!holding && famfs.empty()) continue;
    auto comm = sysfs.read(pid_dir + "/comm");
    search.users.push_back({*pid, comm ? *comm : std::string("?"), mapped, famfs});
  }
  std::sort(search.users.begin(), search.users.end(),
            [](const DeviceUser& a, const DeviceUser& b) { return a.pid < b.pid; });
  return search;
}

std::vector<DeviceUser> find_device_users(Sysfs& sysfs, const DeviceName& name)
{
  return search_device_users(sysfs, name).users;
}

Result<std::vector<DeviceUser>> require_known_users(Sysfs& sysfs, const DeviceName& name)
{
  auto search = search_device_users(sysfs, name);
  if (search.complete) return std::move(search.users);
  return std::unexpected(refusal(name.str(), fmt::format("cannot tell which processes use /dev/{} ({}); "
                                                         "nothing was changed", name.str(), search.gap)));
}

std::string describe_users(const std::vector<DeviceUser>& users)
{
  std::string text;
  for (const auto& user : users) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} ({}{}{})", user.pid, printable(user.command, 32), user.mapped ? ", mapped" : "",
                        user.famfs.empty() ? "" : ", famfs mounted on " + printable(user.famfs, 64));
  }
  return text;
}

Error in_use_refusal(const DeviceName& name, const std::vector<DeviceUser>& users, std::string_view consequence)
{
  Error error = refusal(name.str(), fmt::format("/dev/{} is in use by {}: {}", name.str(), describe_users(users), consequence));
  error.code = EBUSY; // a refusal (logical) with EBUSY: --report's "in-use"; the text is the detail's
  for (const auto& user : users) error.holders.push_back({user.pid, user.command});
  return error;
}

} // namespace dax
