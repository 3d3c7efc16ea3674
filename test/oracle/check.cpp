#include "check.hpp"

#include <fmt/format.h>

#include <set>

namespace dax::oracle {

namespace {

using Violations = std::vector<std::string>;

// What keeps device `index` from the state the command asked, read back from the kernel: one
// line per difference, none when it is as asked (or vanished: nothing can be asked of it).
std::vector<std::string> off_asked(const Case& c, unsigned index, const KernelState& after)
{
  std::vector<std::string> out;
  std::string name = device_name(index);
  const std::string& driver = after.drivers.at(name);
  if (driver.empty()) return out;
  bool apply_ram = c.verb == Verb::apply && c.devices[index].want_ram;
  bool to_ram = c.verb == Verb::to_system_ram || apply_ram;
  if (to_ram && driver != "kmem") out.push_back(fmt::format("{} is bound to {}, not kmem", name, driver));
  if ((c.verb == Verb::to_devdax || (c.verb == Verb::apply && !apply_ram)) && driver != "device_dax")
    out.push_back(fmt::format("{} is bound to {}, not device_dax", name, driver));
  if (c.verb == Verb::online && c.target != "all" && driver != "kmem")
    out.push_back(fmt::format("{} is bound to {}: no memory to online", name, driver));
  bool memory = to_ram || c.verb == Verb::online || c.verb == Verb::offline;
  if (!memory || driver != "kmem") return out;
  std::string want = c.verb == Verb::offline ? "offline" : "online";
  for (const auto& [block, state] : after.blocks.at(name))
    if (state != want && !(want == "offline" && state == k_absent)) // absent memory is not online
      out.push_back(fmt::format("memory{} of {} is \"{}\", not {}", block, name, state, want));
  return out;
}

// (a) exit 0: every targeted device is as asked, read back from the kernel.
void check_asked(const Case& c, const Run& run, Violations& out)
{
  for (unsigned i = 0; i < c.devices.size(); ++i)
    if (targeted(c, i))
      for (const auto& line : off_asked(c, i, run.after))
        out.push_back("(a) exit 0 but " + line);
}

// (f) an anomaly of one device leaves the others of "all" to reach the asked state.
void check_isolated(const Case& c, const Run& run, Violations& out)
{
  if (c.target != "all" || !about_victim_only(c.anomaly) || c.verb == Verb::to_devdax) return;
  // Leaving system-ram may be refused for reasons of its own (memory in use): not judged here.
  for (unsigned i = 0; i < c.devices.size(); ++i)
    if (i != c.victim && (c.verb != Verb::apply || c.devices[i].want_ram))
      for (const auto& line : off_asked(c, i, run.after))
        out.push_back(fmt::format("(f) exit {}, {} of {} stopped another device: {}", run.command.code,
                                  anomaly_name(c.anomaly), device_name(c.victim), line));
}

// `blocks` but those the anomaly removed: their going is not the command's change.
std::map<uint64_t, std::string> without(std::map<uint64_t, std::string> blocks, const Hidden& hidden)
{
  for (uint64_t index : hidden) blocks.erase(index);
  return blocks;
}

// (b) every device the kernel shows changed is in the report, marked changed.
void check_report(const Case& c, const Run& run, Violations& out)
{
  if (run.report.is_null()) {
    out.push_back("(b) no --report JSON on stdout");
    return;
  }
  std::set<std::string> reported;
  for (const auto& device : run.report.value("devices", nlohmann::json::array()))
    if (device.value("changed", false) && device["device"].is_string()) reported.insert(device["device"]);
  for (unsigned i = 0; i < c.devices.size(); ++i) {
    std::string name = device_name(i);
    if (run.after.drivers.at(name).empty()) continue; // vanished under us, not by the command
    bool changed = run.before.drivers.at(name) != run.after.drivers.at(name) ||
                   without(run.before.blocks.at(name), run.hidden) != without(run.after.blocks.at(name), run.hidden);
    if (changed && !reported.contains(name))
      out.push_back(fmt::format("(b) exit {}: {} changed in the kernel but the report does not say so",
                                run.command.code, name));
  }
}

// (g) a device a process uses (holds open, maps) is not taken from device_dax: no command here
// gives --destroy-data-in-use, so the in-use search must find the process or refuse.
void check_users_kept(const Case& c, const Run& run, Violations& out)
{
  if (c.anomaly != Anomaly::process_user && c.anomaly != Anomaly::user_dev_space) return;
  std::string name = device_name(c.victim);
  const std::string& after = run.after.drivers.at(name);
  if (run.before.drivers.at(name) == "device_dax" && !after.empty() && after != "device_dax")
    out.push_back(fmt::format("(g) exit {}: {} is used by a process but was bound to {}", run.command.code, name, after));
}

// (c) nothing written outside /sys.
void check_writes(const Run& run, Violations& out)
{
  for (const auto& access : run.log)
    if (access.op == test::FakeAccess::Op::write && access.error == 0 && !access.resolved.starts_with("/sys/"))
      out.push_back(fmt::format("(c) wrote {} (as {}), outside /sys", access.resolved, access.path));
}

// What a person sees carries no raw control character (an escape sequence from a sysfs name).
void check_output(const Run& run, Violations& out)
{
  for (const std::string* text : {&run.command.out, &run.command.err})
    for (char byte : *text)
      if (auto ch = static_cast<unsigned char>(byte); (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f) {
        out.push_back(fmt::format("raw control character 0x{:02x} in the {}", ch,
                                  text == &run.command.out ? "stdout" : "stderr"));
        break;
      }
}

std::map<std::string, nlohmann::json> afters(const nlohmann::json& report)
{
  std::map<std::string, nlohmann::json> result;
  if (report.is_null()) return result;
  for (const auto& device : report.value("devices", nlohmann::json::array()))
    if (device["device"].is_string()) {
      nlohmann::json after = device.value("after", nlohmann::json());
      if (after.is_object()) after.erase("predicted");
      result[device["device"]] = after;
    }
  return result;
}

// Anomalies that strike during the run: a dry run cannot see them coming.
bool strikes_mid_run(Anomaly anomaly)
{
  return anomaly == Anomaly::busy_block || anomaly == Anomaly::vanishing_device ||
         anomaly == Anomaly::vanishing_block;
}

} // namespace

KernelState kernel_state(const Case& c, test::FakeKernel& kernel)
{
  KernelState state;
  for (unsigned i = 0; i < c.devices.size(); ++i) {
    std::string name = device_name(i);
    bool present = kernel.has_device(name) && kernel.exists(kernel.device_dir(name));
    state.drivers[name] = present ? kernel.driver_of(name) : "";
    state.blocks[name] = {};
    if (!present) continue;
    if (state.drivers[name] != "kmem") continue; // devdax: no blocks, none expected
    for (uint64_t index : device_blocks(c, i))
      state.blocks[name][index] = kernel.has_block(index) ? kernel.block_state(index) : k_absent;
  }
  return state;
}

std::vector<std::string> check_real(const Case& c, const Run& real)
{
  Violations out;
  if (!real.crash.empty()) return {"(d) " + real.crash};
  if (real.command.code == 0) check_asked(c, real, out);
  check_isolated(c, real, out);
  check_report(c, real, out);
  check_users_kept(c, real, out);
  check_writes(real, out);
  check_output(real, out);
  return out;
}

std::vector<std::string> check_dry(const Case& c, const Run& dry, const Run& real)
{
  Violations out;
  if (!dry.crash.empty()) return {"(d) dry run: " + dry.crash};
  for (const auto& access : dry.log)
    if (access.op == test::FakeAccess::Op::write)
      out.push_back(fmt::format("(c) the dry run wrote {}", access.resolved));
  if (real.command.code != 0 || dry.command.code != 0 || strikes_mid_run(c.anomaly) || !real.crash.empty())
    return out;
  auto predicted = afters(dry.report);
  for (const auto& [name, after] : afters(real.report))
    if (predicted.contains(name) && predicted[name] != after)
      out.push_back(fmt::format("(e) the dry run predicted {} as {} but it ended as {}", name,
                                predicted[name].dump(), after.dump()));
  return out;
}

} // namespace dax::oracle
