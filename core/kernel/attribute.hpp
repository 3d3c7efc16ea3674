#pragma once

#include "core/base/error.hpp"
#include "core/base/parse.hpp"
#include "core/kernel/sysfs.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>

namespace dax {

// Reading one attribute (a sysfs file, /proc or /etc file) whose absence is normal.

// The one rule for optional attributes: a read that fails with ENOENT (the kernel has no such
// file), EACCES or EPERM (root only: `resource`, `mappingN/*` for a normal user) or ENXIO (the
// object behind it is gone, as an NVDIMM namespace attribute of a disabled namespace) means the
// attribute is unavailable; any other failure is an error.
bool attribute_unavailable(const Error& error);

// The content of optional attribute `path`: nullopt when unavailable (above).
Result<std::optional<std::string>> read_optional(Sysfs& sysfs, const std::string& path);

// Reads a required attribute and parses it with `parse` (text -> optional value); malformed
// content is an error that names the file.
template<typename Parse>
auto read_value(Sysfs& sysfs, const std::string& path, Parse parse)
  -> Result<typename decltype(parse(std::string_view{}))::value_type>
{
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  auto value = parse(*text);
  if (!value) {
    return std::unexpected(logic_error("parse", path, fmt::format("malformed value '{}'", printable(*text, 32))));
  }
  return *value;
}

// An optional attribute parsed with `parse`: nullopt when unavailable; present but malformed is an error.
template<typename Parse>
auto read_optional_value(Sysfs& sysfs, const std::string& path, Parse parse)
  -> Result<std::optional<typename decltype(parse(std::string_view{}))::value_type>>
{
  auto value = read_value(sysfs, path, parse);
  if (value) return *value;
  if (attribute_unavailable(value.error())) return std::nullopt;
  return std::unexpected(value.error());
}

} // namespace dax
