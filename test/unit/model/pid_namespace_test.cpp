// pid_namespace_test: the in-use search sees a process of another PID namespace (issue #21,
// "processes in another PID namespace are not seen": refuted for dax running in the initial one).
// A process started with `unshare --pid --fork --mount-proc` (a container's PID 1, as it sees
// itself) holds a character device open; search_device_users over the live /proc, with the dax
// device's sysfs `dev` standing for that device's number, must find it under its host PID.
// Needs root and unshare(1) with CLONE_NEWPID: exit 77 (skipped) otherwise.
#include "core/kernel/real_sysfs.hpp"
#include "core/model/device_users.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

constexpr int k_skip = 77;
// /dev/full: a character device with a driver that hardly any process holds.
constexpr unsigned k_major = 1, k_minor = 7;

// The live files, but dax0.0's sysfs `dev` says /dev/full's number (this machine has no dax device).
class FullAsDax final : public dax::SysfsLayer
{
public:
  explicit FullAsDax(dax::Sysfs& inner) : SysfsLayer(inner) {}
  dax::Result<std::string> read(const std::string& path) override
  {
    if (path == "/sys/bus/dax/devices/dax0.0/dev") return fmt::format("{}:{}", k_major, k_minor);
    return m_inner.read(path);
  }
  dax::Result<void> write(const std::string& path, std::string_view value) override { return m_inner.write(path, value); }
  dax::Result<std::vector<std::string>> list(const std::string& path) override { return m_inner.list(path); }
  dax::Result<std::string> canonical(const std::string& path) override { return m_inner.canonical(path); }
  bool exists(const std::string& path) override { return m_inner.exists(path); }
};

std::string pid_namespace(const std::string& pid)
{
  char target[256];
  ssize_t n = ::readlink(fmt::format("/proc/{}/ns/pid", pid).c_str(), target, sizeof target);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
}

} // namespace

int main()
{
  if (::geteuid() != 0) return fmt::print("SKIP: needs root for a PID namespace\n"), k_skip;
  struct stat st;
  if (::stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != ::makedev(k_major, k_minor))
    return fmt::print("SKIP: no /dev/full ({}:{})\n", k_major, k_minor), k_skip;
  dax::RealSysfs live("/");
  FullAsDax sysfs(live);
  dax::DeviceName dax0{0, 0};
  if (auto before = dax::search_device_users(sysfs, dax0); !before.users.empty())
    return fmt::print("SKIP: /dev/full is already held by {}\n", dax::describe_users(before.users)), k_skip;
  pid_t child = ::fork();
  if (child == 0) {
    ::execlp("unshare", "unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "sh", "-c",
             "exec 3</dev/full; exec sleep 30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The search, until the holder is up (or unshare has failed).
  dax::UserSearch search;
  for (int tries = 0; tries < 100 && search.users.empty(); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (::waitpid(child, nullptr, WNOHANG) == child) {
      return fmt::print("SKIP: unshare --pid --fork --mount-proc failed (no CLONE_NEWPID here?)\n"), k_skip;
    }
    search = dax::search_device_users(sysfs, dax0);
  }
  std::string theirs = search.users.empty() ? "" : pid_namespace(std::to_string(search.users.front().pid));
  std::string ours = pid_namespace("self");
  ::kill(child, SIGKILL); // --kill-child: the namespace's PID 1 goes with unshare
  ::waitpid(child, nullptr, 0);
  if (search.users.empty()) return fmt::print("FAIL: the process in another PID namespace was not found\n"), 1;
  const auto& user = search.users.front();
  fmt::print("ok: found {} ({}) in PID namespace {} (ours {})\n", user.pid, user.command, theirs, ours);
  if (theirs.empty() || theirs == ours) return fmt::print("FAIL: it was not in another PID namespace\n"), 1;
  return 0;
}
