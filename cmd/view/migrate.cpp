// dax migrate-device-model: explains why there is nothing to migrate on Linux >= 5.17.
#include "cmd/common/command.hpp"
#include "cmd/common/help_format.hpp"

#include <fmt/format.h>

namespace dax::cli {

namespace {

int run_migrate(Env& env)
{
  if (!env.sysfs.exists("/sys/class/dax")) {
    std::string_view here = env.sysfs.exists("/sys/bus/dax") ? "this system uses the dax bus model (/sys/bus/dax)"
                                                              : "this system has no dax devices yet (no /sys/bus/dax)";
    fmt::print("{}\n", wrap_text(fmt::format("nothing to do: {}; the bus model is the only one since Linux 5.17, "
                                             "which removed the old /sys/class/dax model (dax_pmem_compat): "
                                             "there is nothing to migrate.", here), 80));
    return k_exit_ok;
  }
  print_error("old /sys/class/dax device model (dax_pmem_compat, Linux < 5.17)");
  std::fputs("  dax does not support it. To switch to /sys/bus/dax, run these, then reboot\n"
             "  (daxctl migrate-device-model installs the same file); nothing was changed:\n"
             "    echo blacklist dax_pmem_compat > /etc/modprobe.d/daxctl.conf\n"
             "    echo 'alias nd:t7* dax_pmem' >> /etc/modprobe.d/daxctl.conf\n", stderr);
  return k_exit_failure;
}

} // namespace

Command migrate_command()
{
  return {"migrate-device-model", {}, "Explain the dax device model in use (nothing to migrate since Linux 5.17)",
          [](CLI::App&) -> Runner { return [](Env& env) { return run_migrate(env); }; }};
}

} // namespace dax::cli
