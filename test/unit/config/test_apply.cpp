// Identities, matching sections to devices, and applying the wanted state on the fake kernel.
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include "cmd/common/hints.hpp"
#include "core/config/apply.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

const std::string k_uuid = "f16929ea-0ac0-4df8-b80c-e2c221ab96c8";
const std::string k_raw_uuid = "6bd2a8e0-9a3c-4c1e-8f6e-2c6c4f1d7a11";

// The nd_dax parent of dax0.0 as the nfit-node1 VM shows it, on namespace0.0.
void add_nd_dax(FakeKernel& kernel)
{
  kernel.set_file(std::string(k_region0) + "/devtype", "nd_dax");
  kernel.set_file(std::string(k_region0) + "/uuid", k_uuid);
  kernel.set_file(std::string(k_region0) + "/namespace", "namespace0.0");
  kernel.clear_log();
}

DeviceIdentity identity_of(FakeKernel& kernel, DeviceName name = k_dax00)
{
  auto device = read_device(kernel, name);
  REQUIRE(device);
  auto identity = read_identity(kernel, *device);
  INFO((identity ? std::string() : identity.error().message()));
  REQUIRE(identity);
  return *identity;
}

ConfigSection section(const std::string& text)
{
  auto sections = parse_config(text, "/etc/dax/dax.conf");
  INFO((sections ? std::string() : sections.error().message()));
  REQUIRE(sections);
  REQUIRE(sections->size() == 1);
  return sections->front();
}

WantedState ram(OnlineAfter online = OnlineAfter::yes, OnlineAs as = OnlineAs::movable)
{
  return {Mode::system_ram, online, as};
}

const WantedState k_devdax{Mode::devdax, OnlineAfter::yes, OnlineAs::movable};

// OpsFixture with apply's steps on dax0.0.
struct ApplyFixture : OpsFixture
{
  using OpsFixture::OpsFixture;

  // Applies `wanted` to dax0.0, which must succeed: the report.
  ApplyReport applied(const WantedState& wanted, Force force = Force::no)
  {
    auto report = apply_wanted(ctx, k_dax00, wanted, force);
    INFO((report ? std::string() : report.error().message()));
    REQUIRE(report);
    return *report;
  }

  // Applies `wanted` once more, the log cleared: no block is left to change and nothing is written.
  ApplyReport applied_again(const WantedState& wanted)
  {
    kernel.clear_log();
    ApplyReport report = applied(wanted);
    CHECK(report.blocks.count(BlockOutcome::changed) == 0);
    CHECK(kernel.writes().empty());
    return report;
  }

  // Every block of dax0.0 in `state`, the log cleared.
  void set_blocks(const std::string& state)
  {
    for (uint64_t index : k_nfit_blocks) kernel.set_block(index, state);
    kernel.clear_log();
  }
};

struct SystemRamFixture : ApplyFixture
{
  SystemRamFixture() : ApplyFixture(nfit_device("kmem")) {}
};

// Applies /etc/dax/dax.conf to dax0.0 with hints worded for apply, as cmd/apply does, expecting a
// refusal: its message.
std::string apply_refusal(FakeKernel& kernel, Context& ctx)
{
  kernel.clear_log();
  auto plan = plan_apply(kernel, kernel);
  REQUIRE(plan);
  ctx.hint = cli::config_hints(*plan);
  auto report = apply_wanted(ctx, k_dax00, plan->section_of(k_dax00)->wanted, Force::no);
  ctx.hint = {}; // it refers to `plan`
  REQUIRE_FALSE(report);
  return report.error().message();
}

} // namespace

TEST_CASE_METHOD(OpsFixture, "identity of an NVDIMM device: region path, range, nd_dax uuid", "[apply]")
{
  add_nd_dax(kernel);
  DeviceIdentity identity = identity_of(kernel);
  CHECK(identity.region == "/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0");
  CHECK(identity.ranges == std::vector<Range>{{k_nfit_start, k_nfit_size}});
  CHECK(identity.nvdimm_uuids == std::vector<std::string>{k_uuid});
  CHECK_FALSE(identity.cxl_region);
  CHECK(describe(identity) == "region = /LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0, "
                              "resource = 0x101200000, range = 0x101200000-0x13fffffff, "
                              "nvdimm.uuid = " + k_uuid);
}

