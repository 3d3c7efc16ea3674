#pragma once

#include <expected>
#include <string>
#include <vector>

namespace dax {

// What sort of failure an error is. It decides the exit status (cmd/common/exit_status.hpp); the text
// never does.
enum class ErrorKind {
  os,          // a system call failed: `code` is its errno
  logical,     // a refusal (state, safety rule) or malformed content; `detail` says why
  bad_input,   // what the user typed is not valid; nothing was changed
  interrupted, // stopped between two steps by a signal; `detail` says how far it got
};

// A process that holds what an action needed (an in-use refusal names them): its pid and command.
struct Holder
{
  int pid = 0;
  std::string command; // /proc/PID/comm, any bytes
};

// What went wrong, as a value: the errno (0 when the failure is not from the OS), what was
// attempted, on what, why, and what became of things afterwards. Turned into one line by `message()`.
struct Error
{
  int code = 0;                      // errno value, or 0 for a logical error
  ErrorKind kind = ErrorKind::logical;
  std::string device;                // the device (or region) the failure concerns ("dax0.0"), empty when none
  std::string action;                // what was attempted, e.g. "write 'offline' to"
  std::string subject;               // what it was attempted on: a sysfs path, FILE:LINE, a module, "size '4Q'"
  std::string detail;                // why, when strerror(code) alone does not say it
  std::vector<std::string> outcomes; // what became of things after the failure, in order
  std::vector<Holder> holders;       // the processes that made it refuse (in-use), by pid; else empty

  // "[<device>: ]<action> <subject>: <detail or strerror>[; <outcome>]...",
  // e.g. "dax0.0: write 'offline' to /sys/...: Device or resource busy; the blocks were onlined again".
  std::string message() const;
};

// The result of every fallible core function.
template<typename T> using Result = std::expected<T, Error>;

// An error from the OS: `code` is an errno value.
Error os_error(int code, std::string action, std::string subject);

// A logical error (unsupported state, malformed content) that says why in `detail`.
Error logic_error(std::string action, std::string subject, std::string detail);

// Bad input from the user (`subject`: what was typed, e.g. "size '4Q'"), saying why in `detail`.
Error bad_input(std::string subject, std::string detail);

// The one way to refuse: a logical error about device `who` ("dax0.0", "region1").
Error refusal(std::string who, std::string detail);

// A refusal caused by failures underneath (their text is part of `detail`): keeps the errno, kind
// and holders of `cause`, the first of them.
Error refusal(std::string who, std::string detail, const Error& cause);

// A pass stopped by a signal (Ctrl-C): `detail` says how far it got.
Error interruption(std::string who, std::string detail);

// The one way to tag: `error` as concerning device `who`, unless it names a device already.
Error on_device(std::string who, Error error);

// The one way to wrap: `cause` followed by what became of things ("...: Device or resource busy;
// the device was given back to device_dax"). Keeps its errno, kind and device.
Error with_outcome(Error cause, std::string outcome);

} // namespace dax
