#pragma once

#include "core/base/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dax::cli {

// How the commands that print devices print them.
enum class Format { table, json };

// Whether escape sequences for colour may be printed.
enum class Colour { no, yes };

// Colour on standard output: only on a terminal, and not when NO_COLOR is set to a non-empty
// value (no-color.org).
Colour stdout_colour();

// How a column's cells line up: text left, numbers and sizes right.
enum class Align { left, right };

// One column a table can show: the name -o selects it by (case-insensitive), its alignment.
struct Column
{
  std::string name;
  Align align = Align::left;
};

// How a cell looks on a colour terminal: state words in colour, everything else plain.
enum class Style { plain, good, warn, bad, dim };

struct Cell
{
  std::string text;
  Style style = Style::plain;
  std::optional<uint64_t> bytes; // a size: its text is human_size(bytes), or the bytes with -b

  Cell(std::string t, Style s = Style::plain) : text(std::move(t)), style(s) {}
  Cell(const char* t, Style s = Style::plain) : text(t), style(s) {}

  // A size cell: "1006M", or the bytes when the table is printed with -b; "-" when unknown.
  static Cell size(std::optional<uint64_t> bytes, Style style = Style::plain);
};

// How the lines of a table are laid out, as lsmem's options name them: aligned columns (the
// default), --raw (one space between cells, blanks and specials as \xHH) or -P/--pairs
// (NAME="value", specials as \xHH).
enum class Layout { aligned, raw, pairs };

// How a table is printed: colour, layout, -n/--noheadings and -b/--bytes.
struct Look
{
  Colour colour = Colour::no;
  Layout layout = Layout::aligned;
  bool headings = true;
  bool bytes = false;
};

// A table with aligned columns, like lsmem's: a header of column names, one line per row,
// columns two spaces apart, no trailing blanks. Rows give a cell for every column defined;
// `select` picks which are shown and in which order.
class Table
{
public:
  // `columns`: every column rows fill, in that order; `shown`: the default selection (names).
  Table(std::vector<Column> columns, const std::vector<std::string>& shown);

  // Shows the comma-separated columns of `list` (an -o argument); a list starting with '+' is
  // appended to the columns shown (lsmem's -o +COL). An unknown or repeated name is bad input:
  // the error names it and lists the valid ones.
  Result<void> select(std::string_view list);

  // Shows every column, in definition order (--output-all).
  void select_all();

  // Appends a row: one cell per column, in definition order.
  void add_row(std::vector<Cell> cells);

  bool empty() const { return m_rows.empty(); }

  // The header and the rows, each line ending in a newline.
  std::string render(Colour colour) const { return render(Look{colour}); }
  std::string render(const Look& look) const;

  // "DEVICE, SIZE, MODE": every column name, for help texts.
  std::string column_names() const;

  // Every column, in definition order.
  const std::vector<Column>& columns() const { return m_columns; }

private:
  // The text of a row's cell (or of the header when `row` is null) as `look` prints it.
  std::string text(const std::vector<Cell>* row, size_t index, const Look& look) const;
  std::string render_aligned(const Look& look) const;

  std::vector<Column> m_columns;
  std::vector<size_t> m_shown; // indexes into m_columns
  std::vector<std::vector<Cell>> m_rows;
};

// A size as lsmem prints it: the largest binary unit with at most one decimal, the unit as one
// letter ("128M", "1006M", "7G", "1.5G", "512K", "100B"). Sizes below 1 KiB in bytes.
std::string human_size(uint64_t bytes);

// human_size, or "-" when the size is unknown.
std::string human_size(const std::optional<uint64_t>& bytes);

// "-" for an absent value, as lsmem and lsblk leave empty cells readable.
inline constexpr const char* k_none = "-";

// `text` in bold when `colour` says so (headings above tables in views).
std::string bold(std::string_view text, Colour colour);

// `text` in the colour of `style`, or unchanged when `colour` is no.
std::string styled(std::string_view text, Style style, Colour colour);

} // namespace dax::cli
