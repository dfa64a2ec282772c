#!/usr/bin/python3
"""Issue 15: bounded memory and clear errors at the CLI's edges, one block
per row of the issue. Every crafted input is generated here.

Truths: byte layouts worked out by hand (offsets, frame counts), the JSON
parser (valid or not), Pillow's reading of the outputs, the kernel's
resource accounting (peak RSS, CPU time) of each run, and the same frames
encoded from an equivalent 8-bit input.

usage: edge_test.py GIFLOW_BINARY CORPORA WORKDIR
"""
import json
import os
import resource
import struct
import subprocess
import sys
import threading
import time
import zlib

import numpy as np
from PIL import Image, ImageSequence

from cliutil import check, finish

G, CORPORA, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)
GIF = os.path.join(CORPORA, "wuffs/test/data/animated-red-blue.gif")


def w(name):
    return os.path.join(WORK, name)


def run(*args, stdin=None, cpu=60):
    """giflow with args; returns (returncode, stdout, stderr, peak RSS in
    KiB, CPU seconds). The RSS includes the forked Python's (ru_maxrss
    does), so it only bounds large growth. cpu is a hard limit, so a
    runaway fails the check instead of holding the machine."""
    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    p = subprocess.Popen([G] + list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=limits)
    out = {}

    def drain(name, f):
        out[name] = f.read()
    ts = [threading.Thread(target=drain, args=(n, f)) for n, f in (("o", p.stdout), ("e", p.stderr))]
    for t in ts:
        t.start()
    try:
        if stdin is not None:
            for chunk in (stdin if not isinstance(stdin, bytes) else [stdin]):
                p.stdin.write(chunk)
        p.stdin.close()
    except BrokenPipeError:
        pass  # the decoder stopped reading: what the endless inputs expect
    for t in ts:
        t.join()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out["o"], out["e"].decode(errors="replace"), ru.ru_maxrss, \
        ru.ru_utime + ru.ru_stime


def messages(err):
    return [l for l in err.splitlines() if l.startswith("giflow:")]


def gif_header(w_=4, h_=4, gct=2):
    flags = 0x80 | (gct.bit_length() - 2) if gct else 0
    return b"GIF89a" + struct.pack("<HHBBB", w_, h_, flags, 0, 0) + bytes(3 * gct)


# 1x1 frame of index 0, min code size 2: codes clear(4), 0, end(5) in 3
# bits each, LSB first: 0x44 0x01.
FRAME = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"


def endless(unit, n=1 << 14):
    """The same bytes forever (until the reader stops)."""
    block = unit * n
    while True:
        yield block


def durations(path):
    """Each frame's duration as Pillow reads it."""
    return [f.info.get("duration") for f in ImageSequence.Iterator(Image.open(path))]


# ---- Row 1: info --json always prints JSON with an error object. --------
open(w("hello.txt"), "wb").write(b"hello world")          # 11 bytes, not a GIF
open(w("badblock.gif"), "wb").write(gif_header() + b"\x99")
for name, args, code, offset in (
        ("not a GIF", [w("hello.txt")], -10, 11),
        ("missing file", [w("no-such.gif")], -30, 0),
        ("canvas limit", ["--max-pixels", "100", GIF], -20, None),
        ("bad block", [w("badblock.gif")], -12, len(gif_header()) + 1)):
    rc, out, err, _, _ = run("info", "--json", *args)
    try:
        j = json.loads(out)
        e = j["error"]
        ok = e["code"] == code and isinstance(e["message"], str) and e["message"] and \
            (offset is None or e["offset"] == offset)
    except (ValueError, KeyError, TypeError):
        ok, j = False, out
    check("row 1: info --json, %s: an error object" % name, ok and rc == 1, str(j)[:200])
    check("row 1: info --json, %s: the message once on stderr" % name, len(messages(err)) == 1, err)

