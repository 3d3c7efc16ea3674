// The configuration parser: both formats, every error with its line, and how files are found.
#include "test/unit/support/fixtures.hpp"

#include "core/config/config.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace dax;
using namespace dax::test;

namespace {

std::vector<ConfigSection> parse_ok(const std::string& text)
{
  auto sections = parse_config(text, "/etc/dax/dax.conf");
  INFO((sections ? std::string() : sections.error().message()));
  REQUIRE(sections);
  return *sections;
}

std::string parse_error(const std::string& text)
{
  auto sections = parse_config(text, "/etc/dax/dax.conf");
  REQUIRE_FALSE(sections);
  return sections.error().message();
}

Config load_ok(FakeKernel& kernel)
{
  auto config = load_config(kernel);
  INFO((config ? std::string() : config.error().message()));
  REQUIRE(config);
  return *config;
}

std::string load_error(FakeKernel& kernel)
{
  auto config = load_config(kernel);
  REQUIRE_FALSE(config);
  return config.error().message();
}

} // namespace

TEST_CASE("a dax section with every match key and the wanted state", "[config]")
{
  auto sections = parse_ok("# comment\n"
                           "; another\n"
                           "\n"
                           "[device fast memory]\n"
                           "region = /sys/devices/platform/hmem.0/\n"
                           "resource = 0x101200000\n"
                           "range = 0x101200000-0x13fffffff\n"
                           "NVDIMM.UUID = F16929EA-0AC0-4DF8-B80C-E2C221AB96C8\n"
                           "cxl.region = region3\n"
                           "device = dax1.0\n"
                           "  mode = system-ram  \n"
                           "online = yes\n"
                           "movable = \"no\"\n");
  REQUIRE(sections.size() == 1);
  const ConfigSection& s = sections[0];
  CHECK(s.kind == SectionKind::device);
  CHECK(s.name == "fast memory");
  CHECK(s.line == 4);
  CHECK(s.where() == "/etc/dax/dax.conf:4");
  CHECK(s.header() == "[device fast memory]");
  CHECK(s.match.region == "/platform/hmem.0");
  CHECK(s.match.resource == 0x101200000);
  CHECK(s.match.range == Range{0x101200000, 0x3ee00000});
  CHECK(s.match.nvdimm_uuid == "f16929ea-0ac0-4df8-b80c-e2c221ab96c8");
  CHECK(s.match.cxl_region == "region3");
  CHECK(s.match.device == DeviceName{1, 0});
  CHECK(s.wanted.mode == Mode::system_ram);
  CHECK(s.wanted.online == OnlineAfter::yes);
  CHECK(s.wanted.as == OnlineAs::kernel);
  CHECK(describe(s.wanted) == "system-ram, online, not movable");
}

TEST_CASE("daxctl's example file, uncommented, reads as daxctl reads it", "[config]")
{
  auto sections = parse_ok("[reconfigure-device unique_identifier_foo]\n"
                           "nvdimm.uuid=ed93e918-e165-49d8-921d-383d7b9660c5\n"
                           "mode = system-ram\n"
                           "online = true\n"
                           "movable = false\n"
                           "[reconfigure-device dax1]\n"
                           "nvdimm.uuid = f36d02ff-1d9f-4fb9-a5b9-8ceb10a00fe3 ; inline comment\n"
                           "mode = devdax\n");
  REQUIRE(sections.size() == 2);
  CHECK(sections[0].kind == SectionKind::reconfigure_device);
  CHECK(sections[0].header() == "[reconfigure-device unique_identifier_foo]");
  CHECK(sections[0].wanted.online == OnlineAfter::yes);
  CHECK(sections[0].wanted.as == OnlineAs::kernel);
  CHECK(sections[1].line == 6);
  CHECK(sections[1].match.nvdimm_uuid == "f36d02ff-1d9f-4fb9-a5b9-8ceb10a00fe3");
  CHECK(sections[1].wanted.mode == Mode::devdax);
}

