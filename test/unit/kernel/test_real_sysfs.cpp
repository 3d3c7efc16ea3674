// RealSysfs against a real directory tree: what --sysroot reads and writes.
#include "core/kernel/real_sysfs.hpp"
#include "test/unit/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace dax;
using dax::test::TempDir;

TEST_CASE("RealSysfs reads below its root and strips one newline", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/devices/system/memory/block_size_bytes", "8000000\n");
  root.write("sys/a/two", "x\n\n");
  RealSysfs sysfs(root.path());
  CHECK(sysfs.read("/sys/devices/system/memory/block_size_bytes") == "8000000");
  CHECK(sysfs.read("/sys/a/two") == "x\n");
  auto missing = sysfs.read("/sys/nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ENOENT);
  CHECK(missing.error().message() == "read /sys/nope: No such file or directory");
}

TEST_CASE("RealSysfs writes the value and a newline in one write", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/state", "offline\n");
  RealSysfs sysfs(root.path());
  REQUIRE(sysfs.write("/sys/state", "online_movable"));
  std::ifstream file(root.path() + "/sys/state");
  std::stringstream content;
  content << file.rdbuf();
  CHECK(content.str() == "online_movable\n");
  auto failed = sysfs.write("/sys/missing/state", "offline");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message() == "write 'offline' to /sys/missing/state: No such file or directory");
}

TEST_CASE("RealSysfs resolves links inside the root and refuses links out of it", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/devices/platform/region0/dax0.0/size", "1\n");
  root.link("sys/bus/dax/devices/dax0.0", "../../../devices/platform/region0/dax0.0");
  root.link("sys/bus/dax/devices/evil", "/etc");
  RealSysfs sysfs(root.path() + "/"); // a trailing slash is the same root
  CHECK(sysfs.canonical("/sys/bus/dax/devices/dax0.0") == "/sys/devices/platform/region0/dax0.0");
  CHECK(sysfs.read("/sys/bus/dax/devices/dax0.0/size") == "1");
  auto out = sysfs.canonical("/sys/bus/dax/devices/evil");
  REQUIRE_FALSE(out);
  CHECK(out.error().message() == "resolve /sys/bus/dax/devices/evil: a link leads out of the sysroot: refused");
  CHECK(sysfs.read_link("/sys/bus/dax/devices/evil") == "/etc");
  auto names = sysfs.list("/sys/bus/dax/devices");
  REQUIRE(names);
  std::sort(names->begin(), names->end());
  CHECK(*names == std::vector<std::string>{"dax0.0", "evil"});
  CHECK(sysfs.exists("/sys/bus/dax/devices/dax0.0"));
  CHECK_FALSE(sysfs.exists("/sys/bus/dax/devices/dax1.0"));
}

// openat2 answers EAGAIN when anything on the system is renamed while it walks a ".." (every sysfs
// device link has them): a busy machine must not turn that into a failed write.
TEST_CASE("RealSysfs writes through '..' links while files are renamed elsewhere", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/devices/platform/region0/dax0.0/size", "1\n");
  root.link("sys/bus/dax/devices/dax0.0", "../../../devices/platform/region0/dax0.0");
  TempDir elsewhere;
  elsewhere.write("a", "");
  std::atomic<bool> done{false};
  std::thread renamer([&] {
    const std::string a = elsewhere.path() + "/a", b = elsewhere.path() + "/b";
    while (!done) {
      std::rename(a.c_str(), b.c_str());
      std::rename(b.c_str(), a.c_str());
    }
  });
  RealSysfs sysfs(root.path());
  int failures = 0;
  std::string first;
  for (int i = 0; i < 20000; ++i) {
    auto written = sysfs.write("/sys/bus/dax/devices/dax0.0/size", "2");
    if (!written && failures++ == 0) first = written.error().message();
  }
  done = true;
  renamer.join();
  INFO(first);
  CHECK(failures == 0);
}