# ---- Row 2: endless metadata ends, with its own error. ------------------
for name, head, unit, args, code in (
        ("1-byte comment sub-blocks", gif_header() + b"\x21\xfe", b"\x01A",
         ["--max-metadata", "100000"], -24),
        ("NETSCAPE sub-blocks", gif_header() + b"\x21\xff\x0bNETSCAPE2.0", b"\x03\x01\x00\x00",
         ["--max-metadata", "100000"], -24),
        ("empty extensions, default limit", gif_header(), b"\x21\xfe\x00", [], -25)):
    def stream(h=head, u=unit):
        yield h
        yield from endless(u)
    rc, out, err, rss, cpu = run("info", "--json", *args, "-", stdin=stream(), cpu=60)
    try:
        ok = json.loads(out)["error"]["code"] == code
    except (ValueError, KeyError, TypeError):
        ok = False
    check("row 2: endless %s stop with code %d" % (name, code), ok and rc == 1, repr(out[-200:]))

ten = gif_header() + b"\x21\xfe\x01A\x00" * 10 + FRAME + b"\x3b"
for args, code in ((["--max-extensions", "5"], -25), (["--max-extensions", "10"], None),
                   (["--max-metadata", "20"], -24), (["--max-metadata", "40"], None)):
    rc, out, err, _, _ = run("info", "--json", *args, "-", stdin=ten)
    try:
        j = json.loads(out)
        ok = (j["error"]["code"] == code and rc == 1) if code else (j.get("error") is None and rc == 0)
    except (ValueError, KeyError, TypeError):
        ok = False
    check("row 2: 10 comments of 3 counted bytes, %s %s: %s" % (args[0], args[1], code or "fine"),
          ok, repr(out[-200:]))

# ---- Row 3: comments kept up to the cap, amortised. ---------------------
many = gif_header() + b"\x21\xfe\x01A\x00" * 100000 + FRAME + b"\x3b"
rc, out, err, rss, cpu = run("info", "--json", "-", stdin=many, cpu=30)
j = json.loads(out) if rc == 0 else {}
check("row 3: 100k comments: counted, a bounded number kept",
      j.get("comment_count") == 100000 and len(j.get("comments", [])) <= 4096
      and j.get("comments_truncated") is True, str(j)[:200])


def big_comment():
    yield gif_header() + b"\x21\xfe"
    block = (b"\xff" + b"c" * 255) * 4096       # 1 MiB of payload per chunk
    for _ in range(40):
        yield block
    yield b"\x00" + FRAME + b"\x3b"


rc, out, err, rss, cpu = run("info", "--json", "-", stdin=big_comment(), cpu=30)
j = json.loads(out) if rc == 0 else {}
kept = sum(len(c) for c in j.get("comments", []))
check("row 3: a 40 MiB comment: 1 MiB kept, in bounded CPU",
      rc == 0 and kept == 1 << 20 and j.get("comments_truncated") is True, "%d %d" % (rc, kept))
check("row 3: and bounded memory", rss < 200 * 1024, "%d KiB" % rss)

# ---- Rows 4 and 5: numbers are range-checked before any conversion. -----
raw = np.zeros((3, 4, 4, 4), np.uint8)
raw[..., 3] = 255
for t in range(3):
    raw[t, t] = (200, 0, 0, 255)
raw = raw.tobytes()
for bad in ("nan", "inf", "-5", "1e9", "12abc", "0x10"):
    open(w("d.txt"), "w").write("40\n%s\n40\n" % bad)
    rc, out, err, _, _ = run("encode", "--raw", "4x4", "--durations", w("d.txt"), "-o",
                             w("dur.gif"), "-", stdin=raw)
    check("row 4: --durations line 2 '%s' refused with its line" % bad,
          rc == 1 and "line 2" in err and len(messages(err)) == 1, err)
open(w("d.txt"), "w").write("40\n50\n60\n")
if os.path.exists(w("dur.gif")):
    os.unlink(w("dur.gif"))
rc, out, err, _, _ = run("encode", "--raw", "4x4", "--durations", w("d.txt"), "-o", w("dur.gif"),
                         "-", stdin=raw)
check("row 4: valid durations: 3 frames of 40, 50, 60 ms",
      rc == 0 and durations(w("dur.gif")) == [40, 50, 60], err)
rc, _, err, _, _ = run("encode", "--durations", w("no-such.txt"), "-o", w("x.gif"),
                       os.path.join(WORK, "none.png"))
check("missing --durations file: an error, also for one image", rc == 1 and "no-such.txt" in err, err)
for fps in ("1e-17", "0.001", "nan", "1001"):
    rc, _, err, _, _ = run("encode", "--raw", "4x4", "--fps", fps, "-o", w("fps.gif"), "-", stdin=raw)
    check("row 5: --fps %s refused" % fps, rc == 64 and "--fps" in err, err)
