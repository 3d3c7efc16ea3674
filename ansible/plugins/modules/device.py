#!/usr/bin/python
# Puts device-dax devices in a mode (system-ram, devdax or famfs), their memory online or offline.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: device
short_description: Put a device-dax device (or all) in system-ram, devdax or famfs mode, memory online or offline
version_added: "0.1.0"
description:
  - Runs C(dax reconfigure), C(dax online) or C(dax offline) with C(--report) and reports what dax
    read back; C(changed) is true only when a device's state differs after the command.
  - The refusals are dax's own - binding kmem while a process has C(/dev/daxX.Y) open (only
    I(destroy_data_in_use) overrides it), devdax while memory is online (I(force) offlines it first).
    A kernel auto-online policy that differs from the request and memory online in the other zone need
    no override. The module fails with dax's one-line message, what can be done worded with this
    module's options (C(force=true), not C(--force)).
  - In check mode dax runs with C(--dry-run) and the report holds the predicted state.
options:
  device:
    description:
      - The devices (C(daxX.Y), C(X.Y), C(/dev/daxX.Y)), or C(all) alone (every device, of I(region) if given).
      - A single name is accepted as a list of one.
    type: list
    elements: str
    required: true
  region:
    description: Only devices of this region (C(N) or C(regionN)).
    type: str
  mode:
    description:
      - C(system-ram) hot-adds the device as RAM (kmem); C(devdax) gives it back as a character device;
        C(famfs) binds it to fsdev_dax for the famfs file system (Linux 7.2+; from devdax only).
    type: str
    required: true
    choices: [system-ram, devdax, famfs]
  force:
    description:
      - "C(dax reconfigure --force), devdax: offline online memory first (accepted and unneeded with
        system-ram and famfs)."
      - It never binds kmem over a device a process uses (only I(destroy_data_in_use) does), and the kernel's
        auto-online policy needs no override.
  destroy_data_in_use:
    description:
      - "C(dax reconfigure --destroy-data-in-use), system-ram: bind kmem even over a device a process has open or
        mapped (or whose users cannot be told), destroying the data it uses. Without it dax refuses such a device."
    type: bool
    default: false
    version_added: "0.2.0"
extends_documentation_fragment:
  - dax.dax.dax
  - dax.dax.dax.changes
seealso:
  - module: dax.dax.config
    description: Keeps a device in its state at every boot, through dax's configuration (dax apply).
'''

EXAMPLES = r'''
- name: Every dax device becomes movable System RAM
  dax.dax.device:
    device: all
    mode: system-ram

- name: Two devices as kernel memory, even the one a forgotten process still maps
  dax.dax.device:
    device: [dax0.0, dax1.0]
    mode: system-ram
    movable: false
    destroy_data_in_use: true

- name: dax0.0 back to devdax, offlining its memory first
  dax.dax.device:
    device: dax0.0
    mode: devdax
    force: true

- name: Keep the memory of dax1.0 offline
  dax.dax.device:
    device: dax1.0
    mode: system-ram
    online: false
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
reports:
  description: The C(--report) JSON of each dax command run (schema in C(dax(1)), REPORT).
  returned: always
  type: list
  elements: dict
  contains:
    command:
      description: The dax command.
      type: str
      sample: offline
    dry_run:
      description: Whether it was a dry run (check mode).
      type: bool
      sample: false
    changed:
      description: Whether a device's state differs afterwards.
      type: bool
      sample: true
    exit_status:
      description: dax's exit status.
      type: int
      sample: 0
    error:
      description: The first failure's error object (as I(error)), or null.
      type: dict
      sample: null
    devices:
      description: Per device what was asked and its state before and after (as I(devices)).
      type: list
      elements: dict
      sample: []
  sample:
    - command: offline
      dry_run: false
      changed: true
      exit_status: 0
      error: null
      devices: []
