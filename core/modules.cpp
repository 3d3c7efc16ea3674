#include "core/modules.hpp"

#include <fmt/format.h>

#include <libkmod.h>

#include <dlfcn.h>

#include <cerrno>
#include <memory>

namespace dax {

namespace {

// libkmod, opened only when a module must be loaded: linking it would make every run of dax
// (list, --version) pay for loading it and what it pulls in (libcrypto, libzstd, liblzma).
struct Kmod
{
  decltype(&kmod_new) new_ctx = nullptr;
  decltype(&kmod_unref) unref = nullptr;
  decltype(&kmod_load_resources) load_resources = nullptr;
  decltype(&kmod_module_new_from_name) module_new_from_name = nullptr;
  decltype(&kmod_module_unref) module_unref = nullptr;
  decltype(&kmod_module_probe_insert_module) probe_insert_module = nullptr;
};

template<typename Function> bool bind(void* library, const char* name, Function& function)
{
  function = reinterpret_cast<Function>(::dlsym(library, name));
  return function != nullptr;
}

// The library's functions, or what was missing. The handle is kept for the process's lifetime.
Result<Kmod> open_kmod()
{
  void* library = ::dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    return std::unexpected(logic_error("load kernel module", "",
                                       "libkmod.so.2 cannot be opened (apt-get install libkmod2)"));
  }
  Kmod kmod;
  if (!bind(library, "kmod_new", kmod.new_ctx) || !bind(library, "kmod_unref", kmod.unref) ||
      !bind(library, "kmod_load_resources", kmod.load_resources) ||
      !bind(library, "kmod_module_new_from_name", kmod.module_new_from_name) ||
      !bind(library, "kmod_module_unref", kmod.module_unref) ||
      !bind(library, "kmod_module_probe_insert_module", kmod.probe_insert_module)) {
    return std::unexpected(logic_error("load kernel module", "", "libkmod.so.2 lacks a needed function"));
  }
  return kmod;
}

} // namespace

Result<void> KmodLoader::load(std::string_view name)
{
  std::string module_name(name);
  std::string action = "load kernel module";
  auto kmod = open_kmod();
  if (!kmod) {
    Error error = kmod.error();
    error.subject = module_name;
    return std::unexpected(error);
  }
  auto ctx_deleter = [&](kmod_ctx* ctx) { kmod->unref(ctx); };
  std::unique_ptr<kmod_ctx, decltype(ctx_deleter)> ctx(kmod->new_ctx(nullptr, nullptr), ctx_deleter);
  if (!ctx) return std::unexpected(os_error(ENOMEM, action, module_name));
  kmod->load_resources(ctx.get());

  kmod_module* raw = nullptr;
  if (int rc = kmod->module_new_from_name(ctx.get(), module_name.c_str(), &raw); rc < 0) {
    return std::unexpected(os_error(-rc, action, module_name));
  }
  auto module_deleter = [&](kmod_module* module) { kmod->module_unref(module); };
  std::unique_ptr<kmod_module, decltype(module_deleter)> module(raw, module_deleter);

  int rc = kmod->probe_insert_module(module.get(), KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr, nullptr,
                                     nullptr);
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
    fmt::format("its driver directory is missing and {}", m_why)));
}

} // namespace dax
