"""PEP 517 build backend for the giflow Python package, in the tree.

It compiles the C extension (python/src/*.c plus the library's own sources,
the list taken from the top-level CMakeLists.txt) with the interpreter's
compiler settings and writes the wheel itself. It needs nothing but the
standard library and a C compiler, so `pip install ./python` works offline,
with or without build isolation, and with any pip that knows PEP 517: no
setuptools, no downloads.

Environment: CC and CFLAGS override the interpreter's compiler and add
flags, as with setuptools; GIFLOW_BUILD_JOBS sets the parallel compiles
(default 2).
"""
import base64
import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # python/
NAME = "giflow"


def _lib_root():
    """The library's tree: python/.. in a checkout, python/lib in an sdist."""
    for root in (os.path.join(HERE, "lib"), os.path.dirname(HERE)):
        if os.path.isfile(os.path.join(root, "include", "giflow.h")):
            return root
    raise RuntimeError("giflow: include/giflow.h not found next to python/ "
                       "(build from a giflow checkout or its sdist)")


def _version(root):
    with open(os.path.join(root, "include", "giflow.h")) as f:
        h = f.read()
    parts = [re.search(r"#define GIFLOW_VERSION_%s (\d+)" % k, h) for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(m.group(1) for m in parts) if all(parts) else "0.0.0"


def _lib_sources(root):
    """The library's C files, as CMakeLists.txt lists them (else src/*/*.c)."""
    try:
        with open(os.path.join(root, "CMakeLists.txt")) as f:
            m = re.search(r"set\(GIFLOW_SOURCES\s+([^)]*)\)", f.read())
    except OSError:
        m = None
    if m:
        files = [os.path.join(root, s) for s in m.group(1).split() if s.endswith(".c")]
        if files and all(os.path.isfile(s) for s in files):
            return files
    src = os.path.join(root, "src")
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".c"))


def _ext_sources():
    src = os.path.join(HERE, "src")
    return sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".c"))


def _cfg(name):
    return sysconfig.get_config_var(name) or ""


