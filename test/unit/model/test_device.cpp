#include "test/unit/support/fixtures.hpp"

#include "core/model/device.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_dax00_dir = std::string(k_region0) + "/dax0.0";

Device read_ok(FakeKernel& kernel, DeviceName name = k_dax00)
{
  auto device = read_device(kernel, name);
  INFO((device ? std::string() : device.error().message()));
  REQUIRE(device);
  return *device;
}

std::string read_error(FakeKernel& kernel, DeviceName name = k_dax00)
{
  auto device = read_device(kernel, name);
  REQUIRE_FALSE(device);
  return device.error().message();
}

// A device of `size` bytes at `start` in region `region`, bound to device_dax.
FakeDeviceSpec plain_device(const std::string& name, uint64_t start, uint64_t size = 256 * MiB)
{
  FakeDeviceSpec spec;
  spec.name = name;
  spec.mappings = {{start, start + size - 1, 0}};
  return spec;
}

std::vector<std::string> names_of(const Region& region)
{
  return collect(region.devices, [](const Device& device) { return device.name.str(); });
}

} // namespace

TEST_CASE("read_device reads every attribute of the nfit device", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  Device device = read_ok(kernel);
  CHECK(device.name == k_dax00);
  CHECK(device.path == k_dax00_dir);
  CHECK(device.size == k_nfit_size);
  CHECK(device.align == 2 * MiB);
  CHECK(device.target_node == 1);
  CHECK(device.resource == k_nfit_start);
  REQUIRE(device.mappings.size() == 1);
  CHECK(device.mappings[0].index == 0);
  CHECK(device.mappings[0].start == k_nfit_start);
  CHECK(device.mappings[0].end == k_nfit_end);
  CHECK(device.mappings[0].size() == k_nfit_size);
  CHECK(device.driver == Driver::device_dax);
  CHECK(device.driver_name == "device_dax");
  CHECK(device.mode() == Mode::devdax);
  CHECK(device.enabled());
  CHECK(device.ranges() == std::vector<Range>{{k_nfit_start, k_nfit_size}});
}

TEST_CASE("read_device: the driver decides the mode", "[model]")
{
  auto [driver, expected, mode] = GENERATE(std::tuple{std::string("kmem"), Driver::kmem, Mode::system_ram},
                                           std::tuple{std::string(""), Driver::none, Mode::devdax},
                                           std::tuple{std::string("device_dax"), Driver::device_dax, Mode::devdax});
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device(driver));
  Device device = read_ok(kernel);
  CHECK(device.driver == expected);
  CHECK(device.driver_name == driver);
  CHECK(device.mode() == mode);
  CHECK(device.enabled() == !driver.empty());
  CHECK(to_string(mode) == (mode == Mode::system_ram ? "system-ram" : "devdax"));
}

TEST_CASE("read_device: a device bound to another driver is 'other'", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device(""));
  kernel.load_driver("dax_cxl");
  REQUIRE(kernel.write("/sys/bus/dax/drivers/dax_cxl/new_id", "dax0.0")); // binds the unbound device
  Device device = read_ok(kernel);
  CHECK(device.driver == Driver::other);
  CHECK(device.driver_name == "dax_cxl");
  CHECK(device.mode() == Mode::devdax);
}

TEST_CASE("read_device: a missing device is named in the error", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  std::string message = read_error(kernel, DeviceName{9, 9});
  CHECK(message.find("dax9.9") != std::string::npos);
  CHECK(message.find("no such device") != std::string::npos);
}

TEST_CASE("read_device: mappings in index order, mapping10 after mapping9", "[model]")
{
  FakeDeviceSpec spec;
  for (uint64_t i = 0; i < 11; ++i) {
    uint64_t start = 0x100000000 + (10 - i) * 256 * MiB; // descending addresses
    spec.mappings.push_back({start, start + 256 * MiB - 1, i * 256 * MiB});
  }
  FakeKernel kernel;
  kernel.add_region(0, k_region0, 11 * 256 * MiB).add_device(0, spec);
  Device device = read_ok(kernel);
  REQUIRE(device.mappings.size() == 11);
  for (unsigned i = 0; i < 11; ++i) {
    CHECK(device.mappings[i].index == i);
    CHECK(device.mappings[i].start == spec.mappings[i].start);
    CHECK(device.mappings[i].page_offset == spec.mappings[i].page_offset);
  }
  CHECK(device.ranges().size() == 11);
  CHECK(device.ranges()[10] == Range{0x100000000, 256 * MiB});
}

