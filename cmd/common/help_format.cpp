#include "cmd/common/help_format.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

namespace dax::cli {

namespace {

constexpr size_t k_screen = 80;

class NarrowFormatter final : public CLI::Formatter
{
public:
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

} // namespace

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
