#!/usr/bin/python3
"""Output paths (issue 8): giflow never replaces a device, FIFO, socket or
symlink with a regular file, never loses an existing file, and cleans up
after write errors and signals.

Truths: the file system itself (stat before and after: node type, device
numbers, modes, link targets, contents), the bytes giflow writes to stdout
for the same command, and errno texts of the kernel.

Device nodes and FIFOs are made with mknod/mkfifo inside a temporary
folder; nothing here touches a real path under /dev.

usage: output_test.py GIFLOW_BINARY CORPORA WORKDIR
"""
import glob
import json
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

from cliutil import check, finish, runner

G, CORPORA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)
T = tempfile.mkdtemp(prefix="out-", dir=WORK)
run = runner(G)
GIF = os.path.join(CORPORA, "wuffs/test/data/animated-red-blue.gif")
BIG = os.path.join(CORPORA, "wuffs/test/data/gifplayer-muybridge.gif")
RAW = run("decode", "--raw", GIF, "-o", "-").stdout  # 4 frames of 64x48

# A small raw clip and what giflow encodes it to (the encoder is
# deterministic, so any other output kind must receive these bytes).
clip = np.zeros((3, 16, 16, 4), np.uint8)
clip[..., 3] = 255
for t in range(3):
    clip[t, t * 4:t * 4 + 4, :, 0] = 250
CLIP = clip.tobytes()
ENC = ["encode", "--raw", "16x16", "--delay", "5"]
GIFBYTES = run(*ENC, "-o", "-", "-", stdin=CLIP).stdout
check("reference outputs", len(RAW) == 4 * 64 * 48 * 4 and GIFBYTES[:6] == b"GIF89a")


def p(name):
    return os.path.join(T, name)


def tmp_left(folder=T):
    return glob.glob(os.path.join(folder, "*.tmp-*"))


def node(path):
    st = os.lstat(path)
    return stat.S_IFMT(st.st_mode), st.st_rdev if stat.S_ISCHR(st.st_mode) else 0


def reader(path, sink, sock=False):
    """Reads everything written to a FIFO (or accepted on a socket)."""
    def go():
        if sock:
            conn, _ = sink["listener"].accept()
            with conn:
                while True:
                    b = conn.recv(65536)
                    if not b:
                        break
                    sink["data"] += b
        else:
            with open(path, "rb") as f:
                sink["data"] = f.read()
    th = threading.Thread(target=go, daemon=True)
    th.start()
    return th


root = os.geteuid() == 0

