#include "cmd/common/exit_status.hpp"

namespace dax::cli {

int exit_status(const Error& error)
{
  switch (error.kind) {
  case ErrorKind::bad_input: return k_exit_usage;
  case ErrorKind::interrupted: return k_exit_interrupted;
  case ErrorKind::os:
  case ErrorKind::logical: break;
  }
  return k_exit_failure;
}

} // namespace dax::cli
