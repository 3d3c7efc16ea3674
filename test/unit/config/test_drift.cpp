// Drift: why a device is not in the state its configuration wants, and none once apply brought it there.
#include "test/unit/support/fixtures.hpp"

#include "core/config/apply.hpp"
#include "core/config/drift.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dax;
using namespace dax::test;

namespace {

std::vector<DriftReason> drift_of(FakeKernel& kernel, const WantedState& wanted)
{
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto reasons = read_drift(kernel, *device, wanted);
  INFO((reasons ? std::string() : reasons.error().message()));
  REQUIRE(reasons);
  return *reasons;
}

const WantedState k_devdax{Mode::devdax, OnlineAfter::yes, OnlineAs::movable};
const WantedState k_famfs{Mode::famfs, OnlineAfter::yes, OnlineAs::movable};
const WantedState k_movable{Mode::system_ram, OnlineAfter::yes, OnlineAs::movable};
const WantedState k_kernel{Mode::system_ram, OnlineAfter::yes, OnlineAs::kernel};
const WantedState k_offline{Mode::system_ram, OnlineAfter::no, OnlineAs::movable};

using Reasons = std::vector<DriftReason>;

} // namespace

TEST_CASE("drift: mode and driver before memory", "[config][drift]")
{
  for (const char* driver : {"device_dax", "fsdev_dax", "", "vfio-pci"}) {
    INFO("driver " << driver);
    OpsFixture ops(nfit_device(driver));
    bool devdax_driver = std::string(driver) == "device_dax";
    bool famfs_driver = std::string(driver) == "fsdev_dax";
    bool devdax_mode = !famfs_driver; // unbound and unknown drivers are devdax mode, as daxctl says
    CHECK(drift_of(ops.kernel, k_devdax) == (devdax_driver ? Reasons{} : devdax_mode ? Reasons{DriftReason::driver}
                                                                                     : Reasons{DriftReason::mode}));
    CHECK(drift_of(ops.kernel, k_famfs) == (famfs_driver ? Reasons{} : Reasons{DriftReason::mode}));
    CHECK(drift_of(ops.kernel, k_movable) == Reasons{DriftReason::mode});
  }
}

TEST_CASE("drift of system-ram memory: online and zone, none once apply brought it there", "[config][drift]")
{
  OpsFixture ops(nfit_device("kmem"));
  for (uint64_t index : k_nfit_blocks) ops.kernel.set_block(index, "online_movable");
  CHECK(drift_of(ops.kernel, k_movable).empty());
  CHECK(drift_of(ops.kernel, k_kernel) == Reasons{DriftReason::zone});
  CHECK(drift_of(ops.kernel, k_offline) == Reasons{DriftReason::online});
  CHECK(drift_of(ops.kernel, k_devdax) == Reasons{DriftReason::mode});

  ops.kernel.set_block(k_nfit_blocks.front(), "offline");
  ops.kernel.set_block(k_nfit_blocks.back(), "online_kernel");
  Reasons both = drift_of(ops.kernel, k_movable);
  std::sort(both.begin(), both.end());
  CHECK(both == Reasons{DriftReason::online, DriftReason::zone});

  for (const WantedState& wanted : {k_kernel, k_offline, k_movable}) {
    INFO(describe(wanted));
    auto applied = apply_wanted(ops.ctx, k_dax00, wanted, Force::no);
    INFO((applied ? std::string() : applied.error().message()));
    REQUIRE(applied);
    CHECK(drift_of(ops.kernel, wanted).empty());
  }
}
