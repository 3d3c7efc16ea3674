#pragma once

#include "core/base/error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace dax::cli {

// What a failure is, for scripts: the fixed list of `kind`s of --report's error objects
// (README "Machine-readable results: --report", dax(1)).
enum class FailureKind {
  usage,          // the command line or a value on it is not valid; nothing was changed
  not_found,      // a named device or region does not exist
  not_root,       // changing needs root (EPERM/EACCES)
  in_use,         // a process uses the device (dax's refusal)
  busy,           // the kernel said EBUSY (another dax, memory that would not offline)
  unsupported,    // the kernel or this system cannot do it (EOPNOTSUPP)
  kernel_refused, // a system call failed with another errno
  refused,        // dax refused: the state or a safety rule does not allow it
  partial,        // some devices reached the state, some did not
  interrupted,    // stopped by a signal between two steps
};

// "not-found".
std::string_view to_string(FailureKind kind);

// The kind of `error`, from its ErrorKind and errno only (never its text).
FailureKind failure_kind(const Error& error);

// The one error object: {"kind", "device", "path", "errno", "pids", "message"} (null where they do
// not apply; "pids", [{"pid", "command"}], names the processes of an in-use refusal). The same
// object in --report, status --format=json's "errors" and the Ansible results; metrics label their
// read-error series with its kind and errno.
nlohmann::ordered_json failure_json(const Error& error);

// The same for a failure known only by its text and the exit status it made.
nlohmann::ordered_json failure_json(std::string_view message, int exit_status);

// While one exists, the first failure printed (print_error, usage_error, report_failure) is kept
// here, so that --report can show the command-level failure that has no device.
class FailureSink
{
public:
  FailureSink();
  ~FailureSink();
  FailureSink(const FailureSink&) = delete;
  FailureSink& operator=(const FailureSink&) = delete;

  // The first failure: an Error, or (text_only) only its message in `detail`.
  const std::optional<Error>& first() const { return m_first; }
  bool text_only() const { return m_text_only; }

  // Called by the printers below.
  static void record(const Error& error, bool text_only);

private:
  std::optional<Error> m_first;
  bool m_text_only = false;
  FailureSink* m_outer = nullptr;
};

// Prints error's message as print_error does and records it in the current FailureSink.
void report_failure(const Error& error);

} // namespace dax::cli
