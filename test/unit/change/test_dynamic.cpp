// create/destroy/resize/enable/disable on a dynamic region (hmem.1, next to the static nfit
// region0): the exact writes, the refusals before any write, and the rollbacks.
#include "test/unit/support/fixtures.hpp"

#include "core/change/dry_run.hpp"
#include "core/change/dynamic.hpp"
#include "core/change/enable_disable.hpp"
#include "core/change/famfs.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_hmem = "/sys/devices/platform/hmem.1";
constexpr uint64_t k_hmem_start = 8 * GiB;
const DeviceName k_dax10{1, 0};
const DeviceName k_dax11{1, 1};
const DeviceName k_dax12{1, 2};

std::string dev_file(const std::string& device, const std::string& file)
{
  return fmt::format("{}/{}/{}", k_hmem, device, file);
}

std::string region_file(const std::string& file)
{
  return k_hmem + "/dax_region/" + file;
}

// nfit region0 with dax0.0 (static) and hmem.1: 4 GiB at 8 GiB, dax1.0 taking its first GiB.
struct DynamicFixture : OpsFixture
{
  DynamicFixture()
  {
    FakeDeviceSpec spec;
    spec.name = "dax1.0";
    spec.mappings = {{k_hmem_start, k_hmem_start + GiB - 1, 0}};
    kernel.add_dynamic_region(1, k_hmem, k_hmem_start, 4 * GiB).add_device(1, spec);
    kernel.clear_log();
  }

  std::string read(const std::string& path)
  {
    auto value = kernel.read(path);
    REQUIRE(value);
    return *value;
  }

  // Creates, sizes and enables a device of `size` bytes; the name the call returned.
  std::string make(uint64_t size)
  {
    auto name = create_device(ctx, 1, {size, {}, {}});
    REQUIRE(name);
    return name->str();
  }
};

template<typename T>
std::string error_of(const Result<T>& result)
{
  REQUIRE_FALSE(result);
  return result.error().message();
}

} // namespace

TEST_CASE_METHOD(DynamicFixture, "fake: create makes a seed of size 0; only the first unbound one is the seed", "[dynamic]")
{
  CHECK(read(region_file("available_size")) == std::to_string(3 * GiB));
  CHECK(read(region_file("seed")).empty());
  REQUIRE(kernel.write(region_file("create"), "1"));
  CHECK(read(region_file("seed")) == "dax1.1");
  CHECK(read("/sys/bus/dax/devices/dax1.1/size") == "0");
  CHECK(kernel.driver_of("dax1.1").empty());
  REQUIRE(kernel.write(region_file("create"), "1"));
  CHECK(kernel.has_device("dax1.2"));
  CHECK(read(region_file("seed")) == "dax1.1");
  CHECK(kernel.write(region_file("create"), "2").error().code == EINVAL);
  // A size-0 device binds to nothing: dax_bus_probe gives ENXIO.
  CHECK(kernel.write(driver_file("device_dax", "bind"), "dax1.1").error().code == ENXIO);
}

TEST_CASE_METHOD(DynamicFixture, "fake: size writes fail as the kernel's do", "[dynamic]")
{
  REQUIRE(kernel.write(region_file("create"), "1"));
  CHECK(kernel.write(dev_file("dax1.0", "size"), "0").error().code == EBUSY);
  CHECK(kernel.write(dev_file("dax1.1", "size"), "0x100000").error().code == EINVAL);
  CHECK(kernel.write(dev_file("dax1.1", "size"), "0x100000000").error().code == ENOSPC);
  CHECK(kernel.write(dev_file("dax1.1", "align"), "0x3000").error().code == EINVAL);
  CHECK(kernel.write(dev_file("dax1.1", "mapping"), "0x200000000-0x23fffffff").error().code == ENOMEM);
  CHECK(kernel.write(region_file("delete"), "dax1.0").error().code == EBUSY);
  CHECK(kernel.write(region_file("delete"), "dax9.9").error().code == ENXIO);
  // Static region0: read-only attributes, refused at open.
  CHECK(kernel.write("/sys/bus/dax/devices/dax0.0/size", "0").error().code == EACCES);
  REQUIRE(kernel.write(dev_file("dax1.1", "size"), "0x40000000"));
  CHECK(kernel.ranges_of("dax1.1").size() == 1);
  CHECK(read(dev_file("dax1.1", "mapping0/start")) == "0x240000000");
  CHECK(read(region_file("available_size")) == std::to_string(2 * GiB));
  CHECK(kernel.write(region_file("delete"), "dax1.1").error().code == EBUSY);
  REQUIRE(kernel.write(dev_file("dax1.1", "size"), "0"));
  REQUIRE(kernel.write(region_file("delete"), "dax1.1"));
  CHECK_FALSE(kernel.has_device("dax1.1"));
  CHECK(read(region_file("seed")).empty());
}

