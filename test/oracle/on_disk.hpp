#pragma once

#include "case.hpp"

#include "test/unit/support/command_run.hpp"

#include <string>
#include <vector>

namespace dax::oracle {

// A case run over RealSysfs under a --sysroot: the case's system copied onto a disk, where a
// block's directory is a link that climbs out of the root. Only there does "nothing outside the
// tree is read or written" mean something: the fake kernel is a whole machine with no outside (and Linux's
// sysfs has no link out of /sys).
struct DiskRun
{
  test::CommandRun command;
  std::string crash;                   // an exception's text, or "" when it returned
  std::vector<std::string> violations; // (c): files outside the root read, listed, changed or made
  std::string link;                    // the block directory made a link, "" when none (devdax)
  bool exercised = false;              // the command tried to read, list or write through the link
};

DiskRun run_on_disk(const Case& c, const cli::Command& command);

} // namespace dax::oracle
