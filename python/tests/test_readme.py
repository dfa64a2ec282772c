"""The README's Python example is python/examples/quickstart.py, verbatim,
and it runs."""
import os
import subprocess
import sys

import numpy as np
from PIL import Image

from conftest import REPO

EXAMPLE = os.path.join(REPO, "python", "examples", "quickstart.py")


def test_readme_shows_the_example():
    readme = open(os.path.join(REPO, "README.md")).read()
    assert "```python\n" + open(EXAMPLE).read() + "```" in readme


def test_example_runs(tmp_path):
    p = subprocess.run([sys.executable, EXAMPLE], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert "wave.gif: 100 frames" in p.stdout
    assert "(320, 180) shown at (160, 90) - 100 frames, loop 0" in p.stdout
    wave = Image.open(tmp_path / "wave.gif")
    assert wave.n_frames == 100 and wave.info["duration"] == 40
    big = Image.open(tmp_path / "big.gif")
    assert big.size == (4000, 3000)
    a = np.asarray(big.convert("L"))
    assert a[0, 0] == 0 and a[-1, -1] == 0  # corners that rotate() filled with black
    assert 100 < a[1500, 2000] < 160           # the middle of the gradient
