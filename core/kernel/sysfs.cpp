#include "core/kernel/sysfs.hpp"

#include <cerrno>

namespace dax {

Result<std::string> Sysfs::read_link(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "read link", path));
}

Result<DeviceNumber> Sysfs::device_number(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

Result<FileStatus> Sysfs::file_status(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

Result<std::string> SysfsLayer::read_link(const std::string& path)
{
  return m_inner.read_link(path);
}

Result<DeviceNumber> SysfsLayer::device_number(const std::string& path)
{
  return m_inner.device_number(path);
}

Result<FileStatus> SysfsLayer::file_status(const std::string& path)
{
  return m_inner.file_status(path);
}

} // namespace dax
