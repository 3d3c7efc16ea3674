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
    - On failure, dax's error object (schema and kinds in C(dax(1)), REPORT) - C(kind), C(device), C(path),
      C(errno), C(pids) and C(message) - the same keys and kinds as C(--report) and C(dax status --format=json).
    - dax's own when it printed one; else C(kind) C(usage) for a value the module refuses before running dax, or
      from dax's exit status (2 usage, 3 partial, 130 interrupted, else refused), the other keys null but C(message).
  returned: failed
  type: dict
devices:
  description: Every device, with its mapping ranges (C(dax list -D -M -i)).
  returned: when gathered
  type: list
  elements: dict
  sample: [{"chardev": "dax0.0", "size": 1054867456, "target_node": 1, "align": 2097152,
            "mode": "system-ram", "online_memblocks": 7, "total_memblocks": 7, "movable": true}]
regions:
  description: Every region (C(dax list -R)).
  returned: when gathered
  type: list
  elements: dict
memory:
  description: Per device its memory blocks grouped by state, zone and node, and the bytes lost to alignment.
  returned: when gathered
  type: list
  elements: dict
numa:
  description: NUMA nodes with the dax memory hot-added on them, memory tiers and the demotion setting.
  returned: when gathered
  type: dict
status:
  description: Per device (devices) what it is used as, warnings and the dax commands that take it further; the system-wide facts (system).
  returned: when gathered
  type: dict
'''

from ansible_collections.dax.dax.plugins.module_utils.dax import dax_module, run_json

VIEWS = dict(
    devices=['list', '-D', '-M', '-i'],
    regions=['list', '-R'],
    memory=['list', '--memory', '--format=json', '-i'],
    numa=['list', '--numa', '--format=json'],
    status=['status', '--format=json'],
)


def main():
    argument_spec = dict(
        gather=dict(type='list', elements='str', choices=list(VIEWS), default=list(VIEWS)),
    )
    module = dax_module(argument_spec)
    result = dict(changed=False)
    for view in module.params['gather']:
        result[view] = run_json(module, *VIEWS[view])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
