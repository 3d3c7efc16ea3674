// libFuzzer target: core's readers (read_block_size, read_auto_online, read_block, read_device,
// read_regions) over a tiny in-memory dax::Sysfs built from the input, then the hotplug
// arithmetic (plan_hotplug, block_indexes, explain_empty_plan) on the ranges read and on fuzzed
// ranges with power-of-two block sizes, checked against exact 128-bit arithmetic.
//
// The input is text, one entry a line (seeds in corpus/fuzz_sysfs_values/ are real trees):
//   # comment
//   PATH=CONTENT          a file (its content as read(), i.e. without the trailing newline)
//   PATH->TARGET          a symlink; TARGET absolute or relative to PATH's directory
//   PATH!ERRNO            a file whose read fails with that errno (13: EACCES, 5: EIO)
//   PATH/                 a directory (parents of every entry are directories anyway)
//   +range START SIZE     an extra range for plan_hotplug (decimal or 0x hex)
//   +block SHIFT          block size 1 << SHIFT (0-63) for the extra ranges; default: the tree's
// A line is a file, link or error by whichever of "=", "->", "!" comes first.

#include "core/base/parse.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/device.hpp"
#include "core/model/hotplug.hpp"
#include "core/model/hotplug_policy.hpp"
#include "core/model/memory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

using u128 = unsigned __int128;

// block_indexes() returns one entry per block; a plan of more blocks than this is not expanded
// (it would only slow the fuzzer down: 4096 blocks are 8 TiB in 2 GiB blocks). Beyond it,
// block_indexes() is unbounded: block_size_bytes=1 (a power of two, accepted) and a 1 TiB
// mapping make it push 2^40 indexes; see the report in test/fuzz/README.md.
constexpr uint64_t k_max_blocks = 4096;
// How many of a device's blocks read_block() is tried on.
constexpr size_t k_blocks_read = 16;
constexpr size_t k_max_entries = 4096;

[[noreturn]] void fail(const std::string& what)
{
  std::fprintf(stderr, "fuzz_sysfs_values: %s\n", what.c_str());
  std::abort();
}

