#include "json.h"

#include <string.h>

/* Length of the well-formed UTF-8 sequence at p (at most n bytes) and its
 * code point, or 0 if it is not one (overlong forms, surrogates and values
 * past U+10FFFF are not). */
static size_t utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
    static const unsigned min[4] = {0, 0x80, 0x800, 0x10000};
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    if (!len || len > n || p[0] >= 0xF8)
        return 0;
    unsigned c = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3F);
    }
    if (c < min[len - 1] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

void json_bytes(FILE *f, const void *data, size_t n)
{
    const unsigned char *p = data;
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t len = c >= 0x80 ? utf8_seq(p + i, n - i, &c) : 1;
        i += len ? len : 1; /* a stray byte is read as Latin-1 */
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c >= 0x10000) /* a surrogate pair */
            fprintf(f, "\\u%04x\\u%04x", 0xD800 + ((c - 0x10000) >> 10),
                    0xDC00 + ((c - 0x10000) & 0x3FF));
        else if (c < 0x20 || c >= 0x7F)
            fprintf(f, "\\u%04x", c);
        else
            fputc((int)c, f);
    }
    fputc('"', f);
}

void json_str(FILE *f, const char *s)
{
    json_bytes(f, s, strlen(s));
}

void json_error(FILE *f, int code, const char *msg, uint64_t offset)
{
    fprintf(f, "\"error\":{\"code\":%d,\"message\":", code);
    json_str(f, msg);
    fprintf(f, ",\"offset\":%llu}", (unsigned long long)offset);
}
