#include "core/kernel/sysfs.hpp"

#include <cerrno>

namespace dax {

Result<std::string> Sysfs::read_link(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "read link", path));
}

Result<DeviceNode> Sysfs::device_number(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

Result<FileStatus> Sysfs::file_status(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "stat", path));
}

namespace {

// The by-path check of the default read_checked/list_checked: the canonical path's directories
// from the root down, then the target, each by file_status.
Result<std::string> check_by_path(Sysfs& sysfs, const std::string& path, const Sysfs::TrustCheck& check)
{
  auto real = sysfs.canonical(path);
  if (!real) return std::unexpected(real.error());
  for (size_t slash = real->find('/', 1); slash != std::string::npos; slash = real->find('/', slash + 1)) {
    std::string dir = real->substr(0, slash);
    auto status = sysfs.file_status(dir);
    if (!status) return std::unexpected(status.error());
    if (auto ok = check(dir, *status, Sysfs::WalkStep::directory); !ok) return std::unexpected(ok.error());
  }
  auto status = sysfs.file_status(*real);
  if (!status) return std::unexpected(status.error());
  if (auto ok = check(*real, *status, Sysfs::WalkStep::target); !ok) return std::unexpected(ok.error());
  return real;
}

} // namespace

Result<std::string> Sysfs::read_checked(const std::string& path, const TrustCheck& check)
{
  auto real = check_by_path(*this, path, check);
  if (!real) return std::unexpected(real.error());
  return read(*real);
}

Result<std::vector<std::string>> Sysfs::list_checked(const std::string& path, const TrustCheck& check)
{
  auto real = check_by_path(*this, path, check);
  if (!real) return std::unexpected(real.error());
  return list(*real);
}

Result<std::string> SysfsLayer::read_checked(const std::string& path, const TrustCheck& check)
{
  return m_inner.read_checked(path, check);
}

Result<std::vector<std::string>> SysfsLayer::list_checked(const std::string& path, const TrustCheck& check)
{
  return m_inner.list_checked(path, check);
}

Result<std::string> SysfsLayer::read_link(const std::string& path)
{
  return m_inner.read_link(path);
}

Result<DeviceNode> SysfsLayer::device_number(const std::string& path)
{
  return m_inner.device_number(path);
}

Result<FileStatus> SysfsLayer::file_status(const std::string& path)
{
  return m_inner.file_status(path);
}

} // namespace dax
