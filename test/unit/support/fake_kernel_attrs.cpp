// The fake kernel's newer device attributes: memmap_on_memory (Linux 6.8, drivers/dax/bus.c) and
// kmem's whole-device state (the 2026 "dax/kmem: atomic whole-device hotplug" series).
#include "test/unit/support/fake_kernel.hpp"

#include <cerrno>

namespace dax::test {

namespace {

const std::string k_global_memmap = "/sys/module/memory_hotplug/parameters/memmap_on_memory";

// kstrtobool, as much of it as tests use.
std::optional<bool> kernel_bool(const std::string& value)
{
  if (value == "1" || value == "y" || value == "Y") return true;
  if (value == "0" || value == "n" || value == "N") return false;
  return std::nullopt;
}

bool is_online_type(const std::string& value)
{
  return value == "online" || value == "online_kernel" || value == "online_movable";
}

} // namespace

FakeKernel& FakeKernel::enable_memmap_on_memory(bool global_on)
{
  m_memmap_attr = true;
  m_tree.put_file(k_global_memmap, global_on ? "Y" : "N");
  for (auto& [name, device] : m_devices) m_tree.put_file(device.dir + "/memmap_on_memory", "0", 0644);
  return *this;
}

FakeKernel& FakeKernel::enable_kmem_state()
{
  m_kmem_state = true;
  for (auto& [name, device] : m_devices) {
    if (device.driver == "kmem") m_tree.put_file(device.dir + "/state", device.kmem_state, 0644);
  }
  return *this;
}

FakeKernel::Device* FakeKernel::device_in(const std::string& dir)
{
  for (auto& [name, device] : m_devices) {
    if (device.dir == dir) return &device;
  }
  return nullptr;
}

// ENOTTY: not an attribute this file models; the generic write applies.
int FakeKernel::device_attr_write(Device& device, const std::string& attr, const std::string& value)
{
  if (attr == "state" && m_kmem_state && device.driver == "kmem") return kmem_state_write(device, value);
  if (attr == "memmap_on_memory" && m_memmap_attr) {
    auto on = kernel_bool(value);
    if (!on) return EINVAL;
    // "memmap_on_memory is not available"
    if (*on && m_tree.find(k_global_memmap)->content != "Y") return EOPNOTSUPP;
    if (*on != device.memmap_on_memory && device.driver == "kmem") return EBUSY;
    device.memmap_on_memory = *on;
    m_tree.put_file(device.dir + "/memmap_on_memory", std::to_string(int(*on)), 0644);
    return 0;
  }
  return ENOTTY;
}

// state_store(): "offline" cannot be written; unplugged offlines and removes every block, all or
// nothing; onlining only from unplugged (EBUSY otherwise); the current state again is a no-op,
// even when per-block writes have made it stale.
int FakeKernel::kmem_state_write(Device& device, const std::string& value)
{
  if (value != "unplugged" && !is_online_type(value)) return EINVAL;
  if (value == device.kmem_state) return 0;
  if (value == "unplugged") {
    remove_device_blocks(device);
  } else {
    if (device.kmem_state != "unplugged") return EBUSY;
    add_device_blocks(device, value);
  }
  device.kmem_state = value;
  m_tree.find(device.dir + "/state")->content = value;
  return 0;
}

} // namespace dax::test
