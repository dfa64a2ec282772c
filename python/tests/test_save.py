"""giflow.save round trips, checked by Pillow's decoder."""
import io
import os
import pathlib

import numpy as np
import pytest
from PIL import Image

import giflow
from conftest import pillow_frames, psnr, same_pixels


def rng(seed=1):
    return np.random.default_rng(seed)


def distinct_colours(n, seed):
    """n distinct random RGB colours, (n, 3) uint8."""
    c = np.unique(rng(seed).integers(0, 1 << 24, 4 * n))[:n]
    c = rng(seed).permutation(c)
    return np.stack([c >> 16, (c >> 8) & 255, c & 255], -1).astype(np.uint8)


def few_colours(h=48, w=64, n=40, alpha=False, seed=1):
    """A still with n distinct colours (exactly representable)."""
    r = rng(seed)
    pal = r.integers(0, 256, (n, 3), dtype=np.uint8)
    idx = r.integers(0, n, (h, w))
    img = pal[idx]
    if alpha:
        a = np.where(r.random((h, w)) < 0.2, 0, 255).astype(np.uint8)
        img = np.dstack([img, a])
    return img


def photo(h=120, w=160, seed=2):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = rng(seed)
    img = np.stack([128 + 100 * np.sin(x / 17), 128 + 100 * np.cos(y / 11),
                    (x + y) * 255 / (w + h)], -1) + r.normal(0, 3, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def save_bytes(frames, **kw):
    b = io.BytesIO()
    stats = giflow.save(frames, b, **kw)
    return b.getvalue(), stats


def rgba(a):
    return a if a.shape[-1] == 4 else np.dstack([a, np.full(a.shape[:2], 255, np.uint8)])


# ---- stills ------------------------------------------------------------------

def test_rgb_still_exact():
    img = few_colours()
    data, stats = save_bytes(img)
    frames, _ = pillow_frames(data)
    assert frames.shape == (1, 48, 64, 4)
    assert np.array_equal(frames[0], rgba(img))
    assert stats.frames_out == 1 and stats.bytes == len(data)


def test_rgba_still_transparency():
    img = few_colours(alpha=True)
    data, _ = save_bytes(img)
    frames, _ = pillow_frames(data)
    assert same_pixels(frames[0], img)


def test_photo_still_quality():
    img = photo()
    data, _ = save_bytes(img)
    frames, _ = pillow_frames(data)
    assert psnr(frames[0], img) > 30
    assert len(np.unique(frames[0].reshape(-1, 4), axis=0)) <= 256


def test_indices_and_palette_kept():
    r = rng(3)
    pal = distinct_colours(200, 3)
    idx = r.integers(0, 200, (70, 90)).astype(np.uint8)
    data, _ = save_bytes(idx, palette=pal)
    im = Image.open(io.BytesIO(data))
    assert im.mode == "P"
    assert np.array_equal(np.asarray(im), idx)
    assert bytes(im.getpalette()[:600]) == pal.tobytes()


def test_pil_p_image_keeps_indices():
    r = rng(4)
    pal = distinct_colours(256, 4).tobytes()
    idx = r.integers(0, 256, (90, 130)).astype(np.uint8)
    im = Image.fromarray(idx, "P")
    im.putpalette(pal)
    data, _ = save_bytes(im)
    out = Image.open(io.BytesIO(data))
    assert np.array_equal(np.asarray(out), idx)          # all 256 entries kept
    assert bytes(out.getpalette()) == pal


def test_pil_p_transparency_256_entries():
    r = rng(5)
    pal = distinct_colours(256, 5).tobytes()
    idx = r.integers(0, 256, (40, 50)).astype(np.uint8)
    im = Image.fromarray(idx, "P")
    im.putpalette(pal)
    im.info["transparency"] = 10
    data, _ = save_bytes(im)
    got = pillow_frames(data)[0][0]
    assert same_pixels(got, np.asarray(im.convert("RGBA")))
    assert (got[idx == 10, 3] == 0).all() and (got[idx != 10, 3] == 255).all()


def test_grey_array_and_modes():
    g = rng(6).integers(0, 256, (30, 40)).astype(np.uint8)
    data, _ = save_bytes(g)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("L")), g)
    base = Image.fromarray(few_colours(30, 40, 60, alpha=True), "RGBA")
    for mode in ("RGB", "RGBA", "L", "LA", "1", "CMYK", "P", "I", "PA"):
        im = base.convert(mode)
        data, _ = save_bytes(im)
        got = pillow_frames(data)[0][0]
        assert same_pixels(got, np.asarray(im.convert("RGBA"))), mode


