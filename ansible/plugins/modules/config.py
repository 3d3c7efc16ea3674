#!/usr/bin/python
# Installs a section of dax's configuration and applies it (dax apply), as the boot path does.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: config
short_description: Install a dax configuration section and apply it
version_added: "0.1.0"
description:
  - Writes one C([device NAME]) section to C(/etc/dax/dax.conf.d/NAME.conf) (under I(sysroot)
    when given), the configuration that C(dax apply) brings devices to at boot (see
    C(dax-apply(1))), then runs C(dax apply --report) so that the devices are in that state now.
  - dax checks the whole configuration before it writes anything; when it refuses the new file
    (C(FILE:LINE why)) the file is put back as it was and the module fails with that message.
  - C(changed) is true when the file changed or C(dax apply) changed a device (read back by dax), also
    when C(dax apply) failed afterwards (the task fails, with dax's message and C(report)); a
    file dax refused is put back, so that is no change.
  - In check mode nothing is written and C(dax apply --dry-run) predicts. When the file would
    change, the files dax reads (C(SYSROOT/etc/dax/dax.conf), C(dax.conf.d/*.conf),
    C(daxctl.conf.d/*.conf)) are copied into a private temporary directory (mode 0700, files 0644,
    owned by the module's user, removed afterwards) with the new file in its place, and
    C(dax --config-root TMP apply --section NAME --dry-run) runs on that copy against the real devices, so the
    prediction is of the new configuration, and a configuration dax would refuse fails check mode
    with dax's C(FILE:LINE why), named as in C(/etc). The copy does not keep the files' owners and
    modes, so dax's trust checks on the installed files are only made by a real run.
  - C(state=absent) runs no C(dax apply), in check mode as in a real run.
options:
  name:
    description: The section name (letters, digits, C(.), C(_), C(-)); also the file name C(NAME.conf).
    type: str
    required: true
  match:
    description:
      - How the section finds its device, keys as in C(dax-apply(1)), for example
        C(nvdimm.uuid), C(region), C(resource), C(range), C(cxl.region) or C(device) (least stable).
    type: dict
  mode:
    description: The mode wanted (C(famfs) binds fsdev_dax, Linux 7.2+).
    type: str
    choices: [system-ram, devdax, famfs]
  force:
    description: "C(dax apply --force), devdax: offline online memory first (a device in use is never bound to kmem)."
  state:
    description: C(present) installs the section; C(absent) removes its file (the devices are left as they are).
    type: str
    choices: [present, absent]
    default: present
  apply:
    description: Run C(dax apply) after installing the section.
    type: bool
    default: true
extends_documentation_fragment:
  - dax.dax.dax
  - dax.dax.dax.changes
seealso:
  - module: dax.dax.device
    description: The same states once, without a configuration file (not kept across reboots).
'''

EXAMPLES = r'''
- name: The NVDIMM namespace becomes movable System RAM, now and at every boot
  dax.dax.config:
    name: pmem-as-ram
    match:
      nvdimm.uuid: f16929ea-0ac0-4df8-b80c-e2c221ab96c8
    mode: system-ram

- name: Keep dax0.0's memory offline
  dax.dax.config:
    name: spare
    match: {device: dax0.0}
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
path:
  description: The configuration file (under the sysroot).
  returned: always
  type: str
  sample: /etc/dax/dax.conf.d/spare.conf
file_changed:
  description: Whether the file was (or, in check mode, would be) written; false when dax refused it and it was put back.
  returned: always
  type: bool
  sample: true
apply_predicted:
  description:
    - Whether C(report) is check mode's prediction (C(dax apply --dry-run), on the configuration as it
      would be when the file changes); false outside check mode and when no apply runs.
  returned: always
  type: bool
  sample: false
report:
  description: The C(dax apply --section NAME --report) JSON (schema in C(dax(1)), REPORT); null when not run.
  returned: always
  type: dict
  contains:
    command:
      description: The dax command.
      type: str
      sample: apply
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
      description:
        - Per device of the section, what was asked (C(mode), C(online), C(movable), C(force), C(section),
          C(where)), its state before and after, whether it changed, its error (as dax.dax.device's I(devices)).
      type: list
      elements: dict
      sample: [{"device": "dax0.1", "asked": {"mode": "system-ram", "online": false, "movable": true, "force": false,
                "section": "[device spare]", "where": "/etc/dax/dax.conf.d/spare.conf:2"},
                "before": {"mode": "system-ram", "memory_blocks": {"online": {"Movable": 2}, "offline": 1}},
                "after": {"mode": "system-ram", "memory_blocks": {"online": {}, "offline": 3}},
                "predicted": false, "changed": true, "error": null}]
  sample: {"command": "apply", "dry_run": false, "changed": true, "exit_status": 0, "error": null, "devices": []}
'''

import json
import os
import re
import shutil
import stat
import tempfile

from ansible_collections.dax.dax.plugins.module_utils.dax import MODE_ARGS, dax_module, fail, report_diff, try_report

CONF_DIR = 'etc/dax/dax.conf.d'
# What dax reads below /etc (dax-apply(1), CONFIGURATION): its file, then the *.conf of two directories.
CONFIG_FILE = 'dax/dax.conf'
CONFIG_DIRS = ('dax/dax.conf.d', 'daxctl.conf.d')


def section_text(params):
    """The section as dax-apply(1) writes it."""
    lines = ['# Managed by Ansible (dax.dax.config); changes here are overwritten.',
             '[device %s]' % params['name']]
    for key in sorted(params['match'] or {}):
        lines.append('%s = %s' % (key, params['match'][key]))
    lines.append('mode = %s' % params['mode'])
    if params['mode'] == 'system-ram':
        lines.append('online = %s' % ('yes' if params['online'] else 'no'))
        lines.append('movable = %s' % ('yes' if params['movable'] else 'no'))
    return '\n'.join(lines) + '\n'


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def write(module, path, content):
    """Writes `content` to `path` atomically, or removes it when None."""
    if content is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = path + '.ansible-tmp'
    with open(temp, 'w') as f:
        f.write(content)
    os.chmod(temp, 0o644)
    module.atomic_move(temp, path)


def config_files(etc):
    """The configuration files dax reads below `etc`, relative to it, chosen as dax chooses them."""
    files = [CONFIG_FILE] if os.path.exists(os.path.join(etc, CONFIG_FILE)) else []
    for directory in CONFIG_DIRS:
        if not os.path.isdir(os.path.join(etc, directory)):
            continue
        for name in sorted(os.listdir(os.path.join(etc, directory))):
            entry = os.path.join(directory, name)
            if len(name) > 5 and name.endswith('.conf') and not name.startswith('.') and \
                    not stat.S_ISDIR(os.lstat(os.path.join(etc, entry)).st_mode):
                files.append(entry)
    return files


def copy_config(module, etc, copy):
    """Copies the configuration files below `etc` to directory `copy`: regular files only, as dax
    reads no other kind (and a FIFO would hang the copy)."""
    for entry in config_files(etc):
        source, target = os.path.join(etc, entry), os.path.join(copy, entry)
        if not os.path.isfile(source):
            fail(module, '%s: not a regular file: dax refuses it' % source)
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o644)


def predict_apply(module, path, new):
    """Check mode when the file would change: `dax --config-root COPY apply --dry-run --report` on a
    private copy of the configuration with `new` at `path`. Returns try_report's (report, error),
    the copy's paths named as /etc (as a real run names them)."""
    etc = os.path.join(module.params['sysroot'], 'etc')
    copy = tempfile.mkdtemp(prefix='dax-config-')  # in TMPDIR; removed here, whatever happens
    try:
        copy_config(module, etc, copy)
        target = os.path.join(copy, os.path.relpath(path, etc))
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        with open(target, 'w') as f:
            f.write(new)
        os.chmod(target, 0o644)
        report, error = try_report(module, '--config-root', copy, *apply_args(module.params))
    finally:
        shutil.rmtree(copy, ignore_errors=True)

    def as_etc(value):
        return None if value is None else json.loads(json.dumps(value).replace(copy, '/etc'))
    if error:
        error.update(msg=as_etc(error['msg']), stderr=as_etc(error.get('stderr')), report=as_etc(error.get('report')),
                     error=as_etc(error.get('error')))
    return as_etc(report), error


def check_match(module, match):
    """Refuses a match key or value dax would read differently from what is written (its parser:
    KEY = VALUE on one line, the value trimmed and cut at ';' or '#', quotes removed)."""
    for key, value in match.items():
        value = str(value)
        if not re.fullmatch(r'[A-Za-z0-9._-]+', key):
            fail(module, "match key '%s': use letters, digits, '.', '_' and '-' only" % key)
        if not value or value != value.strip() or re.search(r'[;#"\'\[\]]', value):
            fail(module, "match %s = '%s': a value without ';', '#', quotes, brackets or "
                         "surrounding spaces (dax would read it differently)" % (key, value))


def apply_args(params):
    """dax apply for the devices of this section only."""
    return ['apply', '--section', params['name']] + (['--force'] if params['force'] else [])


def failed_apply(module, result, error, path, old):
    """Fails the module after dax apply failed: a configuration dax refused (status 2, nothing applied) is
    put back, no change; otherwise `changed` says whether the file or a device changed before the failure."""
    if error.get('rc') == 2 and result['file_changed']:
        if not module.check_mode:
            write(module, path, old)
            error['msg'] += '; %s was put back as it was' % path
        result['file_changed'] = False
    report = error.get('report')
    result['changed'] = result['file_changed'] or bool(isinstance(report, dict) and report.get('changed'))
    result.update(error)
    module.fail_json(**result)


def main():
    argument_spec = dict(
        name=dict(type='str', required=True),
        match=dict(type='dict'),
        mode=dict(type='str', choices=['system-ram', 'devdax', 'famfs']),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        apply=dict(type='bool', default=True),
        **MODE_ARGS
    )
    module = dax_module(argument_spec, required_if=[('state', 'present', ('match', 'mode'))])
    params = module.params
    if not re.fullmatch(r'[A-Za-z0-9_-][A-Za-z0-9._-]*', params['name']):
        # dax reads only *.conf files whose name does not start with '.' (dax-apply(1)).
        fail(module, "name '%s': use letters, digits, '.', '_' and '-' only, not starting with '.'"
             % params['name'])
    check_match(module, params['match'] or {})
    path = os.path.join(params['sysroot'], CONF_DIR, params['name'] + '.conf')
    old = read(path)
    new = section_text(params) if params['state'] == 'present' else None
    file_changed = old != new
    result = dict(changed=file_changed, path=path, file_changed=file_changed, apply_predicted=False, report=None)
    if module._diff:
        result['diff'] = [dict(before_header=path, after_header=path, before=old or '', after=new or '')]

    if file_changed and not module.check_mode:
        write(module, path, new)
    if params['apply'] and params['state'] == 'present':
        if file_changed and module.check_mode:
            report, error = predict_apply(module, path, new)
        else:
            report, error = try_report(module, *apply_args(params))
        if error:
            failed_apply(module, result, error, path, old)
        result['report'] = report
        result['apply_predicted'] = module.check_mode
        result['changed'] = file_changed or report['changed']
        if module._diff and report['devices']:
            result['diff'].append(report_diff([report]))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
