// The error vocabulary of core/base/error.hpp and the exit statuses cmd/ gives errors: wrapping an
// error keeps its errno and kind, and the status comes from them, never from the text.
#include "cmd/common/exit_status.hpp"
#include "cmd/common/targets.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;
using dax::cli::DeviceOutcomes;
using dax::cli::exit_status;

TEST_CASE("tag, refuse and wrap: one line, the device named once", "[error]")
{
  Error busy = os_error(EBUSY, "write 'offline' to", "/sys/devices/system/memory/memory35/state");
  Error tagged = on_device("dax0.0", busy);
  CHECK(tagged.message() == "dax0.0: write 'offline' to /sys/devices/system/memory/memory35/state: "
                            "Device or resource busy");
  CHECK(on_device("dax1.0", tagged).device == "dax0.0");
  CHECK(with_outcome(tagged, "the blocks were onlined again").message() ==
        "dax0.0: write 'offline' to /sys/devices/system/memory/memory35/state: Device or resource busy; "
        "the blocks were onlined again");
  Error refused = refusal("dax0.0", "in devdax mode");
  CHECK(refused.message() == "dax0.0: in devdax mode");
  CHECK(refused.code == 0);
  CHECK(refused.kind == ErrorKind::logical);
  CHECK(refusal("dax0.0", "cannot offline memory35", busy).code == EBUSY);
}

TEST_CASE_METHOD(OpsFixture, "an error wrapped twice keeps its errno and its exit status", "[error]")
{
  // kmem does not take the device: core wraps the bind error with how it gave the device back.
  kernel.fail_write("/sys/bus/dax/drivers/kmem/new_id", EIO);
  auto result = reconfigure_to_system_ram(ctx, k_dax00, {});
  REQUIRE_FALSE(result);
  CHECK(result.error().outcomes.size() == 1);
  Error twice = with_outcome(with_outcome(result.error(), "first"), "second");
  CHECK(twice.code == EIO);
  CHECK(twice.kind == ErrorKind::os);
  CHECK(twice.message().ends_with("the device was given back to device_dax; first; second"));
  CHECK(exit_status(twice) == cli::k_exit_failure);

  Error input = with_outcome(with_outcome(parse_size("4Q").error(), "first"), "second");
  CHECK(exit_status(input) == cli::k_exit_usage);
  Error stopped = with_outcome(with_outcome(interruption("dax0.0", "interrupted after 3 of 7"), "a"), "b");
  CHECK(exit_status(stopped) == cli::k_exit_interrupted);

  DeviceOutcomes<int> one;
  one.add_failure(stopped);
  CHECK(one.exit_code() == cli::k_exit_interrupted);
  DeviceOutcomes<int> mixed;
  mixed.add_failure(stopped);
  mixed.add_failure(twice);
  CHECK(mixed.exit_code() == cli::k_exit_failure);
  DeviceOutcomes<int> some{{1}, 0};
  some.add_failure(input);
  CHECK(some.exit_code() == cli::k_exit_partial);
}

TEST_CASE_METHOD(OpsFixture, "an interrupted pass is an interruption, whatever its text", "[error]")
{
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::no}));
  ctx.control.stop = [] { return true; };
  auto result = online_device(ctx, k_dax00, OnlineAs::movable);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::interrupted);
  CHECK(exit_status(result.error()) == cli::k_exit_interrupted);
}
