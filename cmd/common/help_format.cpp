#include "cmd/common/help_format.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <sstream>

namespace dax::cli {

namespace {

constexpr size_t k_screen = 80;

class NarrowFormatter final : public CLI::Formatter
{
public:
  // Without CLI11's "Excludes: --online": the descriptions and the man pages say which switches
  // go in pairs.
  std::string make_option_opts(const CLI::Option* opt) const override
  {
    std::string opts = CLI::Formatter::make_option_opts(opt);
    if (!opt->get_excludes().empty()) opts.erase(std::min(opts.size(), opts.find(" " + get_label("Excludes") + ":")));
    return opts;
  }

  std::string make_option_desc(const CLI::Option* opt) const override
  {
    return wrap_text(opt->get_description(), description_width());
  }

  std::string make_subcommand(const CLI::App* sub) const override
  {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), wrap_text(sub->get_description(), description_width()),
                             get_column_width());
    return out.str();
  }

  std::string make_description(const CLI::App* app) const override
  {
    return wrap_text(CLI::Formatter::make_description(app), k_screen);
  }

  std::string make_footer(const CLI::App* app) const override
  {
    return wrap_text(CLI::Formatter::make_footer(app), k_screen);
  }

private:
  size_t description_width() const { return k_screen - get_column_width(); }
};

// The optimal string alignment distance of `a` and `b`: edits, a swap of two neighbours counting one.
size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t change = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + change});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

} // namespace

std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& names)
{
  size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& name : names) {
    size_t distance = edit_distance(word, name);
    if (distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string wrap_pieces(const std::vector<std::string>& pieces, size_t width, std::string_view line_break)
{
  std::string out;
  size_t column = 0;
  for (const auto& piece : pieces) {
    if (column > 0 && column + 1 + piece.size() > width) {
      out += line_break;
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += piece;
    column += piece.size();
  }
  return out;
}

std::string wrap_text(const std::string& text, size_t width)
{
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool first_paragraph = true;
  while (std::getline(paragraphs, paragraph)) {
    if (!first_paragraph) out += '\n';
    first_paragraph = false;
    std::istringstream words(paragraph);
    std::vector<std::string> pieces;
    for (std::string word; words >> word;) pieces.push_back(word);
    out += wrap_pieces(pieces, width, "\n");
  }
  if (!text.empty() && text.back() == '\n') out += '\n';
  return out;
}

std::shared_ptr<CLI::Formatter> narrow_formatter()
{
  return std::make_shared<NarrowFormatter>();
}

} // namespace dax::cli