devices:
  description: Per device, its state before and after (predicted in check mode) and whether it changed.
  returned: always
  type: list
  elements: dict
  contains:
    device:
      description: The device.
      type: str
      sample: dax0.0
    asked:
      description: What the command asked of it.
      type: dict
      sample: {"memory": "offline"}
    before:
      description: Its mode, driver, size, node and memory blocks (online per zone, offline) before.
      type: dict
      sample: {"mode": "system-ram", "driver": "kmem", "enabled": true, "size": 1054867456, "target_node": 1,
               "memory_blocks": {"online": {"Movable": 7}, "offline": 0}}
    after:
      description: The same, read back afterwards (predicted in check mode).
      type: dict
      sample: {"mode": "system-ram", "driver": "kmem", "enabled": true, "size": 1054867456, "target_node": 1,
               "memory_blocks": {"online": {}, "offline": 7}}
    predicted:
      description: Whether C(after) is a dry run's prediction.
      type: bool
      sample: false
    changed:
      description: Whether its state differs afterwards.
      type: bool
      sample: true
    error:
      description: Its error object (as I(error)), or null.
      type: dict
      sample: null
  sample:
    - device: dax0.0
      asked: {"memory": "offline"}
      before: {"mode": "system-ram", "driver": "kmem", "enabled": true, "size": 1054867456, "target_node": 1,
               "memory_blocks": {"online": {"Movable": 7}, "offline": 0}}
      after: {"mode": "system-ram", "driver": "kmem", "enabled": true, "size": 1054867456, "target_node": 1,
              "memory_blocks": {"online": {}, "offline": 7}}
      predicted: false
      changed: true
      error: null
'''

from ansible_collections.dax.dax.plugins.module_utils.dax import (MODE_ARGS, dax_module, error_object, fail,
                                                                report_diff, run_json, run_report)


def targets(module, params):
    """The target devices with their current mode, from dax list (dax resolves the names)."""
    region = ['-r', params['region']] if params['region'] else []
    if params['device'] == ['all']:
        return run_json(module, 'list', '-D', '-i', *region)
    return [d for name in params['device'] for d in run_json(module, 'list', '-D', '-i', '--dev=' + name, *region)]


def commands(module, params):
    """The dax commands that bring the devices to the wanted state."""
    region = ['-r', params['region']] if params['region'] else []
    force = ['--force'] if params['force'] else []
    device = ['--'] + params['device']  # a name starting with '-' stays a name
    if params['mode'] == 'devdax':
        return [['reconfigure', '-m', 'devdax'] + force + region + device]
    if params['mode'] == 'famfs':
        return [['reconfigure', '-m', 'famfs'] + region + device]
    movable = [] if params['movable'] else ['--no-movable']
    force += ['--destroy-data-in-use'] if params['destroy_data_in_use'] else []
    if params['online']:
        # Binds kmem where needed and onlines what is offline (an already system-ram device included).
        return [['reconfigure', '-m', 'system-ram'] + movable + force + region + device]
    # Offline wanted: hot-add devdax devices without onlining, offline the memory of the others.
    devdax, ram = [], []
    for d in targets(module, params):
        (ram if d['mode'] == 'system-ram' else devdax).append(d['chardev'])
    result = []
    if devdax:
        result.append(['reconfigure', '-m', 'system-ram', '--no-online'] + force + ['--'] + devdax)
    if ram:
        result.append(['offline', '--'] + ram)
    return result


def check_zone(module, params, reports):
    """Memory already online in the other zone is not what was asked: dax apply refuses it too."""
    want = 'Movable' if params['movable'] else 'Normal'
    for report in reports:
        for d in report['devices']:
            blocks = (d['after'] or {}).get('memory_blocks') or {}
            other = [z for z in blocks.get('online', {}) if z != want]
            if params['mode'] == 'system-ram' and params['online'] and other:
                msg = ('%s: memory online in zone %s, not %s: offline it first (online: false), then online it again'
                       % (d['device'], ','.join(other), want))
                fail(module, msg, error_object(msg, 'refused', d['device']), reports=reports)


def main():
    argument_spec = dict(
        device=dict(type='list', elements='str', required=True),
        region=dict(type='str'),
        mode=dict(type='str', required=True, choices=['system-ram', 'devdax', 'famfs']),
        destroy_data_in_use=dict(type='bool', default=False),
        **MODE_ARGS
    )
    module = dax_module(argument_spec)
    if 'all' in module.params['device'] and module.params['device'] != ['all']:
        fail(module, 'device %s: all stands alone (every device), not with names' % ', '.join(module.params['device']))
    if not module.params['device']:
        fail(module, 'device: give at least one device, or all')
    reports = [run_report(module, *command) for command in commands(module, module.params)]
    check_zone(module, module.params, reports)
    devices = [d for r in reports for d in r['devices']]
    result = dict(changed=any(r['changed'] for r in reports), reports=reports, devices=devices)
    if module._diff:
        result['diff'] = report_diff(reports)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
