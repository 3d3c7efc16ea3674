#include "cmd/common/failure.hpp"

#include "cmd/common/command.hpp"
#include "cmd/common/exit_status.hpp"

#include <cerrno>
#include <cstring>

namespace dax::cli {

namespace {

FailureSink* g_sink = nullptr; // the innermost FailureSink

// "EBUSY"; null for 0.
nlohmann::ordered_json errno_name(int code)
{
  if (code == 0) return nullptr;
  if (const char* name = ::strerrorname_np(code)) return name;
  return code;
}

// An Error's subject when it is a path (a sysfs file, /dev/daxX.Y).
nlohmann::ordered_json error_path(const Error& error)
{
  if (error.subject.starts_with('/')) return error.subject;
  return nullptr;
}

// The processes an in-use refusal names: [{"pid", "command"}]; null when none were named.
nlohmann::ordered_json error_pids(const Error& error)
{
  if (error.holders.empty()) return nullptr;
  nlohmann::ordered_json pids = nlohmann::ordered_json::array();
  for (const auto& holder : error.holders) pids.push_back({{"pid", holder.pid}, {"command", holder.command}});
  return pids;
}

} // namespace

std::string_view to_string(FailureKind kind)
{
  switch (kind) {
  case FailureKind::usage: return "usage";
  case FailureKind::not_found: return "not-found";
  case FailureKind::not_root: return "not-root";
  case FailureKind::in_use: return "in-use";
  case FailureKind::busy: return "busy";
  case FailureKind::unsupported: return "unsupported";
  case FailureKind::kernel_refused: return "kernel-refused";
  case FailureKind::refused: return "refused";
  case FailureKind::partial: return "partial";
  case FailureKind::interrupted: return "interrupted";
  }
  return "refused";
}

FailureKind failure_kind(const Error& error)
{
  switch (error.kind) {
  case ErrorKind::bad_input: return error.code == ENOENT ? FailureKind::not_found : FailureKind::usage;
  case ErrorKind::interrupted: return FailureKind::interrupted;
  case ErrorKind::logical: break;
  case ErrorKind::os: break;
  }
  if (error.code == EPERM || error.code == EACCES) return FailureKind::not_root;
  if (error.code == EOPNOTSUPP) return FailureKind::unsupported;
  if (error.kind == ErrorKind::logical) return error.code == EBUSY ? FailureKind::in_use : FailureKind::refused;
  return error.code == EBUSY ? FailureKind::busy : FailureKind::kernel_refused;
}

nlohmann::ordered_json failure_json(const Error& error)
{
  return {{"kind", to_string(failure_kind(error))},
          {"device", error.device.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error.device)},
          {"path", error_path(error)},
          {"errno", errno_name(error.code)},
          {"pids", error_pids(error)},
          {"message", error.message()}};
}

nlohmann::ordered_json failure_json(std::string_view message, int exit_status)
{
  FailureKind kind = exit_status == k_exit_usage         ? FailureKind::usage
                     : exit_status == k_exit_interrupted ? FailureKind::interrupted
                     : exit_status == k_exit_partial     ? FailureKind::partial
                                                         : FailureKind::refused;
  return {{"kind", to_string(kind)}, {"device", nullptr}, {"path", nullptr}, {"errno", nullptr}, {"pids", nullptr}, {"message", message}};
}

FailureSink::FailureSink() : m_outer(g_sink) { g_sink = this; }

FailureSink::~FailureSink() { g_sink = m_outer; }

void FailureSink::record(const Error& error, bool text_only)
{
  if (g_sink == nullptr || g_sink->m_first) return;
  g_sink->m_first = error;
  g_sink->m_text_only = text_only;
}

void report_failure(const Error& error)
{
  FailureSink::record(error, false);
  print_error(error.message());
}

} // namespace dax::cli
