#!/usr/bin/env python3
"""The figures `make embedded` prints, from each firmware's ELF, link map
and qemu output (embedded/run.sh writes them to OUT/NAME/).

Usage: figures.py OUT NAME...  (the micro:bit's rows-only run has no clock)

- flash: the ELF's .text (code and constants), split by origin through the
  link map: the library's objects (OUT/lib), the C library and libgcc, and
  the player with its test harness (semihosting, CRC, output);
- static RAM: .data + .bss (the LCD's frame memory and the memory-mapped
  files are in .ext, outside the 32 KB);
- peak stack: the painted words the run overwrote (startup.c);
- instructions per pixel: with -icount shift=0 the 25 MHz timer counts
  virtual time at one instruction per ns; the firmware times a
  two-instruction loop to calibrate ticks against instructions. The ticks
  cover decoding, RGB565 conversion and the LCD writes (the frame CRC is
  outside them); pixels are each frame's width * height.
"""
import re
import subprocess
import sys


def sections(elf):
    out = subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True,
                         text=True, check=True).stdout
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\.\S+)\s+(\d+)\s+\d+", out, re.M)}


def flash_by_part(map_path):
    """Bytes of .text/.rodata input sections by origin."""
    parts = {"library": 0, "libc+libgcc": 0, "player+harness": 0}
    pending = None
    in_discard = False
    for line in open(map_path):
        if line.startswith("Discarded input sections"):
            in_discard = True
        elif line.startswith("Memory Configuration") or line.startswith("Linker script"):
            in_discard = False if line.startswith("Linker script") else in_discard
        if in_discard:
            continue
        m = re.match(r"^ (\.(?:text|rodata)\S*)(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+))?\s*$",
                     line)
        if m:
            if m.group(2) is None:
                pending = m.group(1)
                continue
            size, obj = int(m.group(3), 16), m.group(4)
        elif pending:
            m = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+)\s*$", line)
            pending = None
            if not m:
                continue
            size, obj = int(m.group(2), 16), m.group(3)
        else:
            continue
        if re.search(r"/lib-[A-Z_]+/[^/]*\.o$", obj):
            parts["library"] += size
        elif re.search(r"lib(c|gcc|c_nano|g_nano)\.a", obj):
            parts["libc+libgcc"] += size
        else:
            parts["player+harness"] += size
    return parts


# Issue 10's targets, checked here so that `make embedded` (and make test)
# fails when one is lost: (firmware, figure, limit, what).
TARGETS = [
    ("player480", "flash", 16 * 1024, "flash of the decode-only player, -Os"),
    ("player320", "flash", 16 * 1024, "flash, 320-wide player"),
    ("player320-small", "flash", 16 * 1024, "flash, 320-wide player (SMALL_LZW)"),
    ("microbit-rows", "flash", 16 * 1024, "flash, micro:bit rows-only player"),
    ("player480", "ipp_muybridge", 25.0, "instructions per pixel, muybridge, RGB565 end to end"),
    # The 20 KB player is the SMALL_LZW one: its speed is held to 25 too.
    ("player480-small", "ipp_muybridge", 25.0,
     "instructions per pixel, muybridge, RGB565 end to end (SMALL_LZW)"),
    ("player320-small", "ram", 20 * 1024,
     "RAM in all, 320 wide, every disposal, 4 KB restore scratch (SMALL_LZW)"),
    ("microbit-rows", "ram", 16 * 1024, "RAM in all, micro:bit rows only"),
]