TEST_CASE_METHOD(DynamicFixture, "create: create, size, bind; the device is enabled devdax", "[dynamic]")
{
  auto name = create_device(ctx, 1, {GiB, {}, {}});
  REQUIRE(name);
  CHECK(*name == k_dax11);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(region_file("create"), "1"),
                                                    wrote(dev_file("dax1.1", "size"), "0x40000000"),
                                                    wrote(driver_file("device_dax", "new_id"), "dax1.1")});
  CHECK(kernel.driver_of("dax1.1") == "device_dax");
  CHECK(read(region_file("seed")).empty());
}

TEST_CASE_METHOD(DynamicFixture, "create: without a size takes all that is available; with align writes it first", "[dynamic]")
{
  auto name = create_device(ctx, 1, {{}, GiB, {}});
  REQUIRE(name);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(region_file("create"), "1"),
                                                    wrote(dev_file("dax1.1", "align"), "0x40000000"),
                                                    wrote(dev_file("dax1.1", "size"), "0xc0000000"),
                                                    wrote(driver_file("device_dax", "new_id"), "dax1.1")});
  CHECK(read(region_file("available_size")) == "0");
  CHECK(error_of(create_device(ctx, 1, {})) == "region1: no space left (available_size is 0)");
}

TEST_CASE_METHOD(DynamicFixture, "create: an existing seed is used, not a second one", "[dynamic]")
{
  REQUIRE(kernel.write(region_file("create"), "1"));
  kernel.clear_log();
  REQUIRE(create_device(ctx, 1, {GiB, {}, {}}) == k_dax11);
  CHECK(kernel.writes().front() == wrote(dev_file("dax1.1", "size"), "0x40000000"));
  CHECK_FALSE(kernel.has_device("dax1.2"));
}

