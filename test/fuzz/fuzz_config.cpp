// libFuzzer target: the configuration parser (core/config/config.hpp) on the whole input as one file.
// It must never crash; what it accepts must be well-formed (a name, a header line, a match key,
// online/movable only with system-ram defaults), and every error must name the file and a line
// of the input.

#include "core/config/config.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what, std::string_view input)
{
  std::fprintf(stderr, "fuzz_config: %s (input %zu bytes: '%.*s')\n", what, input.size(),
               static_cast<int>(std::min<size_t>(input.size(), 200)), input.data());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t lines = static_cast<size_t>(std::count(input.begin(), input.end(), '\n')) + 1;
  auto sections = dax::parse_config(input, "/f");
  if (!sections) {
    std::string message = sections.error().message();
    if (!message.starts_with("/f:")) fail("an error that does not name the file", input);
    size_t line = std::strtoul(message.c_str() + 3, nullptr, 10);
    if (line < 1 || line > lines) fail("an error on a line the input does not have", input);
    return 0;
  }
  for (const auto& section : *sections) {
    if (section.name.empty()) fail("a section without a name", input);
    if (section.line < 1 || section.line > lines) fail("a section on a line the input does not have", input);
    if (section.match.empty()) fail("a section without a match key", input);
    if (section.wanted.mode == dax::Mode::devdax &&
        (section.wanted.online != dax::OnlineAfter::yes || section.wanted.as != dax::OnlineAs::movable)) {
      fail("a devdax section with online or movable", input);
    }
  }
  auto again = dax::parse_config(input, "/f");
  if (!again || again->size() != sections->size()) fail("parsing twice gives another answer", input);
  return 0;
}
