#include "core/kernel/real_sysfs.hpp"

#include "core/base/non_copyable.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace dax {

namespace {

// sysfs attributes are at most a page; /proc files we read (iomem, maps) can be larger.
constexpr size_t k_read_chunk = 4096;

class Fd : private NonCopyable
{
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { if (m_fd >= 0) ::close(m_fd); }
  int get() const { return m_fd; }

private:
  int m_fd;
};

struct DirCloser
{
  void operator()(DIR* dir) const { ::closedir(dir); }
};

// Not an errno: what open_regular returns for a file that is not a regular file.
constexpr int k_not_regular = -2;

// Opens `host` without blocking (a FIFO would wait for a writer) and without becoming its
// controlling terminal, and keeps it only when it is a regular file: every sysfs attribute and
// /proc file is, while a FIFO, /dev/zero or a terminal must never be read or written as one.
// Returns the descriptor, -1 with errno set, or k_not_regular.
int open_regular(const std::string& host, int flags)
{
  int fd = ::open(host.c_str(), flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return -1;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return k_not_regular;
  }
  return fd;
}

// Not an errno: what open_beneath returns for a path that leads out of the sysroot.
constexpr int k_outside = -3;

// How often open_beneath retries openat2's EAGAIN before it reports it.
constexpr int k_resolve_attempts = 1000;

// Opens `path` (absolute, inside the sysroot) of directory `root` without leaving it: openat2's
// RESOLVE_BENEATH refuses a link or ".." that climbs out (Linux 5.6+); before that, the resolved
// path must lie under the root and its last component is not followed. Relative links that stay
// inside (sysfs's "../../devices/...") are followed. Returns the descriptor, -1 with errno set, or
// k_outside.
int resolve_beneath(const std::string& root, const std::string& path, int flags)
{
  flags |= O_CLOEXEC;
  int dir = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  struct open_how how {};
  how.flags = static_cast<unsigned>(flags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const char* inner = path.size() > 1 ? path.c_str() + 1 : ".";
  long fd = -1;
  int saved = 0;
  // openat2(2): with RESOLVE_BENEATH a ".." walked while anything on the system is renamed gives
  // EAGAIN, "the caller may retry"; sysfs links are all "..", so a busy machine sees it.
  for (int attempt = 0; attempt < k_resolve_attempts; ++attempt) {
    fd = ::syscall(SYS_openat2, dir, inner, &how, sizeof how);
    saved = errno;
    if (fd >= 0 || saved != EAGAIN) break;
  }
  ::close(dir);
  if (fd < 0 && saved == ENOSYS) {
    char resolved[PATH_MAX];
    if (!::realpath((root + path).c_str(), resolved)) return -1;
    if (resolved != root && !std::string_view(resolved).starts_with(root + "/")) return k_outside;
    fd = ::open(resolved, flags | O_NOFOLLOW);
    saved = errno;
  }
  errno = saved;
  if (fd < 0) return saved == EXDEV ? k_outside : -1;
  return static_cast<int>(fd);
}

// As resolve_beneath, opened without blocking or becoming a controlling terminal, and kept only
// when it is a regular file (see open_regular).
int open_beneath(const std::string& root, const std::string& path, int flags)
{
  int fd = resolve_beneath(root, path, flags | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return fd;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return k_not_regular;
  }
  return fd;
}

Error open_error(int result, std::string action, const std::string& path)
{
  if (result == k_not_regular) return logic_error(std::move(action), path, "not a regular file");
  if (result == k_outside) return logic_error(std::move(action), path, "a link leads out of the sysroot: refused");
  return os_error(errno, std::move(action), path);
}

FileType file_type(mode_t mode)
{
  if (S_ISREG(mode)) return FileType::regular;
  if (S_ISDIR(mode)) return FileType::directory;
  if (S_ISLNK(mode)) return FileType::symlink;
  if (S_ISFIFO(mode)) return FileType::fifo;
  if (S_ISSOCK(mode)) return FileType::socket;
  return FileType::device;
}

// How many links a path may pass through, as the kernel's MAXSYMLINKS.
constexpr int k_max_links = 40;

// The type and device number of what `path` leads to (links followed, as stat(2)), as the kernel
// has them cached: AT_STATX_DONT_SYNC keeps FUSE (fuse_update_get_attr) and network file systems
// from asking their server, so another process's file on a hung FUSE daemon cannot hold the
// in-use search, and the lock, forever. 0, or -1 with errno.
int stat_cached(const std::string& path, mode_t& mode, dev_t& rdev)
{
  struct statx stx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_STATX_DONT_SYNC | AT_NO_AUTOMOUNT, STATX_TYPE, &stx) == 0) {
    mode = stx.stx_mode, rdev = ::makedev(stx.stx_rdev_major, stx.stx_rdev_minor);
    return 0;
  }
  if (errno != ENOSYS) return -1;
  struct stat st; // before Linux 4.11: stat(2), which may wait on the file system
  if (::stat(path.c_str(), &st) != 0) return -1;
  mode = st.st_mode, rdev = st.st_rdev;
  return 0;
}

