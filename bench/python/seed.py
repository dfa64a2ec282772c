"""The seed user's script, one way per process: open a big image,
rotate(45), save it as GIF with Pillow ("pillow") or through giflow's
Pillow plugin ("giflow"; "giflow-copy" copies each strip as it would if
Pillow did not expose its rows). Prints one JSON line: the save's wall and CPU time, the
RSS once the rotated image is loaded, and the peak RSS during the save
(the kernel's high-water mark, reset just before it)."""
import json
import re
import sys
import time

from PIL import Image


def status(key):
    with open("/proc/self/status") as f:
        return int(re.search(r"^%s:\s+(\d+) kB" % key, f.read(), re.M).group(1))


def main():
    how, src, out = sys.argv[1:4]
    if how in ("giflow", "giflow-copy"):
        import giflow.pillow  # noqa: F401  registers format "GIFLOW"
        fmt = "GIFLOW"
        if how == "giflow-copy":  # as if Pillow hid its rows: strips copied
            import giflow._pixels
            giflow._pixels._rows_address = lambda im, mode: 0
    elif how == "pillow":
        fmt = "GIF"
    else:
        sys.exit("usage: seed.py pillow|giflow|giflow-copy SRC OUT")
    im = Image.open(src)
    im = im.rotate(45)
    im.load()
    loaded = status("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    t0, c0 = time.perf_counter(), time.process_time()
    im.save(out, format=fmt)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = status("VmHWM")
    print(json.dumps({"tool": how, "save_s": round(dt, 3), "cpu_s": round(cpu, 3), "rss_loaded_kb": loaded,
                      "peak_kb": peak, "above_loaded_kb": peak - loaded, "hwm_reset": reset,
                      "size": im.size, "mode": im.mode}))


if __name__ == "__main__":
    main()
