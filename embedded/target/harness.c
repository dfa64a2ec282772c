/* The firmwares' test harness (see harness.h). */
#include <string.h>

#include "harness.h"
#include "semihost.h"

/* ---- Output: one line at a time through semihosting ---- */
static char line[256];
static size_t line_len;

void out_s(const char *s)
{
    while (*s && line_len < sizeof line - 2)
        line[line_len++] = *s++;
}

void out_u(uint64_t v, unsigned base, int width)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v || n < width);
    while (n && line_len < sizeof line - 2)
        line[line_len++] = t[--n];
}

void out_end(void)
{
    line[line_len++] = '\n';
    line[line_len] = 0;
    sh_puts(line);
    line_len = 0;
}

void on_frame(void *user, uint32_t i, uint32_t crc)
{
    run_ctx *c = user;
    out_s("frame ");
    out_s(c->file);
    out_s(" ");
    out_s(c->mode);
    out_s(" ");
    out_u(i, 10, 1);
    out_s(" ");
    out_u(crc, 16, 8);
    out_end();
}

/* ---- The SD card: semihosting file calls ---- */
ptrdiff_t sd_read(void *user, uint8_t *buf, size_t n)
{
    int fd = *(int *)user;
    uint32_t a[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)n};
    int left = sh_call(SH_READ, a); /* bytes not read */
    return left < 0 ? -1 : (ptrdiff_t)(n - (size_t)left);
}

int sd_seek(void *user, uint64_t offset)
{
    int fd = *(int *)user;
    uint32_t a[2] = {(uint32_t)fd, (uint32_t)offset};
    return sh_call(SH_SEEK, a) != 0;
}

int sd_open(const char *name)
{
    uint32_t a[3] = {(uint32_t)(uintptr_t)name, 1 /* "rb" */, (uint32_t)strlen(name)};
    return sh_call(SH_OPEN, a);
}

char *args_begin(char *buf, size_t size)
{
    uint32_t a[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)size};
    if (sh_call(SH_CMDLINE, a) != 0)
        sh_exit(0);
    char *p = buf;
    arg_next(&p); /* the program name */
    return p;
}

char *arg_next(char **cursor)
{
    char *s = *cursor;
    while (*s == ' ')
        s++;
    if (!*s)
        return NULL;
    char *e = s;
    while (*e && *e != ' ')
        e++;
    *cursor = *e ? e + 1 : e;
    *e = 0;
    return s;
}
