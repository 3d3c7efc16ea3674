// libFuzzer target: every strict parser of core/base/parse.hpp on the whole input, each checked
// against a small reference implementation of what parse.hpp promises, plus round trips.
// A failed check aborts (a crash for libFuzzer) with the input and both answers on stderr.

#include "core/base/parse.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(std::string_view what, std::string_view input)
{
  std::fprintf(stderr, "fuzz_parse: %.*s (input '%.*s', %zu bytes)\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(input.size() > 200 ? 200 : input.size()),
               input.data(), input.size());
  std::abort();
}

#define CHECK(cond, input)                                                                        \
  do {                                                                                            \
    if (!(cond)) fail("check failed: " #cond, input);                                            \
  } while (0)

std::string show(std::optional<uint64_t> value)
{
  return value ? fmt::format("{}", *value) : "nullopt";
}

int digit_value(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Digits of `base` only (no sign, no prefix, no space), at least one, no overflow.
std::optional<uint64_t> ref_digits(std::string_view text, unsigned base)
{
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    auto digit = static_cast<unsigned>(digit_value(c));
    if (digit >= base) return std::nullopt;
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

bool ref_hex_prefix(std::string_view text)
{
  return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

std::optional<uint64_t> ref_u64(std::string_view text)
{
  return ref_hex_prefix(text) ? ref_digits(text.substr(2), 16) : ref_digits(text, 10);
}

std::optional<uint64_t> ref_hex_u64(std::string_view text)
{
  return ref_digits(ref_hex_prefix(text) ? text.substr(2) : text, 16);
}

std::optional<int> ref_int(std::string_view text)
{
  bool negative = text.starts_with('-');
  auto magnitude = ref_digits(negative ? text.substr(1) : text, 10);
  if (!magnitude) return std::nullopt;
  auto limit = negative ? uint64_t{1} << 31 : (uint64_t{1} << 31) - 1;
  if (*magnitude > limit) return std::nullopt;
  return negative ? static_cast<int>(-static_cast<int64_t>(*magnitude))
                  : static_cast<int>(*magnitude);
}

// An id of a device or region: 1 to 9 decimal digits, no leading zero (the kernel writes none).
std::optional<unsigned> ref_id(std::string_view text)
{
  if (text.size() > 9) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  auto value = ref_digits(text, 10);
  if (!value) return std::nullopt;
  return static_cast<unsigned>(*value);
}

std::optional<dax::DeviceName> ref_device_name(std::string_view text)
{
  if (!text.starts_with("dax")) return std::nullopt;
  text.remove_prefix(3);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto region = ref_id(text.substr(0, dot));
  auto instance = ref_id(text.substr(dot + 1));
  if (!region || !instance) return std::nullopt;
  return dax::DeviceName{*region, *instance};
}

void check_numbers(std::string_view input)
{
  auto u64 = dax::parse_u64(input);
  if (u64 != ref_u64(input)) {
    fail(fmt::format("parse_u64 gave {}, expected {}", show(u64), show(ref_u64(input))), input);
  }
  if (u64) {
    CHECK(dax::parse_u64(fmt::format("{}", *u64)) == u64, input);
    CHECK(dax::parse_u64(fmt::format("{:#x}", *u64)) == u64, input);
    CHECK(dax::parse_u64(fmt::format("0x{:X}", *u64)) == u64, input);
    CHECK(dax::parse_hex_u64(fmt::format("{:x}", *u64)) == u64, input);
  }

  auto hex = dax::parse_hex_u64(input);
  if (hex != ref_hex_u64(input)) {
    fail(fmt::format("parse_hex_u64 gave {}, expected {}", show(hex), show(ref_hex_u64(input))),
         input);
  }
  if (hex) {
    CHECK(dax::parse_hex_u64(fmt::format("{:x}", *hex)) == hex, input);
    CHECK(dax::parse_hex_u64(fmt::format("{:#x}", *hex)) == hex, input);
  }

  auto i = dax::parse_int(input);
  if (i != ref_int(input)) {
    fail(fmt::format("parse_int gave {}, expected {}", i ? fmt::format("{}", *i) : "nullopt",
                     ref_int(input) ? fmt::format("{}", *ref_int(input)) : "nullopt"),
         input);
  }
  if (i) CHECK(dax::parse_int(fmt::format("{}", *i)) == i, input);
}

void check_names(std::string_view input)
{
  auto name = dax::parse_device_name(input);
  CHECK(name == ref_device_name(input), input);
  if (name) {
    std::string text = name->str();
    CHECK(dax::parse_device_name(text) == name, input);
    CHECK(text == input, input); // with no leading zeros accepted, the name is canonical
    for (const std::string& form : {text, "/dev/" + text, text.substr(3)}) {
      auto argument = dax::parse_device_argument(form);
      CHECK(argument && *argument == *name, input);
    }
    CHECK(dax::parse_region_argument(fmt::format("region{}", name->region)) == name->region,
          input);
    CHECK(dax::parse_region_argument(fmt::format("{}", name->region)) == name->region, input);
  }

  // daxctl's forms: daxX.Y, X.Y, /dev/daxX.Y (and /dev/X.Y, which the code also takes).
  auto argument = dax::parse_device_argument(input);
  std::string_view stripped = input.starts_with("/dev/") ? input.substr(5) : input;
  auto expected = ref_device_name(stripped);
  if (!expected && !stripped.starts_with("dax")) {
    expected = ref_device_name(fmt::format("dax{}", stripped));
  }
  if (argument) {
    CHECK(expected && *argument == *expected, input);
  } else {
    CHECK(!expected, input);
    std::string message = argument.error().message();
    CHECK(!message.empty(), input);
    CHECK(message.size() < 400, input); // the input is shown cut to 64 bytes (\xNN each at most)
  }

  auto region = dax::parse_region_argument(input);
  CHECK(region == ref_id(input.starts_with("region") ? input.substr(6) : input), input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_numbers(input);
  check_names(input);
  return 0;
}
