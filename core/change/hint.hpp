#pragma once

#include <functional>
#include <string>

namespace dax {

// What the user can do about a refusal or a failure. core names it; cmd/ words it for the command
// that ran (a flag or a dax command for reconfigure, online and offline; the configuration key and
// FILE:LINE for apply), so that a message never names a flag nobody typed.
enum class Hint {
  force,               // go ahead despite the check (devdax: offline the memory first)
  destroy_data_in_use, // bind kmem over a device a process uses, destroying its data
  kernel_memory,       // online as kernel memory instead of movable
  offline_memory,      // offline the device's memory blocks
  to_devdax,           // switch the device to devdax mode
  to_system_ram,       // switch the device to system-ram mode
  disable_device,      // unbind the device from device_dax
  set_size,            // give the device a size
  list_regions,        // see the regions
  list_mappings,       // see the device's ranges
  devdax_only,         // enable/disable act on devdax devices only, and how to switch
};

// The words for `hint` about device `device` (empty for hints about no device): "--force",
// "dax offline dax0.0", "movable = no in [device fast] (/etc/dax/dax.conf:3)".
using HintWords = std::function<std::string(Hint hint, const std::string& device)>;

// `words`' words for `hint`; empty when `words` is (a caller that gives no hints).
std::string word(const HintWords& words, Hint hint, const std::string& device = {});

} // namespace dax
