#pragma once

#include "test/unit/support/fake_kernel.hpp"

#include "cmd/common/command.hpp"

#include <string>
#include <vector>

namespace dax::test {

// What a dax command run printed and returned.
struct CommandRun
{
  int code = 0;
  std::string out; // stdout
  std::string err; // stderr
};

// Runs `dax <command.name> <args...>` as main.cpp would, against `kernel` with `loader`: not the
// live system (no root needed), its state lock in a fresh temporary sysroot. A usage error of
// the parser is exit 2 with its message on `err`. `kernel` may be any Sysfs (a RealSysfs over a
// tree on disk included).
CommandRun run_command(const cli::Command& command, Sysfs& kernel, ModuleLoader& loader,
                       const std::vector<std::string>& args);

} // namespace dax::test
