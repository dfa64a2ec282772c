/* Output files that never damage what they replace.
 *
 * A regular file, or a path that does not exist yet, is written to a
 * temporary file in the same folder, fsynced, and renamed over the target
 * only on success: an existing file survives any failure, a signal
 * included. A symlink is followed, so its final target is what gets
 * replaced and the link stays a link. A character device, FIFO or socket
 * cannot be replaced without breaking whoever uses it (/dev/null, the
 * reader of a pipe), so it is written in place, as gifsicle and ffmpeg do.
 * Block devices are refused: a GIF written over a disk is never what was
 * meant.
 */
#define _POSIX_C_SOURCE 200809L
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_BUF (64 * 1024)
#define MAX_HOPS 40 /* symlinks followed before ELOOP, as the kernel does */

/* ---- Temporary files removed on SIGINT, SIGTERM and SIGHUP -------------- */

/* A signal handler may only call async-signal-safe functions, so it reads
 * fixed buffers; `live` is set only once the path in them is complete. */
#define TMP_SLOTS 8
static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t live;
} tmp_slots[TMP_SLOTS];

static void on_signal(int sig)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (tmp_slots[i].live)
            unlink(tmp_slots[i].path);
    /* Die of the signal, so the parent sees how we ended. It is blocked
     * while we run and delivered, with the default action, on return. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void init_signals(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    /* A broken pipe becomes EPIPE from write(), reported like any write
     * error, rather than a silent death. */
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof *cleanup_signals; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        /* A signal the caller ignores (nohup, background jobs) stays so. */
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(cleanup_signals[i], &sa, NULL);
    }
}

static int slot_take(const char *path)
{
    size_t n = strlen(path);
    for (int i = 0; i < TMP_SLOTS && n < PATH_MAX; i++) {
        if (!tmp_slots[i].live) {
            memcpy(tmp_slots[i].path, path, n + 1);
            tmp_slots[i].live = 1;
            return i;
        }
    }
    return -1; /* not removed on a signal, only on every other exit */
}

static void slot_release(int i)
{
    if (i >= 0)
        tmp_slots[i].live = 0;
}

/* ---- Inputs that an output must never replace --------------------------- */

typedef struct file_id {
    dev_t dev;
    ino_t ino;
} file_id;

static file_id *inputs;
static size_t ninputs, inputs_cap;

int cli_protect_input(const char *path)
{
    struct stat st;
    if (!strcmp(path, "-") || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0; /* only regular files can be overwritten; others fail later */
    if (ninputs == inputs_cap) {
        size_t cap = inputs_cap ? 2 * inputs_cap : 16;
        file_id *p = realloc(inputs, cap * sizeof *p);
        if (!p)
            return -1;
        inputs = p;
        inputs_cap = cap;
    }
    inputs[ninputs].dev = st.st_dev;
    inputs[ninputs].ino = st.st_ino;
    ninputs++;
    return 0;
}

static int is_input(const struct stat *st)
{
    for (size_t i = 0; i < ninputs && S_ISREG(st->st_mode); i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino)
            return 1;
    return 0;
}

/* ---- Finding what a path names ------------------------------------------ */

/* The target of a symlink, as a path usable from here: a relative target
 * is relative to the link's own folder. NULL with errno set on failure. */
static char *link_target(const char *link)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    const char *slash = strrchr(link, '/');
    size_t dir = buf[0] == '/' || !slash ? 0 : (size_t)(slash - link) + 1;
    char *p = malloc(dir + (size_t)n + 1);
    if (!p)
        return NULL;
    memcpy(p, link, dir);
    memcpy(p + dir, buf, (size_t)n + 1);
    return p;
}

/* The file path finally names, symlinks followed. Returns a malloc'd path
 * with *st its lstat (st_mode 0: it does not exist yet), or NULL with
 * errno set. */
static char *resolve(const char *path, struct stat *st)
{
    char *cur = strdup(path);
    for (int hop = 0; cur; hop++) {
        if (lstat(cur, st) != 0) {
            if (errno != ENOENT)
                break;
            st->st_mode = 0;
            return cur;
        }
        if (!S_ISLNK(st->st_mode))
            return cur;
        if (hop == MAX_HOPS) {
            errno = ELOOP;
            break;
        }
        char *next = link_target(cur);
        int e = errno;
        free(cur);
        errno = e;
        cur = next;
    }
    int e = errno;
    free(cur);
    errno = e;
    return NULL;
}

int cli_out_check(const char *path)
{
    struct stat st;
    if (!strcmp(path, "-"))
        return 0;
    char *target = resolve(path, &st);
    int clash = target && is_input(&st);
    free(target);
    if (clash)
        cli_error("%s is also an input; refusing to overwrite it (choose another -o)", path);
    return clash ? -1 : 0;
}

/* ---- Opening ------------------------------------------------------------ */

