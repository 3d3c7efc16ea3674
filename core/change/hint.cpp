#include "core/change/hint.hpp"

namespace dax {

std::string word(const HintWords& words, Hint hint, const std::string& device)
{
  return words ? words(hint, device) : std::string();
}

} // namespace dax
