#include "modules.hpp"

#include <fmt/format.h>

#include <libkmod.h>

#include <cerrno>
#include <memory>

namespace dax {

namespace {

struct KmodCtxDeleter
{
  void operator()(kmod_ctx* ctx) const { kmod_unref(ctx); }
};
struct KmodModuleDeleter
{
  void operator()(kmod_module* module) const { kmod_module_unref(module); }
};

} // namespace

Result<void> KmodLoader::load(std::string_view name)
{
  std::string module_name(name);
  std::string action = "load kernel module";
  std::unique_ptr<kmod_ctx, KmodCtxDeleter> ctx(kmod_new(nullptr, nullptr));
  if (!ctx) return std::unexpected(os_error(ENOMEM, action, module_name));
  kmod_load_resources(ctx.get());

  kmod_module* raw = nullptr;
  if (int rc = kmod_module_new_from_name(ctx.get(), module_name.c_str(), &raw); rc < 0) {
    return std::unexpected(os_error(-rc, action, module_name));
  }
  std::unique_ptr<kmod_module, KmodModuleDeleter> module(raw);

  int rc = kmod_module_probe_insert_module(module.get(), KMOD_PROBE_APPLY_BLACKLIST, nullptr,
                                           nullptr, nullptr, nullptr);
  if (rc == KMOD_PROBE_APPLY_BLACKLIST) {
    return std::unexpected(logic_error(action, module_name, "the module is blacklisted (modprobe.d)"));
  }
  if (rc == -ENOENT) {
    return std::unexpected(logic_error(
      action, module_name, "no such module for the running kernel (is it built? see modinfo)"));
  }
  if (rc < 0) return std::unexpected(os_error(-rc, action, module_name));
  return {};
}

Result<void> NoModuleLoader::load(std::string_view name)
{
  return std::unexpected(logic_error(
    "load kernel module", std::string(name),
    "its driver directory is missing and modules are only loaded when --sysroot is /"));
}

} // namespace dax
