#!/usr/bin/python
# Facts about device-dax memory, from the dax binary's JSON views.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: info
short_description: Devices, regions, memory blocks and NUMA nodes of device-dax memory
version_added: "0.1.0"
description:
  - Runs the C(dax) binary and returns what its views show, as they show it, changing nothing.
  - C(devices) and C(regions) are C(dax list -D -M -i) and C(dax list -R) (daxctl's schema);
    C(memory) is C(dax list --memory --format=json -i) (each device's memory blocks grouped, and
    what block alignment loses); C(numa) is C(dax list --numa --format=json) (nodes, the dax
    memory hot-added on them, memory tiers, demotion); C(status) is C(dax status --format=json).
  - Values only root may read (a device's ranges, hence its blocks) are left out by dax when run
    as another user.
  - A device dax cannot read is left out of the views and its error is in C(errors) (with a warning);
    the task fails only when a view could not be read at all (dax printed none).
options:
  gather:
    description: Which views to return.
    type: list
    elements: str
    choices: [devices, regions, memory, numa, status]
    default: [devices, regions, memory, numa, status]
extends_documentation_fragment:
  - dax.dax.dax
  - dax.dax.dax.read_only
notes:
  - Never changes anything (C(changed) is always false).
seealso:
  - module: dax.dax.device
  - module: dax.dax.config
'''

EXAMPLES = r'''
- name: What dax devices does this host have?
  dax.dax.info:
  register: dax

- name: Show the devices in system-ram mode with memory left offline
  ansible.builtin.debug:
    msg: "{{ item.chardev }}: {{ item.online_memblocks }}/{{ item.total_memblocks }} blocks online"
  loop: "{{ dax.devices | selectattr('mode', 'equalto', 'system-ram') }}"
  when: item.online_memblocks < item.total_memblocks

- name: Only the NUMA view
  dax.dax.info:
    gather: [numa]
'''

RETURN = r'''
error:
  description:
    - "On failure, dax's error object (schema and kinds in C(dax(1)), REPORT), the same keys and kinds as
      C(--report) and C(dax status --format=json); its C(message) worded with the module's options (C(force: true),
      not C(--force))."
    - dax's own when it printed one; else C(kind) C(usage) for a value the module refuses before running dax, or
      from dax's exit status (2 usage, 3 partial, 130 interrupted, else refused), the other keys null but C(message).
  returned: failed
  type: dict
  contains:
    kind:
      description: What failed - C(usage), C(refused), C(partial), C(interrupted) (and the others of C(dax(1)), REPORT).
      type: str
      sample: refused
    device:
      description: The device it is about, or null.
      type: str
      sample: dax0.0
    path:
      description: The file dax failed on, or null.
      type: str
      sample: /sys/devices/platform/hmem.0/dax0.0/size
    errno:
      description: The error number of the failed system call, or null.
      type: int
      sample: 16
    pids:
      description: The processes that use the device, or null.
      type: list
      elements: int
      sample: [4242]
    message:
      description: dax's one-line message.
      type: str
      sample: "dax0.0: 7 of 7 memory blocks are online; offline them first
        (dax.dax.device with device: dax0.0, mode: system-ram, online: false) or use force: true"
  sample:
    kind: refused
    device: dax0.0
    path: null
    errno: null
    pids: null
    message: "dax0.0: 7 of 7 memory blocks are online; offline them first
      (dax.dax.device with device: dax0.0, mode: system-ram, online: false) or use force: true"
errors:
  description: The error object (as I(error)) of each device dax could not read; those devices are left out of the views.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: What failed (dax(1), REPORT).
      type: str
      sample: refused
    device:
      description: The device dax could not read.
      type: str
      sample: dax0.0
    path:
      description: The file it failed on, or null.
      type: str
      sample: /sys/devices/platform/hmem.0/dax0.0/size
    message:
      description: dax's one-line message.
      type: str
      sample: "dax0.0: parse /sys/devices/platform/hmem.0/dax0.0/size: malformed value 'bogus'"
  sample: [{"kind": "refused", "device": "dax0.0", "path": "/sys/devices/platform/hmem.0/dax0.0/size", "errno": null,
            "pids": null, "message": "dax0.0: parse /sys/devices/platform/hmem.0/dax0.0/size: malformed value 'bogus'"}]
devices:
  description: Every device, with its mapping ranges (C(dax list -D -M -i), daxctl's schema).
  returned: when gathered
  type: list
  elements: dict
  contains:
    chardev:
      description: The device.
      type: str
      sample: dax0.0
    mode:
      description: C(system-ram), C(devdax) or C(famfs).
      type: str
      sample: system-ram
    size:
      description: Its size in bytes.
      type: int
      sample: 1054867456
    online_memblocks:
      description: System-ram only; its memory blocks online.
      type: int
      sample: 7
    total_memblocks:
      description: System-ram only; its memory blocks.
      type: int
      sample: 7
    mappings:
      description: Its physical ranges.
      type: list
      elements: dict
      sample: [{"page_offset": 0, "start": 4313841664, "end": 5368709119, "size": 1054867456}]
  sample: [{"chardev": "dax0.0", "size": 1054867456, "target_node": 1, "align": 2097152,
            "mode": "system-ram", "online_memblocks": 7, "total_memblocks": 7, "movable": true,
            "mappings": [{"page_offset": 0, "start": 4313841664, "end": 5368709119, "size": 1054867456}]}]
regions:
  description: Every region (C(dax list -R)).
  returned: when gathered
  type: list
  elements: dict
  contains:
    path:
      description: The region's path below C(/sys/devices).
      type: str
      sample: /LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0
    id:
      description: The region number.
      type: int
      sample: 0
    size:
      description: Its size in bytes.
      type: int
      sample: 1054867456
    align:
      description: Its alignment in bytes.
      type: int
      sample: 2097152
  sample: [{"path": "/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0", "id": 0, "size": 1054867456,
            "align": 2097152}]
memory:
  description: Per device its memory blocks grouped by state, zone and node, and the bytes lost to alignment.
  returned: when gathered
  type: list
  elements: dict
  contains:
    chardev:
      description: The device.
      type: str
      sample: dax0.0
    block_size:
      description: The memory block size.
      type: int
      sample: 134217728
    hotplug_size:
      description: The bytes hot-added as memory blocks.
      type: int
      sample: 939524096
    lost_size:
      description: The bytes block alignment loses.
      type: int
      sample: 115343360
    ranges:
      description: Its ranges and what each loses to alignment.
      type: list
      elements: dict
      sample: []
    memory:
      description: Its blocks grouped by state, zone and node.
      type: list
      elements: dict
      sample: [{"first_block": 33, "last_block": 39, "state": "online", "zone": "Movable", "node": 1}]
  sample: [{"chardev": "dax0.0", "mode": "system-ram", "block_size": 134217728, "hotplug_size": 939524096,
            "lost_size": 115343360, "ranges": [{"start": 4313841664, "end": 5368709119, "size": 1054867456,
            "hotplug_start": 4429185024, "hotplug_end": 5368709119, "hotplug_size": 939524096,
            "lost_before": 115343360, "lost_after": 0}],
            "memory": [{"start": 4429185024, "end": 5368709119, "size": 939524096, "first_block": 33,
            "last_block": 39, "state": "online", "zone": "Movable", "node": 1}]}]
numa:
  description: NUMA nodes with the dax memory hot-added on them, memory tiers and the demotion setting.
  returned: when gathered
  type: dict
  contains:
    nodes:
      description: Per node its memory, CPUs, distances and the dax devices whose memory it holds.
      type: list
      elements: dict
      sample: [{"node": 1, "mem_total": 939524096, "mem_free": 939524096, "cpus": "", "distances": {"0": 20, "1": 10},
                "dax_devices": ["dax0.0"], "dax_hotplugged": 939524096}]
    memory_tiers:
      description: The kernel's memory tiers, or null where it has none.
      type: list
      elements: dict
      sample: null
    demotion_enabled:
      description: C(/sys/kernel/mm/numa/demotion_enabled), or null where it is absent.
      type: bool
      sample: null
  sample: {"nodes": [], "memory_tiers": null, "demotion_enabled": null}
status:
  description: Per device (devices) what it is used as, warnings and the dax commands that take it further; the system-wide facts (system).
  returned: when gathered
  type: dict
  contains:
    devices:
      description: Per device its state, what it is used as, its users, notes and the next dax commands.
      type: list
      elements: dict
      sample: [{"chardev": "dax0.0", "mode": "system-ram", "used_as": "System RAM: 7 of 7 memory blocks online in zone Movable",
                "users": [], "notes": [], "next": [{"command": "dax offline dax0.0", "why": "take the memory offline"}]}]
    errors:
      description: The error object of each device dax could not read.
      type: list
      elements: dict
      sample: []
    system:
      description: The memory block size, the auto-online policy, memory tiers and demotion.
      type: dict
      sample: {"memory_block_size": 134217728, "auto_online_blocks": "offline", "memory_tiers": null,
               "demotion_enabled": null}
  sample: {"devices": [], "errors": [], "system": {"memory_block_size": 134217728}}
'''

from ansible_collections.dax.dax.plugins.module_utils.dax import dax_module, fail, read_view

VIEWS = dict(
    devices=['list', '-D', '-M', '-i'],
    regions=['list', '-R'],
    memory=['list', '--memory', '--format=json', '-i'],
    numa=['list', '--numa', '--format=json'],
    status=['status', '--format=json'],
)


def add_error(module, errors, error):
    """Adds dax's error object `error` to `errors` once: the views fail alike on one unreadable device, and the
    one naming the device (status's) replaces one known only by its message (a list view's)."""
    for index, known in enumerate(errors):
        if known['message'] == error['message']:
            if known['device'] is None:
                errors[index] = error
            return
    errors.append(error)
    module.warn(error['message'])


def main():
    argument_spec = dict(
        gather=dict(type='list', elements='str', choices=list(VIEWS), default=list(VIEWS)),
    )
    module = dax_module(argument_spec)
    result = dict(changed=False, errors=[])
    for view in module.params['gather']:
        result[view], error = read_view(module, *VIEWS[view])
        if error is not None:
            add_error(module, result['errors'], error)
        if result[view] is None:
            fail(module, error['message'], error, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
