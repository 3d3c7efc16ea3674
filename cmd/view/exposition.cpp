#include "cmd/view/exposition.hpp"

#include "core/base/parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace dax::cli {

std::string escape_label_value(std::string_view raw)
{
  // Control characters and invalid UTF-8 as \xNN text first (the format needs UTF-8 and has no
  // escape for them), then the format's own three escapes.
  std::string value = escape_controls(raw);
  std::string escaped;
  for (char c : value) {
    if (c == '\\') escaped += "\\\\";
    else if (c == '"') escaped += "\\\"";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  return escaped;
}

void Exposition::gauge(std::string name, std::string help)
{
  m_families.push_back({std::move(name), std::move(help), {}});
}

void Exposition::add(std::string_view name, std::vector<Label> labels, uint64_t value)
{
  auto family = std::find_if(m_families.begin(), m_families.end(), [&](const Family& f) { return f.name == name; });
  // A family is declared by the code next to its samples: a missing one is a programming error.
  if (family == m_families.end()) throw std::logic_error(fmt::format("metric {} not declared", name));
  std::string line(name);
  if (!labels.empty()) {
    std::vector<std::string> pairs;
    for (const auto& [label, value_text] : labels) {
      pairs.push_back(fmt::format("{}=\"{}\"", label, escape_label_value(value_text)));
    }
    line += fmt::format("{{{}}}", fmt::join(pairs, ","));
  }
  family->samples.push_back(fmt::format("{} {}", line, value));
}

std::string Exposition::render() const
{
  std::string text;
  for (const auto& family : m_families) {
    if (family.samples.empty()) continue;
    text += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, family.help, family.name);
    for (const auto& sample : family.samples) text += sample + "\n";
  }
  return text;
}

} // namespace dax::cli
