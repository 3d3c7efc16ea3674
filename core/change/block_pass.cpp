#include "core/change/block_pass.hpp"

#include "core/base/parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dax {

Result<void> with_busy_retry(const BusyRetry& retry, const std::function<Result<void>()>& attempt)
{
  auto delay = retry.first_delay;
  for (unsigned tries = 1;; ++tries) {
    auto result = attempt();
    if (result || result.error().code != EBUSY || tries >= retry.attempts) {
      if (!result && tries > 1) {
        result.error().detail = fmt::format("{} (after {} attempts)", std::strerror(result.error().code), tries);
      }
      return result;
    }
    if (retry.sleep) retry.sleep(delay);
    delay *= 2;
  }
}

namespace {

// Whether `valid_zones` of an offline block ("DMA32 Normal Movable") offers `zone`.
bool offers(std::string_view valid_zones, Zone zone)
{
  while (!valid_zones.empty()) {
    size_t space = valid_zones.find(' ');
    if (parse_zone(valid_zones.substr(0, space)) == zone) return true;
    valid_zones = space == std::string_view::npos ? std::string_view() : valid_zones.substr(space + 1);
  }
  return false;
}

BlockResult failed(uint64_t index, Error error)
{
  return {index, BlockOutcome::failed, std::move(error)};
}

// Onlines one block: "already" if online; checks Movable is offered before online_movable; a
// failed write that nevertheless left the block online (a race with another agent) is "already".
BlockResult online_one(Sysfs& sysfs, uint64_t index, BlockState state, OnlineAs as)
{
  if (state == BlockState::online) return {index, BlockOutcome::already, {}};
  std::string base = block_path(index);
  if (as == OnlineAs::movable) {
    auto zones = sysfs.read(base + "/valid_zones");
    if (!zones) return failed(index, zones.error());
    if (!offers(*zones, Zone::movable)) {
      // What the kernel would answer to online_movable here (EINVAL), said with the zones it offers.
      Error refused =
        logic_error("online", base, fmt::format("zone Movable is not possible here (valid_zones: {})", *zones));
      refused.code = EINVAL;
      return failed(index, refused);
    }
  }
  auto written = sysfs.write(base + "/state", to_string(as));
  if (!written) {
    auto now = read_block_state(sysfs, index);
    if (now && *now == BlockState::online) return {index, BlockOutcome::already, {}};
    return failed(index, written.error());
  }
  return {index, BlockOutcome::changed, {}};
}

// One try at offlining block `index`: changed, already (another agent offlined it first), or the
// write's error.
Result<BlockOutcome> try_offline(Sysfs& sysfs, uint64_t index)
{
  auto written = sysfs.write(block_path(index) + "/state", "offline");
  if (written) return BlockOutcome::changed;
  auto now = read_block_state(sysfs, index);
  if (now && *now == BlockState::offline) return BlockOutcome::already;
  return std::unexpected(written.error());
}

BlockResult offline_once(Sysfs& sysfs, uint64_t index, BlockState state)
{
  if (state == BlockState::offline) return {index, BlockOutcome::already, {}};
  auto outcome = try_offline(sysfs, index);
  if (!outcome) return failed(index, outcome.error());
  return {index, *outcome, {}};
}

bool busy(const BlockResult& block)
{
  return block.outcome == BlockOutcome::failed && block.error && block.error->code == EBUSY;
}

bool stopped(const PassControl& control)
{
  return control.stop && control.stop();
}

// A write that a stop signal interrupted (offlining a block whose pages cannot migrate waits in
// the kernel until a signal): the pass was stopped there, the block is as it was.
bool cut_by_signal(const BlockResult& block, const PassControl& control)
{
  return block.outcome == BlockOutcome::failed && block.error && block.error->code == EINTR && stopped(control);
}

// Tries the blocks of `pass` at positions `waiting` (busy on their first try) again, all together
// in rounds: one wait before each round, doubling, up to `retry.attempts` tries per block. So the
// waits of a pass add up to the same few seconds whether 1 or 2,048 blocks are busy.
void retry_busy_blocks(Sysfs& sysfs, BlockPass& pass, std::vector<size_t> waiting, StopAtFailure stop,
                       const BusyRetry& retry, const PassControl& control)
{
  auto delay = retry.first_delay;
  unsigned tries = 1;
  for (; !waiting.empty() && tries < retry.attempts; ++tries) {
    if (retry.sleep) retry.sleep(delay);
    delay *= 2;
    std::vector<size_t> still;
    for (size_t position : waiting) {
      if (stopped(control)) {
        pass.interrupted = true;
        return;
      }
      BlockResult& block = pass.blocks[position];
      block = offline_once(sysfs, block.index, BlockState::online);
      if (cut_by_signal(block, control)) {
        pass.interrupted = true;
        return;
      }
      if (busy(block)) still.push_back(position);
      else if (block.outcome == BlockOutcome::failed && stop == StopAtFailure::yes) return;
    }
    waiting = std::move(still);
  }
  for (size_t position : waiting) {
    Error& error = *pass.blocks[position].error;
    if (tries > 1) error.detail = fmt::format("{} (after {} attempts)", std::strerror(error.code), tries);
  }
}

// Offlines `items` (blocks or block indexes; `state_of` gives an item's index and state): each
// block once, in order, then the busy ones again as retry_busy_blocks does. StopAtFailure::yes
// stops at the first failure that is not EBUSY, and after the rounds if any block stayed busy.
template<typename Item, typename StateOf>
BlockPass offline_pass(Sysfs& sysfs, const std::vector<Item>& items, StopAtFailure stop, const BusyRetry& retry,
                       const PassControl& control, StateOf state_of)
{
  BlockPass pass;
  std::vector<size_t> waiting;
  for (const auto& item : items) {
    if (stopped(control)) {
      pass.interrupted = true;
      return pass;
    }
    auto [index, state] = state_of(item);
    BlockResult result = state ? offline_once(sysfs, index, *state) : failed(index, state.error());
    if (cut_by_signal(result, control)) {
      pass.interrupted = true; // not counted: the block was not handled
      return pass;
    }
    pass.blocks.push_back(std::move(result));
    if (control.progress) control.progress(pass.blocks.size(), items.size());
    if (busy(pass.blocks.back())) waiting.push_back(pass.blocks.size() - 1);
    else if (pass.blocks.back().outcome == BlockOutcome::failed && stop == StopAtFailure::yes) return pass;
  }
  retry_busy_blocks(sysfs, pass, std::move(waiting), stop, retry, control);
  return pass;
}

// Runs `one` over `items` (blocks or block indexes) under `control`.
template<typename Item, typename One>
BlockPass run_pass(const std::vector<Item>& items, const PassControl& control, One one)
{
  BlockPass pass;
  for (const auto& item : items) {
    if (stopped(control)) {
      pass.interrupted = true;
      break;
    }
    pass.blocks.push_back(one(item));
    if (control.progress) control.progress(pass.blocks.size(), items.size());
  }
  return pass;
}

// Reads block `index`'s state, then does `one(index, state)`.
template<typename One>
BlockResult with_state(Sysfs& sysfs, uint64_t index, One one)
{
  auto state = read_block_state(sysfs, index);
  return state ? one(index, *state) : failed(index, state.error());
}

} // namespace

