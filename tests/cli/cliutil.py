"""Pieces shared by the CLI tests (and bench/huge/hugecheck.py): a tiny
check/run harness, and the exact area average that giflow_viewport
documents (integer coverage weights, colours weighted by alpha, halves
rounded up), written independently with numpy."""
import subprocess
import sys

import numpy as np

failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + detail))
    if not cond:
        failures.append(name)


def runner(giflow):
    """run(*args, stdin=None): giflow with args, output captured."""
    def run(*args, stdin=None):
        return subprocess.run([giflow] + list(args), input=stdin, capture_output=True)
    return run


def finish(name):
    print("%s: %d failures" % (name, len(failures)))
    sys.exit(1 if failures else 0)


def weights(n, m):
    """m x n: how much of output pixel k source pixel p covers, in 1/m units."""
    p, k = np.arange(n)[None, :], np.arange(m)[:, None]
    lo, hi = np.maximum(p * m, k * n), np.minimum((p + 1) * m, (k + 1) * n)
    return np.maximum(hi - lo, 0).astype(np.float64)


def reduce(img, cx, cy, cw, ch, ow, oh):
    """The crop (cx, cy, cw, ch) of an RGBA image averaged to ow x oh.
    Sums are integers far below 2^53, so float64 matrix products are exact."""
    sub = img[cy:cy + ch, cx:cx + cw].astype(np.float64)
    wx, wy, area = weights(cw, ow), weights(ch, oh), cw * ch
    a = sub[..., 3]
    A = (wy @ a @ wx.T).astype(np.int64)
    out = np.zeros((oh, ow, 4), np.int64)
    out[..., 3] = (2 * A + area) // (2 * area)
    for q in range(3):
        C = (wy @ (a * sub[..., q]) @ wx.T).astype(np.int64)
        out[..., q] = np.where(A > 0, (2 * C + A) // np.maximum(2 * A, 1), 0)
    out[out[..., 3] == 0] = 0
    return out.astype(np.uint8)
