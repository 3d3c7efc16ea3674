# Runs the dax binary for the modules of this collection and reads its JSON. Every fact and
# every decision about sysfs is dax's: the modules only choose the command and read its answer.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.basic import AnsibleModule

# The options every module takes (doc fragment dax.dax.dax).
COMMON_ARGS = dict(
    dax=dict(type='path', default='dax'),
    sysroot=dict(type='path', default='/'),
)

# The options of the modules that bring devices to a mode (doc fragment dax.dax.dax.changes).
MODE_ARGS = dict(
    online=dict(type='bool', default=True),
    movable=dict(type='bool', default=True),
    force=dict(type='bool', default=False),
)


def error_object(message, kind='usage', device=None):
    """dax's error object (dax(1), REPORT: kind, device, path, errno, pids, message) for a failure
    dax printed none for: the module's own refusal of a value (usage), or a dax command without
    --report, whose kind comes from its exit status as dax's own does for a failure known only by
    its text (2 usage, 3 partial, 130 interrupted, else refused)."""
    return dict(kind=kind, device=device, path=None, errno=None, pids=None, message=message)


def status_kind(rc):
    """The error object's kind of a failure known only by dax's exit status `rc`."""
    return {2: 'usage', 3: 'partial', 130: 'interrupted'}.get(rc, 'refused')


def fail(module, msg, error=None, **result):
    """Fails the module with `msg` and, under `error`, the error object: dax's own when given, else
    error_object(msg) (a value the module refuses before dax runs)."""
    module.fail_json(msg=msg, error=error if error is not None else error_object(msg), **result)


def control_character(text):
    """The first control character of `text` (C0, DEL or C1), or None: what no value may hold."""
    for char in text:
        if ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f:
            return char
    return None


def check_values(module, value, where):
    """Fails the module when a string in `value` (an option, or a dict's keys and values, at any
    depth) holds a control character: a newline in a value dax writes to a file would start a new
    line there (a section of its own), and one passed to dax would reach its messages."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_values(module, key, '%s key' % where)
            check_values(module, item, '%s.%s' % (where, key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_values(module, item, where)
    elif isinstance(value, str) and control_character(value) is not None:
        fail(module, '%s %r: control character %r refused (a value is one line of text)'
             % (where, value, control_character(value)))


def dax_module(argument_spec, **kwargs):
    """The AnsibleModule of a module of this collection: its own options and COMMON_ARGS, check mode
    supported (dax --dry-run). `kwargs` go to AnsibleModule (required_if, ...). Every option is
    checked for control characters before the module does anything."""
    module = AnsibleModule(argument_spec=dict(argument_spec, **COMMON_ARGS), supports_check_mode=True, **kwargs)
    for name, value in module.params.items():
        check_values(module, value, name)
    return module


def dax_argv(module, *args):
    """The dax command line: the binary, --sysroot when it is not /, then `args`."""
    binary = module.params['dax']
    if '/' not in binary:
        binary = module.get_bin_path(binary, required=True)
    argv = [binary]
    if module.params['sysroot'] not in ('/', None):
        argv += ['--sysroot', module.params['sysroot']]
    return argv + [str(a) for a in args]


# dax's words for what can be done about a refusal (cmd/common/hints.cpp: its flags and commands), in
# the words of this collection's options, so that no failure tells a playbook to "use --force".
DEVICE = r'(dax[0-9]+\.[0-9]+)'
OPTION_WORDS = (
    (r'dax reconfigure -m system-ram --destroy-data-in-use %s \(apply never destroys data in use\)' % DEVICE,
     r'dax.dax.device with device: \1, mode: system-ram, destroy_data_in_use: true (dax.dax.config never does)'),
    (r'dax offline %s' % DEVICE, r'dax.dax.device with device: \1, mode: system-ram, online: false'),
    (r'dax reconfigure -m (devdax|system-ram) %s' % DEVICE, r'dax.dax.device with device: \2, mode: \1'),
    (r'--destroy-data-in-use\b', 'destroy_data_in_use: true'),
    (r'--force\b', 'force: true'),
    (r'--no-movable\b', 'movable: false'),
)


def option_words(text):
    """dax's message `text` with its flags and commands worded as this collection's options."""
    for pattern, words in OPTION_WORDS:
        text = re.sub(pattern, words, text)
    return text


def worded(error):
    """dax's error object with its message worded as option_words does (a copy)."""
    if not isinstance(error, dict) or not isinstance(error.get('message'), str):
        return error
    return dict(error, message=option_words(error['message']))


