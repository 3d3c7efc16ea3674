// dax: dispatches to the subcommands and turns their outcome into an exit code.
#include "command.hpp"
#include "model.hpp"
#include "real_sysfs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#ifndef DAX_VERSION
#define DAX_VERSION "unknown"
#endif

namespace dax::cli {

namespace {

constexpr const char* k_exit_status_help =
  "Exit status: 0 success (also when there was nothing to do), 1 failure, 2 usage error or bad\n"
  "input (nothing was changed), 3 some devices succeeded and some did not.\n"
  "See dax(1) and dax-COMMAND(1).";

std::vector<Command> commands()
{
  return {list_command(),           reconfigure_command(),     online_command(),
          offline_command(),        create_device_command(),   destroy_device_command(),
          enable_device_command(),  disable_device_command(),  migrate_command(),
          apply_command(),          status_command()};
}

// Options a completion script asks for; hidden from --help.
struct Introspection
{
  bool list_cmds = false;
  bool list_devices = false;
  bool list_regions = false;
};

// Prints the visible long options of `app`, "--name" a line; `skip_help` for the global ones.
void print_long_options(const CLI::App& app, bool skip_help)
{
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    for (const auto& name : option->get_lnames()) {
      if (!(skip_help && name == "help")) fmt::print("--{}\n", name);
    }
  }
}

// Whether `sysroot` is the running system's root, where loading modules makes sense.
bool real_root(const std::string& sysroot)
{
  std::error_code ec;
  return std::filesystem::equivalent(sysroot, "/", ec);
}

int print_targets(Sysfs& sysfs, bool devices)
{
  auto names = list_device_names(sysfs);
  if (!names) {
    print_error(names.error().message());
    return k_exit_failure;
  }
  std::optional<unsigned> last_region;
  for (const auto& name : *names) {
    if (devices) {
      fmt::print("{}\n", name.str());
    } else if (name.region != last_region) {
      fmt::print("{}\n", name.region);
    }
    last_region = name.region;
  }
  return k_exit_ok;
}

} // namespace

int run(int argc, char** argv)
{
  CLI::App app{"dax: turn device memory (NVDIMM, CXL, soft-reserved) into System RAM and back", "dax"};
  app.footer(k_exit_status_help);
  app.set_version_flag("--version", "dax " DAX_VERSION);
  app.require_subcommand(0, 1);

  std::string sysroot = "/";
  bool verbose = false;
  app.add_option("--sysroot", sysroot, "Use DIR/sys, DIR/proc, DIR/dev, DIR/etc instead of /sys, /proc, /dev, /etc")
    ->type_name("DIR");
  app.add_flag("-v,--verbose", verbose, "Print every sysfs read and write on stderr");
  Introspection introspection;
  app.add_flag("--list-cmds", introspection.list_cmds)->group("");
  app.add_flag("--list-devices", introspection.list_devices)->group("");
  app.add_flag("--list-regions", introspection.list_regions)->group("");

  std::vector<std::pair<CLI::App*, Runner>> runners;
  std::vector<std::unique_ptr<bool>> list_opts;
  for (const auto& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    for (const auto& alias : command.aliases) sub->alias(alias);
    sub->fallthrough();
    sub->footer(fmt::format("See dax-{}(1).", command.name));
    list_opts.push_back(std::make_unique<bool>(false));
    sub->add_flag("--list-opts", *list_opts.back())->group("");
    runners.emplace_back(sub, command.setup(*sub));
  }
  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Show help for a command (dax help COMMAND)");
  help->add_option("command", help_topic, "The command")->type_name("COMMAND");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    print_error(error.what());
    fmt::print(stderr, "Run 'dax --help' for usage.\n");
    return k_exit_usage;
  }

  if (introspection.list_cmds) {
    for (const auto& command : commands()) {
      fmt::print("{}\n", command.name);
      for (const auto& alias : command.aliases) fmt::print("{}\n", alias);
    }
    fmt::print("help\n");
    return k_exit_ok;
  }
  for (size_t i = 0; i < runners.size(); ++i) {
    if (*list_opts[i]) {
      print_long_options(*runners[i].first, false);
      print_long_options(app, true);
      return k_exit_ok;
    }
  }
  if (help->parsed()) {
    if (help_topic.empty()) {
      fmt::print("{}", app.help());
      return k_exit_ok;
    }
    for (auto& [sub, runner] : runners) {
      if (sub->check_name(help_topic)) {
        fmt::print("{}", sub->help());
        return k_exit_ok;
      }
    }
    print_error(fmt::format("help: no such command '{}' (see dax --help)", printable(help_topic)));
    return k_exit_usage;
  }

  std::error_code ec;
  if (sysroot != "/" && !std::filesystem::is_directory(std::filesystem::path(sysroot) / "sys", ec)) {
    print_error(fmt::format("--sysroot {}: not a sysroot (no {}/sys directory)", sysroot, sysroot));
    return k_exit_usage;
  }
  RealSysfs real(sysroot);
  TracingSysfs traced(real, [](const std::string& line) { fmt::print(stderr, "dax: {}\n", line); });
  Sysfs& sysfs = verbose ? static_cast<Sysfs&>(traced) : real;
  KmodLoader kmod;
  NoModuleLoader no_kmod("modules are only loaded when --sysroot is /");
  bool live = real_root(sysroot);
  ModuleLoader& loader = live ? static_cast<ModuleLoader&>(kmod) : no_kmod;
  Env env{sysfs, loader, sysroot, live};

  if (introspection.list_devices || introspection.list_regions) {
    return print_targets(sysfs, introspection.list_devices);
  }
  for (auto& [sub, runner] : runners) {
    if (sub->parsed()) return runner(env);
  }
  fmt::print(stderr, "{}", app.help());
  return k_exit_usage;
}

} // namespace dax::cli

int main(int argc, char** argv)
{
  // Scripts ask for the version often: answer before building the command line parser.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::fputs("dax " DAX_VERSION "\n", stdout);
    return 0;
  }
  return dax::cli::run(argc, argv);
}
