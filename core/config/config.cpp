#include "core/config/config.hpp"

#include "core/model/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <map>
#include <set>

#include <unistd.h>

namespace dax {

bool WantedState::same_as(const WantedState& other) const
{
  if (mode != other.mode) return false;
  if (mode != Mode::system_ram) return true;
  if (online != other.online) return false;
  return online == OnlineAfter::no || as == other.as;
}

std::string describe(const WantedState& wanted)
{
  if (wanted.mode != Mode::system_ram) return std::string(to_string(wanted.mode));
  if (wanted.online == OnlineAfter::no) return "system-ram, offline";
  return wanted.as == OnlineAs::movable ? "system-ram, online, movable" : "system-ram, online, not movable";
}

std::string ConfigSection::where() const
{
  return fmt::format("{}:{}", file, line);
}

std::string ConfigSection::header() const
{
  return fmt::format("[{} {}]", kind == SectionKind::device ? "device" : "reconfigure-device", name);
}

namespace {

std::string_view trim(std::string_view text)
{
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text)
{
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// A value as iniparser (daxctl) reads it: quotes removed, or else cut at a ';' or '#' comment.
std::string_view unquote(std::string_view value)
{
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return trim(value.substr(0, value.find_first_of(";#")));
}

// daxctl decides a boolean by its first character; dax takes only the words that rule reads the
// same way, so that a file means the same to both tools.
std::optional<OnlineAfter> parse_bool(std::string_view value)
{
  static const std::set<std::string> yes{"yes", "y", "true", "t", "1"};
  static const std::set<std::string> no{"no", "n", "false", "f", "0"};
  std::string word = lower(value);
  if (yes.contains(word)) return OnlineAfter::yes;
  if (no.contains(word)) return OnlineAfter::no;
  return std::nullopt;
}

bool is_uuid(std::string_view text)
{
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

// A section being read: what was given so far, and on which lines.
struct Pending
{
  ConfigSection section;
  std::map<std::string, unsigned> keys; // key -> line
  std::optional<Mode> mode;
  std::optional<OnlineAfter> online;
  std::optional<OnlineAfter> movable;
};

class Parser
{
public:
  explicit Parser(const std::string& file) : m_file(file) {}

  Result<std::vector<ConfigSection>> parse(std::string_view text)
  {
    unsigned number = 0;
    for (size_t start = 0; start <= text.size();) {
      size_t end = std::min(text.find('\n', start), text.size());
      if (auto done = parse_line(trim(text.substr(start, end - start)), ++number); !done) {
        return std::unexpected(done.error());
      }
      start = end + 1;
    }
    if (auto done = finish(); !done) return std::unexpected(done.error());
    return std::move(m_sections);
  }

private:
  Error error_at(unsigned line, std::string detail) const
  {
    return logic_error("", fmt::format("{}:{}", m_file, line), std::move(detail));
  }

  Result<void> parse_line(std::string_view line, unsigned number)
  {
    if (line.empty() || line.front() == '#' || line.front() == ';') return {};
    if (line.front() == '[') return parse_header(line, number);
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return std::unexpected(error_at(number, fmt::format("expected [device NAME] or KEY = VALUE, not '{}'",
                                                          printable(line))));
    }
    if (!m_pending) {
      return std::unexpected(error_at(number, "a key outside any section (start one with [device NAME])"));
    }
    return parse_key(lower(trim(line.substr(0, equals))), unquote(trim(line.substr(equals + 1))), number);
  }

  Result<void> parse_header(std::string_view line, unsigned number)
  {
    if (auto done = finish(); !done) return done;
    // iniparser (daxctl) refuses text after ']' too, so a file means the same to both tools.
    if (line.back() != ']') {
      bool comment = line.find_first_of("#;", line.find(']')) != std::string_view::npos;
      return std::unexpected(error_at(number, comment ? "a section header must end with ']'; put the comment on "
                                                        "a line of its own"
                                                      : "a section header must end with ']'"));
    }
    std::string_view inside = trim(line.substr(1, line.size() - 2));
    size_t space = inside.find_first_of(" \t");
    std::string kind = lower(inside.substr(0, space));
    std::string_view name = space == std::string_view::npos ? std::string_view() : trim(inside.substr(space));
    Pending pending;
    if (kind == "device") {
      pending.section.kind = SectionKind::device;
    } else if (kind == "reconfigure-device") {
      pending.section.kind = SectionKind::reconfigure_device;
    } else {
      return std::unexpected(error_at(number, fmt::format("unknown section [{}]: expected [device NAME] or "
                                                          "[reconfigure-device NAME]", printable(inside))));
    }
    if (name.empty()) {
      return std::unexpected(error_at(number, fmt::format("[{}] needs a name: [{} NAME]", kind, kind)));
    }
    pending.section.name = std::string(name);
    pending.section.file = m_file;
    pending.section.line = number;
    m_pending = std::move(pending);
    return {};
  }

  Result<void> parse_key(const std::string& key, std::string_view value, unsigned number)
  {
    Pending& p = *m_pending;
    if (auto previous = p.keys.find(key); previous != p.keys.end()) {
      return std::unexpected(error_at(number, fmt::format("'{}' is already set on line {} of this section",
                                                          key, previous->second)));
    }
    p.keys[key] = number;
    auto bad = [&](std::string_view expected) {
      return std::unexpected(error_at(number, fmt::format("bad value '{}' for {}: expected {}",
                                                          printable(value), key, expected)));
    };
    DeviceMatch& match = p.section.match;
    if (key == "mode") {
      p.mode = parse_mode(value);
      if (!p.mode) return bad("system-ram, devdax or famfs");
    } else if (key == "online" || key == "movable") {
      auto flag = parse_bool(value);
      if (!flag) return bad("yes or no (also true/false, 1/0)");
      (key == "online" ? p.online : p.movable) = *flag;
    } else if (key == "region") {
      std::string path = shown_region_path(std::string(value));
      while (path.size() > 1 && path.back() == '/') path.pop_back();
      if (!path.starts_with('/') || path.size() < 2) {
        return bad("the region's sysfs path without /sys/devices (/platform/hmem.0)");
      }
      match.region = path;
    } else if (key == "resource") {
      match.resource = parse_u64(value);
      if (!match.resource) return bad("an address (0x...)");
    } else if (key == "range") {
      size_t dash = value.find('-');
      auto start = parse_u64(value.substr(0, dash));
      auto last = dash == std::string_view::npos ? std::nullopt : parse_u64(value.substr(dash + 1));
      if (!start || !last || *last < *start) return bad("START-END, inclusive addresses (0x...-0x...)");
      match.range = Range{*start, *last - *start + 1};
    } else if (key == "nvdimm.uuid") {
      if (!is_uuid(value)) return bad("a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
      match.nvdimm_uuid = lower(value);
    } else if (key == "cxl.region") {
      if (!value.starts_with("region") || !parse_u64(value.substr(6))) return bad("regionN");
      match.cxl_region = std::string(value);
    } else if (key == "device") {
      auto name = parse_device_name(value);
      if (!name) return bad("daxX.Y");
      match.device = *name;
    } else {
      return std::unexpected(error_at(number, fmt::format("unknown key '{}' (known: region, resource, range, "
                                                          "nvdimm.uuid, cxl.region, device, mode, online, movable)",
                                                          printable(key))));
    }
    return {};
  }

  // Checks the section being read, now that all its keys are known.
  Result<void> finish()
  {
    if (!m_pending) return {};
    Pending p = std::move(*m_pending);
    m_pending.reset();
    ConfigSection& section = p.section;
    if (section.match.empty()) {
      return std::unexpected(error_at(section.line, fmt::format("{} has no match key: give region, resource, "
                                                                "range, nvdimm.uuid, cxl.region or device",
                                                                section.header())));
    }
    if (!p.mode) {
      return std::unexpected(error_at(section.line, fmt::format("{} has no mode: say mode = system-ram, "
                                                                "mode = devdax or mode = famfs", section.header())));
    }
    if (*p.mode != Mode::system_ram && (p.online || p.movable)) {
      unsigned line = std::min(p.online ? p.keys["online"] : ~0U, p.movable ? p.keys["movable"] : ~0U);
      return std::unexpected(error_at(line, "online and movable apply to mode = system-ram only"));
    }
    section.wanted.mode = *p.mode;
    section.wanted.online = p.online.value_or(OnlineAfter::yes);
    section.wanted.as = p.movable.value_or(OnlineAfter::yes) == OnlineAfter::yes ? OnlineAs::movable
                                                                                   : OnlineAs::kernel;
    m_sections.push_back(std::move(section));
    return {};
  }

  std::string m_file;
  std::optional<Pending> m_pending;
  std::vector<ConfigSection> m_sections;
};

std::string_view type_name(FileType type)
{
  switch (type) {
  case FileType::regular: return "a regular file";
  case FileType::directory: return "a directory";
  case FileType::symlink: return "a symbolic link";
  case FileType::fifo: return "a FIFO";
  case FileType::device: return "a device";
  case FileType::socket: return "a socket";
  }
  return "?";
}

// Whether a file or directory may be trusted by a root process, as sshd's StrictModes and sudo
// decide: owned by root (or by whoever runs dax, for a tree of one's own), not writable by group
// or others, and of the `expected` type. `status` is that of the descriptor dax then reads.
Result<void> check_trusted(const std::string& path, const FileStatus& status, FileType expected)
{
  auto refuse = [&](std::string why) { return std::unexpected(logic_error("", path, std::move(why))); };
  if (status.type != expected) {
    return refuse(fmt::format("{}, not {}: refused", type_name(status.type), type_name(expected)));
  }
  if (status.uid != 0 && status.uid != ::geteuid()) {
    return refuse(fmt::format("owned by uid {}, not root: refused (dax runs as root at boot; only root "
                              "may decide what it does)", status.uid));
  }
  if ((status.mode & 022U) != 0) {
    return refuse(fmt::format("writable by group or others (mode {:04o}): refused, as sshd and sudo do",
                              status.mode));
  }
  return {};
}

// Whether directory `dir` lies above `top` ("/tmp" above "/tmp/candidate"): outside what is checked.
bool above(const std::string& dir, const std::string& top)
{
  return top.size() > dir.size() && top.starts_with(dir) && (dir == "/" || top[dir.size()] == '/');
}

// The check for reading `path` (a file or directory of type `expected`): every directory on the
// way to it, links resolved, up to `top` (the resolved etc: "/etc/dax/dax.conf.d/a.conf" checks
// the file, /etc/dax/dax.conf.d, /etc/dax and /etc), and the file itself; a link leading out of
// `top` has its target's directories checked up to the root.
Sysfs::TrustCheck trust_check(const std::string& path, FileType expected, const std::string& top)
{
  return [path, expected, top](const std::string& here, const FileStatus& status, Sysfs::WalkStep step) -> Result<void> {
    if (step == Sysfs::WalkStep::directory) {
      if (above(here, top)) return {};
      return check_trusted(here, status, FileType::directory);
    }
    auto ok = check_trusted(here, status, expected);
    if (!ok && here != path) ok.error().subject = fmt::format("{} (-> {})", path, here);
    return ok;
  };
}

// The *.conf files of directory `dir`, in byte order; none when it does not exist. The directory
// must be trusted; entries that are directories are skipped, anything else is checked when read.
Result<std::vector<std::string>> conf_files(Sysfs& sysfs, const std::string& dir, const std::string& top)
{
  if (!sysfs.exists(dir)) return std::vector<std::string>{};
  auto names = sysfs.list_checked(dir, trust_check(dir, FileType::directory, top));
  if (!names) return std::unexpected(names.error());
  std::vector<std::string> files;
  for (const auto& name : *names) {
    if (name.size() <= 5 || !name.ends_with(".conf") || name.starts_with('.')) continue;
    auto status = sysfs.file_status(dir + "/" + name);
    if (status && status->type == FileType::directory) continue; // a directory called x.conf is not a file
    files.push_back(dir + "/" + name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

Result<std::vector<ConfigSection>> parse_config(std::string_view text, const std::string& file)
{
  return Parser(file).parse(text);
}

Result<Config> load_config(const ConfigRoot& root)
{
  Sysfs& sysfs = root.files;
  // The resolved etc, so that a link in the way to it ("/etc" -> "/usr/etc") is not taken for a way out.
  std::string top = root.etc;
  if (sysfs.exists(root.etc)) {
    auto real = sysfs.canonical(root.etc);
    if (!real) return std::unexpected(real.error());
    top = *real;
  }
  std::vector<std::string> files;
  if (std::string file = root.etc + k_dax_config_file; sysfs.exists(file)) files.push_back(file);
  for (const char* dir : {k_dax_config_dir, k_daxctl_config_dir}) {
    auto found = conf_files(sysfs, root.etc + dir, top);
    if (!found) return std::unexpected(found.error());
    files.insert(files.end(), found->begin(), found->end());
  }

  Config config;
  for (const auto& file : files) {
    // Checked on what is read: a directory swapped after a check by name is never read.
    auto text = sysfs.read_checked(file, trust_check(file, FileType::regular, top));
    if (!text) return std::unexpected(text.error());
    auto sections = parse_config(*text, file);
    if (!sections) return std::unexpected(sections.error());
    for (auto& section : *sections) {
      auto same = std::find_if(config.sections.begin(), config.sections.end(), [&](const ConfigSection& other) {
        return other.kind == section.kind && other.name == section.name;
      });
      if (same != config.sections.end()) {
        return std::unexpected(logic_error("", section.where(), fmt::format("{} is already defined at {}",
                                                                            section.header(), same->where())));
      }
      config.sections.push_back(std::move(section));
    }
    config.files.push_back(file);
  }
  return config;
}

} // namespace dax
