#pragma once

#include "core/base/error.hpp"
#include "core/base/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dax {

// Strict parsers for the values sysfs gives. They reject empty input, signs where none belong,
// trailing junk and overflow, so that a malformed attribute is an error, never a silent 0.

// An unsigned number, decimal or "0x"-prefixed hex (sysfs "size", "resource", "mappingN/start").
std::optional<uint64_t> parse_u64(std::string_view text);

// Hex digits with or without "0x" (sysfs "block_size_bytes", "phys_index").
std::optional<uint64_t> parse_hex_u64(std::string_view text);

// A signed decimal int ("target_node" is -1 when the firmware gave no node).
std::optional<int> parse_int(std::string_view text);

// Parses "daxX.Y" exactly.
std::optional<DeviceName> parse_device_name(std::string_view text);

// Accepts what users type for a device: "dax0.0", "0.0" or "/dev/dax0.0" (daxctl's forms).
Result<DeviceName> parse_device_argument(std::string_view text);

// `text` made safe for a one-line message: at most `limit` characters, bytes outside printable
// ASCII as \xNN, "..." when cut.
std::string printable(std::string_view text, size_t limit = 64);

// Whether escape_controls keeps line breaks: a message of several lines keeps them; a single
// field (a table cell, a label) must not have any.
enum class LineBreaks { keep, escape };

// `text` safe to print where output goes (terminal, messages, metric labels): control characters
// (C0, DEL, C1) and bytes that are not valid UTF-8 as \xNN; everything else, UTF-8 included, as is.
// The one escaping rule for output; JSON is escaped by its writer.
std::string escape_controls(std::string_view text, LineBreaks breaks = LineBreaks::escape);

// A size as users type it (daxctl's forms): decimal bytes or "0x" hex, optionally followed by one
// binary suffix k/m/g/t in either case ("4G", "512m", "0x40000000"). Strict: no sign, no spaces, no
// fraction, no octal-looking leading zero, no overflow; the error says what was wrong.
Result<uint64_t> parse_size(std::string_view text);

// An alignment as users type it (a size, as parse_size): a power of two of at least 4 KiB (the
// page size); which of those a region supports (4K, 2M, 1G on x86) the kernel decides.
Result<uint64_t> parse_align(std::string_view text);

// A region filter as daxctl takes it: "N" or "regionN".
std::optional<unsigned> parse_region_argument(std::string_view text);

} // namespace dax
