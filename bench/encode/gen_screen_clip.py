#!/usr/bin/python3
"""Writes a screen-capture-like clip as raw RGBA frames (opaque).

Usage: /usr/bin/python3 gen_screen_clip.py OUT.rgba [FRAMES] [WIDTH] [HEIGHT]

A still desktop, drawn once: a smooth two-colour wallpaper with soft blobs
(thousands of colours, like a photo or gradient wallpaper), a taskbar with
icons, an editor window with anti-aliased text and a dark terminal. On top of
it, per frame at 25 fps:
- the mouse cursor glides along a smooth path (every frame);
- text is typed into the editor, one character every other frame, with a
  blinking caret;
- from frame 120 to 200 a small dialog (gradient title bar, text, a button)
  is dragged across the desktop by the cursor, then stays;
- the terminal prints a line every 40 frames and scrolls when full;
- the taskbar clock ticks every 25 frames.
So most of each frame is unchanged and the changes are small, except while
the dialog moves. Anti-aliasing and the wallpaper give well over 256
colours. Deterministic (fixed seed; DejaVu Sans from fonts-dejavu-core, or
Pillow's bitmap font if that is missing). Needs Debian's python3-pil and
python3-numpy: run /usr/bin/python3.
"""
import math
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

out = sys.argv[1]
nframes = int(sys.argv[2]) if len(sys.argv) > 2 else 300
W = int(sys.argv[3]) if len(sys.argv) > 3 else 640
H = int(sys.argv[4]) if len(sys.argv) > 4 else 360
rng = np.random.RandomState(7)


def font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in ("/usr/share/fonts/truetype/dejavu/",):
        try:
            return ImageFont.truetype(d + name, size)
        except OSError:
            pass
    return ImageFont.load_default()


def mono(size):
    try:
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", size)
    except OSError:
        return font(size)


F_UI, F_BOLD, F_TEXT, F_MONO = font(11), font(11, True), font(12), mono(11)


def wallpaper():
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    t = (x / W * 0.6 + y / H * 0.4)[..., None]
    a = np.array([28, 60, 110], np.float32)
    b = np.array([70, 150, 160], np.float32)
    img = a * (1 - t) + b * t
    for cx, cy, r, col in ((0.75, 0.3, 0.25, (230, 170, 90)),
                           (0.2, 0.8, 0.3, (120, 60, 150)),
                           (0.55, 0.75, 0.18, (90, 200, 140))):
        d2 = ((x / W - cx) ** 2 + (y / H - cy) ** 2) / (r * r)
        w = np.exp(-d2 * 2.0)[..., None] * 0.55
        img = img * (1 - w) + np.array(col, np.float32) * w
    img += rng.normal(0, 1.2, img.shape)  # a little sensor-like grain
    return Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8), "RGB")


def window(d, box, title, body=(250, 250, 250)):
    x0, y0, x1, y1 = box
    d.rectangle((x0 + 3, y0 + 3, x1 + 3, y1 + 3), fill=(20, 30, 40))  # shadow
    d.rectangle(box, fill=body, outline=(90, 90, 90))
    for i in range(20):  # gradient title bar
        c = int(200 - i * 3)
        d.line((x0 + 1, y0 + 1 + i, x1 - 1, y0 + 1 + i), fill=(c - 60, c - 20, c + 40))
    d.text((x0 + 8, y0 + 4), title, font=F_BOLD, fill=(255, 255, 255))
    for k, col in enumerate(((230, 80, 70), (240, 190, 60), (90, 190, 90))):
        cx = x1 - 14 - 16 * k
        d.ellipse((cx - 5, y0 + 5, cx + 5, y0 + 15), fill=col)


ED = (20, 20, 330, 250)    # editor window
TERM = (350, 40, 620, 220)  # terminal window
TASK_H = 28
EDITOR_TEXT = [
    "# giflow bench notes",
    "",
    "Frames are quantized one at a time and",
    "written as soon as the next one arrives.",
    "Memory stays flat: one canvas, one row.",
]
TYPED = ("Typing a new paragraph here, one character at a time, "
         "the way a screen recording of an editor looks.")
TERM_LINES = ["$ make bench", "cmake --build build -j2", "[ 50%] Building C object",
              "[100%] Linking C executable giflow", "$ ls build/bench", "decode.json  encode.json",
              "$ uptime", " 12:00:01 up 3 days, load 1.02", "$ git status",
              "nothing to commit, working tree clean"]


