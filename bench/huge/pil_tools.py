#!/usr/bin/python3
"""The huge-image bench's Pillow peers, one per process so that GNU time
measures each alone.

  pil_tools.py save IN.png OUT.gif
      Image.open(IN).save(OUT): Pillow's default GIF save. An RGB image is
      quantized to 256 colours (median cut, no dithering).
  pil_tools.py preview IN.gif OUT.png WIDTH
      Image.open(IN), converted to RGB (Pillow resizes "P" images only by
      nearest neighbour), resized with Image.BOX (area average) to WIDTH and
      height * WIDTH / width rounded half up, saved as PNG.
"""
import sys

from PIL import Image

cmd = sys.argv[1]
if cmd == "save":
    Image.open(sys.argv[2]).save(sys.argv[3])
elif cmd == "preview":
    im = Image.open(sys.argv[2])
    w = int(sys.argv[4])
    h = max(1, int(im.height * w / im.width + 0.5))
    im.convert("RGB").resize((w, h), Image.BOX).save(sys.argv[3])
else:
    sys.exit("usage: pil_tools.py save IN.png OUT.gif | preview IN.gif OUT.png WIDTH")
