// The table renderer of cmd/ (compiled into the unit tests on its own: it needs no CLI parser).
#include "cmd/view/table.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

using namespace dax::cli;

namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;

Table sample()
{
  Table table({{"NAME", Align::left}, {"SIZE", Align::right}, {"STATE", Align::left}}, {"NAME", "SIZE", "STATE"});
  table.add_row({"dax0.0", "1006M", Cell("online", Style::good)});
  table.add_row({"dax10.1", "7G", Cell("offline", Style::warn)});
  return table;
}

} // namespace

TEST_CASE("human_size: lsmem's units, one decimal, rounded", "[table]")
{
  CHECK(human_size(0) == "0B");
  CHECK(human_size(1023) == "1023B");
  CHECK(human_size(KiB) == "1K");
  CHECK(human_size(128 * MiB) == "128M");
  CHECK(human_size(1006 * MiB) == "1006M");
  CHECK(human_size(7 * GiB) == "7G");
  CHECK(human_size(GiB + GiB / 2) == "1.5G");
  CHECK(human_size(2 * GiB - 40 * MiB) == "2G");        // 1.96G rounds up to a whole unit
  CHECK(human_size(1024 * KiB - 1) == "1024K");          // rounds up within the unit, as lsmem does
  CHECK(human_size(917504 * KiB + 100 * KiB) == "896.1M");
  CHECK(human_size(UINT64_MAX) == "16E");
}

TEST_CASE("Table: aligned columns, two spaces apart, no trailing blanks", "[table]")
{
  CHECK(sample().render(Colour::no) == "NAME      SIZE  STATE\n"
                                       "dax0.0   1006M  online\n"
                                       "dax10.1     7G  offline\n");
}

TEST_CASE("Table: -o picks and orders columns, any case", "[table]")
{
  Table table = sample();
  REQUIRE(table.select("state,Name"));
  CHECK(table.render(Colour::no) == "STATE    NAME\n"
                                    "online   dax0.0\n"
                                    "offline  dax10.1\n");
}

TEST_CASE("Table: an unknown or repeated column is refused, naming the valid ones", "[table]")
{
  Table table = sample();
  auto unknown = table.select("name,colour");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message() == "-o: unknown column 'COLOUR' (valid columns: NAME, SIZE, STATE)");
  auto twice = table.select("size,SIZE");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message() == "-o: column 'SIZE' given twice");
  auto empty = table.select("");
  REQUIRE_FALSE(empty);
  // A refused selection leaves the table as it was.
  CHECK(table.render(Colour::no) == sample().render(Colour::no));
}

TEST_CASE("Table: colour wraps the text, padding stays outside the escapes", "[table]")
{
  std::string out = sample().render(Colour::yes);
  CHECK(out == "\033[1mNAME      SIZE  STATE\033[0m\n"
               "dax0.0   1006M  \033[32monline\033[0m\n"
               "dax10.1     7G  \033[33moffline\033[0m\n");
}

TEST_CASE("Table: -o +COL appends to the default columns, as lsmem's", "[table]")
{
  Table table({{"NAME", Align::left}, {"SIZE", Align::right}, {"STATE", Align::left}}, {"NAME", "SIZE"});
  table.add_row({"dax0.0", "1006M", "online"});
  REQUIRE(table.select("+state"));
  CHECK(table.render(Colour::no) == "NAME     SIZE  STATE\n"
                                    "dax0.0  1006M  online\n");
  auto again = table.select("+size");
  REQUIRE_FALSE(again);
  CHECK(again.error().message() == "-o: column 'SIZE' is shown already");
  auto unknown = table.select("+bogus");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message() == "-o: unknown column 'BOGUS' (valid columns: NAME, SIZE, STATE)");
}

TEST_CASE("Table: --output-all shows every column in definition order", "[table]")
{
  Table table({{"NAME", Align::left}, {"SIZE", Align::right}, {"STATE", Align::left}}, {"STATE"});
  table.add_row({"dax0.0", "1006M", "online"});
  table.select_all();
  CHECK(table.render(Colour::no) == "NAME     SIZE  STATE\n"
                                    "dax0.0  1006M  online\n");
}

TEST_CASE("Table: -n leaves out the header, and the widths are the cells'", "[table]")
{
  Look look;
  look.headings = false;
  CHECK(sample().render(look) == "dax0.0   1006M  online\n"
                                 "dax10.1     7G  offline\n");
}

TEST_CASE("Table: -b prints size cells in bytes, other cells unchanged", "[table]")
{
  Table table({{"NAME", Align::left}, {"SIZE", Align::right}, {"LOST", Align::right}}, {"NAME", "SIZE", "LOST"});
  table.add_row({"dax0.0", Cell::size(1006 * MiB), Cell::size(std::nullopt)});
  CHECK(table.render(Colour::no) == "NAME     SIZE  LOST\n"
                                    "dax0.0  1006M     -\n");
  Look look;
  look.bytes = true;
  CHECK(table.render(look) == "NAME          SIZE  LOST\n"
                              "dax0.0  1054867456     -\n");
}

TEST_CASE("Table: --raw, one space apart, blanks and backslashes escaped as util-linux does", "[table]")
{
  Table table({{"NAME", Align::left}, {"WHY", Align::left}}, {"NAME", "WHY"});
  table.add_row({"dax0.0", "too small\\ here"});
  Look look;
  look.layout = Layout::raw;
  CHECK(table.render(look) == "NAME WHY\n"
                              "dax0.0 too\\x20small\\x5c\\x20here\n");
  look.headings = false;
  CHECK(table.render(look) == "dax0.0 too\\x20small\\x5c\\x20here\n");
}

TEST_CASE("Table: -P, NAME=\"value\" pairs, quotes and shell specials escaped, no header", "[table]")
{
  Table table({{"NAME", Align::left}, {"WHY", Align::left}}, {"NAME", "WHY"});
  table.add_row({"dax0.0", "say \"$x\" `y` a\\b"});
  Look look;
  look.layout = Layout::pairs;
  look.colour = Colour::yes; // never used for pairs: the caller turns it off, and render adds none
  CHECK(table.render(look) == "NAME=\"dax0.0\" WHY=\"say \\x22\\x24x\\x22 \\x60y\\x60 a\\x5cb\"\n");
}
