#pragma once

#include "core/base/error.hpp"

#include <string>
#include <string_view>

namespace dax {

// Loads kernel modules ("kmem", "device_dax"). Abstract so tests can record what was loaded.
class ModuleLoader
{
public:
  virtual ~ModuleLoader() = default;

  // Loads module `name` and its dependencies, honouring the modprobe blacklist.
  virtual Result<void> load(std::string_view name) = 0;

  // Whether module `name` exists for the running kernel (as a file or built in), loading nothing:
  // the error load would give when it does not. --dry-run asks it before it plans a load. A loader
  // that cannot tell says yes.
  virtual Result<void> check(std::string_view name);
};

// The real loader, through libkmod; only meaningful on the live system (sysroot "/").
class KmodLoader final : public ModuleLoader
{
public:
  Result<void> load(std::string_view name) override;
  Result<void> check(std::string_view name) override;
};

// The loader for a sysroot other than "/": refuses, since the tree is not the running kernel's
// (and cannot tell whether a module exists: check says yes, so --dry-run plans the load).
class NoModuleLoader final : public ModuleLoader
{
public:
  // `why` says when modules are loaded, in the words of the caller.
  explicit NoModuleLoader(std::string why) : m_why(std::move(why)) {}

  Result<void> load(std::string_view name) override;

private:
  std::string m_why;
};

} // namespace dax
