// dax metrics: the devices, their memory and the kernel's hotplug policy in Prometheus' text
// format, for node_exporter's textfile collector (systemd/dax-metrics.timer writes it every minute).
#include "cmd/common/command.hpp"
#include "cmd/common/failure.hpp"
#include "cmd/common/targets.hpp"
#include "cmd/view/exposition.hpp"
#include "cmd/view/views.hpp"
#include "core/config/apply.hpp"
#include "core/config/drift.hpp"
#include "core/model/device_users.hpp"
#include "core/model/hotplug_policy.hpp"
#include "core/model/memory_view.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <map>

#ifndef DAX_VERSION
#define DAX_VERSION "unknown"
#endif

namespace dax::cli {

namespace {

struct MetricsOptions
{
  TargetOptions targets;
  std::string textfile; // write here atomically instead of stdout
};

// Every family dax writes, in output order, with its help text. All are gauges: each says how things are now.
struct MetricFamily
{
  const char* name;
  const char* help;
};

constexpr std::array k_metric_families{
  MetricFamily{"dax_build_info", "The dax that wrote these metrics (always 1)."},
  MetricFamily{"dax_memory_block_size_bytes", "Size of a memory block (block_size_bytes)."},
  MetricFamily{"dax_system_read_error",
               "1 when a system-wide file (block_size_bytes, auto_online_blocks) could not be read, with the error object's kind "
               "and errno as labels (the message is on stderr)."},
  MetricFamily{"dax_config_read_error",
               "1 when the configuration (/etc/dax/dax.conf, dax.conf.d, daxctl.conf.d) could not be read or is invalid, with the "
               "error object's kind and errno as labels (the message is on stderr); then no dax_device_drift is written."},
  MetricFamily{"dax_memory_auto_online_info",
               "The kernel's policy for hot-added memory blocks (auto_online_blocks) in label policy (always 1)."},
  MetricFamily{"dax_device_info",
               "A dax device with its region, mode, driver, state and target NUMA node as labels (always 1)."},
  MetricFamily{"dax_device_drift",
               "1 when the device is not in the state its configuration section wants, for the reason in label reason (mode, "
               "driver, online, zone), else 0; absent for devices no section matches."},
  MetricFamily{"dax_device_read_error", "1 when the device's sysfs files could not be read, with the error object's kind and "
                                        "errno as labels (the message is on stderr)."},
  MetricFamily{"dax_device_size_bytes", "Size of the device."},
  MetricFamily{"dax_device_align_bytes", "Alignment of the device."},
  MetricFamily{"dax_device_hotplug_bytes",
               "Bytes of the device that kmem hot-adds: its ranges rounded to whole memory blocks."},
  MetricFamily{"dax_device_alignment_lost_bytes",
               "Bytes of the device outside whole memory blocks, never usable as System RAM."},
  MetricFamily{"dax_device_memory_blocks", "Memory blocks of a system-ram device by state and zone."},
  MetricFamily{"dax_device_users", "Processes that have /dev/daxX.Y of a devdax or famfs device open or mapped."},
  MetricFamily{"dax_metric_unreadable",
               "1 for each metric left out because what it needs is unreadable (not root, or dax_system_read_error); absent means 0."},
  MetricFamily{"dax_region_size_bytes", "Size of the dax region."},
  MetricFamily{"dax_region_available_bytes", "Free space of a dynamic dax region (for new devices)."},
  MetricFamily{"dax_node_hotplugged_bytes",
               "Dax memory hot-added on the NUMA node (memory blocks of system-ram devices), by state."},
};

void declare_metrics(Exposition& out)
{
  for (const auto& family : k_metric_families) out.gauge(family.name, family.help);
}

// Hot-added dax memory per node and block state ("online", "offline").
using NodeBytes = std::map<std::pair<int, std::string>, uint64_t>;

// What is readable here: other processes' /proc entries need root on the live system.
struct Access
{
  std::optional<uint64_t> block_size; // absent: no memory hotplug (or unreadable)
  bool proc = false;                  // device users can be found
};

void add_unreadable(Exposition& out, const std::string& device, std::initializer_list<const char*> metrics)
{
  for (const char* metric : metrics) out.add("dax_metric_unreadable", {{"metric", metric}, {"device", device}}, 1);
}

// The memory metrics of one device: alignment, its blocks by state and zone, and their nodes.
Result<void> add_device_memory(Exposition& out, Sysfs& sysfs, const Device& device, uint64_t block_size,
                               NodeBytes& nodes)
{
  std::string name = device.name.str();
  if (device.size > 0 && device.ranges().empty()) {
    // resource and mappingN are readable by root only: the blocks cannot be found.
    add_unreadable(out, name, {"dax_device_hotplug_bytes", "dax_device_alignment_lost_bytes", "dax_device_memory_blocks"});
    return {};
  }
  auto view = read_memory_view(sysfs, device, block_size);
  if (!view) return std::unexpected(view.error());
  out.add("dax_device_hotplug_bytes", {{"device", name}}, view->hotplug_bytes);
  out.add("dax_device_alignment_lost_bytes", {{"device", name}}, view->lost_bytes());
  if (device.mode() != Mode::system_ram) return {};
  std::map<std::pair<std::string, std::string>, uint64_t> blocks; // (state, zone) -> count
  // A block without memoryN while others have one was not hot-added with them: "missing", not gone.
  bool added = std::any_of(view->groups.begin(), view->groups.end(), [](const BlockGroup& g) { return g.state; });
  for (const auto& group : view->groups) {
    if (!group.state) {
      if (added) blocks[{"missing", "none"}] += group.count;
      continue;
    }
    std::string state(to_string(*group.state));
    blocks[{state, group.zone ? std::string(to_string(*group.zone)) : std::string("none")}] += group.count;
    if (group.node) nodes[{*group.node, state}] += group.count * block_size;
  }
  for (const auto& [key, count] : blocks) {
    out.add("dax_device_memory_blocks", {{"device", name}, {"state", key.first}, {"zone", key.second}}, count);
  }
  return {};
}

// A label's value where the fact is absent: every series of a family has the same labels, and
// Prometheus drops a label whose value is empty (a `zone=""` bucket in `sum by (zone)`).
constexpr const char* k_none = "none";

// A read-error series' labels: `labels`, then its error object's kind and errno (dax(1), REPORT),
// the same words --report and status --format=json give; "none" without an error (or errno).
std::vector<Label> read_error_labels(std::vector<Label> labels, const Error* error)
{
  nlohmann::ordered_json object = error ? failure_json(*error) : nlohmann::ordered_json::object();
  labels.emplace_back("kind", error ? object["kind"].get<std::string>() : k_none);
  labels.emplace_back("errno", object["errno"].is_string() ? object["errno"].get<std::string>() : k_none);
  return labels;
}

// The drift series of `device` when a section of `plan` matches it: one per reason, 1 when it
// applies. A device of size 0 has no memory to configure (dax apply leaves it as it is); one whose
// ranges are unreadable (not root) cannot be matched by address nor judged.
Result<void> add_drift(Exposition& out, Sysfs& sysfs, const Device& device, const ApplyPlan& plan)
{
  std::string name = device.name.str();
  if (const Error* unreadable = plan.unreadable(device.name)) return std::unexpected(*unreadable);
  if (device.size > 0 && device.ranges().empty() && !plan.config.sections.empty()) {
    add_unreadable(out, name, {"dax_device_drift"});
    return {};
  }
  const ConfigSection* section = plan.section_of(device.name);
  if (section == nullptr || device.size == 0) return {};
  auto reasons = read_drift(sysfs, device, section->wanted);
  if (!reasons) return std::unexpected(reasons.error());
  for (DriftReason reason : k_drift_reasons) {
    bool drifted = std::find(reasons->begin(), reasons->end(), reason) != reasons->end();
    out.add("dax_device_drift", {{"device", name}, {"reason", std::string(to_string(reason))}}, drifted ? 1 : 0);
  }
  return {};
}

// Every metric of one device; an unreadable device gets dax_device_read_error 1 and an error line.
bool add_device(Exposition& out, Sysfs& sysfs, const DeviceName& name, const Access& access, NodeBytes& nodes,
                const ApplyPlan* plan)
{
  auto device = read_device(sysfs, name);
  Result<void> memory;
  Result<void> drift;
  if (device) {
    std::string target = device->target_node ? std::to_string(*device->target_node) : k_none;
    out.add("dax_device_info",
            {{"device", name.str()}, {"region", std::to_string(name.region)}, {"mode", std::string(to_string(device->mode()))},
             {"driver", device->enabled() ? device->driver_name : k_none}, {"state", device->enabled() ? "enabled" : "disabled"}, {"target_node", target}},
            1);
    out.add("dax_device_size_bytes", {{"device", name.str()}}, device->size);
    if (device->align) out.add("dax_device_align_bytes", {{"device", name.str()}}, *device->align);
    if (access.block_size) memory = add_device_memory(out, sysfs, *device, *access.block_size, nodes);
    else add_unreadable(out, name.str(), {"dax_device_hotplug_bytes", "dax_device_alignment_lost_bytes", "dax_device_memory_blocks"});
    if (plan) drift = add_drift(out, sysfs, *device, *plan);
    if (device->mode() != Mode::system_ram && device->enabled()) {
      if (access.proc) out.add("dax_device_users", {{"device", name.str()}}, find_device_users(sysfs, name).size());
      else add_unreadable(out, name.str(), {"dax_device_users"});
    }
  }
  const Error* error = !device ? &device.error() : !memory ? &memory.error() : !drift ? &drift.error() : nullptr;
  if (error) print_error(error->message());
  out.add("dax_device_read_error", read_error_labels({{"device", name.str()}}, error), error ? 1 : 0);
  return error == nullptr;
}

// The system-wide facts; false when one could not be read (said on stderr and in
// dax_system_read_error, so that no family disappears unexplained).
bool add_kernel(Exposition& out, Sysfs& sysfs, const Result<uint64_t>& block_size)
{
  out.add("dax_build_info", {{"version", DAX_VERSION}}, 1);
  if (block_size) out.add("dax_memory_block_size_bytes", {}, *block_size);
  auto policy = read_auto_online(sysfs);
  if (policy) out.add("dax_memory_auto_online_info", {{"policy", std::string(to_string(*policy))}}, 1);
  std::array<std::pair<const char*, const Error*>, 2> files{
    {{"block_size_bytes", block_size ? nullptr : &block_size.error()}, {"auto_online_blocks", policy ? nullptr : &policy.error()}}};
  bool ok = true;
  for (const auto& [file, error] : files) {
    if (error) print_error(error->code == ENOENT ? fmt::format("no memory hotplug on this kernel: {}", error->message())
                                                 : error->message());
    out.add("dax_system_read_error", read_error_labels({{"file", file}}, error), error ? 1 : 0);
    ok = ok && error == nullptr;
  }
  return ok;
}

void add_regions(Exposition& out, Sysfs& sysfs, const std::optional<unsigned>& only)
{
  auto regions = read_regions(sysfs); // fails only on a device add_device has reported
  if (!regions) return;
  for (const auto& region : *regions) {
    if (only && region.id != *only) continue;
    std::vector<Label> labels{{"region", std::to_string(region.id)}};
    if (region.size) out.add("dax_region_size_bytes", labels, *region.size);
    if (region.available_size) out.add("dax_region_available_bytes", labels, *region.available_size);
  }
}

// The configuration (as dax apply reads it) matched to the devices, for their drift; nullopt when
// it cannot be read or is invalid, said on stderr and in dax_config_read_error.
std::optional<ApplyPlan> add_config(Exposition& out, Env& env)
{
  auto plan = plan_apply(env.sysfs, env.config_root.value_or(ConfigRoot(env.sysfs)));
  if (!plan) print_error(plan.error().message());
  out.add("dax_config_read_error", read_error_labels({}, plan ? nullptr : &plan.error()), plan ? 0 : 1);
  if (!plan) return std::nullopt;
  return std::move(*plan);
}

// Writes `text` to `path` as node_exporter's textfile collector needs: a temporary file in the
// same directory (not ending in .prom, so never collected half-written), then rename.
Result<void> write_atomically(const std::string& path, const std::string& text)
{
  std::filesystem::path target(path);
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return std::unexpected(os_error(errno, "create a temporary file in", dir.string()));
  auto fail = [&](const char* action) {
    Error error = os_error(errno, action, temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return std::unexpected(error);
  };
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    done += size_t(n);
  }
  if (::fchmod(fd, 0644) != 0) return fail("chmod");
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    Error error = os_error(errno, "close", temp);
    ::unlink(temp.c_str());
    return std::unexpected(error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error error = os_error(errno, fmt::format("rename {} to", temp), path);
    ::unlink(temp.c_str());
    return std::unexpected(error);
  }
  return {};
}

int run_metrics(Env& env, const MetricsOptions& options)
{
  TargetOptions targets = options.targets;
  if (targets.devices.empty()) targets.devices = {"all"};
  auto names = resolve_targets(env.sysfs, targets);
  auto region = parse_region_filter(options.targets.region);
  if (!names || !region) {
    return usage_error((!names ? names.error() : region.error()).message());
  }
  std::vector<Error> unread; // add_device reports each unreadable device itself
  if (auto regions = read_regions(env.sysfs, unread); regions) {
    if (auto exists = check_filter_exists(*regions, *region, std::nullopt); !exists) return print_target_error(exists.error());
  }
  Access access;
  auto block_size = read_block_size(env.sysfs);
  if (block_size) access.block_size = *block_size;
  access.proc = env.sysfs.exists("/proc") && ::geteuid() == 0; // /proc/PID/fd of others: root only

  Exposition out;
  declare_metrics(out);
  NodeBytes nodes;
  unsigned failed = add_kernel(out, env.sysfs, block_size) ? 0 : 1;
  auto plan = add_config(out, env);
  if (!plan) ++failed;
  for (const auto& name : *names) {
    if (!add_device(out, env.sysfs, name, access, nodes, plan ? &*plan : nullptr)) ++failed;
  }
  add_regions(out, env.sysfs, *region);
  for (const auto& [key, bytes] : nodes) {
    out.add("dax_node_hotplugged_bytes", {{"node", std::to_string(key.first)}, {"state", key.second}}, bytes);
  }
  if (options.textfile.empty()) {
    std::fputs(out.render().c_str(), stdout);
  } else if (auto written = write_atomically(options.textfile, out.render()); !written) {
    print_error(written.error().message());
    return k_exit_failure;
  }
  return failed == 0 ? k_exit_ok : k_exit_failure;
}

void add_metrics_options(CLI::App& app, MetricsOptions& options)
{
  add_target_options(app, options.targets, NoDevices::all);
  app.add_option("--textfile", options.textfile,
                 "Write to FILE atomically (a temporary file in its directory, then rename), not stdout")
    ->type_name("FILE");
}

} // namespace

Command metrics_command()
{
  return make_command<MetricsOptions>("metrics", {},
                                      "Print metrics in Prometheus' text format (for node_exporter's textfile collector)",
                                      add_metrics_options, run_metrics);
}

} // namespace dax::cli
