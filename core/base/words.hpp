#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dax {

// A count with its noun, singular for one: "1 memory block", "7 memory blocks", "0 devices".
// `noun` is the singular; the plural adds "s" (every noun dax counts takes it).
std::string counted(uint64_t count, std::string_view noun);

} // namespace dax
