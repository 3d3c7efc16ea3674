#include "core/config/match.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dax {

bool matches(const DeviceMatch& match, const DeviceIdentity& identity)
{
  if (match.device && *match.device != identity.name) return false;
  if (match.region && *match.region != identity.region) return false;
  if (match.resource && lowest_start(identity.ranges) != match.resource) return false;
  if (match.range && contiguous(identity.ranges) != match.range) return false;
  if (match.nvdimm_uuid && std::find(identity.nvdimm_uuids.begin(), identity.nvdimm_uuids.end(),
                                     *match.nvdimm_uuid) == identity.nvdimm_uuids.end()) {
    return false;
  }
  if (match.cxl_region && match.cxl_region != identity.cxl_region) return false;
  return true;
}

Result<const ConfigSection*> find_section(const Config& config, const DeviceIdentity& identity)
{
  const ConfigSection* found = nullptr;
  for (const auto& section : config.sections) {
    if (!matches(section.match, identity)) continue;
    if (found && !found->wanted.same_as(section.wanted)) {
      return std::unexpected(logic_error(
        "", section.where(),
        fmt::format("{} and {} ({}) both match {} but want different states ({} / {})", section.header(),
                    found->header(), found->where(), identity.name.str(), describe(section.wanted),
                    describe(found->wanted))));
    }
    if (!found) found = &section;
  }
  return found;
}

} // namespace dax
