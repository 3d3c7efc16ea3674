#include "core/base/words.hpp"

#include <fmt/format.h>

namespace dax {

std::string counted(uint64_t count, std::string_view noun)
{
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

} // namespace dax
