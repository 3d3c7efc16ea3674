#include "core/kernel/state_lock.hpp"

#include <fmt/format.h>

#include <cerrno>
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

Result<StateLock> StateLock::acquire(const std::string& root, std::chrono::milliseconds timeout,
                                     const std::function<bool()>& stop)
{
  std::string dir = (root == "/" ? std::string() : root) + "/run";
  std::string path = dir + "/dax.lock";
  ::mkdir(dir.c_str(), 0755); // exists on any running system; may be missing in a captured tree
  // O_NOFOLLOW: a symlink planted at the path must not make root create or write another file;
  // O_NONBLOCK: a FIFO there must not hang the open.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) return std::unexpected(os_error(errno, "open lock file", path));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::unexpected(logic_error("open lock file", path, "not a regular file"));
  }
  // Before the lock is ours the file is only closed, never emptied: its line names the holder.
  auto give_up = [&](Error error) {
    ::close(fd);
    return std::unexpected(std::move(error));
  };

  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return give_up(os_error(errno, "lock", path));
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
  StateLock lock(fd);
  std::string holder = fmt::format("pid {} ({})\n", ::getpid(), own_command_line());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    return std::unexpected(os_error(errno, "write lock file", path));
  }
  return lock;
}

} // namespace dax
