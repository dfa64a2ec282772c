"""Shared helpers: the corpora, Pillow as the independent decoder, and
peak-RSS measurement in a child process."""
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageSequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def corpora_dir():
    d = os.environ.get("GIFLOW_CORPORA") or os.path.join(REPO, "..", "shared", "corpora")
    return os.path.abspath(d)


@pytest.fixture(scope="session")
def corpora():
    d = corpora_dir()
    assert os.path.isdir(d), "corpora not found at %s (set GIFLOW_CORPORA)" % d
    return d


def pillow_frames(data):
    """Every frame as Pillow composes it, as (H, W, 4) arrays, and the
    durations it reads."""
    im = Image.open(io.BytesIO(data))
    frames, durations = [], []
    for f in ImageSequence.Iterator(im):
        frames.append(np.asarray(f.convert("RGBA")))
        durations.append(f.info.get("duration"))
    return np.array(frames), durations


def same_pixels(a, b):
    """Opaque pixels equal (RGB and alpha); transparent ones both clear."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    ta, tb = a[..., 3] < 128, b[..., 3] < 128
    return bool(np.array_equal(ta, tb) and np.array_equal(a[~ta], b[~tb]))


def run_child(code, *args, timeout=300):
    """Runs code in a fresh interpreter (this one) and returns the JSON
    object it prints last."""
    p = subprocess.run([sys.executable, "-c", code] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def psnr(a, b):
    d = a[..., :3].astype(np.float64) - b[..., :3].astype(np.float64)
    mse = float(np.mean(d * d))
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
