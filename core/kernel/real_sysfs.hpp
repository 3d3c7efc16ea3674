#pragma once

#include "core/kernel/sysfs.hpp"

#include <functional>
#include <memory>

namespace dax {

// The most any file read through RealSysfs may hold: far above a sysfs page or /proc/iomem.
inline constexpr size_t k_max_read = size_t(4) << 20;

// The real files, under directory `root` ("/" on a live system; a captured tree with --sysroot).
// Reads and writes are bounded: only regular files (a FIFO or /dev/zero behind a path is an
// error, never a hang or an endless read), opened without blocking, reads of at most k_max_read.
// device_number() on the live system is statx(2) without syncing (cached attributes, so a hung
// FUSE or NFS server cannot block it), which follows /proc's links to the open file itself; under
// a sysroot, links are followed inside the root (a captured tree's plain links).
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