static int open_temp(cli_out *o, const struct stat *st)
{
    size_t n = strlen(o->target);
    o->tmp = malloc(n + 12);
    if (!o->tmp) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(o->tmp, o->target, n);
    memcpy(o->tmp + n, ".tmp-XXXXXX", 12);
    /* The file must not appear before the handler knows it: signals wait
     * until it is registered. */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof *cleanup_signals; i++)
        sigaddset(&block, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &block, &old);
    o->fd = mkstemp(o->tmp);
    int e = errno;
    if (o->fd >= 0)
        o->slot = slot_take(o->tmp);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (o->fd < 0) {
        free(o->tmp);
        o->tmp = NULL;
        errno = e;
        return -1;
    }
    if (st->st_mode) {
        /* Replace the file as it was: its owner where we may set it (root),
         * then its mode (chown clears set-id bits, so mode comes last). */
        if ((st->st_uid != geteuid() || st->st_gid != getegid()) &&
            fchown(o->fd, st->st_uid, st->st_gid) != 0) {
            /* not allowed: the file becomes ours, as with any editor */
        }
        fchmod(o->fd, st->st_mode & 07777);
    } else {
        /* mkstemp makes 0600 files; a new output gets what open() gives. */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(o->fd, 0666 & ~mask);
    }
    return 0;
}

static int open_socket(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        fd = -1;
    }
    return fd;
}

/* Opens what the resolved target is. Returns 0, or -1 with a message. */
static int open_kind(cli_out *o, const struct stat *st)
{
    const char *why = NULL;
    if (is_input(st)) {
        why = "is also an input; refusing to overwrite it";
    } else if (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode)) {
        o->kind = CLI_OUT_IN_PLACE;
        o->fd = open(o->target, O_WRONLY | O_NOCTTY);
    } else if (S_ISSOCK(st->st_mode)) {
        o->kind = CLI_OUT_IN_PLACE;
        o->fd = open_socket(o->target);
    } else if (!st->st_mode || S_ISREG(st->st_mode)) {
        o->kind = CLI_OUT_ATOMIC;
        if (open_temp(o, st) == 0)
            return 0;
        cli_error("%s: cannot create a temporary file next to it: %s", o->path,
                  strerror(errno));
        return -1;
    } else if (S_ISDIR(st->st_mode)) {
        why = "is a directory";
    } else {
        why = "is a block device; giflow does not write to disks";
    }
    if (why)
        cli_error("%s %s", o->path, why);
    else if (o->fd < 0)
        cli_error("%s: cannot open: %s", o->path, strerror(errno));
    return o->fd < 0 ? -1 : 0;
}

static void release(cli_out *o)
{
    slot_release(o->slot);
    free(o->buf);
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
    init_signals();
    o->path = strdup(path);
    o->buf = malloc(OUT_BUF);
    if (!o->path || !o->buf) {
        cli_error("out of memory");
        release(o);
        return -1;
    }
    if (!strcmp(path, "-")) {
        o->kind = CLI_OUT_STDOUT;
        o->fd = STDOUT_FILENO;
        return 0;
    }
    struct stat st;
    o->target = resolve(path, &st);
    if (!o->target) {
        cli_error("%s: %s", path, strerror(errno));
        release(o);
        return -1;
    }
    if (open_kind(o, &st) != 0) {
        release(o);
        return -1;
    }
    return 0;
}

/* ---- Writing ------------------------------------------------------------ */

static void fail(cli_out *o, int e)
{
    if (o->err)
        return;
    o->err = e;
    cli_error("%s: write failed: %s", o->kind == CLI_OUT_STDOUT ? "stdout" : o->path,
              strerror(e));
}

static int put(cli_out *o, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            fail(o, k < 0 ? errno : EIO);
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int cli_out_flush(cli_out *o)
{
    if (o->err)
        return -1;
    size_t n = o->len;
    o->len = 0;
    return put(o, o->buf, n);
}

int cli_out_write(cli_out *o, const void *data, size_t n)
{
    if (o->err)
        return -1;
    o->bytes += n;
    if (o->len + n > OUT_BUF) {
        if (cli_out_flush(o))
            return -1;
        if (n >= OUT_BUF)
            return put(o, data, n);
    }
    memcpy(o->buf + o->len, data, n);
    o->len += n;
    return 0;
}

int cli_out_write_fn(void *user, const uint8_t *data, size_t size)
{
    return cli_out_write(user, data, size) != 0;
}

/* Makes the rename itself durable; a folder that cannot be synced (some
 * file systems refuse) changes nothing about the result. */
static void sync_dir(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? strndup(target, (size_t)(slash - target) + 1) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int cli_out_commit(cli_out *o)
{
    int ok = cli_out_flush(o) == 0;
    if (o->kind == CLI_OUT_ATOMIC) {
        /* EINVAL: the file system cannot sync (nothing to wait for). */
        if (ok && fsync(o->fd) != 0 && errno != EINVAL) {
            fail(o, errno);
            ok = 0;
        }
        if (close(o->fd) != 0 && ok) {
            fail(o, errno); /* NFS reports some write errors only here */
            ok = 0;
        }
        o->fd = -1;
        if (ok && rename(o->tmp, o->target) != 0) {
            cli_error("%s: cannot replace: %s", o->path, strerror(errno));
            ok = 0;
        }
        if (ok)
            sync_dir(o->target);
        else
            unlink(o->tmp);
    } else if (o->kind == CLI_OUT_IN_PLACE && close(o->fd) != 0 && ok) {
        fail(o, errno);
        ok = 0;
    }
    release(o);
    return ok ? 0 : -1;
}

void cli_out_abort(cli_out *o)
{
    /* Bytes still buffered are dropped; stdout itself stays open. */
    if (o->kind != CLI_OUT_STDOUT && o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}