unsigned BlockPass::count(BlockOutcome outcome) const
{
  return static_cast<unsigned>(
    std::count_if(blocks.begin(), blocks.end(), [&](const BlockResult& b) { return b.outcome == outcome; }));
}

std::vector<uint64_t> BlockPass::changed() const
{
  std::vector<uint64_t> indexes;
  for (const auto& block : blocks) {
    if (block.outcome == BlockOutcome::changed) indexes.push_back(block.index);
  }
  return indexes;
}

BlockPass online_blocks(Sysfs& sysfs, const std::vector<MemoryBlock>& blocks, OnlineAs as,
                        const PassControl& control)
{
  return run_pass(blocks, control,
                  [&](const MemoryBlock& block) { return online_one(sysfs, block.index, block.state, as); });
}

BlockPass offline_blocks(Sysfs& sysfs, const std::vector<MemoryBlock>& blocks, StopAtFailure stop,
                         const BusyRetry& retry, const PassControl& control)
{
  return offline_pass(sysfs, blocks, stop, retry, control, [](const MemoryBlock& block) {
    return std::pair{block.index, Result<BlockState>(block.state)};
  });
}

BlockPass online_blocks(Sysfs& sysfs, const std::vector<uint64_t>& indexes, OnlineAs as)
{
  return run_pass(indexes, {}, [&](uint64_t index) {
    return with_state(sysfs, index, [&](uint64_t i, BlockState state) { return online_one(sysfs, i, state, as); });
  });
}

BlockPass offline_blocks(Sysfs& sysfs, const std::vector<uint64_t>& indexes, StopAtFailure stop,
                         const BusyRetry& retry)
{
  return offline_pass(sysfs, indexes, stop, retry, {},
                      [&](uint64_t index) { return std::pair{index, read_block_state(sysfs, index)}; });
}

} // namespace dax
