#include "test/unit/support/command_run.hpp"

#include "test/unit/support/temp_dir.hpp"

#include "core/base/non_copyable.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dax::test {

namespace {

// Points file descriptor `fd` at a file for its lifetime; text() reads what was written.
class Capture : private NonCopyable
{
public:
  Capture(int fd, std::string path) : m_fd(fd), m_path(std::move(path))
  {
    std::fflush(nullptr);
    m_saved = ::dup(fd);
    FILE* file = std::fopen(m_path.c_str(), "w");
    ::dup2(::fileno(file), fd);
    std::fclose(file);
  }
  ~Capture() { restore(); }

  std::string text()
  {
    restore();
    std::ifstream in(m_path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

private:
  void restore()
  {
    if (m_saved < 0) return;
    std::fflush(nullptr);
    ::dup2(m_saved, m_fd);
    ::close(m_saved);
    m_saved = -1;
  }

  int m_fd;
  std::string m_path;
  int m_saved = -1;
};

} // namespace

CommandRun run_command(const cli::Command& command, Sysfs& kernel, ModuleLoader& loader,
                       const std::vector<std::string>& args)
{
  TempDir sysroot;
  CLI::App app{"dax"};
  CLI::App* sub = app.add_subcommand(command.name, command.summary);
  cli::Runner runner = command.setup(*sub);
  std::vector<std::string> reversed{args.rbegin(), args.rend()};
  reversed.push_back(command.name);
  CommandRun run;
  Capture out(STDOUT_FILENO, sysroot.path() + "/stdout");
  Capture err(STDERR_FILENO, sysroot.path() + "/stderr");
  try {
    app.parse(reversed);
    cli::Env env{kernel, loader, sysroot.path(), false};
    run.code = runner(env);
  } catch (const CLI::ParseError& error) {
    std::fputs((error.what() + std::string("\n")).c_str(), stderr);
    run.code = cli::k_exit_usage;
  }
  run.out = out.text();
  run.err = err.text();
  return run;
}

} // namespace dax::test
