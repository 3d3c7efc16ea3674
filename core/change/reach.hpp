#pragma once

#include "core/change/kmem_bind.hpp"
#include "core/change/operations.hpp"
#include "core/model/device_memory.hpp"

#include <map>
#include <string>
#include <vector>

namespace dax {

// Outcome truth for a system-ram device's memory: what was asked, made so where the kernel
// allows, then read back. A prediction never decides the verdict; the blocks read afterwards do.

// Whether an online block (read with its zone) is in the zone `as` asks for: Movable, or any
// kernel zone (Normal, DMA32, DMA).
bool in_zone(const MemoryBlock& block, OnlineAs as);

// How blocks differ from a request: not in the state asked (offline, not present, or online when
// offline was asked), or online but in the other zone.
enum class BlockWrong { state, zone };

struct WrongBlocks
{
  BlockWrong why = BlockWrong::state;
  std::vector<uint64_t> indexes; // ascending
};

// The blocks of `memory`'s plan that are not as `request` asks, by how they are ("offline", "not
// present", "going-offline", "online in Normal"); empty when every block is as asked. Blocks of the
// plan that are not present count as offline (an unplugged device).
std::map<std::string, WrongBlocks> wrong_blocks(const DeviceMemory& memory, uint64_t block_size, MemoryRequest request);

// What of `memory` is not as `request` asks ("memory33-35 are online in Normal; memory36 is
// offline"), or empty when every block of its plan is as asked. Blocks of the plan that are not
// present count as offline (an unplugged device).
std::string mismatch(const DeviceMemory& memory, uint64_t block_size, MemoryRequest request);

// "memory34: write 'offline' to ...: Device or resource busy; memory35: ...".
std::string describe_failures(const BlockPass& pass);

// The error of the first block a pass failed on (a pass that failed has one).
Error first_failure(const BlockPass& pass);

// What an administrator can do about blocks that stayed busy (". The kernel could not move..."), or "".
std::string busy_advice(const BlockPass& pass);

// "interrupted after 1200 of 32768 memory blocks: ..." for a pass `control` stopped.
std::string describe_interrupted(const BlockPass& pass, size_t total, std::string_view state);

// Brings the memory of system-ram `device` to `request` and reads it back: offline blocks are
// onlined as asked (an unplugged device is plugged in one write to daxX.Y/state); blocks online
// in the other zone are moved (offlined and onlined again as asked, one at a time so that at most
// one block is away; all at once through daxX.Y/state where the kernel has it, which does all or
// nothing); for OnlineAfter::no online blocks are offlined. Fails, saying exactly which blocks are
// left how, unless every block reads back as asked. The pass lists every block it changed.
Result<BlockPass> reach_request(Context& ctx, const Device& device, uint64_t block_size, MemoryRequest request);

// Fails unless `name` is bound to `driver` now (read back after a switch).
Result<void> check_driver(Sysfs& sysfs, const DeviceName& name, Driver driver);

} // namespace dax
