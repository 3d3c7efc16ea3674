#include "core/model/memory.hpp"

#include "core/base/parse.hpp"
#include "core/model/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace dax {

std::string_view to_string(BlockState state)
{
  switch (state) {
  case BlockState::online: return "online";
  case BlockState::offline: return "offline";
  case BlockState::going_offline: return "going-offline";
  }
  return "?";
}

std::string block_path(uint64_t index)
{
  return fmt::format("{}/memory{}", k_memory_root, index);
}

Result<uint64_t> read_block_size(Sysfs& sysfs)
{
  std::string path = fmt::format("{}/block_size_bytes", k_memory_root);
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  auto size = parse_hex_u64(*text);
  if (!size || !std::has_single_bit(*size) || *size < k_min_block_size || *size > k_max_block_size) {
    return std::unexpected(logic_error(
      "parse", path, fmt::format("'{}' is not a memory block size (a power of two from 1 MiB to 64 GiB, in hex)",
                                 printable(*text, 32))));
  }
  return *size;
}

Result<BlockState> read_block_state(Sysfs& sysfs, uint64_t index)
{
  std::string path = block_path(index) + "/state";
  auto text = sysfs.read(path);
  if (!text) return std::unexpected(text.error());
  for (auto state : {BlockState::online, BlockState::offline, BlockState::going_offline}) {
    if (*text == to_string(state)) return state;
  }
  return std::unexpected(
    logic_error("parse", path, fmt::format("unknown block state '{}'", printable(*text, 32))));
}

Result<MemoryBlock> read_block(Sysfs& sysfs, uint64_t index, WithZone with_zone)
{
  auto state = read_block_state(sysfs, index);
  if (!state) return std::unexpected(state.error());
  MemoryBlock block{index, *state, {}};
  if (with_zone == WithZone::yes && *state == BlockState::online) {
    std::string path = block_path(index) + "/valid_zones";
    auto zones = sysfs.read(path);
    // Without CONFIG_MEMORY_HOTREMOVE there is no valid_zones: the block is online, zone unknown.
    if (!zones && zones.error().code == ENOENT && sysfs.exists(block_path(index) + "/state")) return block;
    if (!zones) return std::unexpected(zones.error());
    // An online block's valid_zones names its zone (older kernels list it first).
    block.zone = parse_zone(std::string_view(*zones).substr(0, zones->find(' ')));
    if (!block.zone) {
      return std::unexpected(logic_error("parse", path, fmt::format("unknown zone '{}'", printable(*zones, 32))));
    }
  }
  return block;
}

std::string describe_blocks(std::vector<uint64_t> indexes)
{
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  std::string text;
  for (size_t i = 0; i < indexes.size();) {
    size_t last = i;
    while (last + 1 < indexes.size() && indexes[last + 1] == indexes[last] + 1) ++last;
    if (!text.empty()) text += ", ";
    text += last == i ? fmt::format("memory{}", indexes[i]) : fmt::format("memory{}-{}", indexes[i], indexes[last]);
    i = last + 1;
  }
  return text;
}

} // namespace dax