def base():
    img = wallpaper()
    d = ImageDraw.Draw(img)
    d.rectangle((0, H - TASK_H, W, H), fill=(32, 34, 40))
    d.line((0, H - TASK_H, W, H - TASK_H), fill=(80, 84, 96))
    for k, col in enumerate(((66, 133, 244), (219, 68, 55), (244, 180, 0), (15, 157, 88), (160, 90, 200))):
        x = 10 + k * 30
        d.rounded_rectangle((x, H - TASK_H + 5, x + 18, H - 5), 4, fill=col)
    for k in range(4):  # desktop icons
        x, y = W - 50, 240 + 0 * k
        x = 360 + k * 60
        d.rounded_rectangle((x, 250, x + 32, 282), 6, fill=(200 - 30 * k, 160, 90 + 40 * k))
        d.text((x - 4, 286), "file%d.txt" % k, font=F_UI, fill=(255, 255, 255))
    window(d, ED, "notes.md - Editor")
    for i, line in enumerate(EDITOR_TEXT):
        d.text((ED[0] + 8, ED[1] + 28 + 16 * i), line, font=F_TEXT, fill=(30, 30, 30))
    window(d, TERM, "Terminal", body=(24, 26, 30))
    return img


def cursor(d, x, y):
    pts = [(x, y), (x, y + 16), (x + 4, y + 12), (x + 7, y + 19), (x + 9, y + 18),
           (x + 6, y + 11), (x + 11, y + 11)]
    d.polygon(pts, fill=(255, 255, 255), outline=(0, 0, 0))


def dialog(d, x, y):
    box = (x, y, x + 170, y + 90)
    window(d, box, "Save changes?", body=(236, 236, 240))
    d.text((x + 10, y + 30), "Save before closing?", font=F_UI, fill=(20, 20, 20))
    d.rounded_rectangle((x + 100, y + 60, x + 160, y + 82), 5, fill=(66, 133, 244))
    d.text((x + 115, y + 64), "Save", font=F_BOLD, fill=(255, 255, 255))


def main():
    bg = base()
    with open(out, "wb") as f:
        for n in range(nframes):
            img = bg.copy()
            d = ImageDraw.Draw(img)
            # typed text, wrapped at the editor width, with a blinking caret
            typed = TYPED[: n // 2]
            lines, cur = [], ""
            for word in typed.split(" "):
                trial = (cur + " " + word).strip() if cur else word
                if d.textlength(trial, font=F_TEXT) > ED[2] - ED[0] - 20:
                    lines.append(cur)
                    cur = word
                else:
                    cur = trial
            lines.append(cur)
            y0 = ED[1] + 28 + 16 * (len(EDITOR_TEXT) + 1)
            for i, line in enumerate(lines):
                d.text((ED[0] + 8, y0 + 16 * i), line, font=F_TEXT, fill=(30, 30, 30))
            if (n // 12) % 2 == 0:
                cx = ED[0] + 8 + d.textlength(lines[-1], font=F_TEXT) + 1
                cy = y0 + 16 * (len(lines) - 1)
                d.line((cx, cy, cx, cy + 14), fill=(0, 0, 0))
            # terminal: a line every 40 frames, scrolling when full
            shown = TERM_LINES[: 1 + n // 40] if n // 40 < len(TERM_LINES) else \
                (TERM_LINES * 3)[: 1 + n // 40]
            shown = shown[-11:]
            for i, line in enumerate(shown):
                d.text((TERM[0] + 8, TERM[1] + 26 + 14 * i), line, font=F_MONO, fill=(140, 230, 140))
            # clock
            s = n // 25
            d.text((W - 60, H - TASK_H + 8), "12:%02d:%02d" % (34 + s // 60, s % 60),
                   font=F_UI, fill=(230, 230, 230))
            # dialog dragged from frame 120 to 200, then left in place
            if n >= 120:
                p = min(n, 200) - 120
                dx = int(40 + p * 4.2)
                dy = int(150 - 60 * math.sin(p / 80 * math.pi))
                dialog(d, dx, dy)
            # mouse: a smooth Lissajous path; it holds the dialog's title bar
            if 120 <= n <= 200:
                mx, my = dx + 60, dy + 10
            else:
                mx = int(W / 2 + 220 * math.sin(n / 37.0))
                my = int(H / 2 - 20 + 120 * math.sin(n / 23.0 + 1))
            cursor(d, mx, my)
            f.write(img.convert("RGBA").tobytes())


main()