def _compile_all(root, tmp):
    cc = shlex.split(os.environ.get("CC") or _cfg("CC") or "cc")
    if not shutil.which(cc[0]):
        cc = ["cc"]  # the interpreter was built with a compiler not installed here
    flags = shlex.split(_cfg("CFLAGS")) + shlex.split(_cfg("CCSHARED") or "-fPIC")
    # Hidden visibility, GIFLOW_API included: the module exports PyInit only.
    flags += ["-std=c11", "-O3", "-fvisibility=hidden", "-DGIFLOW_API="]
    flags += shlex.split(os.environ.get("CFLAGS", ""))
    incs = ["-I" + os.path.join(root, "include"), "-I" + sysconfig.get_paths()["include"]]
    jobs = []
    for i, s in enumerate(_lib_sources(root) + _ext_sources()):
        obj = os.path.join(tmp, "%02d_%s.o" % (i, os.path.basename(s)[:-2]))
        jobs.append((cc + flags + incs + ["-c", s, "-o", obj], obj))

    def run(job):
        cmd, obj = job
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            sys.stderr.write(" ".join(cmd) + "\n" + p.stdout.decode(errors="replace"))
            raise RuntimeError("giflow: compiling %s failed" % cmd[-3])
        return obj

    n = int(os.environ.get("GIFLOW_BUILD_JOBS", "2") or 2)
    print("giflow: compiling %d C files (%d at a time)" % (len(jobs), n), file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
        objs = list(pool.map(run, jobs))
    ext = os.path.join(tmp, "_giflow" + (_cfg("EXT_SUFFIX") or ".so"))
    ld = shlex.split(os.environ.get("LDSHARED") or _cfg("LDSHARED") or "cc -shared")
    if not shutil.which(ld[0]):
        ld = cc + ["-shared"]
    if os.environ.get("CC") and not os.environ.get("LDSHARED"):
        ld = shlex.split(os.environ["CC"]) + ["-shared"]
    p = subprocess.run(ld + objs + ["-o", ext], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        sys.stderr.write(p.stdout.decode(errors="replace"))
        raise RuntimeError("giflow: linking the extension failed")
    return ext


def _tag():
    impl = {"cpython": "cp", "pypy": "pp"}.get(sys.implementation.name, "py")
    ver = "%d%d" % sys.version_info[:2]
    abi = (impl + ver + (_cfg("abiflags") or "")) if impl == "cp" else "none"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "%s%s-%s-%s" % (impl, ver, abi, plat)


def _metadata(version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: Streaming GIF codec in bounded memory: numpy and Pillow binding\n"
            "License: MIT\nRequires-Python: >=3.7\n"
            "Provides-Extra: pillow\nProvides-Extra: numpy\n" % (NAME, version))


def _dist_info(version, tag):
    d = "%s-%s.dist-info" % (NAME, version)
    wheel = ("Wheel-Version: 1.0\nGenerator: giflow_build\nRoot-Is-Purelib: false\n"
             "Tag: %s\n" % tag)
    return d, {d + "/METADATA": _metadata(version).encode(), d + "/WHEEL": wheel.encode(),
               d + "/top_level.txt": (NAME + "\n").encode()}


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _write_wheel(path, files):
    """files: {archive name: bytes}; RECORD is added last."""
    record_name = [n for n in files if n.endswith(".dist-info/WHEEL")][0][:-5] + "RECORD"
    lines = [_record_line(n, d) for n, d in files.items()] + [record_name + ",,"]
    files = dict(files)
    files[record_name] = ("\n".join(lines) + "\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files.items():
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)


def _package_files():
    pkg = os.path.join(HERE, NAME)
    out = {}
    for f in sorted(os.listdir(pkg)):
        if f.endswith(".py") or f == "py.typed":
            with open(os.path.join(pkg, f), "rb") as fh:
                out[NAME + "/" + f] = fh.read()
    return out


# ---- PEP 517 hooks --------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _version(_lib_root())
    d, files = _dist_info(version, _tag())
    for n, data in files.items():
        os.makedirs(os.path.join(metadata_directory, os.path.dirname(n)), exist_ok=True)
        with open(os.path.join(metadata_directory, n), "wb") as f:
            f.write(data)
    return d


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    root = _lib_root()
    version, tag = _version(root), _tag()
    with tempfile.TemporaryDirectory(prefix="giflow-build-") as tmp:
        ext = _compile_all(root, tmp)
        with open(ext, "rb") as f:
            files = _package_files()
            files[NAME + "/" + os.path.basename(ext)] = f.read()
    d, meta = _dist_info(version, tag)
    files.update(meta)
    name = "%s-%s-%s.whl" % (NAME, version, tag)
    _write_wheel(os.path.join(wheel_directory, name), files)
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: the extension is built into python/giflow/, and
    a .pth file puts python/ on sys.path."""
    root = _lib_root()
    version, tag = _version(root), _tag()
    with tempfile.TemporaryDirectory(prefix="giflow-build-") as tmp:
        ext = _compile_all(root, tmp)
        dest = os.path.join(HERE, NAME, os.path.basename(ext))
        with open(ext, "rb") as f, open(dest + ".tmp", "wb") as g:
            g.write(f.read())
        os.replace(dest + ".tmp", dest)
    d, files = _dist_info(version, tag)
    files["__editable__.%s.pth" % NAME] = (HERE + "\n").encode()
    name = "%s-%s-%s.whl" % (NAME, version, tag)
    _write_wheel(os.path.join(wheel_directory, name), files)
    return name


def build_sdist(sdist_directory, config_settings=None):
    """python/ with the library's include/, src/ and CMakeLists.txt under lib/."""
    root = _lib_root()
    version = _version(root)
    base = "%s-%s" % (NAME, version)
    name = base + ".tar.gz"

    def skip(ti):
        parts = ti.name.split("/")
        return None if ("__pycache__" in parts or ti.name.endswith((".so", ".pyc"))) else ti

    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for sub in ("pyproject.toml", "README.md", "build_backend", NAME, "src", "tests", "examples"):
            p = os.path.join(HERE, sub)
            if os.path.exists(p):
                t.add(p, base + "/" + sub, filter=skip)
        for sub in ("include", "src", "CMakeLists.txt", "LICENSE"):
            p = os.path.join(root, sub)
            if os.path.exists(p):
                t.add(p, base + "/lib/" + sub, filter=skip)
        pkg_info = _metadata(version).encode()
        ti = tarfile.TarInfo(base + "/PKG-INFO")
        ti.size = len(pkg_info)
        t.addfile(ti, io.BytesIO(pkg_info))
    return name