TEST_CASE_METHOD(OpsFixture, "identity: a labelled namespace adds its own uuid", "[apply]")
{
  add_nd_dax(kernel);
  kernel.set_file("/sys/bus/nd/devices/namespace0.0/uuid", "6BD2A8E0-9A3C-4C1E-8F6E-2C6C4F1D7A11");
  CHECK(identity_of(kernel).nvdimm_uuids == std::vector<std::string>{k_uuid, k_raw_uuid});
}

TEST_CASE_METHOD(OpsFixture, "identity: no nd_dax parent, no uuid; unreadable uuid, none either", "[apply]")
{
  CHECK(identity_of(kernel).nvdimm_uuids.empty());
  add_nd_dax(kernel);
  kernel.fail_read(std::string(k_region0) + "/uuid", EACCES);
  CHECK(identity_of(kernel).nvdimm_uuids.empty());
  kernel.fail_read(std::string(k_region0) + "/uuid", EIO);
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  auto identity = read_identity(kernel, *device);
  REQUIRE_FALSE(identity);
  CHECK(identity.error().code == EIO);
}

TEST_CASE("identity of a CXL device names its region; a look-alike off the cxl bus does not", "[apply]")
{
  const std::string cxl = "/sys/devices/platform/ACPI0017:00/root0/decoder0.0/region3";
  FakeKernel kernel;
  kernel.add_boot_blocks(0, 8).add_region(7, cxl + "/dax_region3", 256 * MiB);
  FakeDeviceSpec spec;
  spec.name = "dax7.0";
  spec.mappings = {{0x2000000000, 0x200fffffff, 0}};
  kernel.add_device(7, spec);
  kernel.set_link(cxl + "/subsystem", "/sys/bus/cxl");
  DeviceIdentity identity = identity_of(kernel, {7, 0});
  CHECK(identity.cxl_region == "region3");
  CHECK(identity.region == "/platform/ACPI0017:00/root0/decoder0.0/region3/dax_region3");
  CHECK(matches(section("[device c]\ncxl.region = region3\nmode = devdax\n").match, identity));
  CHECK_FALSE(matches(section("[device c]\ncxl.region = region4\nmode = devdax\n").match, identity));

  kernel.set_link(cxl + "/subsystem", "/sys/bus/platform");
  CHECK_FALSE(identity_of(kernel, {7, 0}).cxl_region);
}

TEST_CASE_METHOD(OpsFixture, "matching: every key given must match", "[apply]")
{
  add_nd_dax(kernel);
  DeviceIdentity identity = identity_of(kernel);
  // Keys of a section, and whether they match dax0.0.
  const std::vector<std::pair<std::string, bool>> cases{
    {"nvdimm.uuid = " + k_uuid + "\n", true},
    {"nvdimm.uuid = F16929EA-0AC0-4DF8-B80C-E2C221AB96C8\n", true},
    {"nvdimm.uuid = " + k_raw_uuid + "\n", false},
    {"resource = 0x101200000\n", true},
    {"resource = 0x101000000\n", false},
    {"range = 0x101200000-0x13fffffff\n", true},
    {"range = 0x101200000-0x13ffffffe\n", false},
    {"region = /LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0\n", true},
    {"region = /sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0\n", true},
    {"region = /platform/hmem.0\n", false},
    {"device = dax0.0\n", true},
    {"device = dax0.1\n", false},
    {"cxl.region = region0\n", false},
    {"device = dax0.0\nresource = 0x101200000\n", true},
    {"device = dax0.0\nresource = 0x0\n", false},
  };
  for (const auto& [keys, expected] : cases) {
    INFO(keys);
    CHECK(matches(section("[device x]\n" + keys + "mode = devdax\n").match, identity) == expected);
  }
}

TEST_CASE_METHOD(OpsFixture, "range matches a device whose mappings join into it", "[apply]")
{
  FakeKernel split;
  FakeDeviceSpec spec;
  spec.name = "dax1.0";
  spec.mappings = {{0x200000000, 0x20fffffff, 0}, {0x210000000, 0x21fffffff, 0x10000}};
  split.add_boot_blocks(0, 8).add_region(1, "/sys/devices/platform/hmem.1/dax1.0", 512 * MiB).add_device(1, spec);
  DeviceIdentity identity = identity_of(split, {1, 0});
  CHECK(matches(section("[device x]\nrange = 0x200000000-0x21fffffff\nmode = devdax\n").match, identity));
  CHECK(matches(section("[device x]\nresource = 0x200000000\nmode = devdax\n").match, identity));
  CHECK_FALSE(matches(section("[device x]\nrange = 0x200000000-0x20fffffff\nmode = devdax\n").match, identity));
}

