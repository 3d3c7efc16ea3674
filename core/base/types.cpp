#include "core/base/types.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace dax {

namespace {

constexpr std::array<std::pair<Zone, std::string_view>, 7> k_zone_names{{
  {Zone::dma, "DMA"},
  {Zone::dma32, "DMA32"},
  {Zone::normal, "Normal"},
  {Zone::highmem, "HighMem"},
  {Zone::movable, "Movable"},
  {Zone::device, "Device"},
  {Zone::none, "none"},
}};

} // namespace

std::string DeviceName::str() const
{
  return fmt::format("dax{}.{}", region, instance);
}

std::string_view to_string(OnlineAs as)
{
  return as == OnlineAs::movable ? "online_movable" : "online_kernel";
}

std::string_view to_string(Zone zone)
{
  for (const auto& [value, name] : k_zone_names) {
    if (value == zone) return name;
  }
  return "?";
}

std::optional<Zone> parse_zone(std::string_view name)
{
  for (const auto& [value, known] : k_zone_names) {
    if (known == name) return value;
  }
  return std::nullopt;
}

} // namespace dax
