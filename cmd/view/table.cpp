#include "cmd/view/table.hpp"

#include "core/base/parse.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace dax::cli {

namespace {

std::string upper(std::string_view text)
{
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return result;
}

// The SGR parameter of each style (ECMA-48); plain has none.
std::string_view sgr(Style style)
{
  switch (style) {
  case Style::plain: return "";
  case Style::good: return "32";
  case Style::warn: return "33";
  case Style::bad: return "31";
  case Style::dim: return "2";
  }
  return "";
}

std::string wrap(std::string_view text, std::string_view code, Colour colour)
{
  if (colour == Colour::no || code.empty() || text.empty()) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

} // namespace

Colour stdout_colour()
{
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return Colour::no;
  return isatty(STDOUT_FILENO) == 1 ? Colour::yes : Colour::no;
}

std::string bold(std::string_view text, Colour colour)
{
  return wrap(text, "1", colour);
}

std::string styled(std::string_view text, Style style, Colour colour)
{
  return wrap(text, sgr(style), colour);
}

Table::Table(std::vector<Column> columns, const std::vector<std::string>& shown) : m_columns(std::move(columns))
{
  for (const auto& name : shown) {
    auto it = std::find_if(m_columns.begin(), m_columns.end(), [&](const Column& c) { return c.name == name; });
    if (it != m_columns.end()) m_shown.push_back(static_cast<size_t>(it - m_columns.begin()));
  }
}

std::string Table::column_names() const
{
  std::string names;
  for (const auto& column : m_columns) {
    if (!names.empty()) names += ", ";
    names += column.name;
  }
  return names;
}

Result<void> Table::select(std::string_view list)
{
  std::vector<size_t> shown;
  while (true) {
    size_t comma = list.find(',');
    std::string name = upper(list.substr(0, comma));
    auto it = std::find_if(m_columns.begin(), m_columns.end(), [&](const Column& c) { return c.name == name; });
    if (it == m_columns.end()) {
      return std::unexpected(logic_error("", "-o", fmt::format("unknown column '{}' (valid columns: {})",
                                                               printable(name, 32), column_names())));
    }
    auto index = static_cast<size_t>(it - m_columns.begin());
    if (std::find(shown.begin(), shown.end(), index) != shown.end()) {
      return std::unexpected(logic_error("", "-o", fmt::format("column '{}' given twice", name)));
    }
    shown.push_back(index);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  m_shown = std::move(shown);
  return {};
}

void Table::add_row(std::vector<Cell> cells)
{
  cells.resize(m_columns.size(), Cell(""));
  // Cells come from sysfs and /proc: no control character reaches the terminal.
  for (auto& cell : cells) cell.text = escape_controls(cell.text);
  m_rows.push_back(std::move(cells));
}

std::string Table::render(Colour colour) const
{
  std::vector<size_t> widths;
  for (size_t index : m_shown) {
    size_t width = m_columns[index].name.size();
    for (const auto& row : m_rows) width = std::max(width, row[index].text.size());
    widths.push_back(width);
  }
  // One line: each cell padded to its column's width, then styled, so escapes take no width.
  auto line = [&](auto cell_of) {
    std::string out;
    for (size_t i = 0; i < m_shown.size(); ++i) {
      const Column& column = m_columns[m_shown[i]];
      Cell cell = cell_of(m_shown[i]);
      bool last = i + 1 == m_shown.size();
      size_t pad = widths[i] - cell.text.size();
      if (i > 0) out += "  ";
      if (column.align == Align::right) out += std::string(pad, ' ');
      out += styled(cell.text, cell.style, colour);
      if (column.align == Align::left && !last) out += std::string(pad, ' ');
    }
    return out + "\n";
  };
  std::string header = line([&](size_t index) { return Cell(m_columns[index].name); });
  std::string out = colour == Colour::yes ? bold(header.substr(0, header.size() - 1), colour) + "\n" : header;
  for (const auto& row : m_rows) out += line([&](size_t index) { return row[index]; });
  return out;
}

std::string human_size(uint64_t bytes)
{
  static constexpr std::array<char, 7> units{'B', 'K', 'M', 'G', 'T', 'P', 'E'};
  unsigned exp = 0;
  while (exp + 1 < units.size() && (bytes >> (10 * (exp + 1))) > 0) ++exp;
  if (exp == 0) return fmt::format("{}B", bytes);
  uint64_t whole = bytes >> (10 * exp);
  // The remainder in units of the next smaller unit (< 1024), rounded to tenths as lsmem does.
  uint64_t rest = (bytes & ((uint64_t(1) << (10 * exp)) - 1)) >> (10 * (exp - 1));
  uint64_t tenths = (rest * 10 + 512) / 1024;
  if (tenths == 10) {
    ++whole;
    tenths = 0;
  }
  if (tenths == 0) return fmt::format("{}{}", whole, units[exp]);
  return fmt::format("{}.{}{}", whole, tenths, units[exp]);
}

std::string human_size(const std::optional<uint64_t>& bytes)
{
  return bytes ? human_size(*bytes) : k_none;
}

} // namespace dax::cli
