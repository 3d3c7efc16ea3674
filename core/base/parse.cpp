#include "core/base/parse.hpp"

#include <fmt/format.h>

#include <charconv>

namespace dax {

namespace {

std::optional<uint64_t> parse_digits(std::string_view text, int base)
{
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool has_hex_prefix(std::string_view text)
{
  return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

std::optional<unsigned> parse_unsigned(std::string_view text)
{
  if (text.empty() || text.size() > 9) return std::nullopt; // keeps ids well inside unsigned
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // the kernel writes no leading zeros
  auto value = parse_digits(text, 10);
  if (!value) return std::nullopt;
  return static_cast<unsigned>(*value);
}

} // namespace

std::string printable(std::string_view text, size_t limit)
{
  std::string shown;
  for (char c : text.substr(0, limit)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      shown += c;
    } else {
      shown += fmt::format("\\x{:02x}", byte);
    }
  }
  if (text.size() > limit) shown += "...";
  return shown;
}

namespace {

// The length of the valid UTF-8 sequence at the start of `text` that is not a C1 control
// (U+0080..U+009F), or 0.
size_t utf8_printable_length(std::string_view text)
{
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
  if (length == 0 || text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  if (lead == 0xc2 && byte(1) < 0xa0) return 0;                 // C1 control
  if (lead == 0xe0 && byte(1) < 0xa0) return 0;                 // overlong
  if (lead == 0xed && byte(1) >= 0xa0) return 0;                // surrogate
  if (lead == 0xf0 && byte(1) < 0x90) return 0;                 // overlong
  if (lead == 0xf4 && byte(1) >= 0x90) return 0;                // above U+10FFFF
  return length;
}

} // namespace

std::string escape_controls(std::string_view text, LineBreaks breaks)
{
  std::string shown;
  shown.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    bool kept_break = byte == '\n' && breaks == LineBreaks::keep;
    if ((byte >= 0x20 && byte < 0x7f) || kept_break) {
      shown += text[i++];
    } else if (size_t length = byte >= 0x80 ? utf8_printable_length(text.substr(i)) : 0; length > 0) {
      shown.append(text.substr(i, length));
      i += length;
    } else {
      shown += fmt::format("\\x{:02x}", byte);
      ++i;
    }
  }
  return shown;
}

std::optional<uint64_t> parse_u64(std::string_view text)
{
  if (has_hex_prefix(text)) return parse_digits(text.substr(2), 16);
  return parse_digits(text, 10);
}

std::optional<uint64_t> parse_hex_u64(std::string_view text)
{
  if (has_hex_prefix(text)) text.remove_prefix(2);
  return parse_digits(text, 16);
}

std::optional<int> parse_int(std::string_view text)
{
  if (text.empty()) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<DeviceName> parse_device_name(std::string_view text)
{
  if (!text.starts_with("dax")) return std::nullopt;
  text.remove_prefix(3);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto region = parse_unsigned(text.substr(0, dot));
  auto instance = parse_unsigned(text.substr(dot + 1));
  if (!region || !instance) return std::nullopt;
  return DeviceName{*region, *instance};
}

Result<DeviceName> parse_device_argument(std::string_view text)
{
  std::string_view name = text;
  if (name.starts_with("/dev/")) name.remove_prefix(5);
  if (auto parsed = parse_device_name(name)) return *parsed;
  if (auto parsed = parse_device_name(fmt::format("dax{}", name))) {
    if (!name.starts_with("dax")) return *parsed;
  }
  return std::unexpected(bad_input(fmt::format("'{}'", printable(text)),
                                     "not a device name (expected daxX.Y, X.Y, /dev/daxX.Y or all)"));
}

Result<uint64_t> parse_size(std::string_view text)
{
  auto bad = [&](std::string_view why) {
    return std::unexpected(bad_input(fmt::format("size '{}'", printable(text)), std::string(why)));
  };
  std::string_view number = text;
  unsigned shift = 0;
  if (!number.empty()) {
    switch (number.back()) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: break;
    }
    if (shift != 0) number.remove_suffix(1);
  }
  if (number.size() > 1 && number[0] == '0' && !has_hex_prefix(number)) {
    return bad("leading zero (write decimal without it, or hex as 0x...)");
  }
  auto value = parse_u64(number);
  if (!value) return bad("not a size (expected bytes, 0x-hex, or a number with k, m, g or t: 4G, 512M)");
  if (shift != 0 && *value > (UINT64_MAX >> shift)) return bad("too large (more than 2^64 bytes)");
  return *value << shift;
}

Result<uint64_t> parse_align(std::string_view text)
{
  auto value = parse_size(text);
  if (!value) return value;
  if (*value < 4096 || (*value & (*value - 1)) != 0) {
    return std::unexpected(bad_input(fmt::format("alignment '{}'", printable(text)),
                                     "not a power of two of at least 4K (4K, 2M, 1G)"));
  }
  return value;
}

std::optional<unsigned> parse_region_argument(std::string_view text)
{
  if (text.starts_with("region")) text.remove_prefix(6);
  return parse_unsigned(text);
}

} // namespace dax
