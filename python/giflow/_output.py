"""Where encoded bytes go: a file object's write(), or a path written to a
temporary file beside it and renamed over it only when complete, so a
failed save never destroys an existing file (as the CLI does)."""
import errno
import os
import secrets
import stat


class PathOutput:
    """A path, written atomically. Special files (FIFOs, devices) that
    already exist are written in place: they cannot be renamed over."""

    def __init__(self, path):
        path = os.fspath(path)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        self.path = os.path.realpath(path)  # a symlink's target is replaced
        self.tmp = None
        try:
            special = not stat.S_ISREG(os.stat(self.path).st_mode)
        except FileNotFoundError:
            special = False
        if special:
            self.f = open(self.path, "wb")
            return
        d, base = os.path.split(self.path)
        for _ in range(100):
            tmp = os.path.join(d, "%s.tmp-%s" % (base, secrets.token_hex(4)))
            try:
                # 0o666: the umask applies, as for any new file.
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            except FileExistsError:
                continue
            self.tmp = tmp
            self.f = os.fdopen(fd, "wb")
            return
        raise OSError(errno.EEXIST, "cannot create a temporary file", self.path)

    def write(self, data):
        self.f.write(data)

    def commit(self):
        try:
            self.f.close()
            if self.tmp:
                os.replace(self.tmp, self.path)
                self.tmp = None
        finally:
            self.abort()

    def abort(self):
        if not self.f.closed:
            self.f.close()
        if self.tmp:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


class StreamOutput:
    """A file object (or anything with write()): bytes go out as they come."""

    def __init__(self, fp):
        self.write = fp.write
        self.flush = getattr(fp, "flush", None)

    def commit(self):
        if self.flush:
            self.flush()

    def abort(self):
        pass


def output_for(fp):
    if isinstance(fp, (str, bytes, os.PathLike)):
        return PathOutput(fp)
    if callable(getattr(fp, "write", None)):
        return StreamOutput(fp)
    raise TypeError("fp must be a path or a file object with write(), not %s" % type(fp).__name__)
