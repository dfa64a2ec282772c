#!/usr/bin/env python3
"""Documentation that drifts, pinned:
- the fixed state's size quoted in docs/design.md and README.md is the real
  one (giflow_decoder_state_size(), printed by test_abi --state-size);
- the README's layout table has a row for every folder of src/, naming each
  of its .c files;
- every giflow_*() call named in the docs and the header exists in
  giflow.h.

Usage: docs_test.py SOURCE_DIR TEST_ABI_BINARY"""
import glob
import os
import re
import subprocess
import sys

src, test_abi = sys.argv[1], sys.argv[2]
failures = []


def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()


readme, design, header = read("README.md"), read("docs/design.md"), read("include/giflow.h")

state = int(subprocess.run([test_abi, "--state-size"], capture_output=True, text=True,
                           check=True).stdout)
kib = f"{state / 1024:.1f} KiB"
want = f"{state:,} B = {kib}"
if want not in design:
    failures.append(f"docs/design.md (Memory) should say the fixed state is {want}")
if f"A fixed {kib} state" not in readme:
    failures.append(f"README.md should say 'A fixed {kib} state'")

layout = readme[readme.index("## Layout"):]
for d in sorted(os.path.basename(p) for p in glob.glob(os.path.join(src, "src", "*"))
                if os.path.isdir(p)):
    row = next((l for l in layout.splitlines() if l.startswith(f"| `src/{d}/`")), None)
    if row is None:
        failures.append(f"README.md layout table has no src/{d}/ row")
        continue
    for path in sorted(glob.glob(os.path.join(src, "src", d, "*.c"))):
        name = os.path.basename(path)
        if f"`{name}`" not in row and f"/`{name}`" not in row and f"`{name}/" not in row:
            failures.append(f"README.md layout row for src/{d}/ does not name {name}")

api = set(re.findall(r"^GIFLOW_API [^(]*?\b(giflow_[a-z0-9_]+)\(", header, re.M))
api |= set(re.findall(r"^#define (giflow_[a-z0-9_]+)\(", header, re.M))
if len(api) < 30:
    failures.append(f"only {len(api)} functions found in giflow.h: parser broken?")
docs = {"include/giflow.h": header, "README.md": readme, "docs/design.md": design}
for rel in ("DEVELOPERS.md", "docs/browser-model.md", "docs/conformance.md", "docs/perf.md"):
    if os.path.exists(os.path.join(src, rel)):
        docs[rel] = read(rel)


def nargs(inner):
    """Top-level arguments in a call's or declaration's parentheses."""
    inner, depth, n = inner.strip(), 0, 1
    if inner in ("", "void"):
        return 0
    for c in inner:
        depth += c in "([{"
        depth -= c in ")]}"
        n += c == "," and depth == 0
    return n


def parens(text, start):
    """The text inside the parenthesis opening at start, or None."""
    depth = 0
    for i in range(start, min(len(text), start + 400)):
        depth += text[i] == "("
        depth -= text[i] == ")"
        if depth == 0:
            return text[start + 1:i]
    return None


arity = {}
for m in re.finditer(r"^GIFLOW_API [^(]*?\b(giflow_[a-z0-9_]+)\(", header, re.M):
    arity[m.group(1)] = nargs(parens(header, m.end() - 1))
for m in re.finditer(r"^#define (giflow_[a-z0-9_]+)\(", header, re.M):
    arity[m.group(1)] = nargs(parens(header, m.end() - 1))
for rel, text in docs.items():
    seen = set()
    for m in re.finditer(r"\b(giflow_[a-z0-9][a-z0-9_]*)\(", text):
        name = m.group(1)
        if name not in api:
            if name not in seen:
                failures.append(f"{rel} names {name}(), which giflow.h does not declare")
            seen.add(name)
            continue
        inner = parens(text, m.end() - 1)
        # A call written out with arguments must have the declared number.
        if inner and "\n" not in inner and inner.strip() not in ("...", "void") \
                and not (rel == "include/giflow.h" and text.rfind("GIFLOW_API", 0, m.start()) >
                         text.rfind("\n", 0, m.start())) \
                and not text[text.rfind("\n", 0, m.start()) + 1:m.start()].startswith("#define") \
                and nargs(inner) != arity[name]:
            failures.append(f"{rel}: {name}({inner.strip()}) has {nargs(inner)} arguments, "
                            f"giflow.h declares {arity[name]}")

for f in failures:
    print("docs_test:", f)
if not failures:
    print(f"docs_test: state {want}; layout names every source file; "
          f"{len(api)} API names, every call in the docs exists")
sys.exit(1 if failures else 0)
