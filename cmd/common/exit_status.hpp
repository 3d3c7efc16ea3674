#pragma once

#include "core/base/error.hpp"

namespace dax::cli {

// The documented exit codes.
enum ExitCode : int {
  k_exit_ok = 0,       // success, including nothing to do
  k_exit_failure = 1,  // the requested change could not be made
  k_exit_usage = 2,    // usage error or bad input; nothing was changed
  k_exit_partial = 3,  // some devices succeeded, some did not
  k_exit_interrupted = 130, // stopped by Ctrl-C (SIGINT) or SIGTERM; the state left is reported
};

// The exit code an error stands for, from its kind alone (never from its text): bad input is
// k_exit_usage, an interrupted pass k_exit_interrupted, anything else k_exit_failure.
int exit_status(const Error& error);

} // namespace dax::cli
