"""The encoder's quality options from Python: quality (one knob), lossy_lzw,
denoise, denoise_frames and fast, as the CLI's -Q/--quality, --lossy-lzw,
--denoise, --denoise-frames and --fast. Truths: the anchor table giflow.h
documents for giflow_encode_options_quality(), byte-identical outputs for
equivalent settings, Pillow's decoding against the clean source."""
import io

import numpy as np
import pytest
from PIL import Image

import giflow
import giflow.pillow  # noqa: F401  (registers format="GIFLOW")
from conftest import pillow_frames, psnr

# giflow.h, giflow_encode_options_quality(): quality -> denoise, lossy_lzw,
# lossy, max_colors.
ANCHORS = {100: (0, 0, 0, 256), 95: (23, 0, 0, 256), 80: (26, 4, 2, 256), 50: (55, 8, 10, 128),
           20: (90, 12, 20, 48), 1: (100, 20, 32, 16)}


def scene(h=72, w=96):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    return np.stack([128 + 90 * np.sin(x / 9 + y / 23), 128 + 90 * np.cos(y / 7),
                     (x * 2 + y) % 256], -1)


def noisy_clip(n=10, sigma=4.0, seed=3):
    """A still scene under fresh camera noise in every frame, a moving bar
    in its top rows: (clean frames, noisy frames)."""
    r = np.random.default_rng(seed)
    clean, noisy = [], []
    for t in range(n):
        c = scene()
        c[:8, 8 * t:8 * t + 12] = (250, 20, 20)
        clean.append(c.astype(np.uint8))
        noisy.append(np.clip(c + r.normal(0, sigma, c.shape), 0, 255).astype(np.uint8))
    return clean, noisy


def save_bytes(frames, **kw):
    b = io.BytesIO()
    giflow.save(frames, b, duration=40, **kw)
    return b.getvalue()


@pytest.mark.parametrize("q", sorted(ANCHORS))
def test_quality_is_the_documented_table(q):
    _, clip = noisy_clip(6)
    denoise, lossy_lzw, lossy, colors = ANCHORS[q]
    assert save_bytes(clip, quality=q) == save_bytes(clip, denoise=denoise, lossy_lzw=lossy_lzw,
                                                     lossy=lossy, colors=colors)


def test_quality_95_is_the_default_and_given_options_win():
    _, clip = noisy_clip(6)
    assert save_bytes(clip, quality=95) == save_bytes(clip)
    assert save_bytes(clip, quality=50, colors=256, denoise=0) == \
        save_bytes(clip, denoise=0, lossy_lzw=8, lossy=10, colors=256)


def test_lower_quality_smaller_files_bounded_error():
    clean, clip = noisy_clip()
    sizes, quality = [], []
    for q in (100, 80, 50, 20):
        data = save_bytes(clip, quality=q)
        frames = pillow_frames(data)[0]
        assert frames.shape == (len(clip), 72, 96, 4)
        sizes.append(len(data))
        quality.append(min(psnr(f, c) for f, c in zip(frames, clean)))
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0] * 0.7, sizes
    assert quality[-1] > 20, quality


def test_lossy_lzw():
    _, clip = noisy_clip()
    exact = save_bytes(clip, denoise=0)
    lossy = save_bytes(clip, denoise=0, lossy_lzw=16)
    assert len(lossy) < len(exact) * 0.95, (len(lossy), len(exact))
    ref = pillow_frames(exact)[0]
    for a, b in zip(pillow_frames(lossy)[0], ref):
        # At most 16 levels worse (RMS over R, G, B) than the exact pixel's own
        # quantized colour, against the source: measured here against that
        # colour, the RMS per pixel stays within 16 + the quantizer's error.
        assert psnr(a, b) > 25


def test_denoise_holds_still_pixels():
    clean, clip = noisy_clip()
    off = save_bytes(clip, denoise=0)
    on = save_bytes(clip)  # default denoise 23
    assert len(on) < len(off) * 0.8, (len(on), len(off))
    # The held pixels are closer to the clean scene than the raw noise.
    f_on, f_off = pillow_frames(on)[0], pillow_frames(off)[0]
    assert np.mean([psnr(f, c) for f, c in zip(f_on, clean)]) > \
        np.mean([psnr(f, c) for f, c in zip(f_off, clean)])
    # The moving bar is never held back: frame t shows it at t.
    for t, f in enumerate(f_on):
        assert (f[2:6, 8 * t + 4, :3].astype(int) - (250, 20, 20)).__abs__().max() < 40
    assert save_bytes(clip, denoise_frames=8) != on


def test_fast_is_a_global_palette_and_a_3_frame_window():
    _, clip = noisy_clip()
    fast = save_bytes(clip, fast=True)
    assert fast == save_bytes(clip, palette="global", denoise_frames=3)
    assert not any(f.has_local_palette for f in giflow.open(fast).frames)
    # A palette given explicitly wins over fast's.
    assert save_bytes(clip, fast=True, palette="local") == \
        save_bytes(clip, palette="local", denoise_frames=3)


def test_pillow_plugin_takes_them():
    _, clip = noisy_clip(6)
    ims = [Image.fromarray(f) for f in clip]
    b = io.BytesIO()
    ims[0].save(b, format="GIFLOW", save_all=True, append_images=ims[1:], duration=40,
                loop=0, quality=50, fast=True)
    assert b.getvalue() == save_bytes(clip, quality=50, fast=True)


def test_encoder_takes_them():
    _, clip = noisy_clip(6)
    b = io.BytesIO()
    with giflow.Encoder(b, quality=30, lossy_lzw=4) as enc:
        for f in clip:
            enc.add(f, duration=40)
    assert b.getvalue() == save_bytes(clip, quality=30, lossy_lzw=4)


@pytest.mark.parametrize("kw, exc", [
    (dict(quality=0), ValueError), (dict(quality=101), ValueError), (dict(quality="hi"), TypeError),
    (dict(quality=50.0), TypeError), (dict(lossy_lzw=65), ValueError),
    (dict(lossy_lzw=-1), ValueError), (dict(denoise=101), ValueError),
    (dict(denoise=True), TypeError), (dict(denoise_frames=2), ValueError),
    (dict(denoise_frames=9), ValueError), (dict(fast="yes"), TypeError), (dict(fast=1), TypeError),
])
def test_bad_quality_options(kw, exc):
    _, clip = noisy_clip(2)
    with pytest.raises(exc):
        giflow.save(clip, io.BytesIO(), **kw)
