#include "core/kernel/state_lock.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>


namespace dax {

namespace {

// This process's command line, NULs as spaces, for the lock file.
std::string own_command_line()
{
  char buf[200];
  ssize_t n = -1;
  if (int fd = ::open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC); fd >= 0) {
    n = ::read(fd, buf, sizeof buf);
    ::close(fd);
  }
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string read_holder(int fd)
{
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another process";
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

// Whether `path` still names the file open as `fd` (a lock file replaced meanwhile does not).
bool names_file(const std::string& path, int fd)
{
  struct stat named {}, open {};
  return ::lstat(path.c_str(), &named) == 0 && ::fstat(fd, &open) == 0 && named.st_dev == open.st_dev &&
         named.st_ino == open.st_ino;
}

// How often a lock file others could open is replaced before dax gives up (someone keeps making one).
constexpr int k_replace_attempts = 10;

// Opens the lock file as only its owner may use it. flock works on a read-only descriptor, so a
// file others can open is a lock any user can hold against root: created 0600; one owned by another
// user, or writable by group or others, refused. An old one others could read (dax made it 0644
// before) may be held through a descriptor opened back then, which no chmod takes away: it is
// removed and a private one made in its place. O_NOFOLLOW: a planted symlink must not make root
// create or write another file; O_NONBLOCK: a FIFO there must not hang the open.
Result<int> open_lock_file(const std::string& path)
{
  for (int attempt = 0;; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
    if (fd < 0) return std::unexpected(os_error(errno, "open lock file", path));
    auto refuse = [&](std::string why) {
      ::close(fd);
      return std::unexpected(logic_error("open lock file", path, std::move(why)));
    };
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return refuse("not a regular file");
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
      return refuse(fmt::format("owned by uid {}, not root: another user could hold the lock; remove it", st.st_uid));
    }
    if ((st.st_mode & 022U) != 0) {
      return refuse(fmt::format("writable by group or others (mode {:04o}); remove it", st.st_mode & 07777U));
    }
    if ((st.st_mode & 077U) == 0 || st.st_uid != ::geteuid()) return fd;
    if (attempt == k_replace_attempts) return refuse("made readable by others again and again; remove it");
    if (names_file(path, fd) && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
      int saved = errno;
      ::close(fd);
      return std::unexpected(os_error(saved, "remove lock file readable by others", path));
    }
    ::close(fd);
  }
}

} // namespace

StateLock::StateLock(StateLock&& other) noexcept : m_fd(other.m_fd)
{
  other.m_fd = -1;
}

StateLock::~StateLock()
{
  if (m_fd >= 0) {
    (void)::ftruncate(m_fd, 0);
    ::close(m_fd); // releases the flock
  }
}

std::string StateLock::path(const std::string& root)
{
  std::string prefix = root == "/" ? std::string() : root;
  struct stat live {}, guarded {};
  // A sysroot whose sys is the live sysfs (a bind mount or a link) guards the live system: it takes
  // the live lock, or it and a plain dax would write the same sysfs at once.
  if (!prefix.empty() && ::stat("/sys", &live) == 0 && ::stat((prefix + "/sys").c_str(), &guarded) == 0 &&
      live.st_dev == guarded.st_dev && live.st_ino == guarded.st_ino) {
    return "/run/dax.lock";
  }
  // Beside the resolved sys: two sysroots whose sys links to one tree take that tree's lock.
  char resolved[PATH_MAX];
  if (!prefix.empty() && ::realpath((prefix + "/sys").c_str(), resolved)) {
    std::string sys = resolved;
    prefix = sys.substr(0, sys.rfind('/'));
  }
  return prefix + "/run/dax.lock";
}

namespace {

// Waits for the flock on `fd` until `deadline`; gives up (closing `fd`) on a signal (`stop`) or at
// the deadline, naming the holder; `waiting` is told the holder once (`told`).
Result<void> wait_for_lock(int fd, const std::string& path, std::chrono::steady_clock::time_point deadline,
                           std::chrono::milliseconds timeout, const std::function<bool()>& stop,
                           const std::function<void(const std::string&)>& waiting, bool& told)
{
  // Before the lock is ours the file is only closed, never emptied: its line names the holder.
  auto give_up = [&](Error error) {
    ::close(fd);
    return std::unexpected(std::move(error));
  };
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return give_up(os_error(errno, "lock", path));
    if (!told && waiting) waiting(read_holder(fd));
    told = true;
    if (stop && stop()) {
      Error error = logic_error("lock", path, fmt::format("interrupted while waiting for another dax: {}",
                                                          read_holder(fd)));
      error.code = EINTR;
      error.kind = ErrorKind::interrupted;
      return give_up(std::move(error));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return give_up(logic_error(
        "lock", path, fmt::format("another dax is changing the system: {} (waited {} s)", read_holder(fd),
                                  std::chrono::duration_cast<std::chrono::seconds>(timeout).count())));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

} // namespace

Result<StateLock> StateLock::acquire(const std::string& root, std::chrono::milliseconds timeout,
                                     const std::function<bool()>& stop,
                                     const std::function<void(const std::string&)>& waiting)
{
  std::string path = StateLock::path(root);
  std::string dir = path.substr(0, path.rfind('/'));
  ::mkdir(dir.c_str(), 0755); // exists on any running system; may be missing in a captured tree
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool told = false;
  int fd = -1;
  for (;;) {
    auto opened = open_lock_file(path);
    if (!opened) return std::unexpected(opened.error());
    fd = *opened;
    if (auto locked = wait_for_lock(fd, path, deadline, timeout, stop, waiting, told); !locked) {
      return std::unexpected(locked.error());
    }
    if (names_file(path, fd)) break;
    ::close(fd); // the file was replaced while this one was held: the lock is the one there now
  }
  StateLock lock(fd);
  std::string holder = fmt::format("pid {} ({})\n", ::getpid(), own_command_line());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    return std::unexpected(os_error(errno, "write lock file", path));
  }
  return lock;
}

} // namespace dax