TEST_CASE("defaults: online and movable", "[config]")
{
  auto sections = parse_ok("[device a]\nresource = 4096\nmode = system-ram\n");
  CHECK(describe(sections.at(0).wanted) == "system-ram, online, movable");
  sections = parse_ok("[device a]\nresource = 4096\nmode = system-ram\nonline = N\nmovable = 0\n");
  CHECK(describe(sections.at(0).wanted) == "system-ram, offline");
}

TEST_CASE("booleans are the words daxctl's first-character rule reads the same way", "[config]")
{
  for (const char* yes : {"yes", "Y", "true", "T", "1", "YES"}) {
    CHECK(parse_ok(fmt::format("[device a]\ndevice = dax0.0\nmode = system-ram\nonline = {}\n", yes))
            .at(0).wanted.online == OnlineAfter::yes);
  }
  for (const char* word : {"on", "off", "yess", "2", ""}) {
    INFO(word);
    CHECK(parse_error(fmt::format("[device a]\ndevice = dax0.0\nmode = system-ram\nonline = {}\n", word))
            .starts_with("/etc/dax/dax.conf:4: bad value"));
  }
}

TEST_CASE("every error names the file and line", "[config]")
{
  const std::string head = "[device a]\nresource = 0x1000\n";
  auto check = [](const std::string& text, const std::string& message) {
    INFO(text);
    CHECK(parse_error(text) == message);
  };
  check(head + "mode = ram\n", "/etc/dax/dax.conf:3: bad value 'ram' for mode: expected system-ram, devdax or famfs");
  check(head + "mode = devdax\nmode = devdax\n",
        "/etc/dax/dax.conf:4: 'mode' is already set on line 3 of this section");
  check(head + "colour = blue\n",
        "/etc/dax/dax.conf:3: unknown key 'colour' (known: region, resource, range, nvdimm.uuid, cxl.region, "
        "device, mode, online, movable)");
  check(head + "just words\n", "/etc/dax/dax.conf:3: expected [device NAME] or KEY = VALUE, not 'just words'");
  check("mode = devdax\n", "/etc/dax/dax.conf:1: a key outside any section (start one with [device NAME])");
  check("\n[region x]\n", "/etc/dax/dax.conf:2: unknown section [region x]: expected [device NAME] or "
                          "[reconfigure-device NAME]");
  check("[device]\n", "/etc/dax/dax.conf:1: [device] needs a name: [device NAME]");
  check("[device a\n", "/etc/dax/dax.conf:1: a section header must end with ']'");
  // iniparser 4.1 (daxctl) refuses a comment after ']' as well: the file would mean nothing to daxctl.
  check("[device a]  # NVDIMM\n", "/etc/dax/dax.conf:1: a section header must end with ']'; put the comment on a "
                                  "line of its own");
  check("[device a] ; NVDIMM\n", "/etc/dax/dax.conf:1: a section header must end with ']'; put the comment on a "
                                 "line of its own");
  check("[device a]\nmode = devdax\n", "/etc/dax/dax.conf:1: [device a] has no match key: give region, resource, "
                                        "range, nvdimm.uuid, cxl.region or device");
  check("[device a]\nresource = 0x1000\n[device b]\n",
        "/etc/dax/dax.conf:1: [device a] has no mode: say mode = system-ram, mode = devdax or mode = famfs");
  check("[device a]\nresource = 0x1000\nmode = system-ram\n\n[device b]\ndevice = dax0.0\n",
        "/etc/dax/dax.conf:5: [device b] has no mode: say mode = system-ram, mode = devdax or mode = famfs");
  check(head + "mode = devdax\nmovable = no\n", "/etc/dax/dax.conf:4: online and movable apply to mode = "
                                                "system-ram only");
  check(head + "online = no\nmode = devdax\n", "/etc/dax/dax.conf:3: online and movable apply to mode = "
                                               "system-ram only");
  check("[device a]\nresource = 0x10g\n", "/etc/dax/dax.conf:2: bad value '0x10g' for resource: expected an "
                                          "address (0x...)");
  check("[device a]\nrange = 0x2000-0x1000\n", "/etc/dax/dax.conf:2: bad value '0x2000-0x1000' for range: "
                                               "expected START-END, inclusive addresses (0x...-0x...)");
  check("[device a]\nrange = 0x2000\n", "/etc/dax/dax.conf:2: bad value '0x2000' for range: expected START-END, "
                                        "inclusive addresses (0x...-0x...)");
  check("[device a]\nnvdimm.uuid = ed93e918-e165-49d8-921d\n",
        "/etc/dax/dax.conf:2: bad value 'ed93e918-e165-49d8-921d' for nvdimm.uuid: expected a UUID "
        "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  check("[device a]\ncxl.region = decoder0.0\n", "/etc/dax/dax.conf:2: bad value 'decoder0.0' for cxl.region: "
                                                 "expected regionN");
  check("[device a]\ndevice = /dev/dax0.0\n", "/etc/dax/dax.conf:2: bad value '/dev/dax0.0' for device: "
                                              "expected daxX.Y");
  check("[device a]\nregion = platform/hmem.0\n", "/etc/dax/dax.conf:2: bad value 'platform/hmem.0' for region: "
                                                  "expected the region's sysfs path without /sys/devices (/platform/hmem.0)");
}