TEST_CASE_METHOD(DynamicFixture, "create: refusals come before any write", "[dynamic]")
{
  CHECK(error_of(create_device(ctx, 0, {GiB, {}, {}})) ==
        "region0: a static region (NVDIMM): devices cannot be created in it; the size is set by its namespace "
        "(ndctl create-namespace / destroy-namespace)");
  CHECK(error_of(create_device(ctx, 7, {})) == "region7: no such region (see dax list -R)");
  CHECK(error_of(create_device(ctx, 1, {4 * GiB, {}, {}})) ==
        "region1: 0x100000000 bytes requested, only 0xc0000000 available");
  CHECK(error_of(create_device(ctx, 1, {GiB + 4096, {}, {}})) ==
        "region1: size 0x40001000 is not a multiple of the alignment 0x200000");
  CHECK(error_of(create_device(ctx, 1, {GiB, 3 * 4096, {}})) ==
        "region1: alignment 0x3000 is not a power of two of at least 4 KiB (the kernel takes 4K, 2M or 1G)");
  CHECK(kernel.writes().empty());
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(DynamicFixture, "create: a failed size write deletes the new device again", "[dynamic]")
{
  kernel.fail_write("*/dax1.1/size", EIO);
  CHECK(error_of(create_device(ctx, 1, {GiB, {}, {}})) ==
        "dax1.1: write '0x40000000' to /sys/bus/dax/devices/dax1.1/size: Input/output error; dax1.1 was deleted again");
  CHECK(kernel.writes() == std::vector<std::string>{wrote(region_file("create"), "1"),
                                                    wrote(dev_file("dax1.1", "size"), "0x40000000", EIO),
                                                    wrote(dev_file("dax1.1", "size"), "0"),
                                                    wrote(region_file("delete"), "dax1.1")});
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(DynamicFixture, "create: a failed bind gives the memory back; a reused seed is kept", "[dynamic]")
{
  REQUIRE(kernel.write(region_file("create"), "1"));
  kernel.clear_log();
  kernel.fail_write(driver_file("device_dax", "new_id"), ENOMEM);
  std::string error = error_of(create_device(ctx, 1, {GiB, {}, {}}));
  CHECK(error.ends_with("; dax1.1 was set back to size 0"));
  CHECK(kernel.writes().back() == wrote(dev_file("dax1.1", "size"), "0"));
  CHECK(kernel.has_device("dax1.1"));
  CHECK(read(region_file("available_size")) == std::to_string(3 * GiB));
}

TEST_CASE_METHOD(DynamicFixture, "create: a failed rollback is reported exactly", "[dynamic]")
{
  kernel.fail_write("*/dax1.1/size", EIO, 2);
  CHECK(error_of(create_device(ctx, 1, {GiB, {}, {}})).ends_with(
    "undoing it failed too (write '0' to /sys/bus/dax/devices/dax1.1/size: Input/output error): dax1.1 is left as it is"));
}

TEST_CASE_METHOD(DynamicFixture, "create into holes gives several mappings; --input mappings are written in order", "[dynamic]")
{
  CHECK(make(GiB) == "dax1.1");
  CHECK(make(GiB) == "dax1.2");
  REQUIRE(destroy_device(ctx, k_dax11, Force::yes) == Destroyed::deleted);
  // Free: [9 GiB, 10 GiB) between dax1.0 and dax1.2, and [11 GiB, 12 GiB) at the end.
  CHECK(make(2 * GiB) == "dax1.1");
  auto ranges = kernel.ranges_of("dax1.1");
  REQUIRE(ranges.size() == 2);
  CHECK(ranges[0].start == 9 * GiB);
  CHECK(ranges[1].start == 11 * GiB);
  CHECK(ranges[1].page_offset == GiB / 4096);
  CHECK(read(dev_file("dax1.1", "mapping1/end")) == "0x2ffffffff");

  auto device = read_device(kernel, k_dax11);
  REQUIRE(device);
  REQUIRE(destroy_device(ctx, k_dax11, Force::yes));
  kernel.clear_log();
  std::vector<Range> mappings{{11 * GiB, GiB}, {9 * GiB, GiB}};
  REQUIRE(create_device(ctx, 1, {{}, {}, mappings}) == k_dax11);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(region_file("create"), "1"),
                                                    wrote(dev_file("dax1.1", "mapping"), "0x2c0000000-0x2ffffffff"),
                                                    wrote(dev_file("dax1.1", "mapping"), "0x240000000-0x27fffffff"),
                                                    wrote(driver_file("device_dax", "new_id"), "dax1.1")});
  CHECK(kernel.ranges_of("dax1.1")[0].start == 11 * GiB);
}

TEST_CASE_METHOD(DynamicFixture, "destroy: refuses an enabled device without --force, and static regions", "[dynamic]")
{
  make(GiB);
  kernel.clear_log();
  CHECK(error_of(destroy_device(ctx, k_dax11, Force::no)) == "dax1.1: enabled (devdax); --force disables it first");
  CHECK(error_of(destroy_device(ctx, k_dax00, Force::yes)) ==
        "dax0.0: in region0, a static region (NVDIMM): it cannot be destroyed; the size is set by its namespace "
        "(ndctl create-namespace / destroy-namespace)");
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(DynamicFixture, "destroy --force: unbind, size 0, delete", "[dynamic]")
{
  make(GiB);
  kernel.clear_log();
  REQUIRE(destroy_device(ctx, k_dax11, Force::yes) == Destroyed::deleted);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "remove_id"), "dax1.1"),
                                                    wrote(driver_file("device_dax", "unbind"), "dax1.1"),
                                                    wrote(dev_file("dax1.1", "size"), "0"),
                                                    wrote(region_file("delete"), "dax1.1")});
  CHECK_FALSE(kernel.has_device("dax1.1"));
}

TEST_CASE_METHOD(DynamicFixture, "destroy: device 0 is emptied, not deleted; a disabled device needs no force", "[dynamic]")
{
  REQUIRE(kernel.write(driver_file("device_dax", "unbind"), "dax1.0"));
  kernel.clear_log();
  REQUIRE(destroy_device(ctx, k_dax10, Force::no) == Destroyed::emptied);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(dev_file("dax1.0", "size"), "0")});
  CHECK(notes == std::vector<std::string>{
                   "dax1.0: size 0 now; the kernel keeps device 0 of a region, so it stays listed"});
}