// The content of open file `fd` (`path` for messages), at most k_max_read, one newline removed.
Result<std::string> read_all(int fd, const std::string& path)
{
  std::string content;
  char buf[k_read_chunk];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(os_error(errno, "read", path));
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
    if (content.size() > k_max_read) {
      return std::unexpected(os_error(EFBIG, "read", path));
    }
    // A sysfs attribute comes whole in one read (at most a page): a short read is the end, which
    // saves the read(2) that would return 0. /proc files (seq_file) can return less and go on.
    if (static_cast<size_t>(n) < sizeof buf && path.starts_with("/sys/")) break;
  }
  if (!content.empty() && content.back() == '\n') {
    content.pop_back();
  }
  return content;
}

// The names in open directory `dir`, without "." and "..".
std::vector<std::string> names_in(DIR* dir)
{
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

// `path`'s components, empty ones and "." left out.
std::vector<std::string> components(std::string_view path)
{
  std::vector<std::string> parts;
  for (size_t start = 0; start < path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    if (end > start && path.substr(start, end - start) != ".") parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

} // namespace

RealSysfs::RealSysfs(std::string root) : m_root(std::move(root))
{
  // Resolved once, so that canonical() can strip it from resolved paths ("." or a symlinked root).
  char resolved[PATH_MAX];
  if (::realpath(m_root.c_str(), resolved)) m_root = resolved;
  while (!m_root.empty() && m_root.back() == '/') {
    m_root.pop_back();
  }
}

std::string RealSysfs::host_path(const std::string& path) const
{
  return m_root + path;
}

int RealSysfs::open_in_root(const std::string& path, int flags) const
{
  return m_root.empty() ? ::open(path.c_str(), flags | O_CLOEXEC) : resolve_beneath(m_root, path, flags);
}

int RealSysfs::open_parent(const std::string& path, std::string& name) const
{
  size_t slash = path.rfind('/');
  name = path.substr(slash + 1);
  return open_in_root(slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash), O_PATH | O_DIRECTORY);
}

Result<std::string> RealSysfs::read(const std::string& path)
{
  // Under a sysroot a read never leaves the tree either, whatever links the tree holds.
  Fd fd(m_root.empty() ? open_regular(path, O_RDONLY) : open_beneath(m_root, path, O_RDONLY));
  if (fd.get() < 0) return std::unexpected(open_error(fd.get(), "read", path));
  return read_all(fd.get(), path);
}

Result<void> RealSysfs::write(const std::string& path, std::string_view value)
{
  std::string action = fmt::format("write '{}' to", value);
  // Under a sysroot a write never leaves the tree, whatever links the tree holds.
  Fd fd(m_root.empty() ? open_regular(path, O_WRONLY) : open_beneath(m_root, path, O_WRONLY));
  if (fd.get() < 0) return std::unexpected(open_error(fd.get(), action, path));
  std::string line = std::string(value) + "\n";
  // Not retried on EINTR: offlining a block whose pages cannot migrate blocks in the kernel until
  // a signal; the signal (Ctrl-C, SIGHUP, SIGTERM) must end the write so the pass can stop there.
  ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n < 0) {
    return std::unexpected(os_error(errno, action, path));
  }
  if (static_cast<size_t>(n) != line.size()) {
    return std::unexpected(logic_error(action, path, "short write"));
  }
  return {};
}

