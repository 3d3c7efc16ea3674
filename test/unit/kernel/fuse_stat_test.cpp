// fuse_stat_test: the in-use search's look at another process's open file does not wait on a dead
// FUSE daemon (issue #21). A file on a FUSE mount is opened; the daemon then stops answering;
// RealSysfs::device_number of /proc/self/fd/N must still return (ENODEV: not a device) within a
// deadline, where stat(2) would wait for the daemon's GETATTR answer forever.
// Needs root and /dev/fuse (mount(2) of "fuse" without fusermount): exit 77 (skipped) otherwise.
#include "core/kernel/real_sysfs.hpp"

#include <fmt/format.h>

#include <linux/fuse.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <vector>

namespace {

constexpr int k_skip = 77;
constexpr uint64_t k_root = FUSE_ROOT_ID, k_file = 2;

fuse_attr attr_of(uint64_t node)
{
  fuse_attr attr{};
  attr.ino = node;
  attr.mode = node == k_root ? (S_IFDIR | 0755) : (S_IFREG | 0644);
  attr.nlink = 1;
  return attr;
}

// Sends one answer to request `unique`: `error` (negative errno) or `body`.
void reply(int fuse, uint64_t unique, int error, const void* body = nullptr, size_t size = 0)
{
  fuse_out_header out{};
  out.len = static_cast<uint32_t>(sizeof out + (error == 0 ? size : 0));
  out.error = error;
  out.unique = unique;
  std::vector<char> message(reinterpret_cast<char*>(&out), reinterpret_cast<char*>(&out) + sizeof out);
  if (error == 0 && size > 0) message.insert(message.end(), static_cast<const char*>(body), static_cast<const char*>(body) + size);
  (void)::write(fuse, message.data(), message.size());
}

// Answers one request: a root directory holding "file", whose attributes never stay valid (so a
// plain stat asks the daemon every time).
void answer(int fuse, const fuse_in_header& in, const char* arg)
{
  switch (in.opcode) {
  case FUSE_INIT: {
    fuse_init_out init{};
    init.major = FUSE_KERNEL_VERSION;
    init.minor = FUSE_KERNEL_MINOR_VERSION;
    init.max_write = 4096;
    init.time_gran = 1;
    return reply(fuse, in.unique, 0, &init, sizeof init);
  }
  case FUSE_LOOKUP: {
    if (in.nodeid != k_root || std::strcmp(arg, "file") != 0) return reply(fuse, in.unique, -ENOENT);
    fuse_entry_out entry{};
    entry.nodeid = k_file;
    entry.generation = 1;
    entry.attr = attr_of(k_file);
    return reply(fuse, in.unique, 0, &entry, sizeof entry);
  }
  case FUSE_GETATTR: {
    fuse_attr_out attr{};
    attr.attr = attr_of(in.nodeid);
    return reply(fuse, in.unique, 0, &attr, sizeof attr);
  }
  case FUSE_OPEN: {
    fuse_open_out open{};
    open.fh = 1;
    return reply(fuse, in.unique, 0, &open, sizeof open);
  }
  case FUSE_FLUSH:
  case FUSE_RELEASE: return reply(fuse, in.unique, 0);
  case FUSE_FORGET:
  case FUSE_BATCH_FORGET:
  case FUSE_INTERRUPT: return; // no answer expected
  default: return reply(fuse, in.unique, -ENOSYS);
  }
}

// The daemon: answers until a byte arrives on `control`, then holds the connection open and
// answers nothing more (a hung daemon), until killed.
[[noreturn]] void serve(int fuse, int control)
{
  std::vector<char> buffer(FUSE_MIN_READ_BUFFER + 65536);
  for (;;) {
    pollfd fds[2] = {{fuse, POLLIN, 0}, {control, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) break;
    ssize_t n = ::read(fuse, buffer.data(), buffer.size());
    if (n < static_cast<ssize_t>(sizeof(fuse_in_header))) {
      if (n < 0 && errno == ENODEV) ::_exit(0); // unmounted
      continue;
    }
    const auto& in = *reinterpret_cast<const fuse_in_header*>(buffer.data());
    answer(fuse, in, buffer.data() + sizeof in);
  }
  for (;;) ::pause();
}

int skip(const std::string& why)
{
  fmt::print("SKIP: {}\n", why);
  return k_skip;
}

} // namespace

int main()
{
  if (::geteuid() != 0) return skip("needs root to mount a FUSE file system");
  // A private mount namespace: the mount goes away with this process, whatever happens.
  if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return skip(fmt::format("cannot make a mount namespace: {}", std::strerror(errno)));
  int fuse = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fuse < 0) return skip(fmt::format("cannot open /dev/fuse: {}", std::strerror(errno)));
  char dir[] = "/tmp/dax-fuse.XXXXXX";
  if (!::mkdtemp(dir)) return skip("mkdtemp failed");
  std::string options = fmt::format("fd={},rootmode=40000,user_id=0,group_id=0", fuse);
  if (::mount("dax-test", dir, "fuse", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    ::rmdir(dir);
    return skip(fmt::format("cannot mount fuse: {}", std::strerror(errno)));
  }
  int control[2];
  if (::pipe(control) != 0) return 1;
  pid_t daemon = ::fork();
  if (daemon == 0) serve(fuse, control[0]);
  ::close(fuse); // the daemon's copy is the connection now: killing it aborts every request
  int file = ::open((std::string(dir) + "/file").c_str(), O_RDONLY | O_CLOEXEC);
  int code = 1;
  if (file < 0) {
    fmt::print("FAIL: cannot open a file on the FUSE mount: {}\n", std::strerror(errno));
  } else {
    (void)::write(control[1], "x", 1); // the daemon hangs from now on
    auto query = std::async(std::launch::async, [&] {
      return dax::RealSysfs("/").device_number(fmt::format("/proc/self/fd/{}", file));
    });
    if (query.wait_for(std::chrono::seconds(5)) == std::future_status::timeout) {
      fmt::print("FAIL: device_number of a file on a hung FUSE mount did not return within 5 s\n");
      ::kill(daemon, SIGKILL); // aborts the connection, so the stuck query (joined below) returns
    } else if (auto number = query.get(); !number && number.error().code == ENODEV) {
      fmt::print("ok: device_number returned at once with the daemon hung: {}\n", number.error().message());
      code = 0;
    } else {
      fmt::print("FAIL: device_number of a regular file gave {}\n", number ? "a device number" : number.error().message());
    }
  }
  ::kill(daemon, SIGKILL); // aborts the connection: a stat still waiting returns ENOTCONN
  ::waitpid(daemon, nullptr, 0);
  if (file >= 0) ::close(file);
  ::umount2(dir, MNT_DETACH);
  ::rmdir(dir);
  return code;
}
