// dax: dispatches to the subcommands and turns their outcome into an exit code.
#include "cmd/change/report.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/failure.hpp"
#include "cmd/common/help_format.hpp"
#include "core/kernel/real_sysfs.hpp"
#include "core/model/device.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#ifndef DAX_VERSION
#define DAX_VERSION "unknown"
#endif

namespace dax::cli {

namespace {

// One paragraph, wrapped by the formatter (narrow_formatter); the codes are those of dax(1)'s EXIT
// STATUS (doc.help-text compares the two lists).
constexpr const char* k_exit_status_help =
  "Exit status: 0 success (also when there was nothing to do), 1 failure, 2 usage error or bad "
  "input (nothing was changed), 3 some devices succeeded and some did not, 130 interrupted (Ctrl-C, "
  "SIGTERM, SIGHUP, SIGPIPE).\n"
  "See dax(1) and dax-COMMAND(1).";

std::vector<Command> commands()
{
  return {list_command(),           reconfigure_command(),     online_command(),
          offline_command(),        create_device_command(),   destroy_device_command(),
          enable_device_command(),  disable_device_command(),  migrate_command(),
          apply_command(),          status_command(),          metrics_command()};
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

// Options a completion script asks for; hidden from --help.
struct Introspection
{
  bool list_cmds = false;
  bool list_devices = false;
  bool list_regions = false;
};

// The global options, and the topic of `dax help TOPIC`.
struct GlobalOptions
{
  std::string sysroot = "/";
  std::string config_root; // empty: SYSROOT/etc
  bool verbose = false;
  Introspection introspection;
  std::string help_topic;
};

// A subcommand on the command line: its parser, what runs it, and its hidden --list-opts.
struct Subcommand
{
  CLI::App* app;
  Runner runner;
  std::unique_ptr<bool> list_opts; // CLI11 keeps its address
};

void add_global_options(CLI::App& app, GlobalOptions& options)
{
  app.footer(k_exit_status_help);
  app.set_version_flag("--version", "dax " DAX_VERSION);
  app.require_subcommand(0, 1);
  app.add_option("--sysroot", options.sysroot,
                 "Use DIR/sys, DIR/proc, DIR/dev, DIR/etc instead of /sys, /proc, /dev, /etc")
    ->type_name("DIR");
  app.add_option("--config-root", options.config_root,
                 "Read the configuration from DIR/dax/dax.conf, DIR/dax/dax.conf.d and DIR/daxctl.conf.d "
                 "instead of SYSROOT/etc")
    ->type_name("DIR");
  app.add_flag("-v,--verbose", options.verbose, "Print every sysfs read and write on stderr");
  app.add_flag("--list-cmds", options.introspection.list_cmds)->group("");
  app.add_flag("--list-devices", options.introspection.list_devices)->group("");
  app.add_flag("--list-regions", options.introspection.list_regions)->group("");
}

std::vector<Subcommand> add_subcommands(CLI::App& app)
{
  std::vector<Subcommand> subcommands;
  for (const auto& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    for (const auto& alias : command.aliases) sub->alias(alias);
    sub->fallthrough();
    sub->footer(fmt::format("See dax-{}(1).", command.name));
    auto list_opts = std::make_unique<bool>(false);
    sub->add_flag("--list-opts", *list_opts)->group("");
    subcommands.push_back({sub, command.setup(*sub), std::move(list_opts)});
  }
  return subcommands;
}

// The names a command is given by: every command's, daxctl's aliases, and help.
std::vector<std::string> command_names(const CLI::App& app)
{
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
    for (const auto& alias : sub->get_aliases()) names.push_back(alias);
  }
  return names;
}

// ", did you mean 'X'?" when one of `names` is close to `word`, else ".".
std::string suggestion(std::string_view word, const std::vector<std::string>& names)
{
  auto closest = closest_name(word, names);
  return closest ? fmt::format("; did you mean '{}'?", printable(*closest)) : ".";
}

// What refuses `word` where a command was expected ("dax lst"), with the closest command's name.
std::string unknown_command(const CLI::App& app, std::string_view word)
{
  return fmt::format("'{}' is not a dax command{} See 'dax --help'.", printable(word),
                     suggestion(word, command_names(app)));
}

// The visible long options of command `sub` and then the global ones of `app` ("--name" each; --help
// once), or only the global ones without `sub`.
std::vector<std::string> option_names(const CLI::App& app, const CLI::App* sub)
{
  std::vector<std::string> names;
  for (const CLI::App* from : {sub, &app}) {
    if (from == nullptr) continue;
    for (const CLI::Option* option : from->get_options()) {
      if (option->get_group().empty()) continue;
      for (const auto& name : option->get_lnames()) {
        if (!(sub != nullptr && from == &app && name == "help")) names.push_back("--" + name);
      }
    }
  }
  return names;
}

// The one line of a command line the parser refused: an unknown command or option named, with the
// closest name and the help that lists them ('dax CMD --help' once the command is known).
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error)
{
  auto parsed = app.get_subcommands();
  const CLI::App* sub = parsed.empty() ? nullptr : parsed.front();
  std::string help = sub ? fmt::format("dax {} --help", sub->get_name()) : "dax --help";
  auto extras = app.remaining(false);
  bool extra = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr && !extras.empty();
  if (extra && sub == nullptr && !extras.front().starts_with("-")) return unknown_command(app, extras.front());
  if (extra && extras.front().starts_with("-")) {
    std::string word = extras.front().substr(0, extras.front().find('='));
    return fmt::format("{}unknown option '{}'{} See '{}'.", sub ? sub->get_name() + ": " : "", printable(word),
                       suggestion(word, option_names(app, sub)), help);
  }
  return fmt::format("{}. See '{}'.", error.what(), help);
}

// Parses the command line; an exit code when that is all there is to do (--help, --version, a
// usage error).
std::optional<int> parse(CLI::App& app, int argc, char** argv)
{
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    return usage_error(parse_error_message(app, error));
  }
  return std::nullopt;
}

