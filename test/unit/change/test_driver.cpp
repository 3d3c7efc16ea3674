#include "test/unit/support/fixtures.hpp"

#include "core/change/driver.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

// A loader that reports success without loading anything (a module that loads but registers
// no driver, e.g. a stub).
class SilentLoader final : public ModuleLoader
{
public:
  Result<void> load(std::string_view) override { return {}; }
};

struct DriverFixture
{
  explicit DriverFixture(const std::string& driver = "device_dax")
  {
    add_nfit_system(kernel, nfit_device(driver));
    kernel.clear_log();
  }

  FakeKernel kernel;
  FakeModuleLoader loader{kernel};
};

} // namespace

TEST_CASE("driver_dir_name", "[driver]")
{
  CHECK(driver_dir_name(Driver::device_dax) == "device_dax");
  CHECK(driver_dir_name(Driver::kmem) == "kmem");
}

TEST_CASE("read_driver follows the driver link", "[driver]")
{
  auto [name, expected] = GENERATE(std::pair{std::string("kmem"), Driver::kmem},
                                   std::pair{std::string("device_dax"), Driver::device_dax},
                                   std::pair{std::string(""), Driver::none});
  DriverFixture f(name);
  std::string driver_name = "stale";
  CHECK(read_driver(f.kernel, k_dax00, &driver_name) == expected);
  CHECK(driver_name == name);
  CHECK(f.kernel.writes().empty());
}

TEST_CASE_METHOD(DriverFixture, "ensure_driver loads kmem only when its directory is missing", "[driver]")
{
  REQUIRE(ensure_driver(kernel, loader, Driver::device_dax));
  CHECK(loader.requests().empty());
  REQUIRE(ensure_driver(kernel, loader, Driver::kmem));
  CHECK(loader.requests() == std::vector<std::string>{"kmem"});
  CHECK(kernel.driver_loaded("kmem"));
  REQUIRE(ensure_driver(kernel, loader, Driver::kmem));
  CHECK(loader.requests().size() == 1);
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(DriverFixture, "ensure_driver reports a failed load", "[driver]")
{
  loader.fail_with(EPERM);
  auto result = ensure_driver(kernel, loader, Driver::kmem);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == EPERM);
  CHECK(result.error().message() == "load module kmem: Operation not permitted");
}

TEST_CASE_METHOD(DriverFixture, "ensure_driver: a module that loads but gives no driver directory", "[driver]")
{
  SilentLoader silent;
  auto result = ensure_driver(kernel, silent, Driver::kmem);
  REQUIRE_FALSE(result);
  CHECK(result.error().message().find("/sys/bus/dax/drivers/kmem") != std::string::npos);
}

TEST_CASE_METHOD(DriverFixture, "unbind_device: remove_id then unbind", "[driver]")
{
  REQUIRE(unbind_device(kernel, k_dax00, Driver::device_dax));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "remove_id"), "dax0.0"),
                                                    wrote(driver_file("device_dax", "unbind"), "dax0.0")});
  CHECK(kernel.driver_of("dax0.0").empty());
}

TEST_CASE_METHOD(DriverFixture, "unbind_device stops at a failed remove_id", "[driver]")
{
  kernel.fail_write("*/remove_id", EACCES);
  auto result = unbind_device(kernel, k_dax00, Driver::device_dax);
  REQUIRE_FALSE(result);
  CHECK(result.error().message() ==
        "write 'dax0.0' to /sys/bus/dax/drivers/device_dax/remove_id: Permission denied");
  CHECK(kernel.writes().size() == 1);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE_METHOD(DriverFixture, "unbind_device: from the wrong driver is ENODEV", "[driver]")
{
  kernel.load_driver("kmem");
  auto result = unbind_device(kernel, k_dax00, Driver::kmem);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ENODEV);
  CHECK(kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE_METHOD(DriverFixture, "unbind_device: an unbind that leaves the link is an error", "[driver]")
{
  kernel.drop_write("*/unbind");
  auto result = unbind_device(kernel, k_dax00, Driver::device_dax);
  REQUIRE_FALSE(result);
  CHECK(result.error().message().find("still bound") != std::string::npos);
}

TEST_CASE("bind_device: new_id binds an unbound device, no bind write", "[driver]")
{
  auto [driver, to] = GENERATE(std::pair{std::string("kmem"), Driver::kmem},
                               std::pair{std::string("device_dax"), Driver::device_dax});
  DriverFixture f("");
  f.kernel.load_driver("kmem");
  REQUIRE(bind_device(f.kernel, k_dax00, to));
  CHECK(f.kernel.writes() == std::vector<std::string>{wrote(driver_file(driver, "new_id"), "dax0.0")});
  CHECK(f.kernel.driver_of("dax0.0") == driver);
}

TEST_CASE("bind_device writes bind when new_id did not bind", "[driver]")
{
  DriverFixture f("");
  f.kernel.drop_write("*/new_id");
  REQUIRE(bind_device(f.kernel, k_dax00, Driver::device_dax));
  CHECK(f.kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "new_id"), "dax0.0"),
                                                      wrote(driver_file("device_dax", "bind"), "dax0.0")});
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE("bind_device: kmem rejecting the device gives the bind error", "[driver]")
{
  FakeDeviceSpec spec = nfit_device("");
  spec.target_node = -1;
  FakeKernel kernel;
  add_nfit_system(kernel, spec);
  kernel.load_driver("kmem");
  kernel.clear_log();
  auto result = bind_device(kernel, k_dax00, Driver::kmem);
  REQUIRE_FALSE(result);
  CHECK(result.error().message() == "write 'dax0.0' to /sys/bus/dax/drivers/kmem/bind: Invalid argument");
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("kmem", "new_id"), "dax0.0"),
                                                    wrote(driver_file("kmem", "bind"), "dax0.0", EINVAL)});
  CHECK(kernel.driver_of("dax0.0").empty());
}

TEST_CASE("bind_device: a stranded device cannot go back to device_dax", "[driver]")
{
  DriverFixture f("kmem");
  f.kernel.set_block(33, "online");
  REQUIRE(f.kernel.write(driver_file("kmem", "unbind"), "dax0.0"));
  REQUIRE(f.kernel.stranded("dax0.0"));
  auto result = bind_device(f.kernel, k_dax00, Driver::device_dax);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == EBUSY);
  CHECK(result.error().message().find("device_dax/bind") != std::string::npos);
}
