// famfs mode (issue #13 item 5): a device bound to fsdev_dax (drivers/dax/fsdev.c, Linux 7.2+), as
// daxctl 85's reconfigure-device --mode=famfs makes it; core's switches and the reconfigure command.
#include "core/change/famfs.hpp"
#include "core/config/apply.hpp"
#include "test/unit/support/command_run.hpp"
#include "test/unit/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>

using namespace dax;
using namespace dax::test;

namespace {

// The writes that move dax0.0 from driver `from` to `to`.
std::vector<std::string> dax00_switch(const std::string& from, const std::string& to)
{
  return switch_writes("dax0.0", from, to);
}

// What `dax reconfigure ARGS` does to the kernel of `f`, through f's module loader.
CommandRun reconfigure(OpsFixture& f, const std::vector<std::string>& args)
{
  return run_command(cli::reconfigure_command(), f.kernel, f.loader, args);
}

} // namespace

TEST_CASE("the mode follows the driver: fsdev_dax is famfs, no driver or an unknown one devdax", "[famfs]")
{
  CHECK(to_string(Mode::famfs) == "famfs");
  for (Mode mode : {Mode::devdax, Mode::system_ram, Mode::famfs}) CHECK(parse_mode(to_string(mode)) == mode);
  CHECK_FALSE(parse_mode("unknown"));
  CHECK(driver_of(Mode::famfs) == Driver::fsdev_dax);

  FakeKernel kernel;
  add_nfit_system(kernel, nfit_device("fsdev_dax"));
  auto device = read_device(kernel, k_dax00);
  REQUIRE(device);
  CHECK(device->driver == Driver::fsdev_dax);
  CHECK(device->mode() == Mode::famfs);
  CHECK(device->enabled());
  device->driver = Driver::none;
  CHECK(device->mode() == Mode::devdax);
  device->driver = Driver::other;
  CHECK(device->mode() == Mode::devdax);
}

TEST_CASE("devdax -> famfs unbinds device_dax and binds fsdev_dax, read back", "[famfs]")
{
  OpsFixture f;
  f.kernel.load_driver("fsdev_dax");
  auto report = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE(report);
  CHECK(report->mode == ModeChange::changed);
  CHECK(f.kernel.driver_of("dax0.0") == "fsdev_dax");
  CHECK(f.kernel.writes() == dax00_switch("device_dax", "fsdev_dax"));
  CHECK(f.loader.requests().empty());
}

TEST_CASE("devdax -> famfs loads the fsdev_dax module where the kernel has one", "[famfs]")
{
  OpsFixture f;
  f.kernel.offer_module("fsdev_dax");
  REQUIRE(reconfigure_to_famfs(f.ctx, k_dax00));
  CHECK(f.loader.requests() == std::vector<std::string>{"fsdev_dax"});
  CHECK(f.kernel.driver_of("dax0.0") == "fsdev_dax");
}

TEST_CASE("without fsdev_dax famfs is refused plainly, before any write", "[famfs]")
{
  OpsFixture f;
  auto report = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().starts_with("dax0.0: the kernel has no fsdev_dax driver, which famfs mode needs "
                                             "(Linux 7.2 or later); nothing was changed"));
  CHECK(f.kernel.writes().empty());
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE("already famfs only when bound to fsdev_dax; an unbound device is bound", "[famfs]")
{
  OpsFixture f(nfit_device("fsdev_dax"));
  auto already = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE(already);
  CHECK(already->mode == ModeChange::already);
  CHECK(f.kernel.writes().empty());

  OpsFixture unbound(nfit_device(""));
  unbound.kernel.load_driver("fsdev_dax");
  auto bound = reconfigure_to_famfs(unbound.ctx, k_dax00);
  REQUIRE(bound);
  CHECK(bound->mode == ModeChange::changed);
  CHECK(unbound.kernel.writes() == std::vector<std::string>{wrote(driver_file("fsdev_dax", "new_id"), "dax0.0")});
}

TEST_CASE("system-ram -> famfs is refused: it must be in devdax mode first", "[famfs]")
{
  OpsFixture f(nfit_device("kmem"));
  f.kernel.load_driver("fsdev_dax");
  auto report = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE_FALSE(report);
  CHECK(report.error().message() == "dax0.0: in system-ram mode; must be in devdax mode to convert to famfs "
                                    "(dax reconfigure -m devdax dax0.0 first)");
  CHECK(f.kernel.writes().empty());
}

