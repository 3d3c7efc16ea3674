#!/usr/bin/env python3
"""Runs every example of README.md and man/*.scd, and examples/*.conf, on the shipped sysfs trees.

A fenced block is one of:
  a configuration (its first line is a [section]): dax --sysroot TREE --config-root DIR apply --dry-run
  commands (lines starting with '$ ' or '# '), each followed by the output it shows: run on a copy of
    TREE with --sysroot inserted after every 'dax', stdout and stderr together; '...' stands for any
    lines; the exit status must be 0 unless the block says otherwise or an 'echo $?' line shows it
  a synopsis (every line starts with 'dax '): not an example
The line before a block may carry directives, in README an HTML comment, in a man page a scdoc
comment:  <!-- doc-example: tree=nfit-node1/devdax-kmem-loaded config exit=1 -->
  tree=T      the captured tree (test/snapshot/trees/T.tar.gz); default nfit-node1/system-ram-online-movable
  config      the commands read the previous configuration block as /etc/dax/dax.conf
  exit=N      the status every command of the block exits with
  not run: WHY   the example is shown only (counted as marked, WHY printed)
Any other block without 'not run' fails the test: an example nobody can run.
Usage: doc-examples.py DAX SOURCE_DIR WORK_DIR
"""
import functools
import os
import re
import shutil
import subprocess
import sys
import tarfile

DEFAULT_TREE = 'nfit-node1/system-ram-online-movable'
PROMPT = re.compile(r'^[$#] (dax|daxctl|echo|cat|jq|systemctl|curl) ')
MARKER = re.compile(r'^(?:<!--|;)\s*doc-example:\s*(.*?)\s*(?:-->)?\s*$')


