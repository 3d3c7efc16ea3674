// Dry run = real run on the captured trees (issue #20): every tree of test/snapshot/trees (captured
// from Linux 6.1 and 6.12: NVDIMM, hmem, e820, CXL) x every changing command. A copy of a
// captured tree is plain files, which do not react to writes as a kernel does (binding kmem adds no
// memory blocks), so each tree is loaded into the fake kernel (support/captured_tree.*), which
// reacts as Linux was observed to. The --dry-run --report prediction must equal the real run's
// report: exit status, every device's end state, error kinds.
#include "test/unit/support/captured_tree.hpp"
#include "test/unit/support/differential.hpp"

#include <catch2/catch.hpp>

using namespace dax;
using namespace dax::test;

namespace {

// Every changing command: reconfigure in each mode, online, offline, enable/disable,
// create/destroy, apply (with a configuration asking each mode of dax0.0).
const std::vector<Invocation> k_invocations = {
  {cli::reconfigure_command, {"-m", "devdax", "all"}},
  {cli::reconfigure_command, {"-m", "devdax", "-f", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "--no-online", "all"}},
  {cli::reconfigure_command, {"-m", "system-ram", "--no-movable", "all"}},
  {cli::reconfigure_command, {"-m", "famfs", "all"}},
  {cli::online_command, {"all"}},
  {cli::online_command, {"--no-movable", "all"}},
  {cli::offline_command, {"all"}},
  {cli::enable_device_command, {"all"}},
  {cli::disable_device_command, {"all"}},
  {cli::create_device_command, {}},
  {cli::destroy_device_command, {"--force", "all"}},
  {cli::apply_command, {}},
};

const std::vector<std::string> k_configs = {
  "[device a]\ndevice = dax0.0\nmode = system-ram\n",
  "[device a]\ndevice = dax0.0\nmode = system-ram\nmovable = no\n",
  "[device a]\ndevice = dax0.0\nmode = system-ram\nonline = no\n",
  "[device a]\ndevice = dax0.0\nmode = devdax\n",
};

} // namespace

TEST_CASE("the dry run predicts the real run on every captured tree, loaded into the fake kernel",
          "[dry-run][differential][trees]")
{
  auto trees = captured_trees(DAX_SYSROOTS);
  REQUIRE(trees.size() >= 30); // test/snapshot/CMakeLists.txt extracts them at configure time
  unsigned compared = 0;
  for (const auto& tree : trees) {
    INFO("tree " << tree.string());
    FakeKernel probe;
    REQUIRE(load_captured_tree(probe, tree) == "");
    for (const auto& invocation : k_invocations) {
      bool apply = invocation.command == cli::apply_command;
      for (const std::string& config : apply ? k_configs : std::vector<std::string>{""}) {
        auto system = [&](FakeKernel& kernel) {
          REQUIRE(load_captured_tree(kernel, tree) == "");
          if (apply) kernel.set_file("/etc/dax/dax.conf", config);
        };
        INFO("dax " << invocation.line() << (apply ? " with " + config : ""));
        auto dry = reported(system, invocation, true);
        auto real = reported(system, invocation, false);
        CHECK(dry["dry_run"] == true);
        CHECK(outcome(dry) == outcome(real));
        ++compared;
      }
    }
  }
  CHECK(compared == trees.size() * (k_invocations.size() - 1 + k_configs.size()));
}

TEST_CASE("a captured tree loads into the fake kernel as it was captured", "[trees]")
{
  // nfit-node1/system-ram-online-movable: dax0.0 on kmem, blocks 33-39 online Movable on node 1.
  FakeKernel kernel;
  REQUIRE(load_captured_tree(kernel, std::string(DAX_SYSROOTS) + "/nfit-node1/system-ram-online-movable") == "");
  CHECK(kernel.driver_of("dax0.0") == "kmem");
  for (uint64_t block = 33; block <= 39; ++block) {
    INFO("memory" << block);
    CHECK(kernel.block_state(block) == "online");
    CHECK(kernel.block_zones(block) == "Movable");
  }
  // hmem/system-ram-multi-mapping-movable: the idle seed dax0.0 is the region's seed.
  FakeKernel hmem;
  REQUIRE(load_captured_tree(hmem, std::string(DAX_SYSROOTS) + "/hmem/system-ram-multi-mapping-movable") == "");
  CHECK(hmem.has_device("dax0.0"));
  CHECK(hmem.driver_of("dax0.1") == "kmem");
  CHECK(hmem.driver_of("dax0.2") == "device_dax");
}
