#include "cmd/help_format.hpp"

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

std::string wrap_text(const std::string& text, size_t width)
{
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool first_paragraph = true;
  while (std::getline(paragraphs, paragraph)) {
    if (!first_paragraph) out += '\n';
    first_paragraph = false;
    size_t column = 0;
    std::istringstream words(paragraph);
    std::string word;
    while (words >> word) {
      if (column > 0 && column + 1 + word.size() > width) {
        out += '\n';
        column = 0;
      } else if (column > 0) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word.size();
    }
  }
  if (!text.empty() && text.back() == '\n') out += '\n';
  return out;
}

std::shared_ptr<CLI::Formatter> narrow_formatter()
{
  return std::make_shared<NarrowFormatter>();
}

} // namespace dax::cli
