#include "test/unit/support/fake_kernel.hpp"

#include "core/model/hotplug.hpp"

#include <catch2/catch.hpp>

using namespace dax;
using dax::test::GiB;
using dax::test::MiB;

namespace {

constexpr uint64_t k_block = 128 * MiB;

} // namespace

TEST_CASE("plan_hotplug: the nfit device loses its partial first block", "[hotplug]")
{
  std::vector<Range> ranges{{0x101200000, 1054867456}};
  HotplugPlan plan = plan_hotplug(ranges, k_block);
  CHECK(plan.ranges == std::vector<Range>{{0x108000000, 7 * k_block}});
  CHECK(plan.device_bytes == 1054867456U);
  CHECK(plan.hotplug_bytes == 7 * k_block);
  CHECK(plan.lost_bytes() == 0x108000000U - 0x101200000U);
  CHECK_FALSE(plan.empty());
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{33, 34, 35, 36, 37, 38, 39});
}

TEST_CASE("plan_hotplug: e820 range below 4 GiB", "[hotplug]")
{
  HotplugPlan plan = plan_hotplug({{0x41200000, 0x40000000 - 0x1200000}}, k_block);
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{9, 10, 11, 12, 13, 14, 15});
}

TEST_CASE("plan_hotplug: start rounded up and end rounded down", "[hotplug]")
{
  // 0x100100000 .. 0x118500000: blocks 33 and 34 whole, the ends partial.
  HotplugPlan plan = plan_hotplug({{0x100100000, 0x118500000 - 0x100100000}}, k_block);
  CHECK(plan.ranges == std::vector<Range>{{0x108000000, 2 * k_block}});
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{33, 34});
  CHECK(plan.lost_bytes() == (0x108000000U - 0x100100000U) + 5 * MiB);
}

TEST_CASE("plan_hotplug: an aligned range is taken whole", "[hotplug]")
{
  HotplugPlan plan = plan_hotplug({{0x100000000, 2 * k_block}}, k_block);
  CHECK(plan.ranges == std::vector<Range>{{0x100000000, 2 * k_block}});
  CHECK(plan.lost_bytes() == 0U);
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{32, 33});
}

TEST_CASE("plan_hotplug: tiny devices hold no whole block", "[hotplug]")
{
  auto range = GENERATE(Range{0x100000000, 2 * MiB},          // aligned but small
                        Range{0x107f00000, 2 * MiB},          // crosses a block boundary
                        Range{0x100100000, k_block},          // one block long, unaligned
                        Range{0x100000000, 0},                // empty
                        Range{0x108000000, k_block - 1});     // one byte short
  HotplugPlan plan = plan_hotplug({range}, k_block);
  CHECK(plan.empty());
  CHECK(plan.hotplug_bytes == 0U);
  CHECK(plan.lost_bytes() == range.size);
  CHECK(block_indexes(plan, k_block).empty());
}

TEST_CASE("plan_hotplug: several mappings, each aligned on its own", "[hotplug]")
{
  std::vector<Range> ranges{{0x100000000, k_block + 4 * MiB},   // block 32 + 4 MiB
                            {0x110200000, 16 * MiB},            // nothing whole
                            {0x120000000 + MiB, 3 * k_block}};  // 36, 37 (start rounded up)
  HotplugPlan plan = plan_hotplug(ranges, k_block);
  CHECK(plan.ranges == std::vector<Range>{{0x100000000, k_block}, {0x128000000, 2 * k_block}});
  CHECK(plan.device_bytes == k_block + 4 * MiB + 16 * MiB + 3 * k_block);
  CHECK(plan.hotplug_bytes == 3 * k_block);
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{32, 37, 38});
}

TEST_CASE("block_indexes: ascending even when mappings are not in address order", "[hotplug]")
{
  // Dynamic regions can give mapping0 a higher address than mapping1.
  HotplugPlan plan = plan_hotplug({{0x200000000, k_block}, {0x100000000, k_block}}, k_block);
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{32, 64});
}

TEST_CASE("plan_hotplug: 2 GiB blocks", "[hotplug]")
{
  constexpr uint64_t block = 2 * GiB;
  HotplugPlan plan = plan_hotplug({{4 * GiB + 18 * MiB, 8 * GiB}}, block);
  CHECK(plan.ranges == std::vector<Range>{{6 * GiB, 6 * GiB}});
  CHECK(block_indexes(plan, block) == std::vector<uint64_t>{3, 4, 5});
  CHECK(plan_hotplug({{0x101200000, 1054867456}}, block).empty());
}

TEST_CASE("explain_empty_plan names the device, the range and the block size", "[hotplug]")
{
  CHECK(explain_empty_plan({0, 0}, {{0x101200000, 1054867456}}, 2 * GiB) ==
        "dax0.0: 1006 MiB range 0x101200000-0x13fffffff holds no whole 2 GiB memory block");
  CHECK(explain_empty_plan({1, 2}, {{0x40000000, 256 * MiB}}, 2 * GiB) ==
        "dax1.2: 256 MiB range 0x40000000-0x4fffffff holds no whole 2 GiB memory block");
  CHECK(explain_empty_plan({0, 1}, {{0x100000000, 2 * MiB}, {0x107f00000, 4 * MiB}}, k_block) ==
        "dax0.1: 2 MiB range 0x100000000-0x1001fffff, 4 MiB range 0x107f00000-0x1082fffff "
        "holds no whole 128 MiB memory block");
  CHECK(explain_empty_plan({0, 0}, {}, k_block) == "dax0.0: the device has no address range to hot-add");
}

TEST_CASE("format_binary_size uses the largest unit that divides the size", "[hotplug]")
{
  CHECK(format_binary_size(512 * MiB) == "512 MiB");
  CHECK(format_binary_size(2 * GiB) == "2 GiB");
  CHECK(format_binary_size(1054867456) == "1006 MiB");
  CHECK(format_binary_size(4096) == "4 KiB");
  CHECK(format_binary_size(128 * MiB) == "128 MiB");
  CHECK(format_binary_size(1024 * GiB) == "1 TiB");
  CHECK(format_binary_size(3 * GiB + 512 * MiB) == "3584 MiB");
  CHECK(format_binary_size(1536) == "1536 bytes");
  CHECK(format_binary_size(0x38000000) == "896 MiB");
}

TEST_CASE("plan_hotplug and block_indexes at the top of the 64-bit address space", "[hotplug]")
{
  // A range ending at the last address: end() wraps to 0, the blocks are counted, not compared.
  std::vector<Range> top{{0xfffffffff8000000, k_block}};
  HotplugPlan plan = plan_hotplug(top, k_block);
  REQUIRE(plan.ranges.size() == 1);
  CHECK(block_indexes(plan, k_block) == std::vector<uint64_t>{0xfffffffff8000000 / k_block});
  // A start that rounds up past the top must not wrap to memory0.
  std::vector<Range> wraps{{0xfffffffff8000001, 0x10000000}};
  CHECK(plan_hotplug(wraps, k_block).empty());
}
