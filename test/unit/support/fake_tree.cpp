#include "test/unit/support/fake_tree.hpp"

#include <cerrno>

namespace dax::test {

namespace {

constexpr int k_max_links = 40; // as the kernel's MAXSYMLINKS

// The components of `path` in reverse order, so that the next one is at the back.
std::vector<std::string> reversed_components(const std::string& path)
{
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return {parts.rbegin(), parts.rend()};
}

} // namespace

std::string parent_path(const std::string& path)
{
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path)
{
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

FakeTree::FakeTree()
{
  m_nodes["/"] = FakeNode{};
}

void FakeTree::make_dirs(const std::string& path)
{
  for (size_t slash = path.find('/', 1); ; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty()) m_nodes.try_emplace(prefix, FakeNode{});
    if (slash == std::string::npos) break;
  }
}

void FakeTree::put_file(const std::string& path, std::string content, unsigned mode)
{
  make_dirs(parent_path(path));
  m_nodes[path] = FakeNode{FakeNode::Kind::file, std::move(content), {}, mode};
}

void FakeTree::put_link(const std::string& path, std::string target)
{
  make_dirs(parent_path(path));
  m_nodes[path] = FakeNode{FakeNode::Kind::link, {}, std::move(target), 0777};
}

void FakeTree::remove(const std::string& path)
{
  m_nodes.erase(path);
  std::string prefix = path + "/";
  auto it = m_nodes.lower_bound(prefix);
  while (it != m_nodes.end() && it->first.starts_with(prefix)) {
    it = m_nodes.erase(it);
  }
}

FakeNode* FakeTree::find(const std::string& path)
{
  auto it = m_nodes.find(path);
  return it == m_nodes.end() ? nullptr : &it->second;
}

const FakeNode* FakeTree::find(const std::string& path) const
{
  auto it = m_nodes.find(path);
  return it == m_nodes.end() ? nullptr : &it->second;
}

std::expected<std::string, int> FakeTree::resolve(const std::string& path) const
{
  if (path.empty() || path[0] != '/') return std::unexpected(ENOENT);
  std::vector<std::string> todo = reversed_components(path);
  std::string current; // "" is the root
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      current = current.empty() ? "" : current.substr(0, current.rfind('/'));
      continue;
    }
    std::string next = current + "/" + part;
    const FakeNode* node = find(next);
    if (!node) return std::unexpected(ENOENT);
    if (node->kind == FakeNode::Kind::link) {
      if (++links > k_max_links) return std::unexpected(ELOOP);
      for (auto& target_part : reversed_components(node->target)) {
        todo.push_back(std::move(target_part));
      }
      current.clear();
      continue;
    }
    if (node->kind == FakeNode::Kind::file && !todo.empty()) return std::unexpected(ENOTDIR);
    current = std::move(next);
  }
  return current.empty() ? std::string("/") : current;
}

std::vector<std::string> FakeTree::children(const std::string& path) const
{
  std::string prefix = path == "/" ? path : path + "/";
  std::vector<std::string> names;
  for (auto it = m_nodes.lower_bound(prefix); it != m_nodes.end() && it->first.starts_with(prefix);
       ++it) {
    std::string rest = it->first.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(std::move(rest));
  }
  return names;
}

} // namespace dax::test
