#include "core/sysfs.hpp"

#include <cerrno>

namespace dax {

Result<DeviceNumber> Sysfs::device_number(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

Result<FileStatus> Sysfs::file_status(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

} // namespace dax
