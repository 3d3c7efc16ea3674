#!/usr/bin/env python3
"""The meaning of an option is its one line in `dax CMD --help` (the help strings in cmd/ are the
source); the man page's entry, README's option table and the Ansible option that passes it start
with that line. And no document may say that --force overrides the in-use check, which only
--destroy-data-in-use does.
Usage: check-option-meanings.py DAX SOURCE_DIR
"""
import re
import subprocess
import sys

# (command, option as --help names it, README table row or None, Ansible module or None)
CHECKED = [
    ('reconfigure', '-f,--force', '`-f`, `--force`', 'device'),
    ('reconfigure', '--destroy-data-in-use', '`--destroy-data-in-use`', None),
    ('apply', '-f,--force', None, 'config'),
    ('destroy-device', '-f,--force', None, None),
]


def plain(text):
    """Text without scdoc/markdown/Ansible markup, in single spaces."""
    text = re.sub(r'[CI]\(([^)]*)\)', r'\1', text)
    return ' '.join(text.replace('*', '').replace('`', '').replace('\\', '').replace('_', ' ').split())


def normal(text):
    return plain(text).replace(' ', '').replace('_', '').lower()


def help_meaning(dax, command, option):
    out = subprocess.run([dax, command, '--help'], capture_output=True, text=True, check=True).stdout
    lines = out.split('\n')
    for i, line in enumerate(lines):
        if line.startswith('  ' + option + ' '):
            text = [line[len(option) + 2:].strip()]
            j = i + 1
            while j < len(lines) and lines[j].startswith(' ' * 10) and not lines[j].strip().startswith('-'):
                text.append(lines[j].strip())
                j += 1
            return ' '.join(text)
    raise SystemExit(f'dax {command} --help has no {option}')


def man_entry(source, command, option):
    short_long = ' '.join(f'*{name}*' for name in option.split(','))
    header = short_long.replace(' ', ', ')
    lines = open(f'{source}/man/dax-{command}.1.scd').read().split('\n')
    i = lines.index(header)
    entry = []
    for line in lines[i + 1:]:
        if not line.startswith('\t'):
            break
        entry.append(line.strip())
    return ' '.join(entry)


def readme_row(source, row):
    for line in open(f'{source}/README.md'):
        if line.startswith('| ' + row + ' |'):
            return line.split('|')[2]
    raise SystemExit(f'README.md has no option row {row}')


def ansible_force(source, module):
    """The force option's description, as Ansible reads the module's DOCUMENTATION (YAML)."""
    import yaml
    text = open(f'{source}/ansible/plugins/modules/{module}.py').read()
    documentation = yaml.safe_load(re.search(r"DOCUMENTATION = r?'''(.*?)'''", text, re.S).group(1))
    description = documentation['options']['force']['description']
    return ' '.join(description) if isinstance(description, list) else description


def force_claims(source):
    """Sentences of every document that credit --force with overriding the in-use check."""
    import glob
    files = [f'{source}/README.md'] + glob.glob(f'{source}/man/*.scd') + glob.glob(f'{source}/ansible/plugins/*/*.py')
    claims = []
    for path in files:
        for sentence in re.split(r'(?<=\.)\s', plain(open(path).read())):
            lower = sentence.lower()
            about_force = re.search(r'(^|[^-\w])(-f|--force|force)\b', lower)
            about_users = re.search(r'in use|in-use|open or mapped|a process', lower)
            denied = re.search(r'\b(never|not)\b', lower)
            if about_force and about_users and not denied and 'destroy-data-in-use' not in lower \
                    and 'destroy data in use' not in lower:
                claims.append(f'{path.removeprefix(source + "/")}: {sentence[:200]}')
    return claims


def main():
    dax, source = sys.argv[1:3]
    failures = []
    for command, option, row, module in CHECKED:
        meaning = help_meaning(dax, command, option)
        places = [(f'dax-{command}(1) {option}', man_entry(source, command, option))]
        if row:
            places.append((f'README.md row {row}', readme_row(source, row)))
        if module:
            places.append((f'ansible {module} force', ansible_force(source, module)))
        for where, text in places:
            if meaning.rstrip('.').lower().replace(' ', '') not in normal(text):
                failures.append(f'{where}: does not say what --help says ({meaning!r}): {plain(text)!r}')
        print(f'{command} {option}: {meaning!r} checked in {len(places)} places')
    failures += [f'credits --force with what only --destroy-data-in-use does: {claim}' for claim in force_claims(source)]
    for failure in failures:
        print('FAIL: ' + failure)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
