#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

namespace dax::test {

// One entry of the in-memory tree: a directory, a file with its content and mode, or a symlink.
struct FakeNode
{
  enum class Kind { dir, file, link };

  Kind kind = Kind::dir;
  std::string content; // a file's content, without the trailing newline
  std::string target;  // a link's target, as an absolute path
  unsigned mode = 0755;

  bool readable() const { return (mode & 0400U) != 0; }
  bool writable() const { return (mode & 0200U) != 0; }
};

// A file system tree held in memory, keyed by canonical absolute path. Symlinks are resolved
// as the kernel does (a link in the middle of a path, then ".." from its target).
class FakeTree
{
public:
  FakeTree();

  // Creates `path` and its missing parents as directories.
  void make_dirs(const std::string& path);

  // Creates or replaces file `path` (parents created) with `content` and `mode`.
  void put_file(const std::string& path, std::string content, unsigned mode = 0444);

  // Creates or replaces symlink `path` pointing to the absolute path `target`.
  void put_link(const std::string& path, std::string target);

  // Removes `path` and everything below it; nothing when it does not exist.
  void remove(const std::string& path);

  // The node at canonical `path` (no symlink resolution), or null.
  FakeNode* find(const std::string& path);
  const FakeNode* find(const std::string& path) const;

  // `path` with every symlink resolved (the last one too), or an errno (ENOENT, ENOTDIR, ELOOP).
  std::expected<std::string, int> resolve(const std::string& path) const;

  // The names directly inside canonical directory `path`, sorted.
  std::vector<std::string> children(const std::string& path) const;

private:
  std::map<std::string, FakeNode> m_nodes;
};

// "/a/b/c" -> "/a/b"; "/a" -> "/".
std::string parent_path(const std::string& path);

// "/a/b/c" -> "c".
std::string base_name(const std::string& path);

} // namespace dax::test
