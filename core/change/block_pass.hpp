#pragma once

#include "core/base/error.hpp"
#include "core/base/types.hpp"
#include "core/kernel/sysfs.hpp"
#include "core/model/memory.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace dax {

// What happened to one block in an online or offline pass.
enum class BlockOutcome { changed, already, failed };

struct BlockResult
{
  uint64_t index = 0;
  BlockOutcome outcome = BlockOutcome::failed;
  std::optional<Error> error; // set when failed
};

// The per-block results of a pass over a device's blocks, in the order they were handled.
struct BlockPass
{
  // Blocks in the order they were first tried; a block retried later keeps its place.
  std::vector<BlockResult> blocks;
  bool interrupted = false; // stopped early by PassControl::stop; `blocks` says how far it got

  unsigned count(BlockOutcome outcome) const;
  bool ok() const { return count(BlockOutcome::failed) == 0; }
  std::vector<uint64_t> changed() const; // indexes of the blocks this pass changed
};

// What a long pass asks between blocks: whether to stop now (Ctrl-C), and where to say how far
// it got (a progress line on a terminal). Both may be empty.
struct PassControl
{
  std::function<bool()> stop;
  std::function<void(size_t done, size_t total)> progress;
};

// Onlines each block of `indexes` that is offline, as `as`; an online block is left alone
// ("already"). Continues past failures so that every block is reported. Before writing
// `online_movable` it checks that `valid_zones` offers Movable.
BlockPass online_blocks(Sysfs& sysfs, const std::vector<uint64_t>& indexes, OnlineAs as);

// The same for blocks whose state was just read (read_device_memory): their `state` is not read
// again, except after a failed write, to tell a race from a failure.
BlockPass online_blocks(Sysfs& sysfs, const std::vector<MemoryBlock>& blocks, OnlineAs as,
                        const PassControl& control);

// How often to try again when offlining fails with EBUSY (pages still being migrated): up to
// `attempts` tries in all, waiting `first_delay`, then twice as long each time, through `sleep`
// (injected so that tests do not wait).
struct BusyRetry
{
  unsigned attempts = 1;
  std::chrono::milliseconds first_delay{0};
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Runs `attempt` until it succeeds, fails with an error other than EBUSY, or `retry.attempts`
// tries were made, sleeping between tries as `retry` says; a last failure says how many tries.
Result<void> with_busy_retry(const BusyRetry& retry, const std::function<Result<void>()>& attempt);

// Offlines each online block of `indexes`. A block that is busy (EBUSY: pages still being
// migrated) is tried again after the others, all busy blocks together in rounds, waiting as
// `retry` says before each round: the retry budget is per pass, not per block. With
// `StopAtFailure::yes` it stops at the first other failure, or after the rounds when a block
// stayed busy (used before hot-remove, where going on is pointless); otherwise it reports every block.
enum class StopAtFailure { no, yes };
BlockPass offline_blocks(Sysfs& sysfs, const std::vector<uint64_t>& indexes, StopAtFailure stop,
                         const BusyRetry& retry);

// The same for blocks whose state was just read (read_device_memory).
BlockPass offline_blocks(Sysfs& sysfs, const std::vector<MemoryBlock>& blocks, StopAtFailure stop,
                         const BusyRetry& retry, const PassControl& control);

} // namespace dax