rc, out, err, _, _ = run("encode", "--raw", "4x4", "--fps", "0.5", "-o", w("fps.gif"), "-", stdin=raw)
check("row 5: --fps 0.5: all 3 frames, 2 s each", rc == 0 and durations(w("fps.gif")) ==
      [2000] * 3, err)
# Every number the CLI takes is range-checked before it is converted: a
# usage error (64), said once, for values that overflow, are not finite,
# or are out of range (UBSan, in the sanitizer build, sees any cast).
bad_numbers = ("nan", "inf", "-1e30", "1e30", "99999999999999999999", "1e-17", "0x10", "")
tiny_ok = {"--at"}  # 1e-17 s is 0 ms, a time like any other
numeric = {
    "encode": ["--delay", "--colors", "--lossy", "--effort", "--quality", "--lossy-lzw",
               "--denoise", "--denoise-frames", "--loop", "--max-pixels"],
    "decode": ["--at", "--frame", "--max-pixels", "--max-frames", "--max-memory",
               "--max-metadata", "--max-extensions", "--chunk"],
    "edit": ["--speed", "--delay", "--loop", "--colors", "--lossy", "--frame", "--rotate",
             "--max-memory", "--max-frames"],
    "info": ["--max-pixels", "--max-metadata", "--max-extensions"],
}
said = []
for cmd, opts in numeric.items():
    for opt in opts:
        for v in bad_numbers:
            if v == "1e-17" and opt in tiny_ok:
                continue
            if cmd == "encode":
                args = ["encode", "--raw", "4x4", opt, v, "-q", "-o", w("n.gif"), "-"]
            elif cmd == "decode":
                args = ["decode", "--raw", opt, v, GIF, "-o", w("n.raw")]
            else:
                args = [cmd, opt, v, GIF] + (["-o", w("n.gif")] if cmd == "edit" else [])
            rc, _, err, _, _ = run(*args, stdin=raw if cmd == "encode" else None)
            if rc != 64 or len(messages(err)) != 1:
                said.append("%s %s %r: %d %r" % (cmd, opt, v, rc, err[:160]))
check("row 5: %d number options x %d bad values: each a usage error, said once" %
      (sum(map(len, numeric.values())), len(bad_numbers)), not said, "\n".join(said[:10]))
rc, _, err, _, _ = run("encode", "--raw", "4x4", "--tune", "bogus", "-q", "-o", w("t.gif"), "-",
                       stdin=raw)
check("--tune bogus: a usage error, said once", rc == 64 and len(messages(err)) == 1, err)
rc, _, err, _, _ = run("encode", "--raw", "4x4", "--tune", "ssim", "-q", "-o", w("t.gif"), "-",
                       stdin=raw)
check("--tune ssim: encodes", rc == 0 and os.path.getsize(w("t.gif")) > 0, err)


# ---- Rows 6 to 8: YUV4MPEG2 headers and frames. -------------------------
def y4m(header, frames, w_=8, h_=4, depth=8, frame_line=b"FRAME\n"):
    out = b"YUV4MPEG2 " + header + b"\n"
    for Y, U, V in frames:
        def plane(v, n):
            return bytes([v] * n) if depth == 8 else struct.pack("<%dH" % n, *([v] * n))
        out += frame_line + plane(Y, w_ * h_) + plane(U, w_ * h_ // 4) + plane(V, w_ * h_ // 4)
    return out


def encode_y4m(data, *extra):
    return run("encode", "--y4m", "--quiet", *extra, "-o", w("y.gif"), "-", stdin=data)


def frames_of(path):
    return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(Image.open(path))]


for field, what in ((b"W-1 H4", "width"), (b"W100000 H4", "width"),
                    (b"W8 H0", "height"), (b"W8 H99999999999999999999", "height")):
    rc, out, err, rss, _ = encode_y4m(y4m(field + b" F10:1 C420jpeg", []))
    check("row 6: y4m %s: refused before allocating" % field.decode(),
          rc == 1 and what in err and "1..65535" in err and len(messages(err)) == 1, err)
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 F1000000000:1", []))
check("row 5: y4m frame rate out of range refused", rc == 1 and "frame rate" in err, err)
frames8 = ((235, 128, 128), (16, 128, 128), (81, 90, 240))
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 F10:1 C420jpeg", frames8))
ref = frames_of(w("y.gif")) if rc == 0 else []
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 F10:1 C420p10 XYSCSS=420P10",
                                  [(4 * a, 4 * b, 4 * c) for a, b, c in frames8], depth=10))
