#include "core/change/kmem_state.hpp"

#include "core/model/device.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dax {

std::string_view to_string(KmemState state)
{
  switch (state) {
  case KmemState::unplugged: return "unplugged";
  case KmemState::offline: return "offline";
  case KmemState::online: return "online";
  case KmemState::online_kernel: return "online_kernel";
  case KmemState::online_movable: return "online_movable";
  }
  return "?";
}

std::string kmem_state_path(const DeviceName& name)
{
  return fmt::format("{}/{}/state", k_dax_devices, name.str());
}

Result<std::optional<KmemState>> read_kmem_state(Sysfs& sysfs, const DeviceName& name)
{
  std::string path = kmem_state_path(name);
  auto text = sysfs.read(path);
  if (!text) {
    if (text.error().code == ENOENT) return std::nullopt;
    return std::unexpected(text.error());
  }
  for (auto state : {KmemState::unplugged, KmemState::offline, KmemState::online,
                     KmemState::online_kernel, KmemState::online_movable}) {
    if (*text == to_string(state)) return state;
  }
  return std::unexpected(logic_error("parse", path, fmt::format("unknown device state '{}'", printable(*text, 32))));
}

Result<void> plug_device(Sysfs& sysfs, const DeviceName& name, OnlineAs as)
{
  return sysfs.write(kmem_state_path(name), to_string(as));
}

Result<void> unplug_device(Sysfs& sysfs, const DeviceName& name, const BusyRetry& retry)
{
  return with_busy_retry(retry, [&] { return sysfs.write(kmem_state_path(name), to_string(KmemState::unplugged)); });
}

} // namespace dax
