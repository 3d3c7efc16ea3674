#pragma once

#include "core/base/error.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace dax {

// An exclusive lock held around every state change, so that two dax processes (an administrator
// and a boot-time apply) never interleave their writes. It is flock(2) on `run/dax.lock` beside the
// sysfs it guards (the live /run/dax.lock when a sysroot's sys is the live /sys); the file is
// root's alone (0600), and the holder writes its pid and command line there so a waiter can name it.
class StateLock
{
public:
  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  ~StateLock();

  // Takes the lock under sysroot directory `root`, waiting up to `timeout`; after that the error
  // names the holder ("held by pid 1234 (dax reconfigure ...)"). When `stop` says so while
  // waiting (a signal), it gives up at once with EINTR, also naming the holder. The file is opened
  // without following a symlink and must be a regular file; only the process that got the lock
  // writes (or empties) it, so the holder's line stays readable to every waiter. `waiting` is told
  // the holder once, when the lock is found busy.
  static Result<StateLock> acquire(const std::string& root, std::chrono::milliseconds timeout,
                                   const std::function<bool()>& stop = {},
                                   const std::function<void(const std::string&)>& waiting = {});

  // The lock file that guards the sysfs of sysroot `root`: two roots sharing one sysfs share it.
  static std::string path(const std::string& root);

private:
  explicit StateLock(int fd) : m_fd(fd) {}
  int m_fd;
};

} // namespace dax
