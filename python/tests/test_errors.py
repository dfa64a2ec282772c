"""Every error path: bad arguments raise TypeError or ValueError, codec
errors raise GiflowError with giflow's status and strerror text, and a
failed save never destroys an existing file."""
import io
import os

import numpy as np
import pytest
from PIL import Image

import giflow
from giflow import _giflow as C

FRAME = np.zeros((10, 12, 3), np.uint8)


def gif_bytes(n=3, w=12, h=10):
    b = io.BytesIO()
    giflow.save([np.full((h, w, 3), 60 * i, np.uint8) for i in range(n)], b, duration=50)
    return b.getvalue()


@pytest.mark.parametrize("kw, exc", [
    (dict(colors=1), ValueError), (dict(colors=257), ValueError), (dict(colors="8"), TypeError),
    (dict(colors=True), TypeError), (dict(dither="blue"), ValueError), (dict(dither=3), TypeError),
    (dict(palette="best"), ValueError), (dict(palette=b"\0\0"), ValueError),
    (dict(palette=3.5), TypeError), (dict(palette=[(0, 0, 300)]), ValueError),
    (dict(loop=-2), ValueError), (dict(loop=65536), ValueError), (dict(loop="x"), TypeError),
    (dict(lossy=65), ValueError), (dict(lossy=-1), ValueError), (dict(effort=4), ValueError),
    (dict(effort="max"), ValueError), (dict(comment=5), TypeError),
    (dict(duration=-1), ValueError), (dict(duration="40"), TypeError),
    (dict(duration=[40, "x"]), TypeError), (dict(duration=[40]), ValueError),
])
def test_bad_options(kw, exc):
    with pytest.raises(exc):
        giflow.save([FRAME, FRAME + 1], io.BytesIO(), **kw)


@pytest.mark.parametrize("frames, exc", [
    ("frame.png", TypeError), (42, TypeError), ([], ValueError), ([object()], TypeError),
    (np.zeros((10, 12, 3), np.float32), TypeError), (np.zeros((10, 12, 2), np.uint8), ValueError),
    (np.zeros((10,), np.uint8), ValueError), ([FRAME, np.zeros((11, 12, 3), np.uint8)], ValueError),
    (np.zeros((0, 12, 3), np.uint8), ValueError), (np.zeros((10, 70000, 3), np.uint8), ValueError),
])
def test_bad_frames(frames, exc):
    with pytest.raises(exc):
        giflow.save(frames, io.BytesIO())


def test_bad_outputs():
    with pytest.raises(TypeError):
        giflow.save(FRAME, 123)
    with pytest.raises(FileNotFoundError):
        giflow.save(FRAME, "/nonexistent-dir/x.gif")


def test_failed_save_keeps_existing_file(tmp_path):
    p = tmp_path / "keep.gif"
    p.write_bytes(b"precious")

    def frames():
        yield FRAME
        raise RuntimeError("camera unplugged")
    with pytest.raises(RuntimeError):
        giflow.save(frames(), p)
    assert p.read_bytes() == b"precious"
    # A codec error: too many colours for lossless.
    noisy = np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    with pytest.raises(giflow.GiflowError) as e:
        giflow.save([noisy, noisy[::-1]], p, lossless=True)
    assert e.value.status == C.ERR_TOO_MANY_COLORS
    assert e.value.message == giflow.strerror(C.ERR_TOO_MANY_COLORS) and e.value.message
    assert e.value.message in str(e.value)
    with pytest.raises(giflow.GiflowError):
        giflow.save(noisy, p, lossless=True)  # a still: the row encoder says the same
    assert p.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["keep.gif"]  # no temporary file left behind
    giflow.save(FRAME, p)
    assert Image.open(p).size == (12, 10)