got = frames_of(w("y.gif")) if rc == 0 else []
check("row 7: C420p10 read as 10 bits: the same frames as 8-bit input",
      len(ref) == 3 and len(got) == 3 and all((a == b).all() for a, b in zip(ref, got)), err)
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 C444alpha", []))
check("row 7: an unsupported colour space says so", rc == 1 and "colour space" in err, err)
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 F10:1", frames8, frame_line=b"FRAME Ip XFOO=1\n"))
got = frames_of(w("y.gif")) if rc == 0 else []
check("row 8: FRAME parameters: same frames, no message",
      len(got) == 3 and all((a == b).all() for a, b in zip(ref, got)) and not messages(err), err)
# From a file, the frames are read twice (a palette sample first): the
# false error came from that first pass.
open(w("params.y4m"), "wb").write(y4m(b"W8 H4 F10:1", frames8, frame_line=b"FRAME Ip XFOO=1\n"))
rc, _, err, _, _ = run("encode", "--y4m", "--quiet", "-o", w("y.gif"), w("params.y4m"))
got = frames_of(w("y.gif")) if rc == 0 else []
check("row 8: FRAME parameters in a file (sampled, then read): 3 frames, no message",
      len(got) == 3 and not messages(err), err)
rc, _, err, _, _ = encode_y4m(y4m(b"W8 H4 F10:1 X" + b"y" * 5000, frames8))
check("row 8: a 5 KB header is fine", rc == 0 and len(frames_of(w("y.gif"))) == 3, err)
bad = y4m(b"W8 H4 F10:1", frames8)
bad = bad.replace(b"FRAME", b"FRAMX", 2).replace(b"FRAMX", b"FRAME", 1)  # the 2nd tag
if os.path.exists(w("y.gif")):
    os.unlink(w("y.gif"))
open(w("bad.y4m"), "wb").write(bad)  # a file: sampling reads ahead in it
rc, _, err, _, _ = run("encode", "--y4m", "-o", w("y.gif"), w("bad.y4m"))
check("row 8: a bad FRAME tag is reported once", rc == 1 and err.count("expected FRAME") == 1
      and len(messages(err)) == 1, err)

# ---- Row 9: a partial last raw frame: the complete ones stand, exit 2. --
rc, _, err, _, _ = run("encode", "--raw", "4x4", "--delay", "5", "-q", "-o", w("part.gif"), "-",
                       stdin=raw[:2 * 64 + 30])
got = frames_of(w("part.gif")) if rc == 2 else []
check("row 9: partial raw input: 2 frames written, exit 2, warned once",
      len(got) == 2 and err.count("inside frame 3") == 1 and err.count("warning") == 1, err)
rc, _, err, _, _ = run("encode", "--y4m", "-q", "-o", w("part.gif"), "-",
                       stdin=y4m(b"W8 H4 F10:1", frames8)[:-10])
check("row 9: partial y4m input: exit 2 too", rc == 2 and len(frames_of(w("part.gif"))) == 2, err)


# ---- Row 10: PNG sizes are checked against a limit before allocating. ---
def png(w_, h_, idat=b""):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w_, h_, 8, 6, 0, 0, 0)) \
        + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


open(w("bomb.png"), "wb").write(png(60000, 60000, zlib.compress(b"")))
check("row 10: the bomb is small", os.path.getsize(w("bomb.png")) < 80)
rc, _, err, rss, _ = run("encode", "-o", w("b.gif"), w("bomb.png"), w("bomb.png"))
check("row 10: a PNG claiming 60000x60000, twice: refused by the limit, not by memory",
      rc == 1 and "--max-pixels" in err and len(messages(err)) == 1, err)
