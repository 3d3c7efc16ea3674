#include "core/base/error.hpp"

#include <cstring>

namespace dax {

std::string Error::message() const
{
  std::string why = detail.empty() ? std::string(std::strerror(code)) : detail;
  std::string what = action;
  if (!subject.empty()) {
    what += what.empty() ? subject : " " + subject;
  }
  std::string line = what.empty() ? why : what + ": " + why;
  for (const auto& outcome : outcomes) line += "; " + outcome;
  return device.empty() ? line : device + ": " + line;
}

Error os_error(int code, std::string action, std::string subject)
{
  return Error{code, ErrorKind::os, {}, std::move(action), std::move(subject), {}, {}, {}};
}

Error logic_error(std::string action, std::string subject, std::string detail)
{
  return Error{0, ErrorKind::logical, {}, std::move(action), std::move(subject), std::move(detail), {}, {}};
}

Error bad_input(std::string subject, std::string detail)
{
  return Error{0, ErrorKind::bad_input, {}, {}, std::move(subject), std::move(detail), {}, {}};
}

Error refusal(std::string who, std::string detail)
{
  return Error{0, ErrorKind::logical, std::move(who), {}, {}, std::move(detail), {}, {}};
}

Error refusal(std::string who, std::string detail, const Error& cause)
{
  Error error = refusal(std::move(who), std::move(detail));
  error.code = cause.code;
  error.kind = cause.kind;
  error.holders = cause.holders;
  return error;
}

Error interruption(std::string who, std::string detail)
{
  Error error = refusal(std::move(who), std::move(detail));
  error.kind = ErrorKind::interrupted;
  return error;
}

Error on_device(std::string who, Error error)
{
  if (error.device.empty()) error.device = std::move(who);
  return error;
}

Error with_outcome(Error cause, std::string outcome)
{
  cause.outcomes.push_back(std::move(outcome));
  return cause;
}

} // namespace dax
