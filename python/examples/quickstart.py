"""giflow from Python: an animation from a generator, a big still through
Pillow, and decoding into a small viewport."""
import numpy as np
from PIL import Image

import giflow
import giflow.pillow  # adds format="GIFLOW" to Pillow


def frames():  # made one at a time: memory stays flat however many
    y, x = np.mgrid[0:180, 0:320]
    for t in range(100):
        yield np.stack([(x + 3 * t) % 256, y + 40, (x + y) // 2 % 256], -1).astype(np.uint8)


stats = giflow.save(frames(), "wave.gif", duration=40, loop=0)
print("wave.gif:", stats.frames_out, "frames,", stats.bytes, "bytes")

# A big still: streamed by rows from the image's own memory.
im = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB").rotate(45)
im.save("big.gif", format="GIFLOW")
print("big.gif:", Image.open("big.gif").size)

# Decoding: the header, every frame's info, frames as browsers show them.
gif = giflow.open("wave.gif", resize=(160, 0))
print(gif.canvas_size, "shown at", gif.size, "-", gif.n_frames, "frames, loop", gif.loop_count)
for frame in gif:
    pixels = frame.to_numpy()  # (90, 160, 4) uint8, RGBA
print("frame", frame.index, "plays", frame.delay_ms, "ms; top-left", pixels[0, 0])