def test_strided_and_stacked_arrays():
    big = few_colours(60, 80)
    view = big[5:45, 10:70]          # rows not contiguous
    data, _ = save_bytes(view)
    assert np.array_equal(pillow_frames(data)[0][0], rgba(view))
    stack = np.stack([few_colours(20, 30, seed=s) for s in range(4)])
    data, _ = save_bytes(stack, duration=50)
    frames, durations = pillow_frames(data)
    assert np.array_equal(frames, np.array([rgba(f) for f in stack]))
    assert durations == [50] * 4


# ---- animations -----------------------------------------------------------------

def sprites(n=8, h=40, w=64):
    base = few_colours(h, w, 30, seed=9)
    out = []
    for t in range(n):
        f = base.copy()
        f[10:20, 4 * t:4 * t + 10] = (250, 0, 0)
        out.append(f)
    return out


def test_animation_list_durations_loop():
    frames = sprites()
    durations = [30, 40, 50, 60, 70, 80, 90, 100]
    data, stats = save_bytes(frames, duration=durations, loop=3)
    got, dur = pillow_frames(data)
    assert np.array_equal(got, np.array([rgba(f) for f in frames]))
    assert dur == durations
    assert Image.open(io.BytesIO(data)).info["loop"] == 3
    assert stats.frames_in == 8 and stats.duration_cs == sum(durations) // 10


def test_generator_and_loop_default():
    def gen():
        yield from sprites(6)
    data, _ = save_bytes(gen(), duration=(d for d in [40] * 6))
    got, dur = pillow_frames(data)
    assert np.array_equal(got, np.array([rgba(f) for f in sprites(6)]))
    assert Image.open(io.BytesIO(data)).info["loop"] == 0
    data, _ = save_bytes(gen(), loop=None)
    assert "loop" not in Image.open(io.BytesIO(data)).info


def test_pil_multiframe_resave(corpora):
    path = os.path.join(corpora, "peterdn-gif-test-suite", "gifs", "animated_transparent_loop.gif")
    src = Image.open(path)
    want, want_dur = pillow_frames(open(path, "rb").read())
    data, _ = save_bytes(src)
    got, dur = pillow_frames(data)
    assert len(got) == len(want) and all(same_pixels(a, b) for a, b in zip(got, want))
    assert dur == want_dur
    assert src.tell() == 0


def test_rgba_animation_with_disposal():
    frames = []
    for t in range(6):
        f = np.zeros((32, 48, 4), np.uint8)
        f[8:20, 6 * t:6 * t + 12] = (30, 200, 90, 255)
        frames.append(f)
    data, _ = save_bytes(frames, duration=50)
    got, _ = pillow_frames(data)
    assert all(same_pixels(a, b) for a, b in zip(got, frames))


def test_options_change_output():
    # Moving content: a still with fresh noise would be held by the denoiser
    # (on by default) and merge into one frame.
    clip = [np.roll(photo(60, 80, seed=s), 7 * s, axis=1) for s in range(3)]
    plain, _ = save_bytes(clip)
    few, _ = save_bytes(clip, colors=16)
    for f in pillow_frames(few)[0]:
        assert len(np.unique(f.reshape(-1, 4), axis=0)) <= 16
    for d in ("fs", "ordered"):
        dithered, _ = save_bytes(clip, dither=d)
        assert dithered != plain and pillow_frames(dithered)[0].shape == (3, 60, 80, 4)
    lossy, _ = save_bytes(clip, lossy=20)
    assert len(lossy) < len(plain)
    assert all(psnr(a, b) > 24 for a, b in zip(pillow_frames(lossy)[0], clip))
    best, _ = save_bytes(clip, effort="best")
    assert pillow_frames(best)[0].shape == (3, 60, 80, 4)