TEST_CASE_METHOD(OpsFixture, "plan: sections decide devices; agreeing duplicates are fine", "[apply]")
{
  add_nd_dax(kernel);
  kernel.set_file("/etc/dax/dax.conf", "[device by-range]\nrange = 0x101200000-0x13fffffff\nmode = system-ram\n"
                                       "[device elsewhere]\nregion = /platform/hmem.0\nmode = devdax\n");
  kernel.set_file("/etc/daxctl.conf.d/d.conf",
                  "[reconfigure-device d]\nnvdimm.uuid = " + k_uuid + "\nmode = system-ram\nonline = yes\n");
  auto plan = plan_apply(kernel, kernel);
  INFO((plan ? std::string() : plan.error().message()));
  REQUIRE(plan);
  REQUIRE(plan->section_of(k_dax00));
  CHECK(plan->section_of(k_dax00)->header() == "[device by-range]");
  CHECK(plan->section_of({0, 1}) == nullptr);
  REQUIRE(plan->unmatched().size() == 1);
  CHECK(plan->unmatched()[0]->header() == "[device elsewhere]");
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "plan: two sections wanting different states for one device is an error", "[apply]")
{
  add_nd_dax(kernel);
  kernel.set_file("/etc/dax/dax.conf", "[device a]\nresource = 0x101200000\nmode = system-ram\n");
  kernel.set_file("/etc/daxctl.conf.d/d.conf",
                  "# old\n[reconfigure-device d]\nnvdimm.uuid = " + k_uuid + "\nmode = system-ram\nmovable = no\n");
  auto plan = plan_apply(kernel, kernel);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().message() ==
        "/etc/daxctl.conf.d/d.conf:2: [reconfigure-device d] and [device a] (/etc/dax/dax.conf:1) both match "
        "dax0.0 but want different states (system-ram, online, not movable / system-ram, online, movable)");
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(ApplyFixture, "apply devdax -> system-ram, online movable, then again: no writes", "[apply]")
{
  ApplyReport report = applied(ram());
  CHECK(report.before == Mode::devdax);
  CHECK(report.mode == ModeChange::changed);
  CHECK(report.blocks.count(BlockOutcome::changed) == 7);
  CHECK(kernel.writes() == k_to_ram + state_writes(k_nfit_blocks, "online_movable"));

  report = applied_again(ram());
  CHECK(report.before == Mode::system_ram);
  CHECK(report.mode == ModeChange::already);
}

TEST_CASE_METHOD(ApplyFixture, "apply system-ram offline: kmem bound, no block onlined", "[apply]")
{
  applied(ram(OnlineAfter::no));
  CHECK(kernel.writes() == k_to_ram);
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_state(index) == "offline");
}

TEST_CASE_METHOD(ApplyFixture, "apply devdax to a devdax device writes nothing; to an unbound one binds it", "[apply]")
{
  CHECK(applied(k_devdax).mode == ModeChange::already);
  CHECK(kernel.writes().empty());

  REQUIRE(kernel.write(driver_file("device_dax", "unbind"), "dax0.0"));
  kernel.clear_log();
  CHECK(applied(k_devdax).mode == ModeChange::changed);
  CHECK(kernel.writes() == std::vector<std::string>{wrote(driver_file("device_dax", "new_id"), "dax0.0")});
}

TEST_CASE_METHOD(SystemRamFixture, "apply onlines only the offline blocks of a system-ram device", "[apply]")
{
  kernel.set_block(33, "online_movable");
  kernel.clear_log();
  ApplyReport report = applied(ram());
  CHECK(report.mode == ModeChange::already);
  CHECK(report.blocks.count(BlockOutcome::changed) == 6);
  CHECK(kernel.writes() == state_writes({34, 35, 36, 37, 38, 39}, "online_movable"));
}

TEST_CASE_METHOD(SystemRamFixture, "apply online = no offlines online blocks; offline ones are left", "[apply]")
{
  set_blocks("online_movable");
  CHECK(applied(ram(OnlineAfter::no)).blocks.count(BlockOutcome::changed) == 7);
  CHECK(kernel.writes() == state_writes(k_nfit_blocks, "offline"));
  applied_again(ram(OnlineAfter::no));
}

