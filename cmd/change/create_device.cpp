// dax create-device: carve a new devdax device out of a dynamic region's free space.
#include "cmd/change/report.hpp"
#include "cmd/change/state_change.hpp"
#include "cmd/common/command.hpp"
#include "cmd/common/targets.hpp"
#include "cmd/view/device_json.hpp"
#include "core/change/dynamic.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dax::cli {

namespace {

struct CreateOptions
{
  std::string region;
  std::string size;
  std::string align;
  std::string input; // a device object of `dax list -M` to recreate
  bool human = false;
  DryRun dry_run = DryRun::no;
  bool report = false;
};

// What to create, and where.
struct CreatePlan
{
  CreateSpec spec;
  std::optional<unsigned> region; // from -r or --input's chardev; none: every dynamic region
};

Error input_error(const std::string& file, std::string detail)
{
  return logic_error("--input", file, std::move(detail));
}

// Field `key` of a `list -M` object as a number: raw, or a "0x..." string as -u prints addresses.
std::optional<uint64_t> number_field(const Json& object, const char* key)
{
  if (!object.is_object() || !object.contains(key)) return std::nullopt;
  const Json& value = object[key];
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_string()) return parse_u64(value.get<std::string>());
  return std::nullopt;
}

// One mapping of a `list -M` object: its page_offset and physical range.
std::optional<std::pair<uint64_t, Range>> read_mapping(const Json& mapping)
{
  auto offset = number_field(mapping, "page_offset");
  auto start = number_field(mapping, "start");
  auto end = number_field(mapping, "end");
  if (!offset.has_value() || !start.has_value() || !end.has_value()) return std::nullopt;
  uint64_t first = start.value_or(0);
  uint64_t last = end.value_or(0);
  if (last < first) return std::nullopt;
  return std::pair{offset.value_or(0), Range{first, last - first + 1}};
}

// The most --input may hold: a device object of `dax list -M` is a few KiB even with hundreds of
// mappings; 1 MiB leaves room for any real one and stops a wrong file from being read whole.
constexpr size_t k_max_input = size_t(1) << 20;

// The text of --input: a regular file only (a FIFO or a device would block or never end), opened
// without blocking, of at most k_max_input bytes.
Result<std::string> read_input_text(const std::string& file)
{
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return std::unexpected(os_error(errno, "--input: read", file));
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  struct stat st;
  if (::fstat(fd, &st) != 0) return std::unexpected(os_error(errno, "--input: read", file));
  if (!S_ISREG(st.st_mode)) return std::unexpected(input_error(file, "not a regular file (give the file dax list -M wrote)"));
  if (static_cast<uint64_t>(st.st_size) > k_max_input) {
    return std::unexpected(input_error(file, fmt::format("{} bytes, more than the {} a device object can need",
                                                         st.st_size, k_max_input)));
  }
  std::string text(k_max_input + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(os_error(errno, "--input: read", file));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > k_max_input) return std::unexpected(input_error(file, fmt::format("more than {} bytes", k_max_input)));
  text.resize(got);
  return text;
}

// Reads the device object daxctl's --input takes (also the one-element array `dax list -M` prints).
Result<CreatePlan> read_input(const std::string& file)
{
  auto text = read_input_text(file);
  if (!text) return std::unexpected(text.error());
  Json json = Json::parse(*text, nullptr, false);
  if (json.is_array() && json.size() == 1) json = json.front();
  if (!json.is_object()) return std::unexpected(input_error(file, "not a device object of dax list -M (or an array of one)"));
  auto chardev = json.contains("chardev") && json["chardev"].is_string()
                   ? parse_device_name(json["chardev"].get<std::string>()) : std::nullopt;
  auto size = number_field(json, "size");
  auto align = number_field(json, "align");
  if (!chardev || !size || !align || !json.contains("mappings") || !json["mappings"].is_array()) {
    return std::unexpected(input_error(file, "needs chardev, size and align (in bytes) and mappings (dax list -M)"));
  }
  std::vector<std::pair<uint64_t, Range>> ranges; // by page_offset
  uint64_t total = 0;
  for (const auto& entry : json["mappings"]) {
    auto mapping = read_mapping(entry);
    if (!mapping) return std::unexpected(input_error(file, "a mapping needs page_offset, start and end, with end >= start"));
    ranges.push_back(*mapping);
    total += mapping->second.size;
  }
  if (ranges.empty() || total != size.value_or(0)) {
    return std::unexpected(input_error(file, fmt::format("the mappings add up to {} bytes, the size is {}", total,
                                                         size.value_or(0))));
  }
  std::ranges::sort(ranges, {}, &std::pair<uint64_t, Range>::first);
  CreatePlan plan{{{}, align, {}}, chardev->region};
  for (const auto& [offset, range] : ranges) plan.spec.mappings.push_back(range);
  return plan;
}