TEST_CASE("TracingSysfs reports every read and write with its outcome", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/state", "offline\n");
  RealSysfs real(root.path());
  std::vector<std::string> log;
  TracingSysfs traced(real, [&](const std::string& line) { log.push_back(line); });
  REQUIRE(traced.read("/sys/state"));
  REQUIRE(traced.write("/sys/state", "online"));
  REQUIRE_FALSE(traced.read("/sys/none"));
  CHECK(log == std::vector<std::string>{"read /sys/state = offline", "write /sys/state <- online",
                                        "read /sys/none: read /sys/none: No such file or directory"});
}

TEST_CASE("RealSysfs reads only regular files, and at most k_max_read bytes", "[real_sysfs]")
{
  TempDir root;
  root.write("sys/a", "1\n");
  root.link("sys/zero", "/dev/zero"); // a link out of the sysroot: the host's /dev/zero
  std::string fifo = root.path() + "/sys/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  root.write("proc/big", std::string(k_max_read + 1, 'x'));
  RealSysfs sysfs(root.path());
  auto zero = sysfs.read("/sys/zero");
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message() == "read /sys/zero: a link leads out of the sysroot: refused");
  auto pipe = sysfs.read("/sys/fifo"); // would wait for a writer forever
  REQUIRE_FALSE(pipe);
  CHECK(pipe.error().message() == "read /sys/fifo: not a regular file");
  CHECK_FALSE(sysfs.write("/sys/fifo", "x"));
  auto big = sysfs.read("/proc/big");
  REQUIRE_FALSE(big);
  CHECK(big.error().code == EFBIG);
}

TEST_CASE("RealSysfs::file_status does not follow the last link", "[real_sysfs]")
{
  TempDir root;
  root.write("etc/dax/dax.conf", "x\n");
  root.link("etc/dax/link.conf", "dax.conf");
  RealSysfs sysfs(root.path());
  REQUIRE(::chmod((root.path() + "/etc/dax/dax.conf").c_str(), 0640) == 0);
  auto file = sysfs.file_status("/etc/dax/dax.conf");
  REQUIRE(file);
  CHECK(file->type == FileType::regular);
  CHECK(file->mode == 0640);
  CHECK(file->uid == ::geteuid());
  CHECK(sysfs.file_status("/etc/dax/link.conf")->type == FileType::symlink);
  CHECK(sysfs.file_status("/etc/dax")->type == FileType::directory);
}