Result<std::vector<std::string>> RealSysfs::list(const std::string& path)
{
  int fd = open_in_root(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return std::unexpected(open_error(fd, "list", path));
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
  if (!dir) {
    int saved = errno;
    ::close(fd);
    return std::unexpected(os_error(saved, "list", path));
  }
  return names_in(dir.get());
}

Result<std::string> RealSysfs::canonical(const std::string& path)
{
  if (!m_root.empty()) { // resolved inside the tree first: a link that climbs out is refused by name
    Fd fd(open_in_root(path, O_PATH));
    if (fd.get() < 0) return std::unexpected(open_error(fd.get(), "resolve", path));
  }
  char resolved[PATH_MAX];
  if (!::realpath(host_path(path).c_str(), resolved)) {
    return std::unexpected(os_error(errno, "resolve", path));
  }
  std::string result = resolved;
  if (!m_root.empty()) {
    if (result.compare(0, m_root.size(), m_root) != 0) {
      return std::unexpected(logic_error("resolve", path, "the link points outside the sysroot"));
    }
    result.erase(0, m_root.size());
  }
  return result.empty() ? "/" : result;
}

bool RealSysfs::exists(const std::string& path)
{
  Fd fd(open_in_root(path, O_PATH));
  return fd.get() >= 0;
}

Result<std::string> RealSysfs::read_link(const std::string& path)
{
  std::string name;
  Fd dir(open_parent(path, name));
  if (dir.get() < 0) return std::unexpected(open_error(dir.get(), "read link", path));
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(dir.get(), name.c_str(), target, sizeof target);
  if (n < 0) return std::unexpected(os_error(errno, "read link", path));
  return std::string(target, static_cast<size_t>(n));
}

Result<DeviceNode> RealSysfs::device_number(const std::string& path)
{
  mode_t mode = 0;
  dev_t rdev = 0;
  if (m_root.empty()) {
    // The live /proc: the fd and map_files links lead to the open file itself, deleted or not.
    if (stat_cached(path, mode, rdev) != 0) return std::unexpected(os_error(errno, "stat", path));
  } else {
    // A captured tree's links are plain symlinks with absolute targets: follow them inside the
    // root, never to the host's /dev.
    struct stat st;
    std::string inner = path;
    for (int hops = 0;; ++hops) {
      if (auto found = lstat_in_root(inner, st); !found) return std::unexpected(found.error());
      if (!S_ISLNK(st.st_mode)) break;
      if (hops == k_max_links) return std::unexpected(os_error(ELOOP, "stat", path));
      auto target = read_link(inner);
      if (!target) return std::unexpected(target.error());
      inner = target->starts_with('/') ? *target : inner.substr(0, inner.rfind('/') + 1) + *target;
    }
    mode = st.st_mode, rdev = st.st_rdev;
  }
  if (!S_ISCHR(mode) && !S_ISBLK(mode)) return std::unexpected(os_error(ENODEV, "stat", path));
  return DeviceNode{S_ISCHR(mode), DeviceNumber{::major(rdev), ::minor(rdev)}};
}

Result<void> RealSysfs::lstat_in_root(const std::string& path, struct stat& st) const
{
  std::string name;
  Fd dir(open_parent(path, name));
  if (dir.get() < 0) return std::unexpected(open_error(dir.get(), "stat", path));
  int flags = AT_SYMLINK_NOFOLLOW | (name.empty() ? AT_EMPTY_PATH : 0);
  if (::fstatat(dir.get(), name.c_str(), &st, flags) != 0) return std::unexpected(os_error(errno, "stat", path));
  return {};
}

Result<FileStatus> RealSysfs::file_status(const std::string& path)
{
  struct stat st;
  if (auto found = lstat_in_root(path, st); !found) return std::unexpected(found.error());
  return FileStatus{file_type(st.st_mode), st.st_uid, static_cast<unsigned>(st.st_mode & 07777)};
}

// Walks `path` from the root one component at a time, no open ever following a link: a link is
// read and its target walked in turn (inside the root), so each directory entered and the target
// are checked on the very descriptor that is then used; a directory swapped afterwards is not.
Result<int> RealSysfs::open_checked(const std::string& path, int flags, const TrustCheck& check)
{
  std::vector<std::unique_ptr<Fd>> dirs; // the root, then each directory entered
  dirs.push_back(std::make_unique<Fd>(::open(m_root.empty() ? "/" : m_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)));
  if (dirs.back()->get() < 0) return std::unexpected(os_error(errno, "open", "/"));
  std::vector<std::string> where; // the resolved path so far
  std::vector<std::string> todo = components(path);
  std::reverse(todo.begin(), todo.end()); // a stack: the next component last
  for (int links = 0; !todo.empty();) {
    std::string name = std::move(todo.back());
    todo.pop_back();
    if (name == "..") {
      if (dirs.size() > 1) dirs.pop_back(), where.pop_back();
      continue;
    }
    std::string here;
    for (const auto& part : where) here += "/" + part;
    here += "/" + name;
    int parent = dirs.back()->get();
    struct stat st;
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::unexpected(os_error(errno, "stat", here));
    if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = ::readlinkat(parent, name.c_str(), target, sizeof target);
      if (n < 0) return std::unexpected(os_error(errno, "read link", here));
      if (++links > k_max_links) return std::unexpected(os_error(ELOOP, "open", path));
      std::string_view link(target, static_cast<size_t>(n));
      if (link.starts_with('/')) dirs.resize(1), where.clear();
      auto parts = components(link);
      todo.insert(todo.end(), parts.rbegin(), parts.rend());
      continue;
    }
    bool last = todo.empty();
    FileStatus status{file_type(st.st_mode), st.st_uid, static_cast<unsigned>(st.st_mode & 07777)};
    if (last && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      // A FIFO or device is never opened (a tape would rewind): refused on what stat saw.
      if (auto ok = check(here, status, WalkStep::target); !ok) return std::unexpected(ok.error());
      return std::unexpected(open_error(k_not_regular, "open", here));
    }
    int how = last ? flags | O_NONBLOCK | O_NOCTTY : O_PATH | O_DIRECTORY;
    auto opened = std::make_unique<Fd>(::openat(parent, name.c_str(), how | O_NOFOLLOW | O_CLOEXEC));
    if (opened->get() < 0 || ::fstat(opened->get(), &st) != 0) return std::unexpected(os_error(errno, "open", here));
    if (!last && !S_ISDIR(st.st_mode)) return std::unexpected(os_error(ENOTDIR, "open", here));
    status = FileStatus{file_type(st.st_mode), st.st_uid, static_cast<unsigned>(st.st_mode & 07777)};
    if (auto ok = check(here, status, last ? WalkStep::target : WalkStep::directory); !ok) return std::unexpected(ok.error());
    if (last) return ::dup(opened->get());
    dirs.push_back(std::move(opened));
    where.push_back(std::move(name));
  }
  return std::unexpected(os_error(EISDIR, "open", path)); // the root itself: nothing to check
}

