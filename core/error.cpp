#include "error.hpp"

#include <cstring>

namespace dax {

std::string Error::message() const
{
  std::string why = detail.empty() ? std::string(std::strerror(code)) : detail;
  std::string what = action;
  if (!path.empty()) {
    what += what.empty() ? path : " " + path;
  }
  std::string line = what.empty() ? why : what + ": " + why;
  return device.empty() ? line : device + ": " + line;
}

Error os_error(int code, std::string action, std::string path)
{
  return Error{code, {}, std::move(action), std::move(path), {}};
}

Error logic_error(std::string action, std::string path, std::string detail)
{
  return Error{0, {}, std::move(action), std::move(path), std::move(detail)};
}

} // namespace dax

#include "sysfs.hpp"

#include <cerrno>

namespace dax {

Result<std::string> Sysfs::read_link(const std::string& path)
{
  return std::unexpected(os_error(ENOTSUP, "read link", path));
}

} // namespace dax
