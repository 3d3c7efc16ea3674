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
  - The refusals are dax's own - binding kmem while a process has C(/dev/daxX.Y) open (only the CLI's
    C(--destroy-data-in-use) overrides it, which this module never passes), devdax while memory is
    online (I(force) offlines it first). A kernel auto-online policy that
    differs from the request and memory online in the other zone need no override. The module fails
    with dax's one-line message.
  - In check mode dax runs with C(--dry-run) and the report holds the predicted state.
options:
  device:
    description: A device (C(daxX.Y), C(X.Y), C(/dev/daxX.Y)) or C(all) (of I(region) if given).
    type: str
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
      - It never binds kmem over a device a process uses (only the CLI's C(--destroy-data-in-use) does, which this
        module never passes), and the kernel's auto-online policy needs no override.
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
    - On failure, dax's error object (schema and kinds in C(dax(1)), REPORT) - C(kind), C(device), C(path),
      C(errno), C(pids) and C(message) - the same keys and kinds as C(--report) and C(dax status --format=json).
    - dax's own when it printed one; else C(kind) C(usage) for a value the module refuses before running dax, or
      from dax's exit status (2 usage, 3 partial, 130 interrupted, else refused), the other keys null but C(message).
  returned: failed
  type: dict
reports:
  description: The C(--report) JSON of each dax command run (schema in C(dax(1)), REPORT).
  returned: always
  type: list
  elements: dict
devices:
  description: Per device, its state before and after (predicted in check mode) and whether it changed.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.dax.dax.plugins.module_utils.dax import (MODE_ARGS, dax_module, error_object, fail,
                                                                report_diff, run_json, run_report)


def targets(module, params):
    """The target devices with their current mode, from dax list (dax resolves the names)."""
    args = ['list', '-D', '-i']
    if params['region']:
        args += ['-r', params['region']]
    if params['device'] != 'all':
        args += ['-d', params['device']]
    return run_json(module, *args)


def commands(module, params):
    """The dax commands that bring the devices to the wanted state."""
    region = ['-r', params['region']] if params['region'] else []
    force = ['--force'] if params['force'] else []
    device = [params['device']]
    if params['mode'] == 'devdax':
        return [['reconfigure', '-m', 'devdax'] + force + region + device]
    if params['mode'] == 'famfs':
        return [['reconfigure', '-m', 'famfs'] + region + device]
    movable = [] if params['movable'] else ['--no-movable']
    if params['online']:
        # Binds kmem where needed and onlines what is offline (an already system-ram device included).
        return [['reconfigure', '-m', 'system-ram'] + movable + force + region + device]
    # Offline wanted: hot-add devdax devices without onlining, offline the memory of the others.
    devdax, ram = [], []
    for d in targets(module, params):
        (ram if d['mode'] == 'system-ram' else devdax).append(d['chardev'])
    result = []
    if devdax:
        result.append(['reconfigure', '-m', 'system-ram', '--no-online'] + force + devdax)
    if ram:
        result.append(['offline'] + ram)
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
        device=dict(type='str', required=True),
        region=dict(type='str'),
        mode=dict(type='str', required=True, choices=['system-ram', 'devdax', 'famfs']),
        **MODE_ARGS
    )
    module = dax_module(argument_spec)
    reports = [run_report(module, *command) for command in commands(module, module.params)]
    check_zone(module, module.params, reports)
    devices = [d for r in reports for d in r['devices']]
    result = dict(changed=any(r['changed'] for r in reports), reports=reports, devices=devices)
    if module._diff:
        result['diff'] = report_diff(reports)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
