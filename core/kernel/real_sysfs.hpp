#pragma once

#include "core/kernel/sysfs.hpp"

#include <functional>
#include <memory>

#include <sys/stat.h>

namespace dax {

// The most any file read through RealSysfs may hold: far above a sysfs page or /proc/iomem.
inline constexpr size_t k_max_read = size_t(4) << 20;

// The real files, under directory `root` ("/" on a live system; a captured tree with --sysroot).
// Reads and writes are bounded: only regular files (a FIFO or /dev/zero behind a path is an
// error, never a hang or an endless read), opened without blocking, reads of at most k_max_read.
// device_number() on the live system is statx(2) without syncing (cached attributes, so a hung
// FUSE or NFS server cannot block it), which follows /proc's links to the open file itself; under
// a sysroot, links are followed inside the root (a captured tree's plain links). Under a sysroot
// every access (read, write, list, resolve, stat, link) resolves beneath the root (openat2
// RESOLVE_BENEATH): a link or ".." that climbs out of the tree is refused, naming the path.
class RealSysfs final : public Sysfs
{
public:
  explicit RealSysfs(std::string root);

  Result<std::string> read(const std::string& path) override;
  Result<void> write(const std::string& path, std::string_view value) override;
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> canonical(const std::string& path) override;
  bool exists(const std::string& path) override;
  Result<std::string> read_link(const std::string& path) override;
  Result<DeviceNode> device_number(const std::string& path) override;
  Result<FileStatus> file_status(const std::string& path) override;
  Result<std::string> read_checked(const std::string& path, const TrustCheck& check) override;
  Result<std::vector<std::string>> list_checked(const std::string& path, const TrustCheck& check) override;

private:
  std::string host_path(const std::string& path) const;
  // `path` opened with `flags` (O_CLOEXEC added): under a sysroot without leaving it (links that
  // climb out are refused, k_outside); the descriptor, or a negative value with errno set.
  int open_in_root(const std::string& path, int flags) const;
  // The directory that holds `path` (opened as open_in_root, O_PATH), its last component in `name`.
  int open_parent(const std::string& path, std::string& name) const;
  Result<void> lstat_in_root(const std::string& path, struct stat& st) const;
  Result<int> open_checked(const std::string& path, int flags, const TrustCheck& check);

  std::string m_root; // without a trailing slash; empty for "/"
};

// Passes every access on to `inner` and reports it to `log` first-hand ("read /sys/... = value",
// "write /sys/... <- value: error"): what --verbose prints.
class TracingSysfs final : public SysfsLayer
{
public:
  TracingSysfs(Sysfs& inner, std::function<void(const std::string&)> log);

  Result<std::string> read(const std::string& path) override;
  Result<void> write(const std::string& path, std::string_view value) override;
  Result<std::vector<std::string>> list(const std::string& path) override;
  Result<std::string> canonical(const std::string& path) override;
  bool exists(const std::string& path) override;
  Result<std::string> read_checked(const std::string& path, const TrustCheck& check) override;

private:
  std::function<void(const std::string&)> m_log;
};

} // namespace dax
