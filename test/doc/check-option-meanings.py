#!/usr/bin/env python3
"""What an option means is its entry in `dax CMD --help` (the help strings in cmd/ are the source).
Every option of every command (and every global option) is held to it wherever it is described:
its man page entry (dax-CMD(1), GLOBAL OPTIONS from dax(1)), README's option tables (the global
table and reconfigure's) and the Ansible options that pass it.

"Agree" means, for each place that describes the option (case, markup and plural 's' ignored):
  values   every value --help accepts (CLI11's "NAME:{a,b,c}") is named;
  scope    a mode prefix of the help line ("system-ram:", "devdax:") starts it too (after the
           "dax CMD --OPTION, " an Ansible option starts with);
  keywords every content word of the help line is there: the effect ("offline", "resize",
           "hot-add"), the default ("default: every dynamic region", "(the default)"), the
           kernel ("Linux 6.8+" as "6.8"), the units ("4G", "0x"); words of 3 letters or fewer
           and the few in FILLER are not content.
The Ansible `force` options and reconfigure's README rows of -f and --destroy-data-in-use start
with --help's line itself (the three stories of issue #20), and no document credits --force with
what only --destroy-data-in-use does.

Usage: check-option-meanings.py DAX SOURCE_DIR
"""
import glob
import re
import subprocess
import sys

# Words that carry no meaning of their own.
FILLER = {'this', 'that', 'with', 'from', 'when', 'than', 'into', 'them', 'their', 'they', 'then', 'also',
          'each', 'made', 'would', 'what', 'which', 'whose', 'there', 'here', 'these', 'those', 'been',
          'were', 'will', 'only', 'under', 'same'}

# README's option tables: the heading they follow, and the command whose --help they describe
# (None: the global options of `dax --help`).
README_TABLES = {'## Usage': None, '### `dax reconfigure` (alias `reconfigure-device`)': 'reconfigure'}

# Ansible options that pass a dax option: (module, option, command, dax option).
ANSIBLE = [('device', 'force', 'reconfigure', '-f,--force'), ('config', 'force', 'apply', '-f,--force'),
           ('device', 'mode', 'reconfigure', '-m,--mode')]

# Where the whole --help line must be said (the -f / --destroy-data-in-use story).
VERBATIM = {('reconfigure', '-f,--force'), ('reconfigure', '--destroy-data-in-use'), ('apply', '-f,--force'),
            ('destroy-device', '-f,--force')}


# Words that mean the same ("stderr" is "standard error").
SAME = {'standard error': 'stderr', 'standard output': 'stdout'}


def plain(text):
    """Text without scdoc/markdown/Ansible markup (scdoc's _underline_ too, not its \\_), in single spaces."""
    text = re.sub(r'[CI]\(([^)]*)\)', r'\1', text).replace('\\_', '\0')
    text = re.sub(r'(?<![\w/])_([^_\s][^_]*?)_(?![\w])', r'\1', text).replace('\0', '_')
    return ' '.join(text.replace('*', '').replace('`', '').replace('\\', '').split())


def words(text, stem=True):
    """The words of `text`, lower case, without surrounding punctuation or (`stem`) a plural 's'."""
    found, text = [], plain(text).lower()
    for phrase, word in SAME.items():
        text = text.replace(phrase, word)
    for raw in re.split(r'[\s,;:()\[\]{}"\'|=]+', text):
        word = raw.strip('.+').replace('_', '-')
        if stem and word.endswith('s') and len(word) > 4 and not word.endswith('ss'):
            word = word[:-1]
        if word:
            found.append(word)
    return found


def keywords(text):
    return sorted({w for w in words(text) if (len(w) > 3 or re.search(r'\d', w)) and w not in FILLER})


class Option:
    """One option of `dax [CMD] --help`: its names ("-f,--force"), accepted values and help text."""

    def __init__(self, names, values, text):
        self.names, self.values, self.text = names, values, text

    def scope(self):
        match = re.match(r'(system-ram|devdax|famfs):', self.text)
        return match.group(1) if match else None


def help_options(dax, command):
    args = [dax] + ([command] if command else []) + ['--help']
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    section = out.split('\nOptions:\n', 1)[1].split('\n\n', 1)[0].split('\n')
    options, current = [], None
    for line in section:
        head = re.match(r'  (-\S+)(.*)', line)
        if head:
            names = head.group(1)
            rest = re.sub(r'Excludes: .*|Needs: .*', '', head.group(2)).strip()
            # "MODE:{system-ram,devdax,famfs}" or "SIZE" before the text, when the option takes a value
            typed = re.match(r'([A-Z][A-Z_]+)(?::\{([^}]*)\})?(?=\s|$)\s*(.*)', rest)
            values, text = [], rest
            if typed:
                values = typed.group(2).split(',') if typed.group(2) else []
                text = typed.group(3)
            current = Option(names, values, text)
            options.append(current)
        elif current:
            current.text = (current.text + ' ' + line.strip()).strip()
    return options


def man_text(source, page):
    """The page with its %include files inlined."""
    text = open(f'{source}/man/{page}').read()
    return re.sub(r'^%include (\S+)$', lambda m: man_text(source, m.group(1)), text, flags=re.M)


