"""The Pillow plugin: format "GIFLOW", and the opt-in GIF writer."""
import io

import numpy as np
import pytest
from PIL import Image

import giflow
import giflow.pillow
from conftest import pillow_frames, same_pixels


def frames(n=5):
    out = []
    for t in range(n):
        a = np.zeros((36, 50, 3), np.uint8)
        a[:, :, 1] = 90
        a[8:20, 6 * t:6 * t + 12] = (240, 240, 0)
        out.append(Image.fromarray(a))
    return out


def test_still_format_giflow():
    im = frames(1)[0].convert("P", palette=Image.ADAPTIVE, colors=8)
    b = io.BytesIO()
    im.save(b, format="GIFLOW")
    out = Image.open(io.BytesIO(b.getvalue()))
    assert out.format == "GIF"
    idx = np.asarray(im)
    assert np.array_equal(np.asarray(out), idx)  # indices kept
    n = 3 * (int(idx.max()) + 1)
    assert out.getpalette()[:n] == im.getpalette()[:n]


def test_save_all_append_durations_loop(tmp_path):
    fr = frames()
    p = tmp_path / "a.gif"
    fr[0].save(p, format="GIFLOW", save_all=True, append_images=fr[1:],
               duration=[40, 50, 60, 70, 80], loop=0, comment="hi")
    got, dur = pillow_frames(p.read_bytes())
    assert len(got) == 5 and dur == [40, 50, 60, 70, 80]
    assert all(same_pixels(a, np.asarray(f.convert("RGBA"))) for a, f in zip(got, fr))
    info = Image.open(p).info
    assert info["loop"] == 0 and info["comment"] == b"hi"
    # Pillow's convention: no loop argument, no loop extension (plays once).
    fr[0].save(p, format="GIFLOW", save_all=True, append_images=fr[1:], duration=40)
    assert "loop" not in Image.open(p).info
    # giflow's own options pass through.
    fr[0].save(p, format="GIFLOW", save_all=True, append_images=fr[1:], colors=4, lossy=8)
    assert max(len(np.unique(f.reshape(-1, 4), axis=0)) for f in pillow_frames(p.read_bytes())[0]) <= 4
    with pytest.raises(ValueError):
        fr[0].save(io.BytesIO(), format="GIFLOW", colors=1)


def test_multiframe_source_resaved(tmp_path):
    fr = frames()
    src = tmp_path / "src.gif"
    fr[0].save(src, save_all=True, append_images=fr[1:], duration=60, loop=0)  # Pillow's writer
    im = Image.open(src)
    out = io.BytesIO()
    im.save(out, format="GIFLOW", save_all=True)
    want, want_dur = pillow_frames(src.read_bytes())
    got, dur = pillow_frames(out.getvalue())
    assert len(got) == 5 and all(same_pixels(a, b) for a, b in zip(got, want))
    assert dur == want_dur


def test_install_serves_gif_saves(tmp_path):
    im = frames(1)[0]
    ours = io.BytesIO()
    giflow.save(im, ours, loop=None)  # Pillow's convention: no loop argument, plays once
    pillows = io.BytesIO()
    im.save(pillows, format="GIF")
    assert pillows.getvalue() != ours.getvalue()
    giflow.pillow.install()
    try:
        assert giflow.pillow.installed()
        im.save(tmp_path / "x.gif")  # by extension
        assert (tmp_path / "x.gif").read_bytes() == ours.getvalue()
        b = io.BytesIO()
        im.save(b, format="GIF")
        assert b.getvalue() == ours.getvalue()
    finally:
        giflow.pillow.uninstall()
    assert not giflow.pillow.installed()
    b = io.BytesIO()
    im.save(b, format="GIF")
    assert b.getvalue() == pillows.getvalue()
    assert Image.open(tmp_path / "x.gif").size == im.size


def test_rotated_rgb_still_matches_source():
    """The seed user's case, small: rotate(45), save through the plugin."""
    y, x = np.mgrid[0:300, 0:400]
    a = np.stack([x % 256, y % 256, (x + y) % 7 * 30], -1).astype(np.uint8)
    im = Image.fromarray(a).rotate(45)
    b = io.BytesIO()
    im.save(b, format="GIFLOW")
    got = np.asarray(Image.open(io.BytesIO(b.getvalue())).convert("RGB")).astype(int)
    err = np.abs(got - np.asarray(im).astype(int)).mean()
    assert got.shape == (300, 400, 3) and err < 6


def test_row_copy_fallback_same_output(monkeypatch):
    """Without Pillow's row pointers (a Pillow that hides them), strips are
    copied with crop().tobytes(): the same GIF comes out."""
    y, x = np.mgrid[0:150, 0:200]
    rgb = Image.fromarray(np.stack([x % 256, y % 256, (x * y) % 256], -1).astype(np.uint8))
    images = [rgb, rgb.convert("RGBA"), rgb.convert("L"), rgb.convert("P"),
              rgb.quantize(64)]
    direct = []
    for im in images:
        b = io.BytesIO()
        giflow.save(im, b)
        direct.append(b.getvalue())
    from giflow import _pixels
    if hasattr(rgb.im, "unsafe_ptrs"):  # Debian's Pillow: the first pass read rows in place
        assert all(_pixels._rows_address(im, im.mode) for im in images)
    monkeypatch.setattr(_pixels, "_rows_address", lambda im, mode: 0)
    for im, want in zip(images, direct):
        b = io.BytesIO()
        giflow.save(im, b)
        assert b.getvalue() == want, im.mode
