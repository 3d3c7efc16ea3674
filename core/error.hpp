#pragma once

#include <expected>
#include <string>

namespace dax {

// What went wrong, as a value: the errno (0 when the failure is not from the OS), what was
// attempted, on which path, and an optional explanation. Turned into one line by `message()`.
struct Error
{
  int code = 0;        // errno value, or 0 for a logical error
  std::string device;  // the device the failure concerns ("dax0.0"), empty when none
  std::string action;  // what was attempted, e.g. "write 'offline' to"
  std::string path;    // the sysfs path inside the sysroot, or a device name
  std::string detail;  // why, when strerror(code) alone does not say it

  // "[<device>: ]<action> <path>: <detail or strerror>",
  // e.g. "dax0.0: write 'offline' to /sys/...: Device or resource busy".
  std::string message() const;
};

// The result of every fallible core function.
template<typename T> using Result = std::expected<T, Error>;

// An error from the OS: `code` is an errno value.
Error os_error(int code, std::string action, std::string path);

// A logical error (bad input, unsupported state) that says why in `detail`.
Error logic_error(std::string action, std::string path, std::string detail);

} // namespace dax