def man_entry(source, page, option):
    """The entry whose header line names one of the option's names, as text."""
    names = option.names.split(',')
    lines = man_text(source, page).split('\n')
    for i, line in enumerate(lines):
        header = re.findall(r'\*(-[^*]+)\*', line)
        entry_follows = i + 1 < len(lines) and lines[i + 1].startswith('\t')
        if line.startswith('*-') and entry_follows and any(name in header for name in names):
            entry = []
            for body in lines[i + 1:]:
                if not body.startswith('\t'):
                    break
                entry.append(body.strip())
            return ' '.join(entry)
    return None


def readme_rows(source):
    """{(command or None, name): row text} of README's option tables."""
    rows, table = {}, False
    for line in open(f'{source}/README.md'):
        line = line.rstrip('\n')
        if line.startswith('#'):
            table = line.strip() in README_TABLES
            command = README_TABLES.get(line.strip())
        elif table and line.startswith('| `-'):
            cells = line.split('|')
            for name in re.findall(r'`(-[^` ]+)', cells[1]):
                rows[(command, name)] = cells[2]
    return rows


def ansible_option(source, module, option):
    import yaml
    text = open(f'{source}/ansible/plugins/modules/{module}.py').read()
    documentation = yaml.safe_load(re.search(r"DOCUMENTATION = r?'''(.*?)'''", text, re.S).group(1))
    entry = documentation['options'][option]
    description = entry.get('description', '')
    description = ' '.join(description) if isinstance(description, list) else description
    return description + ' ' + ' '.join(entry.get('choices', []))


def disagreements(option, text, verbatim=False):
    """What `text` (a description of `option`) leaves out of --help's meaning."""
    have = words(text)
    problems = []
    said = lambda word: any(w.startswith(word) for w in have)  # noqa: E731 ("open" is said by "opened")
    missing_values = [v for v in option.values if v.replace('_', '-') not in words(text, stem=False)]  # exactly
    if missing_values:
        problems.append(f'values {missing_values} of {option.values} not named')
    if option.scope() and not re.search(r'(^|^dax [a-z-]+ --?[a-z-]+, )' + option.scope() + ':', plain(text).lower()):
        problems.append(f'scope: does not start with "{option.scope()}:"')
    missing = [w for w in keywords(option.text) if not said(w)]
    if missing:
        problems.append(f'keywords {missing} of --help not there')
    if verbatim and option.text.rstrip('.').lower().replace(' ', '') not in plain(text).lower().replace(' ', ''):
        problems.append('does not start from --help\'s line')
    return problems


def force_claims(source):
    """Sentences of every document that credit --force with overriding the in-use check."""
    files = [f'{source}/README.md'] + glob.glob(f'{source}/man/*.scd') + glob.glob(f'{source}/ansible/plugins/*/*.py')
    claims = []
    for path in files:
        for sentence in re.split(r'(?<=\.)\s', plain(open(path).read()).replace('_', ' ')):
            lower = sentence.lower()
            about_force = re.search(r'(^|[^-\w])(-f|--force|force)\b', lower)
            about_users = re.search(r'in use|in-use|open or mapped|a process', lower)
            denied = re.search(r'\b(never|not)\b', lower)
            if about_force and about_users and not denied and 'destroy-data-in-use' not in lower \
                    and 'destroy data in use' not in lower:
                claims.append(f'{path.removeprefix(source + "/")}: {sentence[:200]}')
    return claims


def commands(dax):
    out = subprocess.run([dax, '--list-cmds'], capture_output=True, text=True, check=True).stdout.split()
    pages = {c for c in out if glob.glob(f'{sys.argv[2]}/man/dax-{c}.1.scd')}
    return sorted(pages)


def main():
    dax, source = sys.argv[1:3]
    failures, checked = [], 0
    readme = readme_rows(source)
    for command in [None] + commands(dax):
        page = f'dax-{command}.1.scd' if command else 'dax.1.scd'
        for option in help_options(dax, command):
            places = [(f'{page.removesuffix(".scd")} {option.names}', man_entry(source, page, option))]
            for name in option.names.split(','):
                if (command, name) in readme:
                    places.append((f'README.md {command or "global"} row {name}', readme[(command, name)]))
            for module, ansible, for_command, names in ANSIBLE:
                if (for_command, names) == (command, option.names):
                    places.append((f'ansible {module} {ansible}', ansible_option(source, module, ansible)))
            for where, text in places:
                checked += 1
                if text is None:
                    failures.append(f'{where}: no entry')
                    continue
                verbatim = (command, option.names) in VERBATIM and not where.startswith('README.md')
                for problem in disagreements(option, text, verbatim):
                    failures.append(f'{where}: {problem}; --help says {option.text!r}, it says {plain(text)!r}')
    failures += [f'credits --force with what only --destroy-data-in-use does: {claim}' for claim in force_claims(source)]
    for failure in failures:
        print('FAIL: ' + failure)
    print(f'{checked} descriptions of options checked against --help, {len(failures)} disagree')
    return 1 if failures or checked == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
