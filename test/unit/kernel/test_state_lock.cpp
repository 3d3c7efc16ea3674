// The state lock: exclusive, bounded wait, names its holder.
#include "core/kernel/state_lock.hpp"
#include "test/unit/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fstream>

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
