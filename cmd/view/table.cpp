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
  // lsmem: "If the specified list starts with '+', the columns are appended to the default list".
  bool append = list.starts_with('+');
  if (append) list.remove_prefix(1);
  std::vector<size_t> shown = append ? m_shown : std::vector<size_t>{};
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
      bool shown_by_default = append && std::find(m_shown.begin(), m_shown.end(), index) != m_shown.end();
      std::string_view why = shown_by_default ? "is shown already" : "given twice";
      return std::unexpected(logic_error("", "-o", fmt::format("column '{}' {}", name, why)));
    }
    shown.push_back(index);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  m_shown = std::move(shown);
  return {};
}

void Table::select_all()
{
  m_shown.clear();
  for (size_t index = 0; index < m_columns.size(); ++index) m_shown.push_back(index);
}

void Table::add_row(std::vector<Cell> cells)
{
  cells.resize(m_columns.size(), Cell(""));
  // Cells come from sysfs and /proc: no control character reaches the terminal.
  for (auto& cell : cells) cell.text = escape_controls(cell.text);
  m_rows.push_back(std::move(cells));
}

std::string Table::text(const std::vector<Cell>* row, size_t index, const Look& look) const
{
  if (row == nullptr) return m_columns[index].name;
  const Cell& cell = (*row)[index];
  return look.bytes && cell.bytes ? std::to_string(*cell.bytes) : cell.text;
}

std::string Table::render_aligned(const Look& look) const
{
  std::vector<size_t> widths;
  for (size_t index : m_shown) {
    size_t width = look.headings ? m_columns[index].name.size() : 0;
    for (const auto& row : m_rows) width = std::max(width, text(&row, index, look).size());
    widths.push_back(width);
  }
  // One line: each cell padded to its column's width, then styled, so escapes take no width.
  auto line = [&](const std::vector<Cell>* row) {
    std::string out;
    for (size_t i = 0; i < m_shown.size(); ++i) {
      const Column& column = m_columns[m_shown[i]];
      std::string cell = text(row, m_shown[i], look);
      Style style = row == nullptr ? Style::plain : (*row)[m_shown[i]].style;
      bool last = i + 1 == m_shown.size();
      size_t pad = widths[i] - cell.size();
      if (i > 0) out += "  ";
      if (column.align == Align::right) out += std::string(pad, ' ');
      out += styled(cell, style, look.colour);
      if (column.align == Align::left && !last) out += std::string(pad, ' ');
    }
    return out;
  };
  std::string out = look.headings ? bold(line(nullptr), look.colour) + "\n" : std::string();
  for (const auto& row : m_rows) out += line(&row) + "\n";
  return out;
}

namespace {

// util-linux's escaping of a cell: --raw escapes blanks, backslashes and what is not printable
// (fputs_nonblank); --pairs quotes the value and escapes quotes, backslashes, '`', '$' and what
// is not printable (fputs_quoted), each as \xHH.
std::string escape_cell(std::string_view text, Layout layout)
{
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool special = c < 0x20 || c >= 0x7f || c == '\\' ||
                   (layout == Layout::raw ? (c == ' ' || c == '\t') : (c == '"' || c == '`' || c == '$'));
    out += special ? fmt::format("\\x{:02x}", c) : std::string(1, static_cast<char>(c));
  }
  return layout == Layout::pairs ? fmt::format("\"{}\"", out) : out;
}

} // namespace

std::string Table::render(const Look& look) const
{
  if (look.layout == Layout::aligned) return render_aligned(look);
  auto line = [&](const std::vector<Cell>* row) {
    std::string out;
    for (size_t index : m_shown) {
      if (!out.empty()) out += ' ';
      if (look.layout == Layout::pairs) out += m_columns[index].name + "=";
      out += escape_cell(text(row, index, look), look.layout);
    }
    return out + "\n";
  };
  // Pairs name every value: no header line, as lsmem -P prints none.
  std::string out = look.headings && look.layout == Layout::raw ? line(nullptr) : std::string();
  for (const auto& row : m_rows) out += line(&row);
  return out;
}

Cell Cell::size(std::optional<uint64_t> bytes, Style style)
{
  Cell cell(human_size(bytes), style);
  cell.bytes = bytes;
  return cell;
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
