"""giflow.open and giflow.Decoder against expected frames from the corpora,
Pillow, and an independent numpy area average."""
import glob
import io
import os
import sys

import numpy as np
import pytest
from PIL import Image

import giflow
from conftest import REPO, pillow_frames, same_pixels

sys.path.insert(0, os.path.join(REPO, "tests", "cli"))
from cliutil import reduce  # noqa: E402  the exact area average, in numpy


def peterdn(corpora):
    d = os.path.join(corpora, "peterdn-gif-test-suite", "gifs")
    out = []
    for path in sorted(glob.glob(os.path.join(d, "*.gif"))):
        stem = os.path.basename(path)[:-4]
        if stem.endswith("out_of_bounds"):
            continue  # references clipped to the screen; the canvas grows (see set_png.c)
        refs = sorted(glob.glob(os.path.join(d, "frames", stem + "-*.png")),
                      key=lambda p: int(p.rsplit("-", 1)[1][:-4]))
        refs = refs or [os.path.join(d, "frames", stem + ".png")]
        out.append((path, [np.asarray(Image.open(r).convert("RGBA")) for r in refs]))
    return out


def test_frames_match_reference_pngs(corpora):
    cases = peterdn(corpora)
    assert len(cases) >= 10
    for path, refs in cases:
        gif = giflow.open(path)
        got = list(gif.arrays())
        assert len(got) == len(refs), path
        for i, (a, b) in enumerate(zip(got, refs)):
            assert same_pixels(a, b), (path, i)
        assert len(gif.frames) == len(refs)


def test_info_delays_loop(corpora):
    d = os.path.join(corpora, "peterdn-gif-test-suite", "gifs")
    var = giflow.open(os.path.join(d, "animated_loop_variable_delay.gif"))
    _, pil_durations = pillow_frames(open(os.path.join(d, "animated_loop_variable_delay.gif"), "rb").read())
    assert [f.delay_ms for f in var.frames] == pil_durations
    assert var.loop_count == 0
    assert giflow.open(os.path.join(d, "animated_noloop.gif")).loop_count == -1
    info = var.info
    im = Image.open(os.path.join(d, "animated_loop_variable_delay.gif"))
    assert (info.canvas_width, info.canvas_height) == im.size == var.size
    assert info.version == 89 and var.n_frames == im.n_frames


def test_sources_and_reiteration(corpora, tmp_path):
    path = os.path.join(corpora, "wuffs", "test", "data", "gifplayer-muybridge.gif")
    data = open(path, "rb").read()
    ref = [f.rgba for f in giflow.open(data)]
    assert len(ref) > 100
    gif = giflow.open(path)
    assert [f.rgba for f in gif] == ref and [f.rgba for f in gif] == ref  # twice
    with open(path, "rb") as f:
        assert [fr.rgba for fr in giflow.open(f)] == ref
    # Pillow's decode of the first frame agrees.
    assert same_pixels(np.asarray(Image.open(path).convert("RGBA")), giflow.open(data).arrays().__next__())


def test_push_decoder_any_chunking(corpora):
    path = os.path.join(corpora, "peterdn-gif-test-suite", "gifs", "animated_transparent_frame_restoreprev_loop.gif")
    data = open(path, "rb").read()
    whole = [f.rgba for f in giflow.open(data)]
    for size in (1, 7, 256, len(data)):
        dec = giflow.Decoder()
        got = []
        for i in range(0, len(data), size):
            got += [f.rgba for f in dec.feed(data[i:i + size])]
        got += [f.rgba for f in dec.close()]
        assert got == whole, size
        assert dec.done and dec.loop_count == 0 and dec.info.canvas_width > 0


def test_viewport_matches_area_average(corpora):
    path = os.path.join(corpora, "wuffs", "test", "data", "harvesters.gif")
    full = next(giflow.open(path).arrays()).astype(np.int64)
    h, w = full.shape[:2]
    gif = giflow.open(path, resize=(w // 3, 0))
    oh = gif.height
    assert gif.width == w // 3 and oh == (2 * h * (w // 3) + w) // (2 * w)
    got = next(gif.arrays())
    assert np.array_equal(got, reduce(full, 0, 0, w, h, w // 3, oh))
    crop = (w // 4, h // 5, w // 2, h // 2)
    got = next(giflow.open(path, crop=crop, resize=(w // 7, h // 9)).arrays())
    assert np.array_equal(got, reduce(full, *crop, w // 7, h // 9))
    plain = next(giflow.open(path, crop=(10, 20, 0, 0)).arrays())
    assert np.array_equal(plain, full[20:, 10:])


def test_frame_views():
    frames = [np.full((20, 30, 3), (i * 40, 0, 255 - i * 40), np.uint8) for i in range(3)]
    b = io.BytesIO()
    giflow.save(frames, b, duration=[100, 200, 300])
    gif = giflow.open(b.getvalue())
    fr = list(gif)
    assert [f.delay_ms for f in fr] == [100, 200, 300]
    assert np.asarray(fr[1]).shape == (20, 30, 4) and tuple(np.asarray(fr[1])[0, 0]) == (40, 0, 215, 255)
    ims = list(gif.images())
    assert ims[2].mode == "RGBA" and ims[2].size == (30, 20) and ims[2].info["duration"] == 300
    assert ims[2].getpixel((0, 0)) == (80, 0, 175, 255)
    a = fr[0].to_numpy()
    a[0, 0] = 0  # writable, the frame's own copy
    assert fr[0].rgba[0] == 0


def test_pillow_agrees_on_corpus(corpora):
    """Complete files of the Go and Blink sets: giflow's first frame is the
    one Pillow shows."""
    files = sorted(glob.glob(os.path.join(corpora, "golang-image-testdata", "*.gif")))
    assert files
    for p in files:
        first = next(giflow.open(p).arrays())
        pil = np.asarray(Image.open(p).convert("RGBA"))
        assert same_pixels(first, pil), p