def dax_error(stderr, rc):
    """dax's one-line error ("dax: error: ..."), else its last line of stderr, worded for the options."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line[len('dax: error: '):] for line in lines if line.startswith('dax: error: ')]
    if errors:
        return option_words('; '.join(errors))
    return option_words(lines[-1]) if lines else 'dax exited with status %d' % rc


def run_dax(module, *args, **kwargs):
    """Runs dax; returns (rc, stdout, stderr). Fails the module when dax cannot be run."""
    argv = dax_argv(module, *args)
    rc, out, err = module.run_command(argv, **kwargs)
    return rc, out, err


def printed_error(out):
    """The first error object of a view's JSON (status --format=json's "errors"), else None."""
    try:
        view = json.loads(out)
    except ValueError:
        return None
    errors = view.get('errors') if isinstance(view, dict) else None
    return errors[0] if isinstance(errors, list) and errors else None


def read_view(module, *args):
    """Runs a dax view; returns (view, error). A view dax printed is returned also when it failed (a
    device it could not read is left out of it), with the error: dax's error object, else one from its
    exit status; view is None when dax printed no JSON."""
    rc, out, err = run_dax(module, *args)
    try:
        view = json.loads(out)
    except ValueError as e:
        view = None
        if rc == 0:
            return None, error_object('dax printed no JSON: %s' % e, 'refused')
    if rc == 0:
        return view, None
    msg = dax_error(err, rc)
    return view, worded(printed_error(out)) or error_object(msg, status_kind(rc))


def run_json(module, *args):
    """Runs a dax view and returns its JSON; fails the module with dax's message when dax failed."""
    view, error = read_view(module, *args)
    if error is not None:
        fail(module, error['message'], error, cmd=dax_argv(module, *args))
    return view


def try_report(module, *args):
    """Runs a state-changing dax command with --report (and --dry-run in check mode).
    Returns (report, error): error is None, or a dict for fail_json with dax's one-line message and,
    under `error`, the report's error object."""
    flags = ['--report'] + (['--dry-run'] if module.check_mode else [])
    args = list(args)
    end = args.index('--') if '--' in args else len(args)  # before the device names
    args[end:end] = flags
    rc, out, err = run_dax(module, *args)
    try:
        report = json.loads(out) if out.strip() else None
    except ValueError:
        report = None
    if rc != 0:
        msg = dax_error(err, rc)
        error = worded(report.get('error')) if isinstance(report, dict) else None
        return report, dict(msg=msg, error=error or error_object(msg, status_kind(rc)), rc=rc, report=report,
                            stderr=err, cmd=dax_argv(module, *args))
    if report is None:
        return None, dict(msg='dax printed no report', error=error_object('dax printed no report', 'refused'),
                          stdout=out, stderr=err)
    return report, None


def run_report(module, *args):
    """try_report that fails the module with dax's one-line message (and the report) on error."""
    report, error = try_report(module, *args)
    if error:
        module.fail_json(**error)
    return report


def report_diff(reports):
    """--diff of the reports: the devices' states before and after (predicted in check mode)."""
    before, after = {}, {}
    for report in reports:
        for device in report['devices']:
            name = device['device'] or 'new device'
            before.setdefault(name, device['before'])
            after[name] = device['after']
    return dict(before=json.dumps(before, indent=2, sort_keys=True) + '\n',
                after=json.dumps(after, indent=2, sort_keys=True) + '\n')
