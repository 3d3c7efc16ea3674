// The state lock: exclusive, bounded wait, names its holder.
#include "core/kernel/state_lock.hpp"
#include "test/unit/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <unistd.h>

using namespace dax;
using dax::test::TempDir;

TEST_CASE("StateLock is exclusive and names the holder when the wait runs out", "[state_lock]")
{
  TempDir root;
  auto first = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE(first);
  auto second = StateLock::acquire(root.path(), std::chrono::milliseconds(100));
  REQUIRE_FALSE(second);
  std::string message = second.error().message();
  CHECK(message.find(root.path() + "/run/dax.lock") != std::string::npos);
  CHECK(message.find("another dax is changing the system: pid " + std::to_string(::getpid())) !=
        std::string::npos);
}

TEST_CASE("StateLock is free again once the holder is gone", "[state_lock]")
{
  TempDir root;
  {
    auto first = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
    REQUIRE(first);
    auto moved = std::move(*first); // ownership moves; the lock stays held
    CHECK_FALSE(StateLock::acquire(root.path(), std::chrono::milliseconds(0)));
  }
  CHECK(StateLock::acquire(root.path(), std::chrono::milliseconds(0)));
}

TEST_CASE("StateLock: a waiter that gives up leaves the holder's line alone", "[state_lock]")
{
  TempDir root;
  auto first = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE(first);
  std::string holder = "another dax is changing the system: pid " + std::to_string(::getpid());
  for (int waiter = 0; waiter < 2; ++waiter) { // the second would read an emptied file on old dax
    auto later = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
    REQUIRE_FALSE(later);
    CHECK(later.error().message().find(holder) != std::string::npos);
  }
}

TEST_CASE("StateLock does not follow a symlink planted at the lock path", "[state_lock]")
{
  TempDir root;
  root.write("etc/shadow", "root:x:::\n");
  root.link("run/dax.lock", root.path() + "/etc/shadow");
  auto lock = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE_FALSE(lock);
  CHECK(lock.error().code == ELOOP);
  std::ifstream file(root.path() + "/etc/shadow");
  std::string line;
  std::getline(file, line);
  CHECK(line == "root:x:::");
}

TEST_CASE("StateLock: a signal while waiting gives up at once, naming the holder", "[state_lock]")
{
  TempDir root;
  auto first = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE(first);
  auto waiting = StateLock::acquire(root.path(), std::chrono::seconds(30), [] { return true; });
  REQUIRE_FALSE(waiting);
  CHECK(waiting.error().code == EINTR);
  CHECK(waiting.error().message().find("interrupted while waiting for another dax: pid ") != std::string::npos);
}

TEST_CASE("StateLock: the lock file is private to its owner", "[state_lock]")
{
  TempDir root;
  {
    auto lock = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
    REQUIRE(lock);
  }
  struct stat st;
  REQUIRE(::stat((root.path() + "/run/dax.lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600); // flock works on a read-only descriptor: nobody else may open it
  // An old lock file readable by all is made private before use.
  REQUIRE(::chmod((root.path() + "/run/dax.lock").c_str(), 0644) == 0);
  REQUIRE(StateLock::acquire(root.path(), std::chrono::milliseconds(0)));
  REQUIRE(::stat((root.path() + "/run/dax.lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  // One others may write is refused, naming the file and the mode.
  REQUIRE(::chmod((root.path() + "/run/dax.lock").c_str(), 0666) == 0);
  auto open = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE_FALSE(open);
  CHECK(open.error().message().find(root.path() + "/run/dax.lock") != std::string::npos);
  CHECK(open.error().message().find("mode 0666") != std::string::npos);
}

TEST_CASE("StateLock: an old lock file others could open is replaced, not waited on", "[state_lock]")
{
  // Any user could open the 0644 file an older dax left and hold flock on it through that
  // descriptor; a chmod does not take the descriptor away, so root would wait and fail.
  TempDir root;
  root.write("run/dax.lock", "");
  std::string path = root.path() + "/run/dax.lock";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  int held = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(held >= 0);
  REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
  struct stat old_file;
  REQUIRE(::fstat(held, &old_file) == 0);
  auto lock = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  CHECK(lock);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_ino != old_file.st_ino);
  ::close(held);
}

TEST_CASE("StateLock: two sysroots sharing one sysfs take one lock", "[state_lock]")
{
  TempDir shared;
  shared.write("sys/bus/dax/uevent", "");
  TempDir other;
  other.link("sys", shared.path() + "/sys");
  CHECK(StateLock::path(other.path()) == StateLock::path(shared.path()));
  auto first = StateLock::acquire(shared.path(), std::chrono::milliseconds(0));
  REQUIRE(first);
  CHECK_FALSE(StateLock::acquire(other.path(), std::chrono::milliseconds(0)));
  CHECK(StateLock::path("/") == "/run/dax.lock");
}

TEST_CASE("StateLock tells a waiter whom it waits for, once", "[state_lock]")
{
  TempDir root;
  auto first = StateLock::acquire(root.path(), std::chrono::milliseconds(0));
  REQUIRE(first);
  std::vector<std::string> told;
  auto waiting = [&](const std::string& holder) { told.push_back(holder); };
  CHECK_FALSE(StateLock::acquire(root.path(), std::chrono::milliseconds(200), {}, waiting));
  REQUIRE(told.size() == 1);
  CHECK(told[0].starts_with("pid " + std::to_string(::getpid()) + " ("));
}