def main():
    out, names = sys.argv[1], sys.argv[2:]
    facts = {}
    for name in names:
        d = f"{out}/{name}"
        s = sections(f"{d}/player.elf")
        text = s.get(".text", 0)
        static = s.get(".data", 0) + s.get(".bss", 0)
        log = open(f"{d}/target.txt").read()
        stack = int(re.search(r"stack_peak (\d+)", log).group(1))
        parts = flash_by_part(f"{d}/player.map")
        if "ticks_per_2M_instructions" not in log:  # the rows-only micro:bit
            ram = dict(re.findall(r"(dec_mem|state|sd_buf|max_width) (\d+)", log))
            frames = len(re.findall(r"^frame ", log, re.M))
            files = len(re.findall(r"^done ", log, re.M))
            print(f"{name}: rows only, {ram['max_width']} wide, 16 KB RAM; flash {text} B "
                  f"(library {parts['library']}, libc+libgcc {parts['libc+libgcc']}, "
                  f"player+harness {parts['player+harness']}); static RAM {static} B "
                  f"(decoder {ram['dec_mem']} of which state {ram['state']}, SD buffer {ram['sd_buf']}, "
                  f"harness {static - int(ram['dec_mem']) - int(ram['sd_buf'])}); peak stack {stack} B; "
                  f"RAM in all {static + stack} B")
            print(f"  {frames} frames of {files} files: row CRCs equal to the host's "
                  "(full library and rows-only)")
            facts[name] = {"flash": text, "ram": static + stack}
            continue
        calib = int(re.search(r"ticks_per_2M_instructions (\d+)", log).group(1))
        ram = dict(re.findall(r"(dec_mem|scratch|sd_buf|max_width) (\d+)", log))
        frames = len(re.findall(r"^frame ", log, re.M))
        runs = re.findall(r"^done (\S+) (\S+) status (-?\d+) frames (\d+) pixels (\d+) ticks (\d+)",
                          log, re.M)
        print(f"{name}: {ram['max_width']} wide; flash {text} B (library {parts['library']}, "
              f"libc+libgcc {parts['libc+libgcc']}, player+harness {parts['player+harness']}); "
              f"static RAM {static} B (decoder {ram['dec_mem']}, restore scratch {ram['scratch']}, "
              f"SD buffer {ram['sd_buf']}, harness {static - int(ram['dec_mem']) - int(ram['scratch']) - int(ram['sd_buf'])}); "
              f"peak stack {stack} B; RAM in all {static + stack} B")

        def ipp(sel):
            t = sum(int(r[5]) for r in runs if sel(r))
            p = sum(int(r[4]) for r in runs if sel(r))
            return t * 2_000_000 / calib / p if p else float("nan")

        print(f"  {frames} frames in {len(runs)} runs equal to the host's and the canvas's; "
              "instructions per pixel: "
              f"all files flash {ipp(lambda r: r[1] == 'flash'):.1f}, sd {ipp(lambda r: r[1] == 'sd'):.1f}"
              + "".join(f"; {b} flash {ipp(lambda r, b=b: b in r[0] and r[1] == 'flash'):.1f}, "
                        f"sd {ipp(lambda r, b=b: b in r[0] and r[1] == 'sd'):.1f}"
                        for b in ("muybridge", "aero") if any(b in r[0] for r in runs)))
        facts[name] = {"flash": text, "ram": static + stack}
        if any("muybridge" in r[0] for r in runs):
            facts[name]["ipp_muybridge"] = max(
                ipp(lambda r, m=m: "muybridge" in r[0] and r[1] == m) for m in ("flash", "sd"))

    ok = True
    for name, key, limit, what in TARGETS:
        if name not in facts or key not in facts[name]:
            continue
        v = facts[name][key]
        good = v <= limit
        ok &= good
        shown = f"{v:.1f}" if isinstance(v, float) else f"{v} B"
        print(f"target {'met' if good else 'MISSED'}: {what}: {name} {shown} "
              f"(at most {limit if isinstance(limit, float) else f'{limit} B'})")
    if "player320" in facts:
        v = facts["player320"]["ram"]
        print(f"note: default configuration at 320 wide, 4 KB scratch: RAM in all {v} B "
              f"({'within' if v <= 20 * 1024 else 'over'} 20,480 B)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