TEST_CASE("famfs -> devdax unbinds fsdev_dax and binds device_dax", "[famfs]")
{
  OpsFixture f(nfit_device("fsdev_dax"));
  auto report = reconfigure_to_devdax(f.ctx, k_dax00, Force::no);
  REQUIRE(report);
  CHECK(report->mode == ModeChange::changed);
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
  CHECK(f.kernel.writes() == dax00_switch("fsdev_dax", "device_dax"));
}

TEST_CASE("a process holding /dev/daxX.Y keeps its device in its mode", "[famfs]")
{
  OpsFixture f;
  f.kernel.load_driver("fsdev_dax");
  f.kernel.add_process(4321, "fio", "dax0.0", true);
  auto to_famfs = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE_FALSE(to_famfs);
  CHECK(to_famfs.error().message() == "dax0.0: /dev/dax0.0 is in use by 4321 (fio, mapped): switching it to famfs "
                                      "mode would take it from under them; stop them first");

  OpsFixture famfs(nfit_device("fsdev_dax"));
  famfs.kernel.add_process(77, "famfs", "dax0.0", false);
  auto to_devdax = reconfigure_to_devdax(famfs.ctx, k_dax00, Force::yes);
  REQUIRE_FALSE(to_devdax);
  CHECK(to_devdax.error().message().find("in use by 77 (famfs)") != std::string::npos);
  auto to_ram = reconfigure_to_system_ram(famfs.ctx, k_dax00, {});
  REQUIRE_FALSE(to_ram);
  CHECK(f.kernel.writes().empty());
  CHECK(famfs.kernel.writes().empty());
  CHECK(famfs.kernel.driver_of("dax0.0") == "fsdev_dax");
}

TEST_CASE("a device fsdev_dax does not take is given back to device_dax", "[famfs]")
{
  OpsFixture f;
  f.kernel.load_driver("fsdev_dax");
  f.kernel.drop_write("*/fsdev_dax/new_id");
  f.kernel.fail_write("*/fsdev_dax/bind", ENXIO);
  auto report = reconfigure_to_famfs(f.ctx, k_dax00);
  REQUIRE_FALSE(report);
  CHECK(report.error().message().ends_with("; the device was given back to device_dax"));
  CHECK(f.kernel.driver_of("dax0.0") == "device_dax");
}

TEST_CASE("famfs -> system-ram takes the device from fsdev_dax to kmem", "[famfs]")
{
  OpsFixture f(nfit_device("fsdev_dax"));
  auto report = reconfigure_to_system_ram(f.ctx, k_dax00, {});
  REQUIRE(report);
  CHECK(f.kernel.driver_of("dax0.0") == "kmem");
  CHECK(report->blocks.count(BlockOutcome::changed) == 7);
  auto writes = f.kernel.writes();
  REQUIRE(writes.size() >= 3);
  CHECK(std::vector<std::string>(writes.begin(), writes.begin() + 3) == dax00_switch("fsdev_dax", "kmem"));
}

TEST_CASE("configuration: mode = famfs, without online or movable; apply brings the device there", "[famfs]")
{
  std::string head = "[device a]\nresource = 0x101200000\n";
  auto sections = parse_config(head + "mode = famfs\n", "/etc/dax/dax.conf");
  REQUIRE(sections);
  CHECK(sections->front().wanted.mode == Mode::famfs);
  CHECK(describe(sections->front().wanted) == "famfs");
  auto online = parse_config(head + "mode = famfs\nonline = yes\n", "/etc/dax/dax.conf");
  REQUIRE_FALSE(online);
  CHECK(online.error().message() == "/etc/dax/dax.conf:4: online and movable apply to mode = system-ram only");

  OpsFixture f;
  f.kernel.load_driver("fsdev_dax");
  auto report = apply_wanted(f.ctx, k_dax00, sections->front().wanted, Force::no);
  REQUIRE(report);
  CHECK(report->before == Mode::devdax);
  CHECK(report->mode == ModeChange::changed);
  CHECK(f.kernel.driver_of("dax0.0") == "fsdev_dax");
}