# 1. Character devices: /dev/null's and /dev/full's numbers, in our folder.
if root:
    os.mknod(p("null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(p("full"), 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    before = node(p("null"))
    r = run("decode", "--raw", GIF, "-o", p("null"))
    check("decode to a null device succeeds", r.returncode == 0, r.stderr.decode())
    check("the null device is still that device", node(p("null")) == before, str(node(p("null"))))
    r = run(*ENC, "-o", p("null"), "-", stdin=CLIP)
    check("encode to a null device", r.returncode == 0 and node(p("null")) == before)
    before = node(p("full"))
    for args in (("decode", "--raw", GIF), ("decode", "--raw", BIG)):
        r = run(*args, "-o", p("full"))
        err = r.stderr.decode()
        check("full device: exit 1, one clear message", r.returncode == 1 and
              err.count("No space left on device") == 1 and err.count("giflow:") == 1, err)
    r = run(*ENC, "-o", p("full"), "-", stdin=CLIP)
    err = r.stderr.decode()
    check("encode to a full device: exit 1, said once", r.returncode == 1 and
          err.count("No space left on device") == 1 and err.count("giflow:") == 1, err)
    check("the full device is still that device", node(p("full")) == before)
    check("no temporary file next to the devices", not tmp_left())
    # A block device is refused; its major number is one no driver has
    # here, so even a broken refusal could write nothing.
    used = set()
    with open("/proc/devices") as f:
        blk = f.read().split("Block devices:")[1]
    used = {int(l.split()[0]) for l in blk.splitlines() if l.strip()}
    major = next(m for m in range(240, 255) if m not in used)
    os.mknod(p("disk"), 0o600 | stat.S_IFBLK, os.makedev(major, 0))
    r = run("decode", "--raw", GIF, "-o", p("disk"))
    check("block device refused", r.returncode == 1 and b"block device" in r.stderr and
          stat.S_ISBLK(os.lstat(p("disk")).st_mode), r.stderr.decode())
else:
    print("skip device nodes: mknod needs root")

# 2. A FIFO is written in place; its reader gets exactly the stdout bytes.
os.mkfifo(p("fifo"))
for args, want in ((("decode", "--raw", GIF), RAW), ((*ENC, "-o", p("fifo"), "-"), GIFBYTES)):
    sink = {"data": b""}
    th = reader(p("fifo"), sink)
    if args[0] == "decode":
        r = run(*args, "-o", p("fifo"))
    else:
        r = run(*args, stdin=CLIP)
    th.join(10)
    check("FIFO %s: the reader gets every byte" % args[0],
          r.returncode == 0 and sink["data"] == want, "%d %d" % (len(sink["data"]), len(want)))
    check("FIFO %s: still a FIFO" % args[0], stat.S_ISFIFO(os.lstat(p("fifo")).st_mode))

# 3. A Unix socket is connected to and written, not replaced.
ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ls.bind(p("sock"))
ls.listen(1)
sink = {"data": b"", "listener": ls}
th = reader(p("sock"), sink, sock=True)
r = run("decode", "--raw", GIF, "-o", p("sock"))
th.join(10)
check("socket: the listener gets every byte", r.returncode == 0 and sink["data"] == RAW,
      r.stderr.decode())
check("socket: still a socket", stat.S_ISSOCK(os.lstat(p("sock")).st_mode))
ls.close()

# 4. Symlinks are followed: the target is replaced, the link stays a link.
with open(p("target"), "wb") as f:
    f.write(b"old")
os.chmod(p("target"), 0o640)
os.symlink("target", p("link"))
os.symlink("link", p("link2"))  # a chain
os.makedirs(p("sub"))
os.symlink("../target", p("sub/rel"))  # relative to its own folder
for link in ("link", "link2", "sub/rel"):
    os.chmod(p("target"), 0o640)
    r = run(*ENC, "-o", p(link), "-", stdin=CLIP)
    check("symlink %s: still a link to the same place" % link,
          r.returncode == 0 and os.path.islink(p(link)), r.stderr.decode())
    check("symlink %s: the target was replaced, mode kept" % link,
          open(p("target"), "rb").read() == GIFBYTES and
          stat.S_IMODE(os.stat(p("target")).st_mode) == 0o640)
os.symlink("newfile", p("dangling"))
r = run("decode", "--raw", GIF, "-o", p("dangling"))
check("dangling symlink: its target is created", r.returncode == 0 and
      os.path.islink(p("dangling")) and open(p("newfile"), "rb").read() == RAW)
os.symlink("loop2", p("loop1"))
os.symlink("loop1", p("loop2"))
r = run("decode", "--raw", GIF, "-o", p("loop1"))
check("symlink loop: an error, links kept", r.returncode == 1 and b"symbolic links" in r.stderr
      and os.path.islink(p("loop1")), r.stderr.decode())
check("no temporary file after the links", not tmp_left() and not tmp_left(p("sub")))

# 5. Regular files: mode kept when replacing; a new file follows the umask.
with open(p("mode600"), "wb") as f:
    f.write(b"x")
os.chmod(p("mode600"), 0o600)
r = run("decode", "--raw", GIF, "-o", p("mode600"))
check("replacing keeps mode 0600", r.returncode == 0 and
      stat.S_IMODE(os.stat(p("mode600")).st_mode) == 0o600 and open(p("mode600"), "rb").read() == RAW)
r = subprocess.run([G, "decode", "--raw", GIF, "-o", p("fresh")], capture_output=True,
                   preexec_fn=lambda: os.umask(0o027))
check("a new file gets 0666 minus the umask", r.returncode == 0 and
      stat.S_IMODE(os.stat(p("fresh")).st_mode) == 0o640)
os.makedirs(p("adir"))
r = run("decode", "--raw", GIF, "-o", p("adir"))
check("a directory is refused", r.returncode == 1 and b"is a directory" in r.stderr)


# 6. A write error (a file size limit stands in for a full disk) leaves the
# existing output intact and no temporary file; the message names the cause.
def limited(*args, stdin=None, limit=20000):
    def pre():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() gets EFBIG
    return subprocess.run([G] + list(args), input=stdin, capture_output=True, preexec_fn=pre)


big_clip = np.random.RandomState(2).randint(0, 256, (4, 64, 64, 4), np.uint8)
big_clip[..., 3] = 255
for what, args, stdin in (
        ("decode --raw", ("decode", "--raw", GIF, "-o", p("keep")), None),
        ("encode", ("encode", "--raw", "64x64", "-o", p("keep"), "-"), big_clip.tobytes())):
    with open(p("keep"), "wb") as f:
        f.write(b"precious")
    r = limited(*args, stdin=stdin)
    err = r.stderr.decode()
    check("%s, disk full: exit 1, cause said once" % what, r.returncode == 1 and
          err.count("File too large") == 1 and err.count("giflow:") == 1, err)
    check("%s, disk full: existing output intact" % what, open(p("keep"), "rb").read() == b"precious")
    check("%s, disk full: no temporary file" % what, not tmp_left())
os.makedirs(p("pngs"))
r = limited("decode", BIG, "-o", p("pngs"))
check("decode to PNGs, disk full: exit 1, no temporary file",
      r.returncode in (1, 2) and b"File too large" in r.stderr and not tmp_left(p("pngs")),
      r.stderr.decode())

# 7. EPIPE: the reader went away. A clear message and exit 1, not a silent
# death by SIGPIPE.
rd, wr = os.pipe()
os.close(rd)
r = subprocess.run([G, "decode", "--raw", BIG, "-o", "-"], stdout=wr, stderr=subprocess.PIPE)
os.close(wr)
check("EPIPE: exit 1 with the cause", r.returncode == 1 and r.stderr.count(b"Broken pipe") == 1,
      "%d %s" % (r.returncode, r.stderr))


# 8. SIGINT / SIGTERM in the middle: the temporary file goes, the old
# output stays. The input is a pipe we hold open, so the job is mid-way.
def interrupted(sig, args, head):
    with open(p("keep"), "wb") as f:
        f.write(b"precious")
    pr = subprocess.Popen([G] + args, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    pr.stdin.write(head)
    pr.stdin.flush()
    deadline = time.time() + 10
    while not tmp_left() and time.time() < deadline:
        time.sleep(0.02)
    seen = bool(tmp_left())
    pr.send_signal(sig)
    pr.wait(10)
    pr.stdin.close()
    return seen, pr.returncode


frame = bytes(64 * 64 * 4)
muy = open(BIG, "rb").read()
for sig in (signal.SIGINT, signal.SIGTERM):
    for what, args, head in (
            ("encode", ["encode", "--raw", "64x64", "-o", p("keep"), "-"], frame * 3),
            ("decode", ["decode", "--raw", "-", "-o", p("keep")], muy[:len(muy) // 2])):
        seen, code = interrupted(sig, args, head)
        name = "%s %s" % (signal.Signals(sig).name, what)
        check(name + ": a temporary file existed", seen)
        check(name + ": died of the signal", code == -sig, str(code))
        check(name + ": temporary file removed", not tmp_left())
        check(name + ": existing output intact", open(p("keep"), "rb").read() == b"precious")

# 9. An output that is one of the inputs is refused (issue 15 row 13),
# through a symlink or a hard link too, before anything is written.
png0, png1 = p("a.png"), p("b.png")
from PIL import Image  # noqa: E402
for q, v in ((png0, 10), (png1, 200)):
    Image.fromarray(np.full((8, 8, 3), v, np.uint8)).save(q)
src0 = open(png0, "rb").read()
os.symlink("a.png", p("a-link.png"))
os.link(png0, p("a-hard.png"))
shutil.copy(GIF, p("in.gif"))
durs = p("d.txt")
open(durs, "w").write("50\n50\n")
cases = [
    ("encode -o INPUT", ["encode", "-o", png0, png0, png1]),
    ("encode -o symlink to INPUT", ["encode", "-o", p("a-link.png"), png0, png1]),
    ("encode -o hard link to INPUT", ["encode", "-o", p("a-hard.png"), png0, png1]),
    ("encode -o --durations file", ["encode", "--durations", durs, "-o", durs, png0, png1]),
    ("encode -o --palette file", ["encode", "--palette", p("in.gif"), "-o", p("in.gif"), png0]),
    ("decode --raw -o INPUT", ["decode", "--raw", p("in.gif"), "-o", p("in.gif")]),
]
for name, args in cases:
    r = run(*args)
    check(name + " refused", r.returncode == 64 and b"is also an input" in r.stderr,
          "%d %s" % (r.returncode, r.stderr))
check("inputs untouched", open(png0, "rb").read() == src0 and
      open(p("in.gif"), "rb").read() == open(GIF, "rb").read() and open(durs).read() == "50\n50\n")
if root:
    r = run("decode", "--raw", p("null"), "-o", p("null"))
    check("a device as input and output is not refused", b"is also an input" not in r.stderr)

# 10. edit (the transcoder) takes the same paths: in place for devices and
# FIFOs, through symlinks, nothing left behind on a write error or a
# signal. Its stdout bytes are the truth for the other kinds.
EDITGIF = run("edit", "--colors", "16", GIF, "-o", "-").stdout
check("edit reference output", EDITGIF[:6] == b"GIF89a")
EDIT = ["edit", "--colors", "16", GIF, "-o"]
if root:
    before = node(p("null"))
    r = run(*EDIT, p("null"))
    check("edit to a null device", r.returncode == 0 and node(p("null")) == before, r.stderr.decode())
    r = run("edit", GIF, "-o", p("full"))
    err = r.stderr.decode()
    check("edit to a full device: exit 1, said once", r.returncode == 1 and
          err.count("No space left on device") == 1 and err.count("giflow:") == 1, err)
    check("edit: the full device is still that device", node(p("full")) == node(p("full")) and
          stat.S_ISCHR(os.lstat(p("full")).st_mode))
sink = {"data": b""}
th = reader(p("fifo"), sink)
r = run(*EDIT, p("fifo"))
th.join(10)
check("FIFO edit: the reader gets every byte", r.returncode == 0 and sink["data"] == EDITGIF,
      "%d %d" % (len(sink["data"]), len(EDITGIF)))
check("FIFO edit: still a FIFO", stat.S_ISFIFO(os.lstat(p("fifo")).st_mode))
os.chmod(p("target"), 0o604)
r = run(*EDIT, p("link2"))
check("edit through a symlink chain: links kept, target replaced, mode kept",
      r.returncode == 0 and os.path.islink(p("link2")) and os.path.islink(p("link")) and
      open(p("target"), "rb").read() == EDITGIF and
      stat.S_IMODE(os.stat(p("target")).st_mode) == 0o604, r.stderr.decode())
with open(p("keep"), "wb") as f:
    f.write(b"precious")
r = limited("edit", "--colors", "16", GIF, "-o", p("keep"), limit=1000)
err = r.stderr.decode()
check("edit, disk full: exit 1, cause said once, output intact, no temporary file",
      r.returncode == 1 and err.count("File too large") == 1 and err.count("giflow:") == 1 and
      open(p("keep"), "rb").read() == b"precious" and not tmp_left(), err)
r = limited("edit", "--explode", GIF, "-o", p("ex.gif"), limit=1000)
check("edit --explode, disk full: exit 1, no temporary file",
      r.returncode == 1 and b"File too large" in r.stderr and not tmp_left(), r.stderr.decode())
# A lossless rewrite goes through a temporary file first (the input is
# written instead when the rewrite is not smaller): a write error there,
# even one only the last flush meets, is an error, not a short output.
HAT = os.path.join(CORPORA, "wuffs/test/data/hat.gif")  # its rewrite is smaller
rw = run("edit", "--json", HAT, "-o", p("hat.gif"))
size = json.loads(rw.stdout)["bytes_out"] if rw.returncode == 0 else 0
check("hat.gif: a rewrite, not a copy", rw.returncode == 0 and
      json.loads(rw.stdout)["fallback"] is None and 0 < size < os.path.getsize(HAT))
for lim, args in ((size - 1, [HAT]), (size // 2, [HAT]), (1000, ["--reverse", GIF])):
    with open(p("keep"), "wb") as f:
        f.write(b"precious")
    r = limited("edit", *args, "-o", p("keep"), limit=lim)
    err = r.stderr.decode()
    check("edit %s, temporary file full at %d bytes: exit 1, said once, output intact" %
          (" ".join(os.path.basename(a) for a in args), lim),
          r.returncode == 1 and err.count("File too large") == 1 and err.count("giflow:") == 1
          and open(p("keep"), "rb").read() == b"precious" and not tmp_left(), err)
for sig in (signal.SIGINT, signal.SIGTERM):
    seen, code = interrupted(sig, ["edit", "--colors", "16", "-", "-o", p("keep")],
                             muy[:len(muy) // 2])
    name = "%s edit" % signal.Signals(sig).name
    check(name + ": a temporary file existed", seen)
    check(name + ": died of the signal", code == -sig, str(code))
    check(name + ": temporary file removed, existing output intact",
          not tmp_left() and open(p("keep"), "rb").read() == b"precious")

# 11. SIGHUP (the terminal went away) cleans up as SIGINT does.
seen, code = interrupted(signal.SIGHUP, ["encode", "--raw", "64x64", "-o", p("keep"), "-"],
                         frame * 3)
check("SIGHUP encode: temporary file removed, output intact", seen and code == -signal.SIGHUP and
      not tmp_left() and open(p("keep"), "rb").read() == b"precious", str(code))

# 12. A FIFO whose reader leaves early: EPIPE, said once, exit 1, and the
# FIFO stays a FIFO.
for what, args in (("decode", ["decode", "--raw", BIG, "-o", p("fifo")]),
                   ("edit", ["edit", "--copy", BIG, "-o", p("fifo")])):
    def early():
        with open(p("fifo"), "rb") as f:
            f.read(10)
    th = threading.Thread(target=early, daemon=True)
    th.start()
    r = subprocess.run([G] + args, capture_output=True, timeout=60)
    th.join(10)
    check("FIFO %s, reader gone: exit 1, Broken pipe once" % what, r.returncode == 1 and
          r.stderr.count(b"Broken pipe") == 1 and r.stderr.count(b"giflow:") == 1,
          "%d %s" % (r.returncode, r.stderr))
    check("FIFO %s, reader gone: still a FIFO, no temporary" % what,
          stat.S_ISFIFO(os.lstat(p("fifo")).st_mode) and not tmp_left())

# 13. Replacing keeps the owner and group too (root can set them), and the
# mode after them (chown clears set-id bits).
if root:
    with open(p("owned"), "wb") as f:
        f.write(b"x")
    os.chown(p("owned"), 12345, 23456)
    os.chmod(p("owned"), 0o2640)
    r = run("decode", "--raw", GIF, "-o", p("owned"))
    st = os.stat(p("owned"))
    check("replacing keeps owner, group and mode", r.returncode == 0 and
          (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o2640) and
          open(p("owned"), "rb").read() == RAW, "%d %d %o" % (st.st_uid, st.st_gid, st.st_mode))

# 14. PNG frames into a folder, interrupted: the frame being written goes,
# frames not reached yet keep their old contents.
os.makedirs(p("frames"))
NBIG = 380  # frames in gifplayer-muybridge.gif; half the file holds fewer
for k in range(NBIG):
    with open(os.path.join(p("frames"), "frame_%04d.png" % k), "wb") as f:
        f.write(b"old")
for sig in (signal.SIGINT, signal.SIGTERM):
    pr = subprocess.Popen([G, "decode", "-", "-o", p("frames")], stdin=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    pr.stdin.write(muy[:60000])  # under a pipe's 64 KiB: never blocks
    pr.stdin.flush()
    deadline = time.time() + 10
    while time.time() < deadline and open(os.path.join(p("frames"), "frame_0000.png"),
                                          "rb").read(3) == b"old":
        time.sleep(0.02)
    time.sleep(0.2)  # the frames that arrived are written; it waits for more
    pr.send_signal(sig)
    pr.wait(10)
    pr.stdin.close()
    olds = [k for k in range(NBIG)
            if open(os.path.join(p("frames"), "frame_%04d.png" % k), "rb").read() == b"old"]
    check("%s decode to PNGs: no temporary file, later frames intact" % signal.Signals(sig).name,
          pr.returncode == -sig and not tmp_left(p("frames")) and olds and olds[0] > 0 and
          olds == list(range(olds[0], NBIG)), "%s %s" % (pr.returncode, olds[:3]))

shutil.rmtree(T)
finish("output_test")
