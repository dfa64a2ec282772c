#!/usr/bin/python3
"""CLI conventions (issue 14): one option parser for every command
(--opt=value, --opt value, -o value, -ovalue, --, -h, -V), each error
printed once with a hint, and the documented messages.

Truths: byte-identical outputs for equivalent spellings of one command,
exit codes (64 = usage), and the number of "giflow:" lines on stderr.

usage: conventions_test.py GIFLOW_BINARY CORPORA WORKDIR
"""
import os
import sys

from cliutil import check, finish, runner

G, CORPORA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)
run = runner(G)
GIF = os.path.join(CORPORA, "wuffs/test/data/animated-red-blue.gif")


def w(name):
    return os.path.join(WORK, name)


def once(r):
    """Exactly one message line on stderr."""
    return r.stderr.decode().count("giflow:") == 1


# 1. Spellings of the same command give the same bytes.
raw = run("decode", "--raw", GIF, "-o", "-").stdout
for args in ((GIF, "--raw", "--output=-"), ("--raw", "-o-", GIF), ("--raw", "-o", "-", "--", GIF),
             ("--raw", "--chunk=7", GIF, "-o", "-")):
    r = run("decode", *args)
    check("decode %s" % " ".join(a.replace(CORPORA, "") for a in args),
          r.returncode == 0 and r.stdout == raw, r.stderr.decode())
check("raw output has 4 canvases", len(raw) == 4 * 64 * 48 * 4)
a = run("encode", "--raw", "64x48", "--fps", "25", "--loop", "-1", "-o", w("a.gif"), "-", stdin=raw)
b = run("encode", "--raw=64x48", "--fps=25", "--loop=-1", "-o" + w("b.gif"), "-", stdin=raw)
check("encode --opt=value equals --opt value", a.returncode == 0 and b.returncode == 0 and
      open(w("a.gif"), "rb").read() == open(w("b.gif"), "rb").read())

# 2. -h, --help, -V, --version.
for args in (("-h",), ("--help",), ("decode", "-h"), ("encode", "--help"), ("info", "-h")):
    r = run(*args)
    check("%s prints usage on stdout" % " ".join(args), r.returncode == 0 and b"usage:" in r.stdout)
for args in (("-V",), ("--version",)):
    r = run(*args)
    check("%s prints the version" % args[0], r.returncode == 0 and r.stdout.startswith(b"giflow "))

# 3. Usage errors: exit 64, one message naming the option and the help.
for args, needle in (
        (("info", "--bogus", GIF), b"--bogus is not an option"),
        (("info", "--json=yes", GIF), b"--json takes no value"),
        (("decode", "--raw", GIF, "-o"), b"-o needs a value"),
        (("encode", "--fps", "nan", "-o", w("x.gif"), "-"), b"--fps takes a number"),
        (("encode", "--fps", "1e-17", "-o", w("x.gif"), "-"), b"--fps takes a number"),
        (("encode", "--fps", "inf", "-o", w("x.gif"), "-"), b"--fps takes a number"),
        (("encode", "--colors", "99999999999999999999", "-o", w("x.gif"), "-"), b"--colors takes 2..256"),
        (("encode", "--raw", "0x5", "-o", w("x.gif"), "-"), b"--raw takes WxH"),
        (("encode", "--dither=foo", "-o", w("x.gif"), "-"), b"none, fs or ordered"),
        (("decode", "--max-frames", "-3", GIF, "-o", "-"), b"--max-frames takes"),
        (("decode", "--crop", "1,2,3", GIF, "-o", "-"), b"--crop takes X,Y,W,H")):
    r = run(*args)
    check("usage error: %s" % needle.decode(), r.returncode == 64 and needle in r.stderr and once(r),
          "%d %s" % (r.returncode, r.stderr))

finish("conventions_test")
