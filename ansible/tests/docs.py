#!/usr/bin/python3
"""docs.py COLLECTIONS DOCDIR: what ansible-test's validate-modules and changelog tests check and
cannot check here (their Python requirements come from PyPI, unreachable), with Debian's Python:
  - each module's documented options (DOCDIR/MODULE.json, from ansible-doc --json) against its
    argument_spec (the module run with AnsibleModule replaced): names, type, elements, default,
    choices, required;
  - every RETURN value has a sample, and top-level dicts and lists of dicts say what they contain;
  - the `error` RETURN value is the same in every module (ansible-core 2.14 cannot share RETURN
    through a doc fragment, so each module keeps its copy);
  - the changelog (antsibull-changelog's format): fragments use the sections of config.yaml and
    hold lists of strings; changelog.yaml's releases are versions with changes and a date.
Prints one line per problem; exit status 1 when there is one."""
import importlib
import json
import os
import re
import sys

import yaml

collections, docdir = sys.argv[1], sys.argv[2]
sys.path.insert(0, collections)
root = os.path.join(collections, 'ansible_collections', 'dax', 'dax')
MODULES = ('device', 'config', 'info')
problems = []


class Spec(Exception):
    pass


def argument_spec(name):
    """The module's argument_spec, as AnsibleModule would get it."""
    utils = importlib.import_module('ansible_collections.dax.dax.plugins.module_utils.dax')
    module = importlib.import_module('ansible_collections.dax.dax.plugins.modules.' + name)

    def capture(argument_spec, **kwargs):
        raise Spec(argument_spec)
    utils.AnsibleModule = capture
    try:
        module.main()
    except Spec as spec:
        return spec.args[0]
    problems.append('%s: main() built no AnsibleModule' % name)
    return {}


def check_options(name, doc):
    spec, options = argument_spec(name), doc.get('options', {})
    for option in sorted(set(spec) ^ set(options)):
        problems.append('%s: option %s is %s' % (name, option, 'undocumented' if option in spec else 'not in argument_spec'))
    for option in sorted(set(spec) & set(options)):
        have, said = spec[option], options[option]
        for key, default in (('type', 'str'), ('elements', None), ('default', None), ('choices', None), ('required', False)):
            if have.get(key, default) != said.get(key, default):
                problems.append('%s: option %s: %s is %r in argument_spec, %r in DOCUMENTATION'
                                % (name, option, key, have.get(key, default), said.get(key, default)))


def check_return(name, path, value):
    if 'sample' not in value:
        problems.append('%s: RETURN %s has no sample' % (name, path))
    top = '.' not in path  # nested values show their keys in their sample
    if top and value.get('type') in ('dict', 'list') and value.get('elements', 'dict') == 'dict' and 'contains' not in value:
        problems.append('%s: RETURN %s (%s) does not say what it contains' % (name, path, value.get('type')))
    for key, inner in (value.get('contains') or {}).items():
        check_return(name, path + '.' + key, inner)


def check_changelog():
    if not os.path.isfile(os.path.join(root, 'changelogs', 'config.yaml')):
        problems.append('changelogs/config.yaml: missing (the changelog is kept by fragments)')
        return
    config = yaml.safe_load(open(os.path.join(root, 'changelogs', 'config.yaml')))
    sections = {s[0] for s in config['sections']} | {config['prelude_section_name'], config['trivial_section_name']}
    fragments = os.path.join(root, 'changelogs', config['notesdir'])
    for fragment in sorted(os.listdir(fragments)):
        notes = yaml.safe_load(open(os.path.join(fragments, fragment)))
        if not fragment.endswith('.yml') or not isinstance(notes, dict) or not notes:
            problems.append('changelogs/fragments/%s: not a YAML mapping of sections' % fragment)
            continue
        for section, items in notes.items():
            if section not in sections:
                problems.append('changelogs/fragments/%s: unknown section %s' % (fragment, section))
            elif section != config['prelude_section_name'] and \
                    not (isinstance(items, list) and items and all(isinstance(i, str) for i in items)):
                problems.append('changelogs/fragments/%s: %s is not a list of strings' % (fragment, section))
    changes = yaml.safe_load(open(os.path.join(root, 'changelogs', config['changes_file'])))
    for version, release in changes['releases'].items():
        if not re.fullmatch(r'[0-9]+\.[0-9]+\.[0-9]+', version) or 'release_date' not in release:
            problems.append('changelogs/changelog.yaml: release %s needs a version and a release_date' % version)


errors = {}
for module in MODULES:
    doc = json.load(open(os.path.join(docdir, module + '.json')))['dax.dax.' + module]
    check_options(module, doc['doc'])
    for key, value in doc['return'].items():
        check_return(module, key, value)
    errors[module] = doc['return'].get('error')
for module in MODULES[1:]:
    if errors[module] != errors[MODULES[0]]:
        problems.append('%s: RETURN error differs from %s\'s (keep the copies identical)' % (module, MODULES[0]))
check_changelog()
for problem in problems:
    print('FAIL: ' + problem)
sys.exit(1 if problems else 0)
