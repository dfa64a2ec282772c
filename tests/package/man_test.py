#!/usr/bin/env python3
"""The man page's source, docs/giflow.1.md, has a section for every command
'giflow --help' lists, and lists exactly the options each command's --help
prints: none missing, none stale.

Usage: man_test.py GIFLOW_BINARY DOCS/giflow.1.md"""
import re
import subprocess
import sys

OPT = re.compile(r"(?<![\w-])(--?[a-zA-Z][a-zA-Z0-9-]*)")


def help_options(exe, cmd):
    p = subprocess.run([exe, cmd, "--help"], capture_output=True, text=True)
    text = p.stdout + p.stderr
    opts = set()
    for line in text.splitlines():
        # An option starts its line after two spaces, or a second column
        # after two or more.
        if line.startswith("  "):
            opts.update(re.findall(r"(?:^|\s{2})\s*(--?[a-zA-Z][a-zA-Z0-9-]*)", line))
    return opts, text


def commands(exe):
    """The commands 'giflow --help' lists."""
    p = subprocess.run([exe, "--help"], capture_output=True, text=True)
    return sorted(set(re.findall(r"^  ([a-z]+) ", p.stdout, re.M)))


def man_options(path):
    """Options per '## ' section: the definition terms (`--opt ARG`)."""
    sections, cur = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            cur = line[3:].strip()
            sections[cur] = set()
        elif line.startswith("# "):
            cur = None
        elif cur and re.match(r"^`-", line):
            sections[cur].add(OPT.match(line[1:]).group(1))
    return sections


def main():
    exe, md = sys.argv[1], sys.argv[2]
    man = man_options(md)
    shared = next(v for k, v in man.items() if k.startswith("Decoder options"))
    failures = 0
    cmds = commands(exe)
    if len(cmds) < 3:
        print(f"man_test: 'giflow --help' lists only {cmds}")
        return 1
    for cmd in cmds:
        section = next((v for k, v in man.items() if k.startswith("giflow " + cmd)), None)
        if section is None:
            print(f"man_test: no '## giflow {cmd}' section in {md}")
            failures += 1
            continue
        printed, text = help_options(exe, cmd)
        # A command takes the decoder options if it prints them (more than
        # one: encode has its own --max-pixels, for its input images).
        documented = section | (shared if len(printed & shared) > 1 else set())
        if len(printed) < 2:
            print(f"man_test: 'giflow {cmd} --help' printed no options:\n{text}")
            failures += 1
        before = failures
        for o in sorted(printed - documented):
            print(f"man_test: 'giflow {cmd} --help' has {o}, {md} does not: document it")
            failures += 1
        for o in sorted(documented - printed):
            print(f"man_test: {md} documents {o} for {cmd}, its --help does not")
            failures += 1
        if failures == before:
            print(f"man_test: {cmd}: {len(printed)} options, all documented")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