TEST_CASE("wishes compare equal where online and movable do not apply", "[config]")
{
  WantedState devdax{Mode::devdax, OnlineAfter::yes, OnlineAs::movable};
  CHECK(devdax.same_as({Mode::devdax, OnlineAfter::no, OnlineAs::kernel}));
  WantedState offline{Mode::system_ram, OnlineAfter::no, OnlineAs::movable};
  CHECK(offline.same_as({Mode::system_ram, OnlineAfter::no, OnlineAs::kernel}));
  CHECK_FALSE(offline.same_as({Mode::system_ram, OnlineAfter::yes, OnlineAs::movable}));
  WantedState movable{Mode::system_ram, OnlineAfter::yes, OnlineAs::movable};
  CHECK_FALSE(movable.same_as({Mode::system_ram, OnlineAfter::yes, OnlineAs::kernel}));
  CHECK_FALSE(movable.same_as(devdax));
}

TEST_CASE("load_config: dax.conf, then dax.conf.d, then daxctl.conf.d, *.conf in byte order", "[config]")
{
  FakeKernel kernel;
  set_files(kernel, {{"/etc/dax/dax.conf", "[device main]\ndevice = dax0.0\nmode = devdax\n"},
                     {"/etc/dax/dax.conf.d/b.conf", "[device b]\ndevice = dax1.0\nmode = devdax\n"},
                     {"/etc/dax/dax.conf.d/a.conf", "[device a]\ndevice = dax2.0\nmode = devdax\n"},
                     {"/etc/dax/dax.conf.d/a.conf.orig", "this is not read"},
                     {"/etc/dax/dax.conf.d/.hidden.conf", "this is not read either"},
                     {"/etc/daxctl.conf.d/daxctl.conf", "[reconfigure-device main]\n"
                                                        "nvdimm.uuid = ed93e918-e165-49d8-921d-383d7b9660c5\n"
                                                        "mode = devdax\n"}});
  Config config = load_ok(kernel);
  CHECK(config.files == std::vector<std::string>{"/etc/dax/dax.conf", "/etc/dax/dax.conf.d/a.conf",
                                                 "/etc/dax/dax.conf.d/b.conf", "/etc/daxctl.conf.d/daxctl.conf"});
  CHECK(collect(config.sections, [](const ConfigSection& section) { return section.header(); }) ==
        std::vector<std::string>{"[device main]", "[device a]", "[device b]", "[reconfigure-device main]"});
}

TEST_CASE("load_config: no files is an empty configuration", "[config]")
{
  FakeKernel kernel;
  Config config = load_ok(kernel);
  CHECK(config.sections.empty());
  CHECK(config.files.empty());
}

TEST_CASE("load_config: a section name used twice is an error naming both places", "[config]")
{
  FakeKernel kernel;
  set_files(kernel, {{"/etc/dax/dax.conf", "[device fast]\ndevice = dax0.0\nmode = devdax\n"},
                     {"/etc/dax/dax.conf.d/x.conf", "\n[device fast]\ndevice = dax1.0\nmode = devdax\n"}});
  CHECK(load_error(kernel) == "/etc/dax/dax.conf.d/x.conf:2: [device fast] is already defined at /etc/dax/dax.conf:1");
}

