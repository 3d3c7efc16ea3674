#include "core/base/parse.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

using namespace dax;

namespace {

// The device name an argument parses to, or "error: <message>".
std::string argument(std::string_view text)
{
  auto name = parse_device_argument(text);
  return name ? name->str() : "error: " + name.error().message();
}

// What `parse` gives when it accepts a text.
template <class Parse>
using Parsed = typename std::invoke_result_t<Parse, std::string_view>::value_type;

// `parse` accepts each text of `cases` as its value.
template <class Parse>
void check_parsed(Parse parse, std::initializer_list<std::pair<const char*, Parsed<Parse>>> cases)
{
  for (const auto& [text, value] : cases) {
    INFO("input '" << text << "'");
    CHECK(parse(text) == value);
  }
}

// `parse` refuses each of `inputs`.
template <class Parse>
void check_refused(Parse parse, std::initializer_list<const char*> inputs)
{
  for (const char* bad : inputs) {
    INFO("input '" << bad << "'");
    CHECK_FALSE(parse(bad).has_value());
  }
}

} // namespace

TEST_CASE("parse_u64 takes decimal and 0x-hex, nothing else", "[parse]")
{
  check_parsed(parse_u64, {{"0", 0},
                           {"1054867456", 1054867456},
                           {"0x101200000", 0x101200000},
                           {"0X1f", 0x1f},
                           {"18446744073709551615", UINT64_MAX},
                           {"0xffffffffffffffff", UINT64_MAX}});
  check_refused(parse_u64, {"", "-1", "+1", " 1", "1 ", "1\n", "0x", "0x-1", "12a", "1e3", "18446744073709551616",
                            "0x10000000000000000", "abc", "\xc2\xb9"});
}

TEST_CASE("parse_hex_u64 takes hex digits with or without 0x", "[parse]")
{
  check_parsed(parse_hex_u64, {{"8000000", 0x8000000}, {"0x80000000", 0x80000000}, {"00000021", 33},
                               {"ffffffffffffffff", UINT64_MAX}});
  check_refused(parse_hex_u64, {"", "0x", "g", "-8", "8000000 ", "10000000000000000", "0x0x1"});
}

TEST_CASE("parse_int takes signed decimal within int", "[parse]")
{
  check_parsed(parse_int, {{"-1", -1}, {"0", 0}, {"1", 1}, {"-2147483648", INT32_MIN}, {"2147483647", INT32_MAX}});
  check_refused(parse_int, {"", "-", "+1", "1x", "2147483648", "-2147483649", "0x1", " 1"});
}

TEST_CASE("parse_device_name accepts exactly daxX.Y", "[parse]")
{
  check_parsed(parse_device_name, {{"dax0.0", {0, 0}}, {"dax10.3", {10, 3}}, {"dax123456789.2", {123456789, 2}}});
  check_refused(parse_device_name, {"", "dax", "dax0", "dax0.", "dax.0", "dax0.0x", "dax0.0.0", "dax-1.0", "dax+1.0",
                                    "DAX0.0", " dax0.0", "dax0.0\n", "daxa.b", "dax_0.0", "dax4294967296.0",
                                    "dax0.99999999999999999999", "dax1234567890.0", "dax\xef\xbc\x90.\xef\xbc\x90",
                                    "dax0.0\xc3\xa9", "region0"});
}

TEST_CASE("DeviceName prints and orders naturally", "[parse]")
{
  CHECK(DeviceName{2, 0}.str() == "dax2.0");
  CHECK(DeviceName{10, 12}.str() == "dax10.12");
  CHECK(DeviceName{2, 0} < DeviceName{10, 0});
  CHECK(DeviceName{2, 9} < DeviceName{2, 10});
  CHECK(DeviceName{3, 0} > DeviceName{2, 99});
}

TEST_CASE("parse_device_argument accepts daxctl's three forms", "[parse]")
{
  CHECK(argument("dax0.0") == "dax0.0");
  CHECK(argument("0.0") == "dax0.0");
  CHECK(argument("/dev/dax1.2") == "dax1.2");
  CHECK(argument("12.3") == "dax12.3");
}

TEST_CASE("parse_device_argument rejects everything else with the input in the message", "[parse]")
{
  for (const char* bad : {"dax0", "../x", "", "dax0.0x", "daxdax0.0", "/dev/../dax0.0", "/sys/bus/dax/devices/dax0.0",
                          "dax99999999999.0", "0", "0.", ".0", "all0.0", "-1.0",
                          "dax0.00", "dax01.0", "00.0"}) {
    INFO("input '" << bad << "'");
    std::string result = argument(bad);
    CHECK(result.starts_with("error: "));
    CHECK(result.find(std::string("'") + printable(bad) + "'") != std::string::npos);
    CHECK(result.find("not a device name") != std::string::npos);
  }
}

