// dax online: online the memory blocks of system-ram devices.
#include "cmd/change/block_command.hpp"
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"

namespace dax::cli {

namespace {

struct OnlineOptions : ChangeOptions
{
  bool movable = true;
};

void add_online_options(CLI::App& app, OnlineOptions& options)
{
  add_change_targets(app, options);
  add_switch(app, "--no-movable", "--movable", options.movable, "Online as kernel memory, not movable",
             "Undo --no-movable (the default)");
}

Json online_asked(const OnlineOptions& options)
{
  return {{"memory", "online"}, {"movable", options.movable}};
}

int run_online(Env& env, const OnlineOptions& options)
{
  OnlineAs as = options.movable ? OnlineAs::movable : OnlineAs::kernel;
  return run_block_command(env, options.targets, options.dry_run, "onlined", "online",
                           [as](Context& ctx, const DeviceName& name) { return online_device(ctx, name, as); });
}

} // namespace

Command online_command()
{
  return change_command<OnlineOptions>("online", {"online-memory"}, "Online the memory of system-ram devices",
                                       add_online_options, online_asked, run_online);
}

} // namespace dax::cli