Result<std::string> RealSysfs::read_checked(const std::string& path, const TrustCheck& check)
{
  auto opened = open_checked(path, O_RDONLY, check);
  if (!opened) return std::unexpected(opened.error());
  Fd fd(*opened);
  struct stat st;
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) return std::unexpected(os_error(errno, "read", path));
  if (!S_ISREG(st.st_mode)) return std::unexpected(open_error(k_not_regular, "read", path));
  return read_all(fd.get(), path);
}

Result<std::vector<std::string>> RealSysfs::list_checked(const std::string& path, const TrustCheck& check)
{
  auto opened = open_checked(path, O_RDONLY | O_DIRECTORY, check);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<DIR, DirCloser> dir(*opened >= 0 ? ::fdopendir(*opened) : nullptr);
  if (!dir) {
    if (*opened >= 0) ::close(*opened);
    return std::unexpected(os_error(errno, "list", path));
  }
  return names_in(dir.get());
}

Result<std::string> TracingSysfs::read_checked(const std::string& path, const TrustCheck& check)
{
  auto result = m_inner.read_checked(path, check);
  m_log(result ? fmt::format("read {} = {}", path, *result)
               : fmt::format("read {}: {}", path, result.error().message()));
  return result;
}

TracingSysfs::TracingSysfs(Sysfs& inner, std::function<void(const std::string&)> log)
  : SysfsLayer(inner), m_log(std::move(log))
{
}

Result<std::string> TracingSysfs::read(const std::string& path)
{
  auto result = m_inner.read(path);
  m_log(result ? fmt::format("read {} = {}", path, *result)
               : fmt::format("read {}: {}", path, result.error().message()));
  return result;
}

Result<void> TracingSysfs::write(const std::string& path, std::string_view value)
{
  auto result = m_inner.write(path, value);
  m_log(result ? fmt::format("write {} <- {}", path, value)
               : fmt::format("write {} <- {}: {}", path, value, result.error().message()));
  return result;
}

Result<std::vector<std::string>> TracingSysfs::list(const std::string& path)
{
  auto result = m_inner.list(path);
  m_log(result ? fmt::format("list {} ({} entries)", path, result->size())
               : fmt::format("list {}: {}", path, result.error().message()));
  return result;
}

Result<std::string> TracingSysfs::canonical(const std::string& path)
{
  return m_inner.canonical(path);
}

bool TracingSysfs::exists(const std::string& path)
{
  return m_inner.exists(path);
}

} // namespace dax
