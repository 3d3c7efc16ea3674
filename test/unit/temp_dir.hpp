#pragma once

#include "core/non_copyable.hpp"

#include <filesystem>
#include <string>

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

private:
  std::string m_path;
};

} // namespace dax::test
