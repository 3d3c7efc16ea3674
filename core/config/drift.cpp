#include "core/config/drift.hpp"

#include "core/change/reach.hpp"
#include "core/model/device_memory.hpp"

#include <algorithm>

namespace dax {

std::string_view to_string(DriftReason reason)
{
  switch (reason) {
  case DriftReason::mode: return "mode";
  case DriftReason::driver: return "driver";
  case DriftReason::online: return "online";
  case DriftReason::zone: return "zone";
  }
  return "?";
}

Result<std::vector<DriftReason>> read_drift(Sysfs& sysfs, const Device& device, const WantedState& wanted)
{
  if (device.mode() != wanted.mode) return std::vector{DriftReason::mode};
  if (device.driver != driver_of(wanted.mode)) return std::vector{DriftReason::driver};
  if (wanted.mode != Mode::system_ram) return std::vector<DriftReason>{};
  auto block_size = read_block_size(sysfs);
  if (!block_size) return std::unexpected(block_size.error());
  auto memory = read_device_memory(sysfs, device, *block_size, WithZone::yes);
  if (!memory) return std::unexpected(on_device(device.name.str(), memory.error()));
  std::vector<DriftReason> reasons;
  for (const auto& [how, blocks] : wrong_blocks(*memory, *block_size, {wanted.online, wanted.as})) {
    DriftReason reason = blocks.why == BlockWrong::zone ? DriftReason::zone : DriftReason::online;
    if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) reasons.push_back(reason);
  }
  return reasons;
}

} // namespace dax