TEST_CASE_METHOD(DynamicFixture, "destroy: a failed delete is reported exactly", "[dynamic]")
{
  make(GiB);
  kernel.fail_write(region_file("delete"), EIO);
  CHECK(error_of(destroy_device(ctx, k_dax11, Force::yes)) ==
        "dax1.1: write 'dax1.1' to " + k_hmem + "/dax_region/delete: Input/output error; its size is 0 now, "
        "the empty device remains");
}

TEST_CASE_METHOD(DynamicFixture, "destroy --force on a system-ram device offlines first and never strands memory", "[dynamic]")
{
  make(GiB);
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax11, {}));
  const std::vector<uint64_t> blocks{72, 73, 74, 75, 76, 77, 78, 79};
  for (uint64_t index : blocks) REQUIRE(kernel.block_state(index) == "online");
  CHECK(error_of(destroy_device(ctx, k_dax11, Force::no)) ==
        "dax1.1: in system-ram mode; --force offlines and removes its memory, then destroys it");

  SECTION("a block that cannot be offlined stops it with kmem still bound")
  {
    kernel.fail_write("*/memory75/state", EBUSY, FakeKernel::always);
    CHECK_FALSE(destroy_device(ctx, k_dax11, Force::yes));
    CHECK(kernel.driver_of("dax1.1") == "kmem");
    CHECK_FALSE(kernel.stranded("dax1.1"));
    for (uint64_t index : blocks) CHECK(kernel.block_state(index) == "online");
  }
  SECTION("all offline: kmem unbound, then the device is deleted")
  {
    kernel.clear_log();
    REQUIRE(destroy_device(ctx, k_dax11, Force::yes) == Destroyed::deleted);
    CHECK_FALSE(kernel.has_device("dax1.1"));
    CHECK_FALSE(kernel.has_block(72));
    CHECK(kernel.writes().back() == wrote(region_file("delete"), "dax1.1"));
  }
}

TEST_CASE_METHOD(DynamicFixture, "resize: refusals, then size and align in the order the kernel takes", "[dynamic]")
{
  CHECK(error_of(resize_device(ctx, k_dax10, {2 * GiB, {}})) ==
        "dax1.0: enabled; the kernel resizes only disabled devices (dax disable-device dax1.0 first)");
  CHECK(error_of(resize_device(ctx, k_dax00, {GiB, {}})).starts_with(
    "dax0.0: in region0, a static region (NVDIMM): this region cannot be resized;"));
  REQUIRE(disable_device(ctx, k_dax10) == EnableChange::changed);
  kernel.clear_log();
  CHECK(error_of(resize_device(ctx, k_dax10, {5 * GiB, {}})) ==
        "dax1.0: growing by 0x100000000 bytes needs more than the 0xc0000000 available in region1");
  CHECK(error_of(resize_device(ctx, k_dax10, {GiB + 4096, {}})) ==
        "dax1.0: size 0x40001000 is not a multiple of the alignment 0x200000");
  CHECK(kernel.writes().empty());

  REQUIRE(resize_device(ctx, k_dax10, {2 * GiB, GiB}));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(dev_file("dax1.0", "align"), "0x40000000"),
                                                    wrote(dev_file("dax1.0", "size"), "0x80000000")});
  kernel.clear_log();
  REQUIRE(resize_device(ctx, k_dax10, {GiB + 512 * MiB, 2 * MiB}));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(dev_file("dax1.0", "align"), "0x200000"),
                                                    wrote(dev_file("dax1.0", "size"), "0x60000000")});
  kernel.clear_log();
  // A 1.5 GiB range is not a multiple of 1 GiB: the size must shrink under the old alignment first.
  REQUIRE(resize_device(ctx, k_dax10, {GiB, GiB}));
  CHECK(kernel.writes() == std::vector<std::string>{wrote(dev_file("dax1.0", "size"), "0x40000000"),
                                                    wrote(dev_file("dax1.0", "align"), "0x40000000")});
  CHECK(read(dev_file("dax1.0", "size")) == std::to_string(GiB));
  // Two 2 MiB ranges add up to 4 MiB, but neither is a multiple of 4 MiB.
  REQUIRE(create_device(ctx, 1, {{}, {}, {{9 * GiB, 2 * MiB}, {11 * GiB, 2 * MiB}}}) == k_dax11);
  REQUIRE(disable_device(ctx, k_dax11));
  kernel.clear_log();
  CHECK(error_of(resize_device(ctx, k_dax11, {{}, 4 * MiB})) ==
        "dax1.1: its ranges (dax list -M -d dax1.1) are not multiples of the alignment 0x400000");
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(DynamicFixture, "resize: a failed size write puts the new alignment back", "[dynamic]")
{
  REQUIRE(disable_device(ctx, k_dax10));
  kernel.clear_log();
  kernel.fail_write("*/dax1.0/size", ENXIO);
  CHECK(error_of(resize_device(ctx, k_dax10, {2 * GiB, GiB})).ends_with("; the alignment was set back to 0x200000"));
  CHECK(read(dev_file("dax1.0", "align")) == std::to_string(2 * MiB));
}

