#!/usr/bin/env python3
"""The help dax prints: `dax help [CMD]` as git and systemctl do it, wrapped by the formatter.

Checks, for dax and every command and daxctl alias of `dax --list-cmds`:
  `dax help` prints what `dax --help` prints, `dax help CMD` what `dax CMD --help` prints, with
  `Usage: dax CMD`; an unknown command in `dax help` is refused with a suggestion (exit 2);
  no line is wider than 80 columns; CLI11's "Excludes:"/"Needs:" do not show;
  the exit-status paragraph of the footer is wrapped (no line broken before it had to be) and lists
  the codes of dax(1)'s EXIT STATUS (man/_exit-status.scd), no more, no less.
Usage: help-text.py DAX SOURCE_DIR
"""
import re
import subprocess
import sys

WIDTH = 80


def run(dax, *args):
    done = subprocess.run([dax, *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def exit_paragraph(text):
    """The lines of the footer's exit-status paragraph."""
    lines = text.split('\n')
    start = next((i for i, line in enumerate(lines) if line.startswith('Exit status:')), None)
    if start is None:
        return []
    end = next(i for i in range(start, len(lines)) if lines[i].startswith('See ') or not lines[i].strip())
    return lines[start:end]


def check_footer(text, source):
    problems = []
    paragraph = exit_paragraph(text)
    if not paragraph:
        return ['dax --help has no "Exit status:" paragraph']
    for line, following in zip(paragraph, paragraph[1:]):
        if len(line) + 1 + len(following.split()[0]) <= WIDTH:
            problems.append(f'the exit-status list is broken by hand after {line!r}')
    listed = re.findall(r'(?:: |, )(\d+) ', ' '.join(paragraph))
    with open(f'{source}/man/_exit-status.scd', encoding='utf-8') as scd:
        documented = re.findall(r'^\*(\d+)\*$', scd.read(), re.M)
    if listed != documented:
        problems.append(f'dax --help lists exit statuses {listed}, dax(1) EXIT STATUS {documented}')
    return problems


def check_screen(what, text):
    problems = [f'{what}: line of {len(line)} columns: {line!r}' for line in text.split('\n') if len(line) > WIDTH]
    problems += [f'{what}: CLI11 text leaks: {line.strip()!r}' for line in text.split('\n')
                 if re.search(r'\b(Excludes|Needs):', line)]
    return problems


def main():
    dax, source = sys.argv[1:3]
    problems = []
    status, main_help, _ = run(dax, '--help')
    if run(dax, 'help') != (0, main_help, ''):
        problems.append('dax help does not print what dax --help prints')
    problems += check_screen('dax --help', main_help) + check_footer(main_help, source)
    names = [name for name in run(dax, '--list-cmds')[1].split() if name != 'help']
    for name in names:
        status, text, err = run(dax, name, '--help')
        if status != 0 or not text:
            problems.append(f'dax {name} --help: exit {status}: {err.strip()}')
            continue
        if run(dax, 'help', name) != (0, text, ''):
            problems.append(f'dax help {name} does not print what dax {name} --help prints')
        usage = next((line for line in text.split('\n') if line.startswith('Usage:')), '')
        if not re.match(rf'Usage: dax ({"|".join(map(re.escape, names))}) ', usage):
            problems.append(f'dax help {name}: {usage!r}, not "Usage: dax {name} ..."')
        problems += check_screen(f'dax {name} --help', text)
    status, out, err = run(dax, 'help', 'lst')
    if status != 2 or out or err.count('\n') != 1 or "'lst' is not a dax command; did you mean 'list'?" not in err:
        problems.append(f'dax help lst: exit {status}, {err!r}')
    for problem in problems:
        print(f'FAIL: {problem}')
    print(f'checked the help of dax and {len(names)} command names, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
