#pragma once

#include "core/config/config.hpp"
#include "core/model/identity.hpp"

namespace dax {

// Whether `identity` has every identity `match` names.
bool matches(const DeviceMatch& match, const DeviceIdentity& identity);

// The section that says what `identity` should be: null when none matches. Sections that match
// it and want different states are an error naming both, so that no file silently wins.
Result<const ConfigSection*> find_section(const Config& config, const DeviceIdentity& identity);

} // namespace dax
