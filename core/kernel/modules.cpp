#include "core/kernel/modules.hpp"

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
  decltype(&kmod_module_get_path) get_path = nullptr;
  decltype(&kmod_module_get_initstate) get_initstate = nullptr;
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
      !bind(library, "kmod_module_probe_insert_module", kmod.probe_insert_module) ||
      !bind(library, "kmod_module_get_path", kmod.get_path) ||
      !bind(library, "kmod_module_get_initstate", kmod.get_initstate)) {
    return std::unexpected(logic_error("load kernel module", "", "libkmod.so.2 lacks a needed function"));
  }
  return kmod;
}

constexpr const char* k_load_action = "load kernel module";

Error no_such_module(const std::string& name)
{
  return logic_error(k_load_action, name, "no such module for the running kernel (is it built? see modinfo)");
}

// libkmod with a context and module `name` in it, for as long as it lives.
class KmodModule
{
public:
  static Result<KmodModule> open(const std::string& name)
  {
    auto kmod = open_kmod();
    if (!kmod) {
      Error error = kmod.error();
      error.subject = name;
      return std::unexpected(error);
    }
    KmodModule opened(*kmod);
    opened.m_ctx.reset(kmod->new_ctx(nullptr, nullptr));
    if (!opened.m_ctx) return std::unexpected(os_error(ENOMEM, k_load_action, name));
    kmod->load_resources(opened.m_ctx.get());
    kmod_module* raw = nullptr;
    if (int rc = kmod->module_new_from_name(opened.m_ctx.get(), name.c_str(), &raw); rc < 0) {
      return std::unexpected(os_error(-rc, k_load_action, name));
    }
    opened.m_module.reset(raw);
    return opened;
  }

  const Kmod& kmod() const { return m_kmod; }
  kmod_module* module() const { return m_module.get(); }

private:
  // The deleters hold libkmod's functions themselves: a moved KmodModule keeps working.
  struct CtxDeleter
  {
    decltype(&kmod_unref) unref;
    void operator()(kmod_ctx* ctx) const { unref(ctx); }
  };
  struct ModuleDeleter
  {
    decltype(&kmod_module_unref) unref;
    void operator()(kmod_module* module) const { unref(module); }
  };

  explicit KmodModule(const Kmod& kmod)
    : m_kmod(kmod), m_ctx(nullptr, {kmod.unref}), m_module(nullptr, {kmod.module_unref})
  {
  }

  Kmod m_kmod;
  std::unique_ptr<kmod_ctx, CtxDeleter> m_ctx;
  std::unique_ptr<kmod_module, ModuleDeleter> m_module; // released before m_ctx
};

} // namespace

Result<void> KmodLoader::load(std::string_view name)
{
  std::string module_name(name);
  auto opened = KmodModule::open(module_name);
  if (!opened) return std::unexpected(opened.error());
  int rc = opened->kmod().probe_insert_module(opened->module(), KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr,
                                              nullptr, nullptr);
  if (rc == KMOD_PROBE_APPLY_BLACKLIST) {
    return std::unexpected(logic_error(k_load_action, module_name, "the module is blacklisted (modprobe.d)"));
  }
  if (rc == -ENOENT) return std::unexpected(no_such_module(module_name));
  if (rc < 0) return std::unexpected(os_error(-rc, k_load_action, module_name));
  return {};
}

Result<void> KmodLoader::check(std::string_view name)
{
  std::string module_name(name);
  auto opened = KmodModule::open(module_name);
  if (!opened) return std::unexpected(opened.error());
  // A file under /lib/modules, or built in (modules.builtin) or already live: initstate >= 0.
  if (opened->kmod().get_path(opened->module()) != nullptr) return {};
  if (opened->kmod().get_initstate(opened->module()) >= 0) return {};
  return std::unexpected(no_such_module(module_name));
}

Result<void> ModuleLoader::check(std::string_view)
{
  return {};
}

Result<void> NoModuleLoader::load(std::string_view name)
{
  return std::unexpected(logic_error(
    k_load_action, std::string(name),
    fmt::format("its driver directory is missing and {}", m_why)));
}

} // namespace dax
