#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class Formatter;
}

namespace dax::cli {

// The help screens fit an 80-column terminal: descriptions are wrapped under their column,
// the header and footer at 80 (CLI11 2.3 does not wrap).
std::shared_ptr<CLI::Formatter> narrow_formatter();

// `pieces` joined by spaces, a line broken (with `line_break`) before a piece that would pass
// `width` columns.
std::string wrap_pieces(const std::vector<std::string>& pieces, size_t width, std::string_view line_break);

// The name among `names` closest to `word`, a mistyped one ('lst' for 'list', 'stauts' for
// 'status'): the fewest edits (insert, delete, change or swap two neighbours), within a third of
// `word`'s length (at least 1); nullopt when none is that close.
std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& names);

// `text` wrapped at `width` columns (at spaces), continuation lines joined with "\n".
std::string wrap_text(const std::string& text, size_t width);

} // namespace dax::cli