TEST_CASE("dax reconfigure -m famfs prints the device in famfs mode", "[famfs][cmd]")
{
  OpsFixture f;
  f.kernel.offer_module("fsdev_dax");
  auto run = reconfigure(f, {"-m", "famfs", "dax0.0"});
  CHECK(run.code == cli::k_exit_ok);
  auto json = nlohmann::json::parse(run.out);
  REQUIRE(json.size() == 1);
  CHECK(json[0]["chardev"] == "dax0.0");
  CHECK(json[0]["mode"] == "famfs");
  CHECK(run.err == "dax: reconfigured 1 device\n");

  auto again = reconfigure(f, {"-m", "famfs", "dax0.0"});
  CHECK(again.code == cli::k_exit_ok);
  CHECK(again.err.starts_with("dax: dax0.0: already in famfs mode\n"));
}

TEST_CASE("dax reconfigure -m famfs refuses the memory options as bad input, writing nothing", "[famfs][cmd]")
{
  for (const std::string flag : {"--no-online", "--online", "--no-movable", "--movable", "--memmap-on-memory",
                                 "--no-memmap-on-memory", "--destroy-data-in-use"}) {
    OpsFixture f;
    f.kernel.load_driver("fsdev_dax");
    auto run = reconfigure(f, {"-m", "famfs", flag, "dax0.0"});
    CHECK(run.code == cli::k_exit_usage);
    CHECK(run.err == "dax: error: " + flag + " is incompatible with --mode=famfs\n");
    CHECK(f.kernel.writes().empty());
  }
}

TEST_CASE("dax reconfigure -m famfs: one line and exit 1 without fsdev_dax or from system-ram", "[famfs][cmd]")
{
  OpsFixture f;
  auto absent = reconfigure(f, {"-m", "famfs", "dax0.0"});
  CHECK(absent.code == cli::k_exit_failure);
  CHECK(absent.err.starts_with("dax: error: dax0.0: the kernel has no fsdev_dax driver"));
  CHECK(absent.err.ends_with("\ndax: reconfigured 0 devices\n"));
  CHECK(f.kernel.writes().empty());

  OpsFixture ram(nfit_device("kmem"));
  ram.kernel.load_driver("fsdev_dax");
  auto refused = reconfigure(ram, {"-m", "famfs", "dax0.0"});
  CHECK(refused.code == cli::k_exit_failure);
  CHECK(refused.err.starts_with("dax: error: dax0.0: in system-ram mode; must be in devdax mode"));
  CHECK(ram.kernel.writes().empty());
}

TEST_CASE("dax reconfigure -m famfs --dry-run plans the writes the real run makes", "[famfs][cmd]")
{
  for (const std::string mode : {"famfs", "devdax"}) {
    OpsFixture dry(nfit_device(mode == "famfs" ? "device_dax" : "fsdev_dax"));
    dry.kernel.load_driver("fsdev_dax");
    auto planned = reconfigure(dry, {"-m", mode, "--dry-run", "dax0.0"});
    CHECK(planned.code == cli::k_exit_ok);
    CHECK(dry.kernel.writes().empty());

    OpsFixture real(nfit_device(mode == "famfs" ? "device_dax" : "fsdev_dax"));
    real.kernel.load_driver("fsdev_dax");
    REQUIRE(reconfigure(real, {"-m", mode, "dax0.0"}).code == cli::k_exit_ok);
    std::string made;
    for (const auto& line : real.kernel.writes()) {
      auto arrow = line.find(" <- ");
      made += "echo " + line.substr(arrow + 4) + " > " + line.substr(0, arrow) + "\n";
    }
    CHECK(planned.out == made);
  }
}

TEST_CASE("dax reconfigure -m famfs --report shows the mode before and after", "[famfs][cmd]")
{
  OpsFixture f;
  f.kernel.load_driver("fsdev_dax");
  auto run = reconfigure(f, {"-m", "famfs", "--report", "dax0.0"});
  CHECK(run.code == cli::k_exit_ok);
  auto report = nlohmann::json::parse(run.out);
  INFO(run.out);
  REQUIRE(report["devices"].size() == 1);
  CHECK(report["devices"][0]["before"]["mode"] == "devdax");
  CHECK(report["devices"][0]["after"]["mode"] == "famfs");
  CHECK(report["devices"][0]["asked"]["mode"] == "famfs");
}