TEST_CASE("read_device: optional attributes may be missing or unreadable", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  SECTION("before 5.10: no align, no mappings; ranges come from resource + size")
  {
    kernel.remove(k_dax00_dir + "/align");
    kernel.remove(k_dax00_dir + "/mapping0");
    Device device = read_ok(kernel);
    CHECK_FALSE(device.align.has_value());
    CHECK(device.mappings.empty());
    CHECK(device.ranges() == std::vector<Range>{{k_nfit_start, k_nfit_size}});
  }
  SECTION("not root: resource and mappingN are mode 0400")
  {
    kernel.fail_read("*/resource", EACCES, FakeKernel::always);
    kernel.fail_read("*/mapping*", EACCES, FakeKernel::always);
    Device device = read_ok(kernel);
    CHECK_FALSE(device.resource.has_value());
    CHECK(device.mappings.empty());
    CHECK(device.ranges().empty());
    CHECK(device.size == k_nfit_size);
  }
  SECTION("no target_node")
  {
    kernel.remove(k_dax00_dir + "/target_node");
    Device device = read_ok(kernel);
    CHECK_FALSE(device.target_node.has_value());
  }
}

TEST_CASE("read_device: required or malformed attributes are errors naming the file", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  SECTION("size missing")
  {
    kernel.remove(k_dax00_dir + "/size");
    CHECK(read_error(kernel) == "read " + k_dax00_dir + "/size: No such file or directory");
  }
  SECTION("size malformed")
  {
    kernel.set_file(k_dax00_dir + "/size", "12abc");
    CHECK(read_error(kernel) == "parse " + k_dax00_dir + "/size: malformed value '12abc'");
  }
  SECTION("target_node malformed")
  {
    kernel.set_file(k_dax00_dir + "/target_node", "one");
    CHECK(read_error(kernel).find(k_dax00_dir + "/target_node") != std::string::npos);
  }
  SECTION("an I/O error is not taken for a missing attribute")
  {
    kernel.fail_read("*/target_node", EIO);
    CHECK(read_error(kernel) == "read " + k_dax00_dir + "/target_node: Input/output error");
  }
  SECTION("a mapping that ends before it starts")
  {
    kernel.set_file(k_dax00_dir + "/mapping0/end", "0x100000000", 0400);
    CHECK(read_error(kernel).find("mapping0") != std::string::npos);
  }
}

TEST_CASE("read_regions: natural order of regions and devices", "[model]")
{
  FakeKernel kernel;
  kernel.add_region(10, "/sys/devices/platform/hmem.10", 2 * GiB)
    .add_region(2, "/sys/devices/platform/hmem.2", 2 * GiB, 4 * KiB)
    .add_device(10, plain_device("dax10.0", 0x400000000))
    .add_device(2, plain_device("dax2.10", 0x200000000))
    .add_device(2, plain_device("dax2.0", 0x210000000))
    .add_device(2, plain_device("dax2.1", 0x220000000));
  auto regions = read_regions(kernel);
  REQUIRE(regions);
  REQUIRE(regions->size() == 2);
  const Region& first = (*regions)[0];
  CHECK(first.id == 2);
  CHECK(first.path == "/sys/devices/platform/hmem.2");
  CHECK(first.size == 2 * GiB);
  CHECK(first.align == 4 * KiB);
  CHECK_FALSE(first.available_size.has_value());
  CHECK(names_of(first) == std::vector<std::string>{"dax2.0", "dax2.1", "dax2.10"});
  CHECK((*regions)[1].id == 10);
  CHECK(names_of((*regions)[1]) == std::vector<std::string>{"dax10.0"});
}

