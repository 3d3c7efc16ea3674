#include "cmd/common/hints.hpp"

#include <fmt/format.h>

namespace dax::cli {

HintWords flag_hints()
{
  return [](Hint hint, const std::string& device) -> std::string {
    switch (hint) {
    case Hint::force: return "--force";
    case Hint::destroy_data_in_use: return "--destroy-data-in-use";
    case Hint::kernel_memory: return "--no-movable";
    case Hint::offline_memory: return fmt::format("dax offline {}", device);
    case Hint::to_devdax: return fmt::format("dax reconfigure -m devdax {}", device);
    case Hint::to_system_ram: return fmt::format("dax reconfigure -m system-ram {}", device);
    case Hint::disable_device: return fmt::format("dax disable-device {}", device);
    case Hint::set_size: return fmt::format("dax reconfigure -s SIZE {}", device);
    case Hint::list_regions: return "dax list -R";
    case Hint::list_mappings: return fmt::format("dax list -M -d {}", device);
    case Hint::devdax_only:
      return "enable-device and disable-device apply to devdax devices (dax reconfigure -m devdax changes the mode)";
    }
    return {};
  };
}

HintWords config_hints(const ApplyPlan& plan)
{
  return [&plan, flags = flag_hints()](Hint hint, const std::string& device) -> std::string {
    auto name = parse_device_name(device);
    const ConfigSection* section = name ? plan.section_of(*name) : nullptr;
    if (!section) return flags(hint, device);
    auto key = [&](std::string_view setting) {
      return fmt::format("{} in {} ({})", setting, section->header(), section->where());
    };
    switch (hint) {
    // apply never binds kmem over a device in use: only reconfigure does, when told to.
    case Hint::destroy_data_in_use:
      return fmt::format("dax reconfigure -m system-ram --destroy-data-in-use {} (apply never destroys data in use)",
                         device);
    case Hint::kernel_memory: return key("movable = no");
    default: return flags(hint, device);
    }
  };
}

} // namespace dax::cli
