#include "test/unit/support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace dax::test {

TempDir::TempDir()
{
  std::string pattern = (std::filesystem::temp_directory_path() / "dax-unit.XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir()
{
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

void TempDir::write(const std::string& relative, const std::string& content) const
{
  std::filesystem::path file = std::filesystem::path(m_path) / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << content;
}

void TempDir::link(const std::string& relative, const std::string& target) const
{
  std::filesystem::path file = std::filesystem::path(m_path) / relative;
  std::filesystem::create_directories(file.parent_path());
  std::filesystem::create_symlink(target, file);
}

void TempDir::write_all(Entries files) const
{
  for (const auto& [relative, content] : files) write(relative, content);
}

void TempDir::link_all(Entries links) const
{
  for (const auto& [relative, target] : links) link(relative, target);
}

} // namespace dax::test