// Read the whole of file `path` (empty when missing).
static std::string whole_file(const std::string& path)
{
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

TEST_CASE("RealSysfs never writes out of its root through a link", "[real_sysfs]")
{
  TempDir outside;
  outside.write("precious", "keep\n");
  TempDir root;
  root.write("sys/devices/dax0.0/state", ""); // as sysfs, a write does not truncate: start empty
  // The class: an absolute link, a relative link climbing out, and a link to a directory outside.
  root.link("sys/devices/dax0.0/absolute", outside.path() + "/precious");
  root.link("sys/devices/dax0.0/climbing", "../../../../../../../../../../" + outside.path() + "/precious");
  root.link("sys/devices/elsewhere", outside.path());
  root.link("sys/bus/dax0.0", "../devices/dax0.0"); // a link inside the tree still works
  RealSysfs sysfs(root.path());
  for (const char* path : {"/sys/devices/dax0.0/absolute", "/sys/devices/dax0.0/climbing", "/sys/devices/elsewhere/precious"}) {
    auto written = sysfs.write(path, "online");
    REQUIRE_FALSE(written);
    CHECK(written.error().message().find(path) != std::string::npos);
  }
  CHECK(sysfs.write("/sys/devices/dax0.0/absolute", "online").error().message().find("out of the sysroot") !=
        std::string::npos);
  CHECK(whole_file(outside.path() + "/precious") == "keep\n");
  REQUIRE(sysfs.write("/sys/bus/dax0.0/state", "online"));
  CHECK(whole_file(root.path() + "/sys/devices/dax0.0/state") == "online\n");
}

TEST_CASE("RealSysfs never reads, lists or stats out of its root through a link", "[real_sysfs]")
{
  TempDir outside;
  outside.write("secret", "outside\n");
  outside.link("link", "secret");
  TempDir root;
  root.write("sys/devices/platform/region0/dax0.0/size", "1\n");
  root.link("sys/bus/dax/devices/dax0.0", "../../../devices/platform/region0/dax0.0"); // as sysfs's
  root.link("sys/devices/absolute", outside.path() + "/secret");
  root.link("sys/devices/climbing", "../../../../../../../../../../" + outside.path() + "/secret");
  root.link("sys/devices/elsewhere", outside.path());
  RealSysfs sysfs(root.path());
  for (const char* path : {"/sys/devices/absolute", "/sys/devices/climbing", "/sys/devices/elsewhere/secret"}) {
    auto read = sysfs.read(path);
    REQUIRE_FALSE(read);
    CHECK(read.error().message() == fmt::format("read {}: a link leads out of the sysroot: refused", path));
    CHECK_FALSE(sysfs.exists(path));
  }
  auto listed = sysfs.list("/sys/devices/elsewhere");
  REQUIRE_FALSE(listed);
  CHECK(listed.error().message() == "list /sys/devices/elsewhere: a link leads out of the sysroot: refused");
  auto status = sysfs.file_status("/sys/devices/elsewhere/secret");
  REQUIRE_FALSE(status);
  CHECK(status.error().message() == "stat /sys/devices/elsewhere/secret: a link leads out of the sysroot: refused");
  auto link = sysfs.read_link("/sys/devices/elsewhere/link");
  REQUIRE_FALSE(link);
  CHECK(link.error().message().find("out of the sysroot") != std::string::npos);
  // sysfs's own relative links, ".." and all, stay inside and still work
  CHECK(sysfs.read("/sys/bus/dax/devices/dax0.0/size") == "1");
  CHECK(sysfs.list("/sys/bus/dax/devices/dax0.0") == std::vector<std::string>{"size"});
  CHECK(sysfs.exists("/sys/bus/dax/devices/dax0.0/size"));
  CHECK(sysfs.read_link("/sys/bus/dax/devices/dax0.0") == "../../../devices/platform/region0/dax0.0");
  CHECK(sysfs.file_status("/sys/bus/dax/devices/dax0.0/size")->type == FileType::regular);
}

TEST_CASE("RealSysfs::read_checked checks every directory and the file on the descriptors it reads", "[real_sysfs]")
{
  TempDir root;
  root.write("etc/other/real.conf", "[device a]\n");
  root.link("etc/dax/link.conf", "../other/real.conf");
  RealSysfs sysfs(root.path());
  std::vector<std::string> seen;
  auto check = [&](const std::string& path, const FileStatus& status, Sysfs::WalkStep step) -> Result<void> {
    seen.push_back(fmt::format("{} {}", path, step == Sysfs::WalkStep::target ? "target" : "dir"));
    if (path == "/etc/other" && status.type != FileType::directory) return std::unexpected(logic_error("", path, "type"));
    return {};
  };
  CHECK(sysfs.read_checked("/etc/dax/link.conf", check) == "[device a]");
  CHECK(seen == std::vector<std::string>{"/etc dir", "/etc/dax dir", "/etc/other dir", "/etc/other/real.conf target"});

  // The check's refusal is the answer; the file is not read.
  auto refuse = [](const std::string& path, const FileStatus&, Sysfs::WalkStep) -> Result<void> {
    if (path == "/etc/other") return std::unexpected(logic_error("", path, "refused"));
    return {};
  };
  auto refused = sysfs.read_checked("/etc/dax/link.conf", refuse);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message() == "/etc/other: refused");

  // A FIFO is given to the check as such and never opened (an open would wait for a writer).
  REQUIRE(::mkfifo((root.path() + "/etc/dax/pipe.conf").c_str(), 0600) == 0);
  std::optional<FileType> type;
  auto note = [&](const std::string&, const FileStatus& status, Sysfs::WalkStep) -> Result<void> {
    type = status.type;
    return {};
  };
  auto fifo = sysfs.read_checked("/etc/dax/pipe.conf", note);
  REQUIRE_FALSE(fifo);
  CHECK(type == FileType::fifo);
  CHECK(fifo.error().message().find("not a regular file") != std::string::npos);
}
