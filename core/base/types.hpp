#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dax {

// The words of the domain that core, cmd/ and the configuration share, without their behaviour.

// A device name, "daxX.Y", split into its region id X and instance Y.
struct DeviceName
{
  unsigned region = 0;
  unsigned instance = 0;

  std::string str() const;
  auto operator<=>(const DeviceName&) const = default;
};

// Whether to online the blocks after binding kmem.
enum class OnlineAfter { yes, no };

// How to online a block: what is written to `state`.
enum class OnlineAs { movable, kernel };

// "online_movable" / "online_kernel": explicit zones, never plain "online", whose zone the
// kernel's online_policy picks (auto-movable may give Movable).
std::string_view to_string(OnlineAs as);

// The zone of an online memory block, as its `valid_zones` names it (the kernel's zone_names;
// "none" when the block spans zones). One name table, as util-linux chmem.c has.
enum class Zone { dma, dma32, normal, highmem, movable, device, none };

std::string_view to_string(Zone zone); // "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device", "none"

// The zone called `name` exactly, or nullopt.
std::optional<Zone> parse_zone(std::string_view name);

} // namespace dax
