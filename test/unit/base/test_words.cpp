#include "core/base/words.hpp"

#include <catch2/catch.hpp>

using namespace dax;

TEST_CASE("counted is singular for one, plural otherwise", "[words]")
{
  CHECK(counted(1, "memory block") == "1 memory block");
  CHECK(counted(7, "memory block") == "7 memory blocks");
  CHECK(counted(0, "device") == "0 devices");
  CHECK(counted(1, "device") == "1 device");
}