TEST_CASE("load_config: a malformed file stops everything; an unreadable one too", "[config]")
{
  FakeKernel kernel;
  set_files(kernel, {{"/etc/dax/dax.conf", "[device fast]\ndevice = dax0.0\nmode = devdax\n"},
                     {"/etc/daxctl.conf.d/old.conf", "[reconfigure-device x]\nmode = system-ram\n"}});
  CHECK(load_error(kernel) == "/etc/daxctl.conf.d/old.conf:1: [reconfigure-device x] has no match key: "
                              "give region, resource, range, nvdimm.uuid, cxl.region or device");

  kernel.remove("/etc/daxctl.conf.d/old.conf");
  kernel.fail_read("/etc/dax/dax.conf", EACCES);
  CHECK(load_error(kernel) == "read /etc/dax/dax.conf: Permission denied");
}

TEST_CASE("load_config trusts only root's files that no one else may change", "[config]")
{
  FakeKernel kernel;
  kernel.set_file("/etc/dax/dax.conf", "[device fast]\ndevice = dax0.0\nmode = devdax\n", 0644);
  kernel.set_file("/etc/dax/dax.conf.d/x.conf", "[device x]\ndevice = dax1.0\nmode = devdax\n", 0644);
  REQUIRE(load_config(kernel));

  SECTION("a file writable by group or others")
  {
    kernel.set_file("/etc/dax/dax.conf.d/x.conf", "[device x]\ndevice = dax1.0\nmode = devdax\n", 0664);
    CHECK(load_error(kernel) == "/etc/dax/dax.conf.d/x.conf: writable by group or others (mode 0664): refused, as sshd "
                       "and sudo do");
  }
  SECTION("a file owned by another user")
  {
    kernel.set_owner("/etc/dax/dax.conf", 1000);
    CHECK(load_error(kernel) == "/etc/dax/dax.conf: owned by uid 1000, not root: refused (dax runs as root at boot; only "
                       "root may decide what it does)");
  }
  SECTION("a directory above it that others may write")
  {
    kernel.set_owner("/etc/dax", 1000);
    CHECK(load_error(kernel).starts_with("/etc/dax: owned by uid 1000, not root"));
  }
  SECTION("a drop-in directory writable by others")
  {
    kernel.set_file("/etc/daxctl.conf.d/.keep", "", 0644);
    kernel.set_owner("/etc/daxctl.conf.d", 1000);
    CHECK(load_error(kernel).starts_with("/etc/daxctl.conf.d: owned by uid 1000"));
  }
}

TEST_CASE("load_config from another directory standing for /etc, trusted as /etc is", "[config]")
{
  FakeKernel kernel;
  kernel.set_file("/etc/dax/dax.conf", "this is not read", 0644);
  kernel.set_file("/srv/candidate/dax/dax.conf.d/x.conf", "[device x]\ndevice = dax1.0\nmode = devdax\n", 0644);
  kernel.set_owner("/srv", 1000); // above the directory: not the configuration's
  auto config = load_config(ConfigRoot(kernel, "/srv/candidate"));
  REQUIRE(config);
  CHECK(config->files == std::vector<std::string>{"/srv/candidate/dax/dax.conf.d/x.conf"});

  SECTION("a file there writable by group or others")
  {
    kernel.set_file("/srv/candidate/dax/dax.conf.d/x.conf", "[device x]\ndevice = dax1.0\nmode = devdax\n", 0664);
    auto refused = load_config(ConfigRoot(kernel, "/srv/candidate"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() == "/srv/candidate/dax/dax.conf.d/x.conf: writable by group or others (mode "
                                       "0664): refused, as sshd and sudo do");
  }
  SECTION("the directory itself, as /etc is checked")
  {
    kernel.set_owner("/srv/candidate", 1000);
    auto refused = load_config(ConfigRoot(kernel, "/srv/candidate"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message().starts_with("/srv/candidate: owned by uid 1000, not root"));
  }
}