TEST_CASE("dax list shows a famfs device as daxctl 85 does", "[famfs][cmd]")
{
  OpsFixture f(nfit_device("fsdev_dax"));
  auto run = run_command(cli::list_command(), f.kernel, f.loader, {});
  CHECK(run.code == cli::k_exit_ok);
  auto json = nlohmann::json::parse(run.out);
  REQUIRE(json.size() == 1);
  CHECK(json[0]["chardev"] == "dax0.0");
  CHECK(json[0]["mode"] == "famfs");
  CHECK_FALSE(json[0].contains("online_memblocks"));
}

TEST_CASE("a dry run without fsdev_dax fails as the real run does, planning nothing", "[famfs][cmd]")
{
  OpsFixture dry;
  auto planned = reconfigure(dry, {"-m", "famfs", "--dry-run", "dax0.0"});
  OpsFixture real;
  auto made = reconfigure(real, {"-m", "famfs", "dax0.0"});
  CHECK(planned.code == made.code);
  CHECK(planned.out.empty());
  // The same failure; the summary is worded as a plan ("would reconfigure").
  std::string expected = made.err;
  std::string past = "dax: reconfigured 0 devices";
  size_t at = expected.find(past);
  REQUIRE(at != std::string::npos);
  expected.replace(at, past.size(), "dax: would reconfigure 0 devices");
  CHECK(planned.err == expected + "dax: dry run: nothing was changed\n");

  OpsFixture offered;
  offered.kernel.offer_module("fsdev_dax");
  auto loads = reconfigure(offered, {"-m", "famfs", "--dry-run", "dax0.0"});
  CHECK(loads.code == cli::k_exit_ok);
  CHECK(loads.out.starts_with("modprobe fsdev_dax\necho dax0.0 > /sys/bus/dax/drivers/device_dax/remove_id\n"));
  CHECK(offered.loader.requests().empty());
  CHECK_FALSE(offered.kernel.driver_loaded("fsdev_dax"));
}

TEST_CASE("dax status says what a famfs device is used as, and offers famfs where fsdev_dax is", "[famfs][cmd]")
{
  auto status = [](OpsFixture& f) {
    auto run = run_command(cli::status_command(), f.kernel, f.loader, {"--format=json"});
    REQUIRE(run.code == cli::k_exit_ok);
    auto json = nlohmann::json::parse(run.out)["devices"];
    REQUIRE(json.size() == 1);
    std::vector<std::string> next;
    for (const auto& step : json[0]["next"]) next.push_back(step["command"]);
    return std::make_pair(json[0], next);
  };
  OpsFixture famfs(nfit_device("fsdev_dax"));
  auto [device, next] = status(famfs);
  CHECK(device["mode"] == "famfs");
  CHECK(device["used_as"] == "the famfs file system's memory (fsdev_dax; /dev/dax0.0 cannot be mapped)");
  CHECK(next == std::vector<std::string>{"dax reconfigure -m devdax dax0.0"});

  auto offers_famfs = [](const std::vector<std::string>& steps) {
    return std::find(steps.begin(), steps.end(), "dax reconfigure -m famfs dax0.0") != steps.end();
  };
  OpsFixture without;
  CHECK_FALSE(offers_famfs(status(without).second));
  OpsFixture with;
  with.kernel.load_driver("fsdev_dax");
  CHECK(offers_famfs(status(with).second));
}

TEST_CASE("dax apply and reconfigure -C bring a device to mode = famfs", "[famfs][cmd]")
{
  for (const cli::Command& command : {cli::apply_command(), cli::reconfigure_command()}) {
    OpsFixture f;
    f.kernel.load_driver("fsdev_dax");
    f.kernel.set_file("/etc/dax/dax.conf", "[device shared]\ndevice = dax0.0\nmode = famfs\n", 0644);
    std::vector<std::string> args{"dax0.0"};
    if (command.name == "reconfigure") args.insert(args.begin(), "-C");
    auto run = run_command(command, f.kernel, f.loader, args);
    INFO(run.err);
    CHECK(run.code == cli::k_exit_ok);
    CHECK(f.kernel.driver_of("dax0.0") == "fsdev_dax");
    if (command.name == "apply") CHECK(run.out.starts_with("dax0.0: devdax -> famfs ([device shared]"));
  }
}
