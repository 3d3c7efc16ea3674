#pragma once

#include "core/base/non_copyable.hpp"

#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>

namespace dax::test {

// A fresh directory under $TMPDIR, removed when the test is done: for the parts of core that
// touch real files (RealSysfs, StateLock, /proc walking), tested against real trees.
class TempDir : private NonCopyable
{
public:
  TempDir();
  ~TempDir();

  const std::string& path() const { return m_path; }

  // Creates file `relative` (and its parent directories) holding `content`.
  void write(const std::string& relative, const std::string& content) const;
  // Creates symlink `relative` pointing at `target` (which need not exist).
  void link(const std::string& relative, const std::string& target) const;

  // A tree in one table: {relative, content} files, {relative, target} links.
  using Entries = std::initializer_list<std::pair<std::string, std::string>>;
  void write_all(Entries files) const;
  void link_all(Entries links) const;

private:
  std::string m_path;
};

} // namespace dax::test