TEST_CASE_METHOD(SystemRamFixture, "apply moves memory online in the other zone, block by block", "[apply]")
{
  set_blocks("online");
  ApplyReport report = applied(ram());
  CHECK(report.mode == ModeChange::already);
  CHECK(report.blocks.count(BlockOutcome::changed) == 7);
  std::vector<std::string> moves;
  for (uint64_t index : k_nfit_blocks) {
    moves = moves + state_writes({index}, "offline") + state_writes({index}, "online_movable");
  }
  CHECK(kernel.writes() == moves);
  for (uint64_t index : k_nfit_blocks) CHECK(kernel.block_zones(index) == "Movable");
  applied_again(ram());
}

TEST_CASE_METHOD(SystemRamFixture, "apply devdax to online system-ram: refused, with --force offlined first", "[apply]")
{
  set_blocks("online_movable");
  REQUIRE_FALSE(apply_wanted(ctx, k_dax00, k_devdax, Force::no));
  CHECK(kernel.writes().empty());

  ApplyReport report = applied(k_devdax, Force::yes);
  CHECK(report.before == Mode::system_ram);
  CHECK(report.mode == ModeChange::changed);
  CHECK(kernel.writes() == state_writes(k_nfit_blocks, "offline") + k_to_devdax);
}

TEST_CASE_METHOD(OpsFixture, "apply names the configuration key and FILE:LINE it follows, not a flag", "[apply]")
{
  REQUIRE(reconfigure_to_system_ram(ctx, k_dax00, {OnlineAfter::no}));
  for (uint64_t index : k_nfit_blocks) {
    kernel.set_file("/sys/devices/system/memory/memory" + std::to_string(index) + "/valid_zones", "Normal");
  }
  kernel.set_file("/etc/dax/dax.conf", "[device slow]\ndevice = dax0.0\nmode = system-ram\nmovable = yes\n");
  CHECK_THAT(apply_refusal(kernel, ctx),
             Catch::Matchers::StartsWith("dax0.0: asked for its memory online in zone Movable, but memory33-39 are "
                                         "offline (memory33: online /sys/devices/system/memory/memory33: zone "
                                         "Movable is not possible here (valid_zones: Normal); ") &&
               Catch::Matchers::EndsWith("; use movable = no in [device slow] (/etc/dax/dax.conf:1)"));
  CHECK(kernel.writes().empty());
}

TEST_CASE_METHOD(OpsFixture, "apply, which never destroys data in use, says which command does", "[apply]")
{
  kernel.set_file("/etc/dax/dax.conf", "[device slow]\ndevice = dax0.0\nmode = system-ram\n");
  kernel.add_process(4242, "fio", "dax0.0", true);
  CHECK(apply_refusal(kernel, ctx) ==
        "dax0.0: /dev/dax0.0 is in use by 4242 (fio, mapped): binding kmem would destroy the data they use; stop "
        "them, or use dax reconfigure -m system-ram --destroy-data-in-use dax0.0 (apply never destroys data in use)");
  CHECK(kernel.writes().empty());
}

// Issue #21: one device that cannot be read fails alone (exit 1 for it, named); the others are
// applied, and the plan is made under the state lock by the command.
TEST_CASE_METHOD(OpsFixture, "apply: an unreadable device fails alone, the others are applied", "[apply]")
{
  FakeDeviceSpec spec;
  spec.name = "dax1.0";
  spec.mappings = {{0x140000000, 0x15fffffff, 0}};
  kernel.add_region(1, "/sys/devices/platform/hmem.1/dax1.0", 512 * MiB).add_device(1, spec);
  kernel.set_file("/etc/dax/dax.conf", "[device a]\ndevice = dax0.0\nmode = system-ram\n"
                                       "[device b]\ndevice = dax1.0\nmode = system-ram\n");
  kernel.fail_read("*/dax1.0/size", EIO, FakeKernel::always);

  auto plan = plan_apply(kernel, kernel);
  INFO((plan ? std::string() : plan.error().message()));
  REQUIRE(plan);
  REQUIRE(plan->unreadable({1, 0}));
  CHECK(plan->unreadable({1, 0})->device == "dax1.0");
  CHECK(plan->unreadable(k_dax00) == nullptr);
  CHECK(plan->section_of(k_dax00));

  CommandRun run = run_command(cli::apply_command(), kernel, loader, {});
  INFO(run.out << run.err);
  CHECK(run.code == 3); // some devices failed
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  CHECK(kernel.driver_of("dax1.0") == "device_dax");
  CHECK(run.err.find("dax1.0") != std::string::npos);
  CHECK(run.err.find("Input/output error") != std::string::npos);
}