TEST_CASE("read_regions: region attributes as a non-root user sees them", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  kernel.fail_read("*/dax_region/align", EACCES, FakeKernel::always);
  kernel.set_file(std::string(k_region0) + "/dax_region/available_size", "0");
  auto regions = read_regions(kernel);
  REQUIRE(regions);
  REQUIRE(regions->size() == 1);
  CHECK_FALSE((*regions)[0].align.has_value());
  CHECK((*regions)[0].size == k_nfit_size);
  CHECK((*regions)[0].available_size == 0U);
}

TEST_CASE("read_regions: no devices, or no dax bus at all, is an empty list", "[model]")
{
  FakeKernel kernel;
  SECTION("empty bus") {}
  SECTION("dax not loaded") { kernel.remove("/sys/bus/dax"); }
  auto regions = read_regions(kernel);
  REQUIRE(regions);
  CHECK(regions->empty());
}

TEST_CASE("read_regions: an unreadable device fails the listing with its path", "[model]")
{
  FakeKernel kernel;
  add_nfit_system(kernel);
  kernel.fail_read("*/dax0.0/size", EIO);
  auto regions = read_regions(kernel);
  REQUIRE_FALSE(regions);
  CHECK(regions.error().message() == "dax0.0: read " + k_dax00_dir + "/size: Input/output error");
}

TEST_CASE("read_device: overlapping mapping ranges are malformed sysfs", "[model]")
{
  FakeDeviceSpec spec;
  spec.mappings = {{0x100000000, 0x10fffffff, 0}, {0x10f000000, 0x11fffffff, 0x10000000}};
  FakeKernel kernel;
  kernel.add_region(0, k_region0, 512 * MiB).add_device(0, spec);
  CHECK(read_error(kernel) == "parse " + k_dax00_dir + ": mapping1 (0x10f000000-0x11fffffff) overlaps mapping0 "
                              "(0x100000000-0x10fffffff)");
}

TEST_CASE("read_regions: one malformed device does not hide the others", "[model]")
{
  FakeKernel kernel;
  kernel.add_region(0, k_region0, 1 * GiB)
    .add_device(0, plain_device("dax0.0", 0x100000000))
    .add_device(0, plain_device("dax0.1", 0x110000000))
    .add_device(0, plain_device("dax0.2", 0x120000000));
  kernel.set_file(std::string(k_region0) + "/dax0.1/size", "12x");
  std::vector<Error> bad;
  auto regions = read_regions(kernel, bad);
  REQUIRE(regions);
  REQUIRE(regions->size() == 1);
  CHECK(names_of(regions->front()) == std::vector<std::string>{"dax0.0", "dax0.2"});
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].message() == "dax0.1: parse " + std::string(k_region0) + "/dax0.1/size: malformed value '12x'");
  CHECK_FALSE(read_regions(kernel)); // the strict form still fails
}

// Issue #21: sizes from the kernel are added with overflow checks and must add up to `size`.
TEST_CASE("read_device: mappings whose sizes overflow 64 bits are malformed sysfs", "[model]")
{
  FakeDeviceSpec spec;
  spec.mappings = {{0, 0x7fffffffffffffff, 0}, {0x8000000000000000, 0xffffffffffffffff, 0}};
  spec.size = 0x1000;
  spec.resource = 0;
  FakeKernel kernel;
  kernel.add_region(0, k_region0, 0x1000).add_device(0, spec);
  CHECK(read_error(kernel).find("dax0.0: parse") == 0);
  CHECK(read_error(kernel).find("overflow 64 bits") != std::string::npos);
}

TEST_CASE("read_device: mappings that do not add up to size are malformed sysfs", "[model]")
{
  FakeDeviceSpec spec;
  spec.mappings = {{0x100000000, 0x100000000 + 256 * MiB - 1, 0}};
  spec.size = 512 * MiB;
  FakeKernel kernel;
  kernel.add_region(0, k_region0, 512 * MiB).add_device(0, spec);
  CHECK(read_error(kernel).find("mappings add up to 0x10000000 bytes, not size 0x20000000") != std::string::npos);
}