// The subcommand a command line names (its canonical name), and whether it asks for --report and
// --dry-run; read from the words themselves, for a command line the parser refused.
struct ReportRequest
{
  std::string command;
  bool report = false;
  bool dry_run = false;
};

ReportRequest report_request(int argc, char** argv, const std::vector<Subcommand>& subcommands)
{
  ReportRequest request;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") break;
    request.report = request.report || word == "--report";
    request.dry_run = request.dry_run || word == "--dry-run" || word == "-n";
    for (const auto& sub : subcommands) {
      if (request.command.empty() && sub.app->check_name(std::string(word))) request.command = sub.app->get_name();
    }
  }
  return request;
}

// Parses the command line; a usage error of a command given --report still prints its report,
// with the error object, as the one JSON document on stdout.
std::optional<int> parse_reporting(CLI::App& app, int argc, char** argv, const std::vector<Subcommand>& subcommands)
{
  FailureSink failures;
  auto code = parse(app, argc, argv);
  if (!code || *code == k_exit_ok) return code;
  ReportRequest request = report_request(argc, argv, subcommands);
  if (request.report) {
    Report report(request.command, request.dry_run, nullptr);
    fmt::print("{}\n", report.json(*code, &failures).dump(2));
  }
  return code;
}

// Answers --list-cmds and COMMAND --list-opts (for the completions); nullopt when neither was given.
std::optional<int> answer_completion(const CLI::App& app, const GlobalOptions& options,
                                     const std::vector<Subcommand>& subcommands)
{
  if (options.introspection.list_cmds) {
    for (const auto& name : command_names(app)) fmt::print("{}\n", name);
    return k_exit_ok;
  }
  for (const auto& sub : subcommands) {
    if (*sub.list_opts) {
      for (const auto& name : option_names(app, sub.app)) fmt::print("{}\n", name);
      return k_exit_ok;
    }
  }
  return std::nullopt;
}

// `dax help [COMMAND]`.
// `dax help [COMMAND]`: what `dax --help` and `dax COMMAND --help` print (git's and systemctl's way).
int print_help(const CLI::App& app, const std::string& topic, const std::vector<Subcommand>& subcommands)
{
  if (topic.empty()) {
    fmt::print("{}", app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal));
    return k_exit_ok;
  }
  for (const auto& sub : subcommands) {
    if (sub.app->check_name(topic)) {
      fmt::print("{}", sub.app->help(app.get_name()));
      return k_exit_ok;
    }
  }
  return usage_error(unknown_command(app, topic));
}

// Runs what was asked (a subcommand, or --list-devices/--list-regions) on the --sysroot's files,
// traced with -v; modules are loaded only on the live system.
int run_on_sysroot(const CLI::App& app, const GlobalOptions& options, const std::vector<Subcommand>& subcommands)
{
  const std::string& sysroot = options.sysroot;
  std::error_code ec;
  if (sysroot != "/" && !std::filesystem::is_directory(std::filesystem::path(sysroot) / "sys", ec)) {
    return usage_error(fmt::format("--sysroot {}: not a sysroot (no {}/sys directory)", sysroot, sysroot));
  }
  RealSysfs real(sysroot);
  TracingSysfs traced(real, [](const std::string& line) { print_note(line); });
  Sysfs& sysfs = options.verbose ? static_cast<Sysfs&>(traced) : real;
  KmodLoader kmod;
  NoModuleLoader no_kmod("modules are only loaded when --sysroot is /");
  bool live = real_root(sysroot);
  ModuleLoader& loader = live ? static_cast<ModuleLoader&>(kmod) : no_kmod;
  // --config-root is a directory of this machine's, outside the sysroot: read through the host's root.
  RealSysfs host("/");
  TracingSysfs traced_host(host, [](const std::string& line) { print_note(line); });
  std::optional<ConfigRoot> config_root;
  if (!options.config_root.empty()) {
    if (!std::filesystem::is_directory(options.config_root, ec)) {
      return usage_error(fmt::format("--config-root {}: not a directory", options.config_root));
    }
    std::string etc = std::filesystem::absolute(options.config_root).lexically_normal().string();
    while (etc.size() > 1 && etc.back() == '/') etc.pop_back();
    config_root.emplace(options.verbose ? static_cast<Sysfs&>(traced_host) : host, etc);
  }
  Env env{sysfs, loader, sysroot, live, {}, nullptr, config_root};

  if (options.introspection.list_devices || options.introspection.list_regions) {
    return print_targets(sysfs, options.introspection.list_devices);
  }
  for (const auto& sub : subcommands) {
    if (sub.app->parsed()) return sub.runner(env);
  }
  fmt::print(stderr, "{}", app.help());
  return k_exit_usage;
}

} // namespace

int run(int argc, char** argv)
{
  CLI::App app{"dax: turn device memory (NVDIMM, CXL, soft-reserved) into System RAM and back", "dax"};
  app.formatter(narrow_formatter()); // before the subcommands, which inherit it
  GlobalOptions options;
  add_global_options(app, options);
  std::vector<Subcommand> subcommands = add_subcommands(app);
  CLI::App* help = app.add_subcommand("help", "Show help for a command (dax help COMMAND)");
  help->add_option("command", options.help_topic, "The command")->type_name("COMMAND");

  if (auto code = parse_reporting(app, argc, argv, subcommands)) return *code;
  if (auto code = answer_completion(app, options, subcommands)) return *code;
  if (help->parsed()) return print_help(app, options.help_topic, subcommands);
  return run_on_sysroot(app, options, subcommands);
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