TEST_CASE("printable escapes bytes outside printable ASCII and cuts long text", "[parse]")
{
  CHECK(printable("dax0.0") == "dax0.0");
  CHECK(printable("dax\xef\xbc\x90.0") == "dax\\xef\\xbc\\x90.0");
  CHECK(printable("a\nb\tc") == "a\\x0ab\\x09c");
  CHECK(printable(std::string(70, 'x'), 64) == std::string(64, 'x') + "...");
}

TEST_CASE("parse_device_argument shows non-ASCII and control bytes escaped", "[parse]")
{
  std::string result = argument("dax\xef\xbc\x90.0\x1b[2J");
  CHECK(result.starts_with("error: "));
  CHECK(result.find("'dax\\xef\\xbc\\x90.0\\x1b[2J'") != std::string::npos);
  for (char c : result) {
    INFO("byte " << static_cast<int>(static_cast<unsigned char>(c)));
    CHECK((c >= 0x20 && c < 0x7f));
  }
}

TEST_CASE("parse_device_argument shortens a long input in its message", "[parse]")
{
  std::string input(200, 'x');
  std::string result = argument(input);
  CHECK(result.find(std::string(64, 'x') + "...'") != std::string::npos);
  CHECK(result.find(std::string(65, 'x')) == std::string::npos);
}

TEST_CASE("parse_region_argument takes N or regionN", "[parse]")
{
  check_parsed(parse_region_argument, {{"0", 0}, {"region3", 3}, {"12", 12}});
  check_refused(parse_region_argument,
                {"", "region", "r3", "-1", "3x", "region-1", "Region3", "99999999999", "dax0.0"});
}

TEST_CASE("parse_size takes bytes, 0x-hex and k/m/g/t binary suffixes", "[parse]")
{
  check_parsed(parse_size, {{"0", 0},
                            {"4096", 4096},
                            {"0x40000000", 0x40000000},
                            {"4G", 4ULL << 30},
                            {"4g", 4ULL << 30},
                            {"512M", 512ULL << 20},
                            {"2k", 2048},
                            {"1T", 1ULL << 40},
                            {"0x10M", 16ULL << 20},
                            {"16777215T", 16777215ULL << 40},
                            {"18446744073709551615", UINT64_MAX}});
  for (const char* bad : {"", "G", "-1G", "+4G", " 4G", "4G ", "4 G", "4GB", "4GiB", "1.5G", "010",
                          "0x", "16777216T", "18446744073709551616", "4P", "0xG", "abc"}) {
    INFO("input '" << bad << "'");
    auto size = parse_size(bad);
    REQUIRE_FALSE(size);
    CHECK(size.error().message().starts_with("size '"));
  }
  CHECK(parse_size("010").error().message() ==
        "size '010': leading zero (write decimal without it, or hex as 0x...)");
  CHECK(parse_size("4GB").error().message() ==
        "size '4GB': not a size (expected bytes, 0x-hex, or a number with k, m, g or t: 4G, 512M)");
  CHECK(parse_size("16777216T").error().message() == "size '16777216T': too large (more than 2^64 bytes)");
}

TEST_CASE("escape_controls: control characters and invalid UTF-8 as \\xNN, the rest as is", "[parse]")
{
  CHECK(escape_controls("evil\x1b[2J\a") == "evil\\x1b[2J\\x07");
  CHECK(escape_controls("two\nlines") == "two\\x0alines");
  CHECK(escape_controls("two\nlines", LineBreaks::keep) == "two\nlines");
  CHECK(escape_controls("tab\there\x7f") == "tab\\x09here\\x7f");
  CHECK(escape_controls("caf\xc3\xa9 \xe2\x86\x92 ok") == "caf\xc3\xa9 \xe2\x86\x92 ok"); // UTF-8 kept
  CHECK(escape_controls("csi\xc2\x9b" "2J") == "csi\\xc2\\x9b2J");                       // C1 CSI
  CHECK(escape_controls("bad\xff\xfe\xc3") == "bad\\xff\\xfe\\xc3");                        // invalid, cut
  CHECK(escape_controls("over\xc0\xaf") == "over\\xc0\\xaf");                                // overlong '/'
}
