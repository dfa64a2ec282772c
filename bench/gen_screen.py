#!/usr/bin/python3
"""Writes the frames of a screen-capture-like animation, one GIF per frame.

Usage: /usr/bin/python3 gen_screen.py OUTDIR [FRAMES] [WIDTH] [HEIGHT]

It writes OUTDIR/f0000.gif ... : the full screen of each frame, like a screen
recorder at a fixed frame rate. A still desktop (menu bar, an editor window
full of text, a terminal) where a user alternately moves the mouse, draws
strokes on the editor's page, and types in the terminal one character per
frame (commands print a few lines; a full terminal scrolls); a clock in the
menu bar ticks every 25 frames. Every frame differs from the one before, so
optimisers keep all of them. bench/gen_anims.sh merges the frames with gifsicle -O2, which crops
each frame to its changed rectangle and marks unchanged pixels transparent.
Deterministic (fixed seed). Needs Debian's python3-pil: run /usr/bin/python3.
"""
import math
import os
import random
import sys

from PIL import Image, ImageDraw

outdir = sys.argv[1]
nframes = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
W = int(sys.argv[3]) if len(sys.argv) > 3 else 640
H = int(sys.argv[4]) if len(sys.argv) > 4 else 480
rng = random.Random(1234)

# A small fixed palette, as in UI screenshots.
colours = [
    (0, 0, 0), (255, 255, 255), (58, 110, 165), (36, 72, 110),
    (224, 224, 224), (200, 200, 200), (160, 160, 160), (96, 96, 96),
    (30, 30, 30), (0, 200, 0), (220, 60, 40), (250, 200, 40),
    (70, 130, 220), (245, 245, 250), (120, 170, 230), (180, 40, 160),
]
palette = [v for c in colours for v in c]
(BLACK, WHITE, DESK, DESK2, LIGHT, MID, GREY, DARK,
 TERM_BG, GREEN, RED, YELLOW, BLUE, PAPER, SKY, PURPLE) = range(16)

DIGITS = (0b1111110, 0b0110000, 0b1101101, 0b1111001, 0b0110011,
          0b1011011, 0b1011111, 0b1110000, 0b1111111, 0b1111011)
SEGMENTS = ((0, 0, 6, 1), (6, 0, 7, 5), (6, 5, 7, 10), (0, 10, 6, 11),
            (0, 5, 1, 10), (0, 0, 1, 5), (0, 5, 6, 6))


