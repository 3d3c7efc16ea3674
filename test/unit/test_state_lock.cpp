// The state lock: exclusive, bounded wait, names its holder.
#include "state_lock.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

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
