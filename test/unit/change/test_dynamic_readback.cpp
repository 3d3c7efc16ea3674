// Outcome truth for create, resize, enable and disable (issue #13): a kernel that accepts a write
// and does nothing must not get exit 0; the message names the device and what was read back.
// And the dry run shows what the real run would leave (a destroyed device gone, size 0).
#include "test/unit/support/fixtures.hpp"

#include "core/change/dry_run.hpp"
#include "core/change/dynamic.hpp"
#include "core/change/enable_disable.hpp"

#include <catch2/catch.hpp>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_hmem1 = "/sys/devices/platform/hmem.1";
const DeviceName k_first{1, 0};
const DeviceName k_second{1, 1};

// hmem.1: 4 GiB at 8 GiB, dax1.0 enabled on its first GiB (next to the nfit region0 of OpsFixture).
struct ReadbackFixture : OpsFixture
{
  ReadbackFixture()
  {
    FakeDeviceSpec spec;
    spec.name = "dax1.0";
    spec.mappings = {{8 * GiB, 9 * GiB - 1, 0}};
    kernel.add_dynamic_region(1, k_hmem1, 8 * GiB, 4 * GiB).add_device(1, spec);
    kernel.clear_log();
  }

  // The message of a failed `result`.
  template<typename T>
  static std::string failure(const Result<T>& result)
  {
    REQUIRE_FALSE(result);
    return result.error().message();
  }
};

// A dry run over the kernel of `fixture`.
struct DryRun
{
  explicit DryRun(OpsFixture& fixture)
    : sysfs(fixture.kernel, [this](const std::string& line) { printed.push_back(line); }),
      loader(sysfs, fixture.loader, [this](const std::string& line) { printed.push_back(line); }),
      ctx{sysfs, loader, fixture.ctx.retry, {}}
  {
  }

  std::vector<std::string> printed;
  DryRunSysfs sysfs;
  DryRunLoader loader;
  Context ctx;
};

} // namespace

TEST_CASE_METHOD(ReadbackFixture, "create: an alignment the kernel accepts but keeps is rolled back", "[dynamic][readback]")
{
  kernel.drop_write("*/dax1.1/align");
  CHECK(failure(create_device(ctx, 1, {GiB, GiB, {}})) ==
        "dax1.1: read back after the writes: align 0x200000 (asked 0x40000000); dax1.1 was deleted again");
  CHECK_FALSE(kernel.has_device("dax1.1"));
  CHECK(kernel.read(k_hmem1 + "/dax_region/available_size") == std::to_string(3 * GiB));
}