#define CHECK(cond, ...)                                                                          \
  do {                                                                                            \
    if (!(cond)) fail(fmt::format("check failed: {}: ", #cond) + fmt::format(__VA_ARGS__));    \
  } while (0)

std::string hex128(u128 value)
{
  auto high = static_cast<uint64_t>(value >> 64);
  auto low = static_cast<uint64_t>(value);
  return high ? fmt::format("{:#x}{:016x}", high, low) : fmt::format("{:#x}", low);
}

struct Node
{
  enum class Kind { dir, file, link, error };
  Kind kind = Kind::dir;
  std::string text; // a file's content or a link's target
  int error = 0;
};

std::string parent_of(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// Every component of `path`, empty ones and "." dropped.
std::deque<std::string> components(std::string_view path)
{
  std::deque<std::string> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string join(const std::string& dir, const std::string& name)
{
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// The in-memory tree: nodes keyed by canonical path, symlinks resolved component by component
// as the kernel does (at most 40 links, then ELOOP).
class MemorySysfs final : public dax::Sysfs
{
public:
  void add(const std::string& raw_path, Node node)
  {
    if (m_nodes.size() >= k_max_entries) return;
    std::string path = "/";
    for (const auto& part : components(raw_path)) {
      if (part == "..") {
        path = parent_of(path);
        continue;
      }
      path = join(path, part);
      m_nodes.try_emplace(path, Node{}); // parents are directories unless given otherwise
    }
    if (path != "/") m_nodes[path] = std::move(node);
  }

  dax::Result<std::string> read(const std::string& path) override
  {
    auto node = resolve(path, "read");
    if (!node) return std::unexpected(node.error());
    switch ((*node)->kind) {
    case Node::Kind::file: return (*node)->text;
    case Node::Kind::error: return std::unexpected(dax::os_error((*node)->error, "read", path));
    default: return std::unexpected(dax::os_error(EISDIR, "read", path));
    }
  }

  dax::Result<void> write(const std::string& path, std::string_view) override
  {
    return std::unexpected(dax::os_error(EROFS, "write", path));
  }

  dax::Result<std::vector<std::string>> list(const std::string& path) override
  {
    std::string dir;
    auto node = resolve(path, "list", &dir);
    if (!node) return std::unexpected(node.error());
    if ((*node)->kind != Node::Kind::dir) {
      return std::unexpected(dax::os_error(ENOTDIR, "list", path));
    }
    std::vector<std::string> names;
    std::string prefix = dir == "/" ? "/" : dir + "/";
    for (auto it = m_nodes.lower_bound(prefix); it != m_nodes.end(); ++it) {
      if (!it->first.starts_with(prefix)) break;
      std::string_view rest = std::string_view(it->first).substr(prefix.size());
      if (!rest.empty() && rest.find('/') == std::string_view::npos) names.emplace_back(rest);
    }
    std::reverse(names.begin(), names.end()); // "in no particular order"
    return names;
  }

  dax::Result<std::string> canonical(const std::string& path) override
  {
    std::string resolved;
    auto node = resolve(path, "resolve", &resolved);
    if (!node) return std::unexpected(node.error());
    return resolved;
  }

  bool exists(const std::string& path) override { return resolve(path, "stat").has_value(); }

private:
  dax::Result<const Node*> resolve(const std::string& path, const char* action,
                                   std::string* resolved = nullptr) const
  {
    static const Node root{};
    if (!path.starts_with('/')) return std::unexpected(dax::os_error(EINVAL, action, path));
    auto parts = components(path);
    std::string current = "/";
    const Node* node = &root;
    unsigned links = 0;
    while (!parts.empty()) {
      std::string part = std::move(parts.front());
      parts.pop_front();
      if (node->kind != Node::Kind::dir) {
        return std::unexpected(dax::os_error(ENOTDIR, action, path));
      }
      if (part == "..") {
        current = parent_of(current);
        node = current == "/" ? &root : &m_nodes.at(current);
        continue;
      }
      std::string next = join(current, part);
      auto it = m_nodes.find(next);
      if (it == m_nodes.end()) return std::unexpected(dax::os_error(ENOENT, action, path));
      if (it->second.kind == Node::Kind::link) {
        if (++links > 40) return std::unexpected(dax::os_error(ELOOP, action, path));
        auto target = components(it->second.text);
        parts.insert(parts.begin(), target.begin(), target.end());
        if (it->second.text.starts_with('/')) {
          current = "/";
          node = &root;
        }
        continue;
      }
      current = std::move(next);
      node = &it->second;
    }
    if (resolved) *resolved = current;
    return node;
  }

  std::map<std::string, Node> m_nodes;
};

struct Input
{
  MemorySysfs sysfs;
  std::vector<dax::Range> extra_ranges;
  std::optional<uint64_t> extra_block_size;
};

void parse_input(std::string_view text, Input& input)
{
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("+range ")) {
      line.remove_prefix(7);
      auto space = line.find(' ');
      if (space == std::string_view::npos) continue;
      auto start = dax::parse_u64(line.substr(0, space));
      auto size = dax::parse_u64(line.substr(space + 1));
      if (start && size && input.extra_ranges.size() < 64) {
        input.extra_ranges.push_back({*start, *size});
      }
      continue;
    }
    if (line.starts_with("+block ")) {
      auto shift = dax::parse_u64(line.substr(7));
      if (shift && *shift < 64) input.extra_block_size = uint64_t{1} << *shift;
      continue;
    }
    auto equal = line.find('=');
    auto arrow = line.find("->");
    auto bang = line.find('!');
    auto first = std::min({equal, arrow, bang});
    std::string path(line.substr(0, first));
    if (first == std::string_view::npos) {
      input.sysfs.add(path, Node{});
    } else if (first == equal) {
      input.sysfs.add(path, Node{Node::Kind::file, std::string(line.substr(equal + 1)), 0});
    } else if (first == arrow) {
      input.sysfs.add(path, Node{Node::Kind::link, std::string(line.substr(arrow + 2)), 0});
    } else {
      auto code = dax::parse_int(line.substr(bang + 1));
      input.sysfs.add(path, Node{Node::Kind::error, {}, code && *code > 0 ? *code : EIO});
    }
  }
}

// What kmem hot-adds of `ranges`, exactly: each start rounded up to `block_size`, each end
// rounded down; a range past the end of the 64-bit address space cannot be hot-added.
std::vector<std::pair<u128, u128>> exact_plan(const std::vector<dax::Range>& ranges,
                                              uint64_t block_size)
{
  std::vector<std::pair<u128, u128>> plan;
  for (const auto& range : ranges) {
    u128 start = (u128{range.start} + block_size - 1) / block_size * block_size;
    u128 end = (u128{range.start} + range.size) / block_size * block_size;
    if (end > start) plan.emplace_back(start, end - start);
  }
  return plan;
}

// The plan of ranges inside the 64-bit address space equals the one computed in 128 bits.
void check_exact(const std::vector<dax::Range>& ranges, uint64_t block_size, const dax::HotplugPlan& plan)
{
  auto exact = exact_plan(ranges, block_size);
  bool same = exact.size() == plan.ranges.size();
  for (size_t i = 0; same && i < exact.size(); ++i) {
    same = exact[i].first == plan.ranges[i].start && exact[i].second == plan.ranges[i].size;
  }
  if (same) return;
  std::string shown;
  for (const auto& range : ranges) shown += fmt::format(" {:#x}+{:#x}", range.start, range.size);
  shown += " ->";
  for (const auto& range : plan.ranges) shown += fmt::format(" {:#x}+{:#x}", range.start, range.size);
  shown += ", exact:";
  for (const auto& [start, size] : exact) shown += fmt::format(" {}+{}", hex128(start), hex128(size));
  fail(fmt::format("plan_hotplug with block {:#x}:{}", block_size, shown));
}

// block_indexes gives one sorted index per planned block, each inside a planned range.
void check_block_indexes(const dax::HotplugPlan& plan, uint64_t block_size, u128 blocks)
{
  auto indexes = dax::block_indexes(plan, block_size);
  CHECK(std::is_sorted(indexes.begin(), indexes.end()), "block indexes not sorted");
  for (uint64_t index : indexes) {
    u128 address = u128{index} * block_size;
    bool inside = std::any_of(plan.ranges.begin(), plan.ranges.end(), [&](const dax::Range& r) {
      return address >= r.start && address + block_size <= u128{r.start} + r.size;
    });
    CHECK(inside, "block {} (address {}) is in no planned range", index, hex128(address));
  }
  CHECK(indexes.size() == blocks, "{} block indexes for {} blocks of {:#x} in {} ranges",
        indexes.size(), static_cast<uint64_t>(blocks), block_size, plan.ranges.size());
}

// Checks plan_hotplug and block_indexes against exact arithmetic for ranges that lie inside the
// 64-bit address space; for the others only that nothing crashes and the plan stays inside.
void check_hotplug(const dax::DeviceName& name, const std::vector<dax::Range>& ranges,
                   uint64_t block_size)
{
  CHECK(std::has_single_bit(block_size), "block size {:#x}", block_size);
  auto plan = dax::plan_hotplug(ranges, block_size);

  bool representable = true;
  uint64_t device_bytes = 0;
  for (const auto& range : ranges) {
    device_bytes += range.size;
    representable = representable && u128{range.start} + range.size <= u128{1} << 64;
  }
  CHECK(plan.device_bytes == device_bytes, "{} != {}", plan.device_bytes, device_bytes);

  uint64_t hotplug_bytes = 0;
  u128 blocks = 0;
  for (const auto& range : plan.ranges) {
    CHECK(range.size > 0 && range.start % block_size == 0 && range.size % block_size == 0,
          "range {:#x}+{:#x}, block {:#x}", range.start, range.size, block_size);
    hotplug_bytes += range.size;
    blocks += range.size / block_size;
  }
  CHECK(plan.hotplug_bytes == hotplug_bytes, "{} != {}", plan.hotplug_bytes, hotplug_bytes);

  // Whatever the input, each planned range lies inside one of the device's ranges, exactly (a
  // range past the top of the address space must not wrap around to address 0).
  for (const auto& planned : plan.ranges) {
    bool inside = std::any_of(ranges.begin(), ranges.end(), [&](const dax::Range& r) {
      return planned.start >= r.start &&
             u128{planned.start} + planned.size <= u128{r.start} + r.size;
    });
    CHECK(inside, "planned range {:#x}+{:#x} is in no device range", planned.start, planned.size);
  }
  CHECK(plan.empty() == plan.ranges.empty(), "");

  if (representable) check_exact(ranges, block_size, plan);

  if (plan.empty()) {
    auto why = dax::explain_empty_plan(name, ranges, block_size);
    CHECK(why.starts_with(name.str() + ": "), "'{}'", why);
  }
  CHECK(!dax::format_binary_size(plan.hotplug_bytes).empty(), "");

  if (blocks <= k_max_blocks) check_block_indexes(plan, block_size, blocks); // see k_max_blocks
}

void check_device(dax::Sysfs& sysfs, const dax::Device& device, std::optional<uint64_t> block_size)
{
  CHECK(dax::parse_device_name(device.name.str()) == device.name, "{}", device.name.str());
  CHECK(device.path.starts_with('/'), "path '{}'", device.path);
  for (size_t i = 0; i < device.mappings.size(); ++i) {
    CHECK(device.mappings[i].index == i, "mapping {} at {}", device.mappings[i].index, i);
    CHECK(device.mappings[i].end >= device.mappings[i].start, "mapping{}", i);
  }
  auto ranges = device.ranges();
  CHECK(ranges.size() == device.mappings.size() ||
          (device.mappings.empty() && ranges.size() == 1 && device.resource && device.size > 0),
        "{} ranges from {} mappings", ranges.size(), device.mappings.size());
  (void)dax::to_string(device.mode());
  if (!block_size) return;
  check_hotplug(device.name, ranges, *block_size);

  // The blocks of the device as `online`/`offline` would read them.
  auto plan = dax::plan_hotplug(ranges, *block_size);
  u128 blocks = 0;
  for (const auto& range : plan.ranges) blocks += range.size / *block_size;
  if (blocks > k_max_blocks) return;
  auto indexes = dax::block_indexes(plan, *block_size);
  for (size_t i = 0; i < indexes.size() && i < k_blocks_read; ++i) {
    auto block = dax::read_block(sysfs, indexes[i], dax::WithZone::yes);
    if (!block) continue;
    CHECK(block->index == indexes[i], "");
    CHECK(block->state == dax::BlockState::online || !block->zone, "offline block with zone");
    (void)dax::to_string(block->state);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size > 64 * 1024) return -1; // not added to the corpus
  Input input;
  parse_input(std::string_view(reinterpret_cast<const char*>(data), size), input);
  dax::Sysfs& sysfs = input.sysfs;

  std::optional<uint64_t> block_size;
  if (auto read = dax::read_block_size(sysfs)) {
    CHECK(*read != 0 && std::has_single_bit(*read), "block_size_bytes gave {:#x}", *read);
    block_size = *read;
  } else {
    CHECK(!read.error().message().empty(), "");
  }
  if (auto policy = dax::read_auto_online(sysfs)) {
    (void)dax::to_string(*policy);
  } else {
    CHECK(!policy.error().message().empty(), "");
  }

  if (auto regions = dax::read_regions(sysfs)) {
    for (size_t i = 0; i < regions->size(); ++i) {
      const auto& region = (*regions)[i];
      CHECK(i == 0 || (*regions)[i - 1].id <= region.id, "regions out of order");
      for (size_t j = 0; j < region.devices.size(); ++j) {
        // <=, not <: read_regions takes "dax0.00" for dax0.0 (parse_device_name allows leading
        // zeros), so a tree listing both gives dax0.0 twice. The kernel never names one so.
        CHECK(j == 0 || region.devices[j - 1].name <= region.devices[j].name, "devices out of order");
        check_device(sysfs, region.devices[j], block_size);
      }
    }
  } else {
    CHECK(!regions.error().message().empty(), "");
  }

  if (auto device = dax::read_device(sysfs, dax::DeviceName{0, 0})) {
    check_device(sysfs, *device, block_size);
  } else {
    CHECK(!device.error().message().empty(), "");
  }

  if (!input.extra_ranges.empty()) {
    uint64_t extra_block = input.extra_block_size.value_or(block_size.value_or(uint64_t{1} << 27));
    check_hotplug(dax::DeviceName{0, 0}, input.extra_ranges, extra_block);
  }
  return 0;
}