TEST_CASE_METHOD(DynamicFixture, "enable and disable: devdax only, idempotent, size 0 and users refused", "[dynamic]")
{
  CHECK(enable_device(ctx, k_dax10) == EnableChange::already);
  CHECK(kernel.writes().empty());
  REQUIRE(disable_device(ctx, k_dax10) == EnableChange::changed);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "remove_id"), "dax1.0"),
                                                    wrote(driver_file("device_dax", "unbind"), "dax1.0")});
  CHECK(disable_device(ctx, k_dax10) == EnableChange::already);
  kernel.clear_log();
  REQUIRE(enable_device(ctx, k_dax10) == EnableChange::changed);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "new_id"), "dax1.0")});

  REQUIRE(kernel.write(region_file("create"), "1"));
  CHECK(error_of(enable_device(ctx, k_dax11)) ==
        "dax1.1: has no memory (size 0); give it a size first (dax reconfigure -s SIZE dax1.1)");
  kernel.add_process(4242, "fio", "dax1.0", true);
  CHECK(error_of(disable_device(ctx, k_dax10)) ==
        "dax1.0: /dev/dax1.0 is in use by 4242 (fio, mapped): disabling it would take the memory from under "
        "them; stop them first");
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::no, OnlineAs::movable, InUse::refuse}));
  std::string ram = "dax0.0: in system-ram mode: enable-device and disable-device apply to devdax devices "
                    "(dax reconfigure -m devdax changes the mode)";
  CHECK(error_of(enable_device(ctx, k_dax00)) == ram);
  CHECK(error_of(disable_device(ctx, k_dax00)) == ram);
}

TEST_CASE_METHOD(DynamicFixture, "dry run: create and destroy print the writes the real run makes", "[dynamic]")
{
  auto dry_writes = [&](const std::function<void(Context&)>& operation) {
    std::vector<std::string> printed;
    DryRunSysfs dry(kernel, [&](const std::string& line) { printed.push_back(line); });
    Context dry_ctx{dry, loader, ctx.retry, {}};
    operation(dry_ctx);
    return printed;
  };
  auto real_writes = [&] {
    std::vector<std::string> lines;
    for (const auto& access : kernel.log()) {
      if (access.op == FakeAccess::Op::write) lines.push_back(fmt::format("echo {} > {}", access.value, access.path));
    }
    return lines;
  };
  auto create = [](Context& c) { REQUIRE(create_device(c, 1, {GiB, 2 * MiB, {}}) == DeviceName{1, 1}); };
  auto printed = dry_writes(create);
  CHECK(kernel.writes().empty());
  create(ctx);
  CHECK(printed == real_writes());
  CHECK(printed.size() == 4);

  kernel.clear_log();
  auto destroy = [](Context& c) { REQUIRE(destroy_device(c, DeviceName{1, 1}, Force::yes) == Destroyed::deleted); };
  printed = dry_writes(destroy);
  CHECK(kernel.writes().empty());
  destroy(ctx);
  CHECK(printed == real_writes());
  CHECK(printed.size() == 4);
}

TEST_CASE_METHOD(DynamicFixture, "resize of a famfs device says to go to devdax first, as for system-ram", "[dynamic][famfs]")
{
  kernel.load_driver("fsdev_dax");
  REQUIRE(reconfigure_to_famfs(ctx, k_dax10));
  kernel.clear_log();
  CHECK(error_of(resize_device(ctx, k_dax10, {GiB, {}})) ==
        "dax1.0: in famfs mode; the kernel resizes only disabled devices "
        "(dax reconfigure -m devdax dax1.0 && dax disable-device dax1.0 first)");
  CHECK(kernel.writes().empty());
}