TEST_CASE_METHOD(ReadbackFixture, "create: a size the kernel accepts but ignores is named, before any bind", "[dynamic][readback]")
{
  kernel.drop_write("*/dax1.1/size");
  CHECK(failure(create_device(ctx, 1, {GiB, {}, {}})) ==
        "dax1.1: read back after the writes: size 0 (asked 0x40000000); dax1.1 was deleted again");
  for (const auto& line : kernel.writes()) CHECK(line.find("/drivers/") == std::string::npos);
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(ReadbackFixture, "create --input: a mapping the kernel ignores leaves nothing behind", "[dynamic][readback]")
{
  kernel.drop_write("*/dax1.1/mapping");
  std::vector<Range> mappings{{11 * GiB, GiB}, {10 * GiB, GiB}};
  CHECK(failure(create_device(ctx, 1, {{}, {}, mappings})) ==
        "dax1.1: read back after the writes: size 0x40000000 (asked 0x80000000); mappings 0x280000000-0x2bfffffff "
        "(asked 0x2c0000000-0x2ffffffff, 0x280000000-0x2bfffffff); dax1.1 was deleted again");
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(ReadbackFixture, "resize: a size or alignment the kernel ignores fails, naming what it reads", "[dynamic][readback]")
{
  REQUIRE(disable_device(ctx, k_first));
  SECTION("size")
  {
    kernel.drop_write("*/dax1.0/size");
    CHECK(failure(resize_device(ctx, k_first, {2 * GiB, {}})) ==
          "dax1.0: read back after the writes: size 0x40000000 (asked 0x80000000)");
  }
  SECTION("align")
  {
    kernel.drop_write("*/dax1.0/align");
    CHECK(failure(resize_device(ctx, k_first, {{}, GiB})) ==
          "dax1.0: read back after the writes: align 0x200000 (asked 0x40000000)");
  }
}

TEST_CASE_METHOD(ReadbackFixture, "enable: binding writes the kernel ignores fail with the driver read back", "[dynamic][readback]")
{
  REQUIRE(disable_device(ctx, k_first));
  kernel.drop_write(driver_file("device_dax", "new_id"));
  kernel.drop_write(driver_file("device_dax", "bind"));
  CHECK(failure(enable_device(ctx, k_first)).ends_with(
    "; read back after the writes: unbound (asked: bound to device_dax)"));
  CHECK(kernel.driver_of("dax1.0").empty());
}

TEST_CASE_METHOD(ReadbackFixture, "disable: an unbind the kernel ignores fails with the driver read back", "[dynamic][readback]")
{
  kernel.drop_write(driver_file("device_dax", "unbind"));
  std::string message = failure(disable_device(ctx, k_first));
  CHECK(message.starts_with("dax1.0: "));
  CHECK(message.ends_with("; read back after the writes: bound to device_dax (asked: unbound)"));
}

TEST_CASE_METHOD(ReadbackFixture, "dry run: destroy shows the device gone, and device 0 at size 0", "[dynamic][readback][dry-run]")
{
  REQUIRE(create_device(ctx, 1, {GiB, {}, {}}) == k_second);
  kernel.clear_log();
  DryRun dry(*this);
  REQUIRE(destroy_device(dry.ctx, k_second, Force::yes) == Destroyed::deleted);
  CHECK(failure(read_device(dry.sysfs, k_second)) == "dax1.1: no such device (not in /sys/bus/dax/devices)");
  CHECK(list_device_names(dry.sysfs) == std::vector<DeviceName>{k_dax00, k_first});
  REQUIRE(destroy_device(dry.ctx, k_first, Force::yes) == Destroyed::emptied);
  auto first = read_device(dry.sysfs, k_first);
  REQUIRE(first);
  CHECK(first->size == 0);
  CHECK(first->mappings.empty());
  CHECK_FALSE(first->enabled());
  CHECK(kernel.writes().empty());
  CHECK(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(ReadbackFixture, "dry run: create and resize read back what the real run would leave", "[dynamic][readback][dry-run]")
{
  DryRun dry(*this);
  REQUIRE(create_device(dry.ctx, 1, {GiB, GiB, {}}) == k_second);
  auto made = read_device(dry.sysfs, k_second);
  REQUIRE(made);
  CHECK(made->size == GiB);
  CHECK(made->align == GiB);
  CHECK(made->driver == Driver::device_dax);
  CHECK(list_device_names(dry.sysfs) == std::vector<DeviceName>{k_dax00, k_first, k_second});

  std::vector<Range> mappings{{11 * GiB, GiB}, {10 * GiB, 512 * MiB}};
  REQUIRE(create_device(dry.ctx, 1, {{}, {}, mappings}) == DeviceName{1, 2});
  CHECK(read_device(dry.sysfs, DeviceName{1, 2})->size == GiB + 512 * MiB);

  REQUIRE(disable_device(dry.ctx, k_first) == EnableChange::changed);
  REQUIRE(resize_device(dry.ctx, k_first, {2 * GiB, {}}));
  CHECK(read_device(dry.sysfs, k_first)->size == 2 * GiB);
  CHECK(kernel.writes().empty());
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(ReadbackFixture, "system-ram: a device of size 0 is refused for having no memory", "[dynamic][readback]")
{
  REQUIRE(kernel.write(k_hmem1 + "/dax_region/create", "1"));
  kernel.clear_log();
  CHECK(failure(reconfigure_to_system_ram(ctx, k_second, {})) ==
        "dax1.1: has no memory (size 0): there is nothing to add as System RAM");
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(ReadbackFixture, "destroy: device 0 whose size the kernel keeps is not reported emptied", "[dynamic][readback]")
{
  kernel.drop_write("*/dax1.0/size");
  CHECK(failure(destroy_device(ctx, k_first, Force::yes)) ==
        "dax1.0: read back after the writes: size 0x40000000 (asked 0)");
  CHECK(notes.empty());
}

TEST_CASE_METHOD(ReadbackFixture, "create: a device found wrong after the bind is unbound, then emptied and deleted",
                 "[dynamic][readback]")
{
  // Something changes the device as it binds (new_id probes it); undoing must unbind before the
  // size write, which the kernel refuses on a bound device.
  kernel.on_write("*/drivers/device_dax/new_id",
                  [](FakeKernel& k) { k.set_file(k_hmem1 + "/dax1.1/size", std::to_string(2 * GiB), 0644); });
  // Read back, its mappings no longer add up to its size: malformed, so it is undone.
  CHECK(failure(create_device(ctx, 1, {GiB, {}, {}})) ==
        "dax1.1: parse /sys/devices/platform/hmem.1/dax1.1: mappings add up to 0x40000000 bytes, not size "
        "0x80000000 (malformed sysfs); dax1.1 was deleted again");
  CHECK(kernel.writes()[3] == wrote("/sys/bus/dax/drivers/device_dax/remove_id", "dax1.1"));
  CHECK(kernel.writes()[4] == wrote("/sys/bus/dax/drivers/device_dax/unbind", "dax1.1"));
  CHECK_FALSE(kernel.has_device("dax1.1"));
  CHECK(kernel.read(k_hmem1 + "/dax_region/available_size") == std::to_string(3 * GiB));
}
