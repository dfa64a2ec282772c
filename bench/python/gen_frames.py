"""Generator flatness: N frames of 640x360 from a generator, saved with
giflow.save to a file. Every frame is a new array and changes everywhere
(a drifting colour field with a moving box), so each one is quantized and
compressed in full. Prints one JSON line: the peak RSS of the whole process
(VmHWM, after the imports) and the encoder's figures.
usage: gen_frames.py N OUT.gif"""
import json
import re
import sys
import time

import numpy as np

import giflow


def status(key):
    with open("/proc/self/status") as f:
        return int(re.search(r"^%s:\s+(\d+) kB" % key, f.read(), re.M).group(1))


def frames(n, w=640, h=360):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    for t in range(n):
        r = 128 + 100 * np.sin(x / 37 + t * 0.11)
        g = 128 + 100 * np.sin(y / 23 - t * 0.07)
        b = (x + y + 3 * t) % 256
        f = np.stack([r, g, b], -1).astype(np.uint8)
        f[120:200, (7 * t) % 560:(7 * t) % 560 + 80] = (250, 250, 40)
        yield f


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    start = status("VmRSS")
    t0 = time.perf_counter()
    st = giflow.save(frames(n), out, duration=40)
    print(json.dumps({"frames": n, "seconds": round(time.perf_counter() - t0, 2),
                      "rss_start_kb": start, "peak_kb": status("VmHWM"),
                      "frames_out": st.frames_out, "bytes": st.bytes,
                      "encoder_peak_heap": st.peak_heap}))


if __name__ == "__main__":
    main()
