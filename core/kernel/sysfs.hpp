#pragma once

#include "core/base/error.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dax {

// A character or block device's number: stat(2)'s st_rdev, sysfs's `dev` attribute ("252:0").
struct DeviceNumber
{
  unsigned major = 0;
  unsigned minor = 0;

  auto operator<=>(const DeviceNumber&) const = default;
};

// A device node's kind and number: what stat(2) says of a file that is a device.
struct DeviceNode
{
  bool character = true; // S_ISCHR; false for a block device (S_ISBLK)
  DeviceNumber number;

  auto operator<=>(const DeviceNode&) const = default;
};

// What kind of file a path is, without following a final symlink (lstat(2)).
enum class FileType { regular, directory, symlink, fifo, device, socket };

// Who owns a file and who may change it: what trusting a configuration file needs.
struct FileStatus
{
  FileType type = FileType::regular;
  unsigned uid = 0;
  unsigned mode = 0; // permission bits (07777)
};

// Every access core makes to the system's files goes through this interface, so that the real tree
// can be rooted anywhere (--sysroot) and tests can use a recording fake. Despite its name it is not
// only /sys: it also reads /proc (device users, /proc/self), /etc (the configuration files) and
// /dev, all under the same root.
// Paths are absolute paths as the kernel shows them ("/sys/bus/dax/devices/dax0.0/size").
class Sysfs
{
public:
  virtual ~Sysfs() = default;

  // The file's content with one trailing newline removed.
  virtual Result<std::string> read(const std::string& path) = 0;

  // Writes `value` followed by a newline in a single write(2), as `echo value > path` does.
  virtual Result<void> write(const std::string& path, std::string_view value) = 0;

  // The names in directory `path`, in no particular order, without "." and "..".
  virtual Result<std::vector<std::string>> list(const std::string& path) = 0;

  // `path` with every symlink resolved, as an absolute path inside the root.
  virtual Result<std::string> canonical(const std::string& path) = 0;

  // Whether `path` exists (following symlinks).
  virtual bool exists(const std::string& path) = 0;

  // The target of symlink `path`, unresolved ("/dev/dax0.0" for /proc/PID/fd/N). Only /proc
  // needs it; a fake without /proc keeps this default, which fails with ENOTSUP.
  virtual Result<std::string> read_link(const std::string& path);

  // The kind and number of the character or block device that `path` refers to, following
  // symlinks as stat(2) does: for /proc/PID/fd/N and /proc/PID/map_files/*, the open file itself,
  // even when its node was renamed, deleted or made in another mount namespace. ENODEV when it
  // is not a device; a fake without /proc keeps this default (ENOTSUP). Never waits on the
  // file's file system (a hung FUSE daemon or NFS server): attributes as cached.
  virtual Result<DeviceNode> device_number(const std::string& path);

  // The type, owner and mode of `path` itself (a final symlink is not followed), as lstat(2).
  virtual Result<FileStatus> file_status(const std::string& path);

  // What a checked open is given: each directory on the way (after the root), then the target.
  enum class WalkStep { directory, target };
  using TrustCheck = std::function<Result<void>(const std::string& path, const FileStatus&, WalkStep)>;

  // The content of `path` (as read) and the names in directory `path` (as list), reached with
  // every directory on the way and the target itself given to `check`, by resolved path, before
  // anything is read; an error from `check` is returned as is. RealSysfs checks the descriptors
  // it then reads, so a directory swapped after its check is never read. This default checks by
  // path (file_status on the canonical path), for fakes.
  virtual Result<std::string> read_checked(const std::string& path, const TrustCheck& check);
  virtual Result<std::vector<std::string>> list_checked(const std::string& path, const TrustCheck& check);
};

// A Sysfs laid over another (--dry-run, --trace): the /proc queries it does not change pass
// straight to `inner`.
class SysfsLayer : public Sysfs
{
public:
  explicit SysfsLayer(Sysfs& inner) : m_inner(inner) {}

  Result<std::string> read_link(const std::string& path) override;
  Result<DeviceNode> device_number(const std::string& path) override;
  Result<FileStatus> file_status(const std::string& path) override;
  Result<std::string> read_checked(const std::string& path, const TrustCheck& check) override;
  Result<std::vector<std::string>> list_checked(const std::string& path, const TrustCheck& check) override;

protected:
  Sysfs& m_inner;
};

} // namespace dax