def test_write_errors_propagate():
    class Full(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            raise OSError(28, "No space left on device")
    with pytest.raises(OSError):
        giflow.save([FRAME, FRAME + 9], Full())
    with pytest.raises(OSError):
        giflow.save(FRAME, Full())


def test_encoder_misuse(tmp_path):
    enc = giflow.Encoder(io.BytesIO())
    with pytest.raises(ValueError):
        enc.close()  # no frames
    enc = giflow.Encoder(io.BytesIO())
    enc.add(FRAME)
    with pytest.raises(ValueError):
        enc.add(np.zeros((5, 5, 3), np.uint8))
    with pytest.raises(ValueError):
        enc.add(FRAME)  # stopped after the error
    raw = C.Encoder(4, 4, lambda b: None, row_streaming=True)
    src = C.Source("rgba", 4, 4, bytes(64))
    with pytest.raises(ValueError):
        raw.frame(src, 0, 10)  # whole frames on a row encoder
    with pytest.raises(ValueError):
        raw.rows(src, 2, 3)  # beyond the source
    with pytest.raises(giflow.GiflowError) as e:
        raw.rows_end()  # no frame begun
    assert e.value.status == C.ERR_STATE
    with pytest.raises(ValueError):
        C.Source("rgba", 4, 4, bytes(63))  # buffer too small
    with pytest.raises(ValueError):
        C.Source("idx", 4, 4, bytes(16))  # indices without a palette


def test_not_a_gif():
    with pytest.raises(giflow.GiflowError) as e:
        giflow.open(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert e.value.status == C.ERR_NOT_GIF
    assert e.value.message == giflow.strerror(C.ERR_NOT_GIF)


def test_truncated_strict_and_lenient():
    data = gif_bytes(3)
    cut = data[:len(data) - 12]  # inside the last frame
    gif = giflow.open(cut)
    got = []
    with pytest.raises(giflow.GiflowError) as e:
        for f in gif:
            got.append(f)
    assert e.value.status == C.ERR_TRUNCATED and len(got) == 2
    lenient = giflow.open(cut, strict=False)
    assert len(list(lenient)) == 2 and lenient.error.status == C.ERR_TRUNCATED
    dec = giflow.Decoder()
    assert len(dec.feed(cut)) == 2
    with pytest.raises(giflow.GiflowError) as e:
        dec.close()
    assert e.value.status == C.ERR_TRUNCATED


def test_broken_frame_then_raise():
    data = bytearray(gif_bytes(3))
    # Corrupt the LZW minimum code size of the second image.
    at = giflow.open(bytes(data)).frames[1].offset + 10
    packed = data[at - 1]
    if packed & 0x80:
        at += 3 << ((packed & 7) + 1)  # the local colour table
    data[at] = 15
    dec = giflow.Decoder()
    frames = dec.feed(bytes(data))
    assert len(frames) == 1  # the good frame is not lost...
    with pytest.raises(giflow.GiflowError) as e:
        dec.feed(b"")  # ...and the next call raises
    assert e.value.status == C.ERR_BAD_CODE_SIZE
    assert e.value.message == giflow.strerror(C.ERR_BAD_CODE_SIZE)


def test_limits():
    data = gif_bytes(3, 40, 30)
    with pytest.raises(giflow.GiflowError) as e:
        giflow.open(data, limits={"max_canvas_pixels": 100})
    assert e.value.status == C.ERR_LIMIT_CANVAS
    with pytest.raises(giflow.GiflowError) as e:
        list(giflow.open(data, limits={"max_frames": 2}))
    assert e.value.status == C.ERR_LIMIT_FRAMES
    with pytest.raises(TypeError):
        giflow.open(data, limits={"frames": 2})
    with pytest.raises(ValueError):
        giflow.open(data, limits={"max_frames": -1})


def test_bad_viewports_and_sources():
    data = gif_bytes(2, 40, 30)
    with pytest.raises(ValueError):
        giflow.open(data, crop=(40, 0, 5, 5))  # outside the canvas
    with pytest.raises(ValueError):
        giflow.open(data, crop=(30, 0, 20, 5))  # reaches past the edge
    with pytest.raises(ValueError):
        giflow.open(data, resize=(80, 60))  # no enlarging
    with pytest.raises(TypeError):
        giflow.open(data, crop=(1, 2))
    with pytest.raises(ValueError):
        giflow.open(data, resize=(-1, 0))
    with pytest.raises(TypeError):
        giflow.open(12345)
    with pytest.raises(FileNotFoundError):
        giflow.open("/nonexistent/x.gif")
    with pytest.raises(giflow.GiflowError) as e:
        giflow.open(b"")
    assert e.value.status == C.ERR_TRUNCATED


def test_one_pass_file_object():
    data = gif_bytes(3)

    class Pipe(io.RawIOBase):
        def __init__(self):
            self.b = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buf):
            chunk = self.b.read(len(buf))
            buf[:len(chunk)] = chunk
            return len(chunk)
    gif = giflow.open(Pipe())
    assert len(list(gif)) == 3
    with pytest.raises(ValueError):
        list(gif)  # cannot be read twice
    gif = giflow.open(Pipe())
    assert len(gif.frames) == 3  # the scan holds the bytes: iterating works after it
    assert len(list(gif)) == 3
    with pytest.raises(TypeError):
        list(giflow.open(io.StringIO("GIF89a")))


def test_closed_decoder():
    dec = giflow.Decoder()
    with pytest.raises(TypeError):
        dec.feed("text")
    dec.feed(gif_bytes(1))
    dec.close()
    with pytest.raises(ValueError):
        dec.feed(b"x")


def test_strerror():
    assert giflow.strerror(C.ERR_TRUNCATED) and giflow.strerror(0) != giflow.strerror(-11)
