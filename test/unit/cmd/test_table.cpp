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