def test_palette_modes_and_fixed_palette(tmp_path):
    frames = [few_colours(30, 40, 50, seed=s) for s in range(4)]
    local, _ = save_bytes(frames, palette="local")
    assert all(f.has_local_palette for f in giflow.open(local).frames[1:])
    glob, _ = save_bytes(frames, palette="global")
    assert not any(f.has_local_palette for f in giflow.open(glob).frames)
    pal = [(0, 0, 0), (255, 255, 255), (255, 0, 0), (0, 0, 255)]
    fixed, _ = save_bytes(frames, palette=pal)
    for f in pillow_frames(fixed)[0]:
        assert {tuple(c) for c in f[..., :3].reshape(-1, 3)} <= set(pal)
    # A GIF's palette, as the CLI's --palette FILE.gif.
    src = tmp_path / "pal.gif"
    src.write_bytes(fixed)
    assert giflow.open(fixed).frames[0].palette[:12] == bytes(sum(pal, ()))
    for p in (str(src), src):
        again, _ = save_bytes(frames, palette=p)
        assert np.array_equal(pillow_frames(again)[0], pillow_frames(fixed)[0])


def test_comment_and_optimize():
    data, _ = save_bytes(sprites(4), comment="made by giflow")
    assert Image.open(io.BytesIO(data)).info["comment"] == b"made by giflow"
    opt = giflow.open(save_bytes(sprites(4))[0]).frames
    full = giflow.open(save_bytes(sprites(4), optimize=False)[0]).frames
    assert any(f.width < 64 for f in opt[1:])
    assert all((f.width, f.height) == (64, 40) for f in full)


def test_outputs_agree(tmp_path):
    frames = sprites(3)
    b = io.BytesIO()
    giflow.save(frames, b)
    giflow.save(frames, str(tmp_path / "a.gif"))
    giflow.save(frames, tmp_path / "b.gif")
    with open(tmp_path / "c.gif", "wb") as f:
        giflow.save(frames, f)
    for n in "abc":
        assert (tmp_path / (n + ".gif")).read_bytes() == b.getvalue()
    assert sorted(os.listdir(tmp_path)) == ["a.gif", "b.gif", "c.gif"]  # no temporaries left


def test_encoder_incremental(tmp_path):
    p = tmp_path / "inc.gif"
    with giflow.Encoder(p, loop=0) as enc:
        for i, f in enumerate(sprites(5)):
            enc.add(Image.fromarray(f), duration=20 * (i + 2))
    got, dur = pillow_frames(p.read_bytes())
    assert np.array_equal(got, np.array([rgba(f) for f in sprites(5)]))
    assert dur == [40, 60, 80, 100, 120]
    assert enc.stats.frames_out == 5


def test_decoded_frames_resave():
    data, _ = save_bytes(sprites(4), duration=70)
    again, _ = save_bytes(list(giflow.open(data)), duration=70)
    assert np.array_equal(pillow_frames(again)[0], pillow_frames(data)[0])


def test_large_still_rows_memory():
    """A still is streamed by rows: the encoder heap does not grow with the
    height (2000x1500 against 2000x150), and stays below one RGBA copy."""
    heaps = []
    for h in (150, 1500):
        y, x = np.mgrid[0:h, 0:2000]
        img = np.stack([x % 256, y % 256, (x ^ y) % 256], -1).astype(np.uint8)
        data, stats = save_bytes(Image.fromarray(img))
        got = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        assert got.shape == img.shape and psnr(got, img) > 20
        heaps.append(stats.peak_heap)
    assert heaps[1] - heaps[0] < 64 * 1024, heaps
    assert heaps[1] < 2000 * 1500 * 4


def test_pathlib_roundtrip_open(tmp_path):
    p = pathlib.Path(tmp_path) / "x.gif"
    giflow.save(sprites(2), p)
    assert giflow.open(p).n_frames == 2