Result<CreatePlan> make_plan(const CreateOptions& options)
{
  auto region = parse_region_filter(options.region);
  if (!region) return std::unexpected(region.error());
  if (!options.input.empty()) {
    if (!options.size.empty() || !options.align.empty()) {
      return std::unexpected(logic_error("", "--input", "gives the size and alignment; -s and -a cannot be added"));
    }
    auto plan = read_input(options.input);
    if (plan && *region && plan->region != *region) {
      return std::unexpected(input_error(options.input, fmt::format("describes a device of region {}, not {}",
                                                                    *plan->region, **region)));
    }
    return plan;
  }
  CreatePlan plan{{}, *region};
  if (!options.size.empty()) {
    auto size = parse_size(options.size);
    if (!size) return std::unexpected(size.error());
    plan.spec.size = *size;
  }
  if (!options.align.empty()) {
    auto align = parse_align(options.align);
    if (!align) return std::unexpected(align.error());
    plan.spec.align = *align;
  }
  return plan;
}

// The regions to create in: the one asked for, else every dynamic region (daxctl creates one
// device in every region). An unknown region is bad input (exit 2), no dynamic one a failure (1).
Result<std::vector<unsigned>> target_regions(const std::vector<RegionInfo>& regions, const CreatePlan& plan)
{
  std::vector<unsigned> ids;
  for (const auto& region : regions) {
    if (plan.region ? region.id == *plan.region : region.kind == RegionKind::dynamic) ids.push_back(region.id);
  }
  if (ids.empty() && plan.region) {
    return std::unexpected(logic_error("", fmt::format("region{}", *plan.region), "no such region (see dax list -R)"));
  }
  return ids;
}

// Adds the create in `region` to the report: the device read back after it. A failed create names
// the device it took (the region's seed), so what is left of it is reported; it counts as changed
// when it holds memory (created, or a rollback that failed).
void report_create(Env& env, unsigned region, const Result<DeviceName>& name)
{
  Json asked = env.report->asked();
  asked["region"] = region;
  auto device = name ? std::optional(*name) : parse_device_name(name.error().device);
  Json after = device ? device_state(env.sysfs, *device) : Json(nullptr);
  bool changed = after.is_object() && after["size"].get<uint64_t>() > 0;
  env.report->add(device, asked, nullptr, after, name ? nullptr : &name.error(), changed);
}

int create_devices(Env& env, const CreateOptions& options, const CreatePlan& plan, const std::vector<unsigned>& regions)
{
  Context ctx = operation_context(env);
  Human human = options.human ? Human::yes : Human::no;
  std::vector<DeviceName> created;
  unsigned failed = 0;
  for (unsigned region : regions) {
    auto name = create_device(ctx, region, plan.spec);
    if (env.report) report_create(env, region, name);
    // -s or -a that do not fit the first region: a bad command-line value (exit 2), nothing created.
    if (!name && name.error().kind == ErrorKind::bad_input && created.empty()) {
      report_failure(name.error());
      return exit_status(name.error());
    }
    if (name) {
      created.push_back(*name);
    } else {
      report_failure(name.error());
      ++failed;
    }
  }
  if (options.dry_run == DryRun::no && !env.report) print_current_devices(env.sysfs, created, human);
  print_note(fmt::format("{} {}", did_or_would(env, "created", "create"), count_devices(created.size())));
  DeviceOutcomes<DeviceName> outcomes{created, failed};
  return outcomes.exit_code();
}

int run_create(Env& env, const CreateOptions& options)
{
  auto plan = make_plan(options);
  if (!plan) {
    return usage_error(plan.error().message());
  }
  auto all = list_region_info(env.sysfs);
  if (!all) {
    report_failure(all.error());
    return k_exit_failure;
  }
  auto regions = target_regions(*all, *plan);
  if (!regions) {
    return usage_error(regions.error().message());
  }
  if (regions->empty()) {
    print_error("no dynamic region here: devices can be created only in hmem or CXL regions (static NVDIMM "
                "regions get theirs from ndctl)");
    return k_exit_failure;
  }
  return run_state_change(env, options.dry_run,
                          [&](Env& target) { return create_devices(target, options, *plan, *regions); });
}

void add_create_options(CLI::App& app, CreateOptions& options)
{
  app.add_option("-r,--region", options.region, "The region (N or regionN); default: every dynamic region")
    ->type_name("REGION");
  app.add_option("-s,--size", options.size, "Size (4G, 512M, 0x..., bytes); default: all available")
    ->type_name("SIZE");
  app.add_option("-a,--align", options.align, "Alignment (4K, 2M, 1G); default: the region's")->type_name("ALIGN");
  app.add_option("--input", options.input, "Recreate the device described by FILE (dax list -M output)")
    ->type_name("FILE");
  app.add_flag("-u,--human", options.human, "Human-readable sizes in the printed JSON");
}

Json create_asked(const CreateOptions& options)
{
  return {{"create", true}, {"size", options.size}, {"align", options.align}, {"input", options.input}};
}

} // namespace

Command create_device_command()
{
  return change_command<CreateOptions>("create-device", {}, "Create a devdax device from a dynamic region's free space",
                                       add_create_options, create_asked, run_create);
}

} // namespace dax::cli
