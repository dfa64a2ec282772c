"""giflow: a streaming GIF codec in bounded memory, for numpy and Pillow.

    import giflow
    giflow.save(frames, "out.gif", duration=40)     # frames as they come
    gif = giflow.open("in.gif", resize=(320, 0))    # viewport decoding
    for frame in gif:
        frame.to_numpy(), frame.delay_ms

giflow.save() encodes Pillow images, numpy arrays or any iterable of them;
a still image of any size is streamed row by row from its own memory.
giflow.open() gives the header, the frames' info, and the frames composed
as browsers show them. giflow.Decoder is a push decoder for bytes arriving
in chunks, giflow.Encoder an incremental encoder. `import giflow.pillow`
adds a "GIFLOW" save format to Pillow.

The GIL is released while the C codec works. Codec errors raise
GiflowError (.status: giflow's status code, .message: its
giflow_strerror() text); bad arguments raise TypeError or ValueError.
"""
from ._giflow import GiflowError, LIB_VERSION as __version__, strerror
from ._encode import Encoder, EncodeStats, save
from ._decode import Decoder, Frame, FrameInfo, GifFile, ImageInfo, open

__all__ = ["save", "open", "Encoder", "Decoder", "GifFile", "Frame", "FrameInfo", "ImageInfo",
           "EncodeStats", "GiflowError", "strerror", "__version__"]
