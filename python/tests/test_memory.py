"""Bounded memory and the GIL: a generator of 1,200 frames encodes in the
same peak memory as 60, frames are never all held, and the C codec runs
while other Python threads do."""
import io
import threading
import time
import weakref

import numpy as np
from PIL import Image

import giflow
from conftest import run_child

GENERATE = r"""
import json, re, sys
import numpy as np
import giflow

def status(key):
    return int(re.search(key + r":\s+(\d+)", open("/proc/self/status").read()).group(1))

n, path = int(sys.argv[1]), sys.argv[2]
W, H = 640, 360
y, x = np.mgrid[0:H, 0:W]
base = np.stack([x * 255 // W, y * 255 // H, (x // 40 + y // 40) % 2 * 200], -1).astype(np.uint8)
marks = {}

def frames():
    for t in range(n):
        f = base.copy()                      # a new array every frame
        f[100:160, 5 * t % 580:5 * t % 580 + 60] = (255, 30, 30)
        f[300:310, :t % W] = (t % 256, 0, 255)
        if t == 60:
            marks["hwm60"] = status("VmHWM")
        yield f

open("/proc/self/clear_refs", "w").write("5")  # the peak from here on
start = status("VmRSS")
stats = giflow.save(frames(), path, duration=40)
print(json.dumps({"start": start, "peak": status("VmHWM"), "hwm60": marks.get("hwm60"),
                  "frames_out": stats.frames_out, "peak_heap": stats.peak_heap}))
"""


def test_generator_1200_frames_flat_memory(tmp_path):
    short = run_child(GENERATE, 60, tmp_path / "a60.gif")
    long = run_child(GENERATE, 1200, tmp_path / "a1200.gif")
    assert short["frames_out"] == 60 and long["frames_out"] == 1200
    # Peak RSS of the whole process: 1,200 frames within 10% of 60 frames.
    assert long["peak"] <= short["peak"] * 1.10, (short, long)
    # And within the long run: no growth after frame 60 beyond 1 MiB.
    assert long["peak"] - long["hwm60"] < 1024, long
    assert long["peak_heap"] == short["peak_heap"]
    gif = giflow.open(tmp_path / "a1200.gif")
    assert gif.n_frames == 1200 and sum(f.delay_cs for f in gif.frames) == 4800


def test_generator_frames_never_all_held():
    alive = [0]
    most = [0]

    def gone():
        alive[0] -= 1

    def frames():
        for t in range(40):
            im = Image.new("RGB", (64, 48), (t * 6, 100, 200 - t * 4))
            weakref.finalize(im, gone)
            alive[0] += 1
            most[0] = max(most[0], alive[0])
            yield im
    b = io.BytesIO()
    giflow.save(frames(), b, duration=30)
    assert most[0] <= 2  # the one being added, and the one just dropped
    assert giflow.open(b.getvalue()).n_frames == 40


def _max_gap_while(work):
    """Runs work() in a thread; returns (its duration, the longest pause of
    a Python loop in this thread meanwhile)."""
    done = threading.Event()
    span = []

    def run():
        t0 = time.perf_counter()
        work()
        span.append(time.perf_counter() - t0)
        done.set()
    th = threading.Thread(target=run)
    last = time.perf_counter()
    gap = 0.0
    th.start()
    while not done.is_set():
        now = time.perf_counter()
        gap = max(gap, now - last)
        last = now
    th.join()
    return span[0], gap


def test_gil_released():
    y, x = np.mgrid[0:1200, 0:1600]
    img = np.stack([x % 251, y % 241, (x * y) % 239], -1).astype(np.uint8)
    from giflow import _giflow as C
    src = C.Source("rgb", 1600, 1200, img)

    def encode():  # one long C call: every row of a 1600x1200 image at once
        enc = C.Encoder(1600, 1200, lambda b: None, row_streaming=True, alpha_threshold=0)
        enc.sample_rows(src, 0, 1200)
        enc.rows_begin(0)
        enc.rows(src, 0, 1200)
    took, gap = _max_gap_while(encode)
    assert took > 0.05 and gap < took / 2, (took, gap)



def test_gil_released_decoding(corpora):
    import os
    from giflow import _giflow as C
    path = os.path.join(corpora, "wuffs", "test", "data", "gifplayer-muybridge.gif")
    gif = open(path, "rb").read()

    def decode():  # one feed() call decoding all 380 frames
        dec = C.Decoder(flags=C.FLAG_SMALL_MEMORY)
        assert len(dec.feed(gif, eof=True)) > 300
    took, gap = _max_gap_while(decode)
    assert took > 0.05 and gap < took / 2, (took, gap)
