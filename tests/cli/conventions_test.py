#!/usr/bin/python3
"""CLI conventions (issue 14): one option parser for every command
(--opt=value, --opt value, -o value, -ovalue, --, -h, -V), each error
printed once with a hint (a GIF given to encode points to edit, a video to
the ffmpeg pipe), the encode summary line, no loop extension on a still
image, and the progress line on a terminal (a total when it is known).

Truths: byte-identical outputs for equivalent spellings of one command,
exit codes (64 = usage), the number of "giflow:" lines on stderr, the
output file's own size and blocks, and what a pseudo-terminal receives.

usage: conventions_test.py GIFLOW_BINARY CORPORA WORKDIR
"""
import os
import pty
import re
import select
import subprocess
import sys
import time

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

# 4. Hints: what the input is decides where the message points.
CLIP = w("clip.bin")
with open(CLIP, "wb") as f:
    f.write(b"\0\0\0\x18ftypisom" + bytes(64))  # an MP4 by its content
with open(w("notes.txt"), "wb") as f:
    f.write(b"just text\n")
for path, needles, absent in ((GIF, (b"giflow edit", b"-o OUT.gif"), b"ffmpeg"),
                              (CLIP, (b"ffmpeg -i", b"yuv4mpegpipe", b"--y4m"), b"edit"),
                              (w("movie.mkv"), (), b""),  # missing: the OS error only
                              (w("notes.txt"), (b"not a PNG or JPEG",), b"ffmpeg")):
    if path.endswith(".mkv"):
        r = run("encode", "-o", w("x.gif"), path)
        check("missing input: one error, no hint", r.returncode == 1 and once(r) and
              b"No such file" in r.stderr and b"ffmpeg" not in r.stderr, str(r.stderr))
        continue
    r = run("encode", "-o", w("x.gif"), path)
    # The paths are quoted, and the checkout's may hold any word.
    said = r.stderr.replace(os.fsencode(path), b"").replace(os.fsencode(w("x.gif")), b"")
    check("encode %s: one error with its hint" % os.path.basename(path),
          r.returncode == 1 and once(r) and all(n in r.stderr for n in needles) and
          (not absent or absent not in said) and not os.path.exists(w("x.gif")),
          "%d %s" % (r.returncode, r.stderr))

# 5. The encode summary line, and a still image without a loop extension.
PNG = w("still.png")
r = run("decode", "--frame", "0", GIF, "-o", PNG)
check("one frame to a PNG", r.returncode == 0 and open(PNG, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
      str(r.stderr))
for args, loop_ext in ((("encode", "-o", w("still.gif"), PNG), False),
                       (("encode", "--loop", "0", "-o", w("still.gif"), PNG), True),
                       (("encode", "-o", w("still.gif"), PNG, PNG), True)):
    r = run(*args)
    data = open(w("still.gif"), "rb").read()
    n = len(args) - 3 - (2 if "--loop" in args else 0)
    m = re.match(rb"giflow: .*still\.gif: (\d+) frames? \((\d+) given\), (\d+)x(\d+), (\d+) bytes, "
                 rb"[0-9.]+ s\n$", r.stderr)
    check("summary: %s" % " ".join(args[1:-1]),
          r.returncode == 0 and m and int(m.group(2)) == n and int(m.group(5)) == len(data),
          str(r.stderr))
    check("loop extension %s: %s" % ("written" if loop_ext else "absent", " ".join(args[1:-1])),
          (b"NETSCAPE2.0" in data) == loop_ext)
r = run("encode", "-q", "-o", w("still.gif"), PNG)
check("-q: no summary", r.returncode == 0 and r.stderr == b"", str(r.stderr))

# decode -o FILE.png: a still's one frame is that file (the same bytes as
# --frame 0 writes); an animation needs a pick, and gets no folder named so.
r = run("decode", w("still.gif"), "-o", w("one.png"))
r0 = run("decode", "--frame", "0", w("still.gif"), "-o", w("zero.png"))
check("decode still -o FILE.png: that one PNG", r.returncode == 0 and r0.returncode == 0 and
      os.path.isfile(w("one.png")) and open(w("one.png"), "rb").read() == open(w("zero.png"), "rb").read(),
      str(r.stderr))
r = run("decode", GIF, "-o", w("anim.png"))
check("decode animation -o FILE.png: refused once, nothing created",
      r.returncode == 64 and once(r) and b"--frame" in r.stderr and not os.path.exists(w("anim.png")),
      "%d %s" % (r.returncode, r.stderr))


# 6. Progress, only on a terminal: frames and the share of the file read
# for a plain decode, frames of the total for a pick list.
def on_tty(*args):
    """Runs giflow with stderr on a pseudo-terminal: (returncode, what the
    terminal got, seconds)."""
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.pop("GIFLOW_NO_PROGRESS", None)
    t0 = time.monotonic()
    p = subprocess.Popen([G] + list(args), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    got = b""
    while True:
        if select.select([master], [], [], 0.05)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            got += chunk
        elif p.poll() is not None and not select.select([master], [], [], 0.05)[0]:
            break
    p.wait()
    os.close(master)
    return p.returncode, got, time.monotonic() - t0


BIG = w("big.gif")
H, W, N = 360, 480, 60
raw = bytearray()
for t in range(N):
    raw += bytes(((x * 3 + t * 7) & 255 if c == 0 else (x * 5 + t) & 255 if c == 1 else
                  (t * 11 + x // 8) & 255 if c == 2 else 255)
                 for x in range(W) for c in range(4)) * H
r = run("encode", "-q", "--raw", "%dx%d" % (W, H), "--fps", "10", "-o", BIG, "-", stdin=bytes(raw))
check("the progress input encodes", r.returncode == 0, str(r.stderr))
size_mb = "%.1f MB" % (os.path.getsize(BIG) / 1e6)
rc, tty, secs = on_tty("decode", BIG, "-o", w("frames"))
lines = re.findall(rb"decoding frame (\d+)  (\d+)% of ([0-9.]+ MB)", tty)
# Redraws start after 0.1 s; a decode this size takes longer on any machine
# this suite runs on, but an exceptionally fast one gets no line to judge.
check("decode progress: frames and the share of the file (%d lines in %.2f s)" % (len(lines), secs),
      rc == 0 and (secs < 0.3 or len(lines) >= 1) and
      all(l[2].decode() == size_mb and 0 < int(l[1]) <= 100 and 0 < int(l[0]) <= N for l in lines),
      repr(tty[:300]))
check("decode progress erased at the end", rc == 0 and (not lines or tty.endswith(b"\r\x1b[K")),
      repr(tty[-40:]))
rc, tty, secs = on_tty("decode", "--frames", "0-%d" % (N - 1), BIG, "-o", w("picks"))
lines = re.findall(rb"decoding frame (\d+)/(\d+)  ", tty)
check("pick progress: frames of the total (%d lines in %.2f s)" % (len(lines), secs),
      rc == 0 and (secs < 0.3 or len(lines) >= 1) and all(int(l[1]) == N for l in lines),
      repr(tty[:300]))
r = run("decode", BIG, "-o", w("frames2"))
check("no progress when stderr is not a terminal", r.returncode == 0 and b"decoding" not in r.stderr)

finish("conventions_test")