def desktop():
    im = Image.new("P", (W, H), DESK)
    im.putpalette(palette)
    d = ImageDraw.Draw(im)
    for y in range(0, H, 8):
        if (y // 8) % 5 == 0:
            d.rectangle([0, y, W, y + 3], fill=DESK2)
    # Menu bar.
    d.rectangle([0, 0, W, 17], fill=LIGHT)
    x = 8
    for wlen in (30, 28, 36, 24, 40):
        d.rectangle([x, 5, x + wlen, 11], fill=DARK)
        x += wlen + 14
    # Editor window with text.
    ex0, ey0, ex1, ey1 = 20, 30, W * 55 // 100, H - 40
    d.rectangle([ex0 + 3, ey0 + 3, ex1 + 3, ey1 + 3], fill=DESK2)
    d.rectangle([ex0, ey0, ex1, ey1], fill=PAPER, outline=GREY)
    d.rectangle([ex0, ey0, ex1, ey0 + 16], fill=SKY)
    for i, c in enumerate((RED, YELLOW, GREEN)):
        d.ellipse([ex0 + 6 + 14 * i, ey0 + 4, ex0 + 15 + 14 * i, ey0 + 12], fill=c)
    y = ey0 + 24
    while y < ey1 - 10:
        x = ex0 + 8 + rng.choice((0, 0, 12, 24))
        while x < ex1 - 40 and rng.random() < 0.85:
            wlen = rng.randint(3, 9) * 5
            d.rectangle([x, y, x + wlen, y + 6],
                        fill=rng.choice((DARK, DARK, BLUE, PURPLE)))
            x += wlen + 6
        y += 12
    # Terminal window.
    term = (W * 55 // 100 + 20, 30, W - 20, H - 40)
    tx0, ty0, tx1, ty1 = term
    d.rectangle([tx0 + 3, ty0 + 3, tx1 + 3, ty1 + 3], fill=DESK2)
    d.rectangle([tx0, ty0, tx1, ty1], fill=TERM_BG, outline=GREY)
    d.rectangle([tx0, ty0, tx1, ty0 + 16], fill=MID)
    return im, term


def main():
    os.makedirs(outdir, exist_ok=True)
    background, (tx0, ty0, tx1, ty1) = desktop()
    paper = background.copy()  # strokes drawn so far accumulate here
    cols = (tx1 - tx0 - 16) // 6
    rows = (ty1 - ty0 - 28) // 10
    # The terminal starts half full.
    lines = [[rng.choice((GREEN, WHITE, None)) for _ in range(rng.randint(0, cols))]
             for _ in range(rows // 2)]
    lines.append([])
    mx, my = W // 4, H // 2  # mouse position
    phase, left, output = "type", 40, 0
    sx = sy = tx = ty = plen = colour = 0
    for f in range(nframes):
        if left == 0:
            phase = rng.choice(("move", "draw", "draw", "type", "type"))
            left = rng.randint(20, 60) if phase != "type" else rng.randint(40, 120)
            if phase != "type":
                sx, sy, plen = mx, my, left
                while True:  # at least a pixel per frame
                    if phase == "draw":  # strokes stay on the editor's page
                        tx, ty = rng.randint(30, W * 55 // 100 - 30), rng.randint(60, H - 60)
                    else:
                        tx, ty = rng.randint(10, W - 30), rng.randint(20, H - 30)
                    if max(abs(tx - sx), abs(ty - sy)) >= 2 * plen:
                        break
                colour = rng.choice((RED, BLUE, PURPLE, GREEN, BLACK))
        left -= 1
        if phase in ("move", "draw"):
            k = 1 - left / plen
            k = 0.5 - 0.5 * math.cos(math.pi * k)  # ease in and out
            nx, ny = int(sx + (tx - sx) * k), int(sy + (ty - sy) * k)
            if (nx, ny) == (mx, my):  # keep moving, if only by a pixel
                nx += 1 if tx > sx else -1
            if phase == "draw":
                ImageDraw.Draw(paper).line([(mx, my), (nx, ny)], fill=colour, width=3)
            mx, my = nx, ny
        else:
            # One character per frame, like terminal-recording GIFs; after
            # Enter, the command prints a few lines of output.
            if output:
                output -= 1
                lines.append([rng.choice((WHITE, GREY, None))
                              for _ in range(rng.randint(5, cols))])
                if not output:
                    lines.append([YELLOW, YELLOW, None])  # the prompt
            elif rng.random() < 0.06 or len(lines[-1]) >= cols:
                output = rng.randint(1, 4)
                lines.append([])
            else:
                lines[-1].append(None if rng.random() < 0.15 else
                                 rng.choice((GREEN, GREEN, WHITE, YELLOW)))
            if len(lines) > rows:
                lines = lines[-rows:]  # scroll: the whole terminal changes

        frame = paper.copy()
        d = ImageDraw.Draw(frame)
        for row, line in enumerate(lines):
            y = ty0 + 24 + row * 10
            for col, c in enumerate(line):
                if c is not None:
                    x = tx0 + 8 + col * 6
                    d.rectangle([x, y, x + 4, y + 6], fill=c)
        x = tx0 + 8 + len(lines[-1]) * 6  # caret
        y = ty0 + 24 + (len(lines) - 1) * 10
        d.rectangle([x, y, x + 4, y + 7], fill=WHITE)
        secs = 9 * 60 + 41 + f // 25  # clock in the menu bar
        for i, digit in enumerate("%02d:%02d" % (secs // 60 % 60, secs % 60)):
            if digit != ":":
                x = W - 60 + i * 9
                for seg in range(7):
                    if DIGITS[int(digit)] >> (6 - seg) & 1:
                        a, b, c, e = SEGMENTS[seg]
                        d.rectangle([x + a, 3 + b, x + c, 3 + e], fill=DARK)
        arrow = [(mx, my), (mx, my + 17), (mx + 4, my + 13), (mx + 7, my + 20),
                 (mx + 10, my + 19), (mx + 7, my + 12), (mx + 12, my + 12)]
        d.polygon(arrow, fill=WHITE, outline=BLACK)
        frame.save(os.path.join(outdir, "f%04d.gif" % f))


main()