a = np.zeros((20, 20, 3), np.uint8)
Image.fromarray(a).save(w("s.png"))
rc, _, err, _, _ = run("encode", "--max-pixels", "100", "-o", w("b.gif"), w("s.png"), w("s.png"))
check("row 10: --max-pixels is settable", rc == 1 and "--max-pixels" in err, err)
rc, _, err, _, _ = run("encode", "--max-pixels", "400", "-q", "-o", w("b.gif"), w("s.png"), w("s.png"))
check("row 10: at the limit is fine", rc == 0, err)

# ---- Row 11: info streams: memory does not grow with the frame count. ---
def own_peak(args, data):
    """giflow's own peak RSS in KiB (VmHWM: it starts afresh at exec, so
    unlike ru_maxrss it does not include the forked Python). stdin stays
    open after data, so the process waits, alive, once it has read it all;
    the input has no trailer, so it cannot have ended."""
    p = subprocess.Popen([G] + args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    t = threading.Thread(target=lambda: (p.stdin.write(data), p.stdin.flush()))
    t.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        with open("/proc/%d/io" % p.pid) as f:
            rchar = int(f.read().split("rchar:")[1].split()[0])
        if rchar >= len(data):
            break
        time.sleep(0.01)
    time.sleep(0.2)  # the last chunk read is being listed
    with open("/proc/%d/status" % p.pid) as f:
        hwm = int(f.read().split("VmHWM:")[1].split()[0])
    t.join()
    p.stdin.close()
    p.wait()
    return hwm


for mode in ([], ["--json"]):
    peak = {n: own_peak(["info"] + mode + ["-"], gif_header() + FRAME * n) for n in (10000, 200000)}
    check("row 11: info %s: 20x the frames, the same memory (within 1 MiB)" % " ".join(mode),
          peak[200000] - peak[10000] < 1024, str(peak))
rc, out, err, _, _ = run("info", "-", stdin=gif_header() + FRAME * 1000 + b"\x3b")
check("row 11: the streamed listing has every frame and the total",
      rc == 0 and out.count(b"  frame ") == 1000 and b"1000 frames" in out, err)

# ---- Row 12: a tiny file claiming a huge first frame stays small. --------
for name, gce in (("plain", b""), ("restore-previous", b"\x21\xf9\x04\x0c\x00\x00\x00\x00")):
    data = gif_header(16000, 16000) + gce + b"\x2c" + struct.pack("<HHHHB", 0, 0, 16000, 16000, 0) \
        + b"\x08\x05\xff\xff\xff\xff\xff\x00\x3b"
    rc, out, err, rss, cpu = run("decode", "--raw", "-", "-o", w("big.raw"), stdin=data)
    check("row 12: %d-byte file, 16000x16000 broken frame (%s): fails small"
          % (len(data), name), rc == 1 and rss < 300 * 1024, "%d KiB, %s" % (rss, err))

# ---- Row 13: the cosmetic ones. -----------------------------------------
rc, _, err, _, _ = run("info", w("hello.txt"))
check("row 13: an 11-byte non-GIF is 'not a GIF'", "not a GIF" in err and "truncated" not in err, err)
for fname in ("caf\u00e9-\u65e5\u672c.gif", b"raw-\xff\xfe.gif"):
    path = os.path.join(os.fsencode(WORK), os.fsencode(fname) if isinstance(fname, str) else fname)
    with open(path, "wb") as f:
        f.write(open(GIF, "rb").read())
    p = subprocess.run([os.fsencode(G), b"info", b"--json", path], capture_output=True)
    try:
        name = json.loads(p.stdout)["file"]
        ok = name == os.fsdecode(path) if isinstance(fname, str) else name.startswith(WORK)
    except ValueError:
        ok = False
    check("row 13: --json file name %r: valid JSON%s" % (fname, ", exact" if isinstance(fname, str)
                                                        else ""), ok, repr(p.stdout[:120]))
src = open(GIF, "rb").read()
ngct = 3 * (2 << (src[10] & 7))
cut = src[:13 + ngct + 5]  # the palette, then the start of a block
open(w("cut.gif"), "wb").write(cut)
rc, _, err, _, _ = run("encode", "--palette", w("cut.gif"), "--raw", "4x4", "-q", "-o", w("pal.gif"),
                       "-", stdin=raw)
out = open(w("pal.gif"), "rb").read() if rc == 0 else b""
check("row 13: --palette from a GIF cut after its palette uses it",
      rc == 0 and out[13:13 + ngct] == src[13:13 + ngct], err)

finish("edge_test")
