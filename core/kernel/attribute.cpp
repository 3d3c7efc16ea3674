#include "core/kernel/attribute.hpp"

#include <cerrno>

namespace dax {

bool attribute_unavailable(const Error& error)
{
  return error.kind == ErrorKind::os &&
         (error.code == ENOENT || error.code == EACCES || error.code == EPERM || error.code == ENXIO);
}

Result<std::optional<std::string>> read_optional(Sysfs& sysfs, const std::string& path)
{
  auto text = sysfs.read(path);
  if (text) return std::optional<std::string>(std::move(*text));
  if (attribute_unavailable(text.error())) return std::optional<std::string>{};
  return std::unexpected(text.error());
}

} // namespace dax