def blocks(path):
    """Yields (line number, directive text or None, lines) for each fenced block."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        if lines[i].startswith('```'):
            start = i
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith('```'))
            before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), '')
            found = MARKER.match(before)
            yield start + 1, found.group(1) if found else None, lines[start + 1:end]
            i = end + 1
        else:
            i += 1


def kind(body):
    first = next((line for line in body if line.strip()), '')
    sections = any(re.match(r'\[(device|reconfigure-device) ', line) for line in body)
    if first.startswith('[') or (first.startswith('#') and sections and not PROMPT.match(first)):
        return 'config'
    if first.startswith('$ ') or first.startswith('# '):
        return 'commands'
    if all(line.startswith('dax ') for line in body if line.strip()):
        return 'synopsis'
    return 'other'


def directives(text):
    result = {'tree': DEFAULT_TREE, 'config': False, 'exit': 0, 'not_run': None}
    if text is None:
        return result
    if text.startswith('not run:'):
        result['not_run'] = text[len('not run:'):].strip()
        return result
    for word in text.split():
        key, _, value = word.partition('=')
        if key == 'tree':
            result['tree'] = value
        elif key == 'config':
            result['config'] = True
        elif key == 'exit':
            result['exit'] = int(value)
        else:
            raise SystemExit(f'unknown doc-example directive {word!r}')
    return result


class Runner:
    def __init__(self, dax, source, work):
        self.dax, self.source, self.work = dax, source, work
        self.count = 0

    def tree(self, name):
        self.count += 1
        root = os.path.join(self.work, f'tree{self.count}')
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        with tarfile.open(os.path.join(self.source, 'test/snapshot/trees', name + '.tar.gz')) as tar:
            tar.extractall(root, **({'filter': 'tar'} if hasattr(tarfile, 'tar_filter') else {}))
        return root

    def config_dir(self, root, text):
        etc = os.path.join(root, 'etc')
        os.makedirs(os.path.join(etc, 'dax'), exist_ok=True)
        with open(os.path.join(etc, 'dax', 'dax.conf'), 'w') as out:
            out.write(text)
        return etc

    def run_config(self, body, wanted):
        root = self.tree(wanted['tree'])
        etc = self.config_dir(root, '\n'.join(body) + '\n')
        done = subprocess.run([self.dax, '--sysroot', root, '--config-root', etc, 'apply', '--dry-run'],
                              capture_output=True, text=True)
        if done.returncode != wanted['exit']:
            return [f'apply --dry-run exits {done.returncode}, not {wanted["exit"]}: {done.stderr.strip()}']
        return []

    def run_commands(self, body, wanted, config):
        root = self.tree(wanted['tree'])
        if wanted['config']:
            if config is None:
                return ['"config" but no configuration block before it']
            self.config_dir(root, config)
        steps = []  # [command, shown output lines]
        for line in body:
            if line.startswith('$ ') or line.startswith('# '):
                steps.append([line[2:], []])
            else:
                steps[-1][1].append(line)
        problems, status = [], 0
        for index, (command, shown) in enumerate(steps):
            if command.strip() == 'echo $?':
                out, err = [str(status)], []
            else:
                done = subprocess.run(['bash', '-o', 'pipefail', '-c', rooted(command, self.dax, root)], cwd=root,
                                      capture_output=True, text=True)
                out, err, status = lines_of(done.stdout), lines_of(done.stderr), done.returncode
                shows_status = index + 1 < len(steps) and steps[index + 1][0].strip() == 'echo $?'
                if not shows_status and status != wanted['exit']:
                    problems.append(f'{command}: exit {status}, not {wanted["exit"]}:\n' + '\n'.join(out + err))
                    continue
            if shown and not matches(tuple(shown), tuple(out), tuple(err)):
                problems.append(f'{command}: the output differs:\n--- shown\n' + '\n'.join(shown) +
                                '\n--- stdout\n' + '\n'.join(out) + '\n--- stderr\n' + '\n'.join(err))
        return problems


def rooted(command, dax, root):
    """The command with every 'dax' given the tree as its --sysroot, and absolute paths of other commands in it."""
    if '--sysroot' in command:
        command = re.sub(r'--sysroot \S+', f'--sysroot {root}', command)
        return re.sub(r'(^|[|;&]\s*)dax ', rf'\1{dax} ', command)
    command = re.sub(r'(^|\s)/(sys|proc|etc|dev)/', rf'\1{root}/\2/', command)
    return re.sub(r'(^|[|;&]\s*)dax ', rf'\1{dax} --sysroot {root} ', command)


def lines_of(text):
    return text.rstrip('\n').split('\n') if text.strip('\n') else []


@functools.lru_cache(maxsize=None)
def matches(shown, out, err):
    """Whether the shown lines are stdout and stderr interleaved, each in its order; '...' stands for any lines."""
    if not shown:
        return not out and not err
    if shown[0].strip() == '...':
        return any(matches(shown[1:], out[i:], err[j:]) for i in range(len(out) + 1) for j in range(len(err) + 1))
    line = shown[0].rstrip()
    return (bool(out) and out[0].rstrip() == line and matches(shown[1:], out[1:], err)) or \
        (bool(err) and err[0].rstrip() == line and matches(shown[1:], out, err[1:]))


def main():
    dax, source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    runner = Runner(dax, source, work)
    files = [os.path.join(source, 'README.md')] + sorted(
        os.path.join(source, 'man', name) for name in os.listdir(os.path.join(source, 'man'))
        if name.endswith('.scd'))
    ran = marked = 0
    failures = []
    for path in files:
        config = None
        for line, text, body in blocks(path):
            where = f'{os.path.relpath(path, source)}:{line}'
            if path.endswith('.scd'):
                body = [line.replace('\\\\', '\\') for line in body]  # scdoc's escaped backslash
            what = kind(body)
            wanted = directives(text)
            if what == 'synopsis' and wanted['not_run'] is None and text is None:
                continue
            if wanted['not_run'] is not None:
                marked += 1
                print(f'marked {where}: {wanted["not_run"]}')
                if what == 'config':
                    config = '\n'.join(body) + '\n'
                continue
            if what == 'config':
                problems = runner.run_config(body, wanted)
                config = '\n'.join(body) + '\n'
            elif what == 'commands':
                problems = runner.run_commands(body, wanted, config)
            else:
                problems = ['an example that is neither run nor marked "doc-example: not run: WHY"']
            ran += 1
            print(f'{"ok" if not problems else "FAIL"} {where} ({what}, {wanted["tree"]})')
            failures += [f'{where}: {problem}' for problem in problems]
    # The example configurations installed with the docs (examples/*.conf): dax apply --dry-run takes them.
    for name in sorted(os.listdir(os.path.join(source, 'examples'))):
        if name.endswith('.conf'):
            path = os.path.join(source, 'examples', name)
            problems = runner.run_config(open(path, encoding='utf-8').read().split('\n'), directives(None))
            ran += 1
            print(f'{"ok" if not problems else "FAIL"} examples/{name} (config, {DEFAULT_TREE})')
            failures += [f'examples/{name}: {problem}' for problem in problems]
    print(f'{ran} examples run, {marked} marked as not runnable, {len(failures)} failures')
    for failure in failures:
        print('\n' + failure)
    return 1 if failures or ran == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
