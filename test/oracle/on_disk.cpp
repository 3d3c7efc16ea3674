#include "on_disk.hpp"

#include "test/unit/support/temp_dir.hpp"

#include "core/kernel/real_sysfs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <sys/inotify.h>
#include <unistd.h>

namespace dax::oracle {

namespace fs = std::filesystem;

namespace {

// Modules are there or not as the copied tree shows: nothing to load on a disk.
class NoLoader final : public ModuleLoader
{
public:
  Result<void> load(std::string_view) override { return {}; }
  Result<void> check(std::string_view) override { return {}; }
};

// `target` (absolute in the tree) as seen from directory `from`: a relative link stays inside
// whatever root the tree is copied under, as sysfs's own links do.
std::string relative_target(const std::string& from, const std::string& target)
{
  std::string up;
  for (char ch : from) if (ch == '/') up += "../";
  return from == "/" ? target.substr(1) : up + target.substr(1);
}

// Copies `tree` below `root`: directories, files (content and mode) and links.
void copy_tree(const test::FakeTree& tree, const std::string& path, const std::string& root)
{
  for (const auto& name : tree.children(path)) {
    std::string child = (path == "/" ? "" : path) + "/" + name;
    const test::FakeNode& node = *tree.find(child);
    std::string host = root + child;
    if (node.kind == test::FakeNode::Kind::dir) {
      fs::create_directory(host);
      copy_tree(tree, child, root);
    } else if (node.kind == test::FakeNode::Kind::link) {
      fs::create_symlink(relative_target(path, node.target), host);
    } else {
      std::ofstream(host) << node.content << '\n';
      fs::permissions(host, static_cast<fs::perms>(node.mode));
    }
  }
}

// Every file below `dir` with its content.
std::map<std::string, std::string> contents(const std::string& dir)
{
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::stringstream text;
    text << std::ifstream(entry.path()).rdbuf();
    files[entry.path().string()] = text.str();
  }
  return files;
}

// Moves the victim block's directory out of `root` (into `outside`) and links it back from its
// place with a relative link that climbs above the root; returns the block's path in the tree, or
// "" when the device has no blocks (devdax).
std::string link_block_out(const Case& c, const std::string& root, const std::string& outside)
{
  auto blocks = device_blocks(c, c.victim);
  std::string dir = block_dir(blocks[c.victim_block % blocks.size()]);
  if (!fs::exists(root + dir)) return "";
  std::string moved = outside + "/" + dir.substr(dir.rfind('/') + 1);
  fs::create_directories(outside);
  fs::rename(root + dir, moved);
  // /sys/devices/system/memory/memoryN: four levels up is the root, one more is its parent.
  fs::create_symlink("../../../../../outside/" + moved.substr(moved.rfind('/') + 1), root + dir);
  return dir;
}

// Watches `outside` and the block directory moved there for any open or read (inotify: a
// directory listed is opened too); what was touched is read back by touched().
class ReadWatch
{
public:
  explicit ReadWatch(const std::string& outside) : m_fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
  {
    for (const fs::path& dir : {fs::path(outside), fs::directory_iterator(outside)->path()})
      m_dirs[::inotify_add_watch(m_fd, dir.c_str(), IN_OPEN | IN_ACCESS)] = dir.string();
  }
  ReadWatch(const ReadWatch&) = delete;
  ReadWatch& operator=(const ReadWatch&) = delete;
  ~ReadWatch() { ::close(m_fd); }

  // The paths opened or read since the watch began, once each.
  std::vector<std::string> touched()
  {
    std::vector<std::string> paths;
    alignas(inotify_event) char buf[16384];
    for (ssize_t n; (n = ::read(m_fd, buf, sizeof buf)) > 0;) {
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buf + at);
        std::string path = m_dirs[event->wd] + (event->len > 0 ? "/" + std::string(event->name) : "");
        if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    return paths;
  }

private:
  int m_fd;
  std::map<int, std::string> m_dirs;
};

} // namespace

DiskRun run_on_disk(const Case& c, const cli::Command& command)
{
  test::FakeKernel kernel;
  Hidden hidden;
  build(c, kernel, hidden);
  test::TempDir dir;
  std::string root = dir.path() + "/root", outside = dir.path() + "/outside";
  fs::create_directory(root);
  copy_tree(kernel.tree(), "/", root);
  DiskRun run;
  std::string block = link_block_out(c, root, outside);
  run.link = block;
  if (block.empty()) return run;
  auto before = contents(outside);
  ReadWatch watch(outside);
  RealSysfs real(root);
  TracingSysfs traced(real, [&](const std::string& line) {
    for (const char* access : {"read ", "write ", "list "})
      run.exercised = run.exercised || line.starts_with(access + block + "/") || line.starts_with(access + block + " ");
  });
  NoLoader loader;
  std::vector<std::string> args = command_args(c);
  args.insert(args.begin(), "--report");
  try {
    run.command = test::run_command(command, traced, loader, args);
  } catch (const std::exception& error) {
    run.crash = fmt::format("crash: exception {}", error.what());
  }
  for (const auto& path : watch.touched())
    run.violations.push_back(fmt::format("(c) read {} outside the sysroot (through the link {})",
                                         path.substr(dir.path().size() + 1), block));
  auto after = contents(outside);
  for (const auto& [path, text] : after)
    if (!before.contains(path) || before.at(path) != text)
      run.violations.push_back(fmt::format("(c) wrote {} outside the sysroot (through the link {})",
                                           path.substr(dir.path().size() + 1), block));
  return run;
}

} // namespace dax::oracle
