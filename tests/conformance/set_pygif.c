/*
 * pygif test suite (pygif-test-suite/): every test listed in TESTS, every
 * frame, plus the metadata in each .conf (see INDEX.md section 2).
 */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where pygif's model truly differs from the browser model. For these the
 * browser-model behaviour is asserted instead (see the code using them). */
static cf_known known[] = {
    {"image-overlap-bg",
     "pygif clips the first image to the logical screen; the browser model "
     "grows the canvas to contain the first frame. Asserted the grown canvas "
     "size and compared the logical-screen region with pygif's frame", 0},
    {"image-outside-bg",
     "pygif clips the first image to the logical screen; the browser model "
     "grows the canvas to contain the first frame. Asserted the grown canvas "
     "size and compared the logical-screen region with pygif's frame", 0},
    {"gif87a-animation",
     "pygif expects loop-count infinite for an animation without any loop "
     "extension (a heuristic of some viewers; pygif's own runner skips this "
     "test); the browser model plays it once. Asserted giflow_decoder_loop_count() "
     "== -1 (no loop extension); pixels and frames are checked as usual", 0},
    {"max-codes",
     "LZW minimum code size 11: pygif decodes it, the browser model rejects "
     "sizes above 8. Decoded with GIFLOW_FLAG_LENIENT_CODE_SIZE and compared "
     "with pygif; the default decoder is asserted to fail frame 0 with "
     "GIFLOW_ERR_BAD_CODE_SIZE and show no frame", 0},
    {NULL, NULL, 0},
};

/* ---- INI --------------------------------------------------------------- */

typedef struct ini_entry {
    char *section, *key, *value;
} ini_entry;

typedef struct ini {
    char *text;
    ini_entry *e;
    size_t n;
} ini;

static int ini_load(ini *in, const char *root, const char *name)
{
    memset(in, 0, sizeof *in);
    in->text = cf_read_text(root, name);
    if (!in->text)
        return -1;
    char **lines;
    size_t nl = cf_lines(in->text, &lines);
    in->e = calloc(nl ? nl : 1, sizeof *in->e);
    if (!in->e) {
        free(lines);
        return -1;
    }
    char *section = NULL;
    for (size_t i = 0; i < nl; i++) {
        char *l = cf_trim(lines[i]);
        if (!*l || *l == '#' || *l == ';')
            continue;
        if (*l == '[') {
            char *e = strchr(l, ']');
            if (e)
                *e = 0;
            section = l + 1;
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq || !section)
            continue;
        *eq = 0;
        in->e[in->n].section = section;
        in->e[in->n].key = cf_trim(l);
        in->e[in->n].value = cf_trim(eq + 1);
        in->n++;
    }
    free(lines);
    return 0;
}

static const char *ini_get(const ini *in, const char *section, const char *key)
{
    for (size_t i = 0; i < in->n; i++)
        if (!strcmp(in->e[i].section, section) && !strcmp(in->e[i].key, key))
            return in->e[i].value;
    return NULL;
}

static void ini_free(ini *in)
{
    free(in->text);
    free(in->e);
    memset(in, 0, sizeof *in);
}

/* ---- Python repr() of a str, as ast.literal_eval(v).encode('utf-8') ---- */

static size_t put_utf8(uint8_t *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xC0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xE0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | (cp >> 18));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes a quoted Python str literal into UTF-8 bytes. Returns the length,
 * or -1 on syntax this parser does not handle. out needs strlen(s) bytes. */
static long py_str_literal(const char *s, uint8_t *out)
{
    size_t n = strlen(s), o = 0;
    if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0])
        return -1;
    char q = s[0];
    for (size_t i = 1; i < n - 1; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == (unsigned char)q)
            return -1; /* unescaped quote inside */
        if (ch != '\\') {
            out[o++] = ch;
            continue;
        }
        if (++i >= n - 1)
            return -1;
        ch = (unsigned char)s[i];
        uint32_t cp;
        int digits = 0;
        switch (ch) {
        case '\\': cp = '\\'; break;
        case '\'': cp = '\''; break;
        case '"': cp = '"'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'a': cp = 7; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'v': cp = 11; break;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default:
            if (ch >= '0' && ch <= '7') {
                cp = 0;
                int k = 0;
                while (k < 3 && i < n - 1 && s[i] >= '0' && s[i] <= '7') {
                    cp = cp * 8 + (uint32_t)(s[i] - '0');
                    i++;
                    k++;
                }
                i--;
                break;
            }
            return -1;
        }
        if (digits) {
            cp = 0;
            for (int k = 0; k < digits; k++) {
                int v = (i + 1 < n - 1) ? hexval(s[i + 1]) : -1;
                if (v < 0)
                    return -1;
                cp = cp * 16 + (uint32_t)v;
                i++;
            }
            if (cp > 0x10FFFF)
                return -1;
        }
        o += put_utf8(out + o, cp);
    }
    return (long)o;
}

/* ---- Metadata collected through the meta callback ---------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static int bytes_add(bytes *b, const uint8_t *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

typedef struct meta_state {
    int has_comment, has_xmp, has_icc, has_buffer;
    bytes comment, xmp, icc;
    uint32_t buffer_size;
    int oom;
} meta_state;

static int on_meta(void *user, const giflow_meta *m)
{
    meta_state *s = user;
    int r = 0;
    if (m->kind == GIFLOW_META_COMMENT) {
        /* The last comment extension wins: start over on each new one. */
        if (m->block_index == 0) {
            s->has_comment = 1;
            s->comment.n = 0;
        }
        if (!m->last)
            r = bytes_add(&s->comment, m->data, m->size);
    } else if (m->kind == GIFLOW_META_APPLICATION && m->block_index > 0) {
        if (!strcmp(m->app_id, "XMP DataXMP")) {
            if (m->block_index == 1 || !s->has_xmp) {
                s->has_xmp = 1;
                s->xmp.n = 0;
            }
            /* XMP is stored raw: the sub-block length bytes are packet
             * bytes too. */
            if (!m->last) {
                uint8_t len = (uint8_t)m->size;
                r = bytes_add(&s->xmp, &len, 1);
                if (!r)
                    r = bytes_add(&s->xmp, m->data, m->size);
            }
        } else if (!strcmp(m->app_id, "ICCRGBG1012")) {
            if (m->block_index == 1 || !s->has_icc) {
                s->has_icc = 1;
                s->icc.n = 0;
            }
            if (!m->last)
                r = bytes_add(&s->icc, m->data, m->size);
        } else if ((!strcmp(m->app_id, "NETSCAPE2.0") ||
                    !strcmp(m->app_id, "ANIMEXTS1.0")) &&
                   !m->last && m->size == 5 && m->data[0] == 2) {
            s->has_buffer = 1;
            s->buffer_size = (uint32_t)m->data[1] | (uint32_t)m->data[2] << 8 |
                             (uint32_t)m->data[3] << 16 | (uint32_t)m->data[4] << 24;
        }
    } else if (m->kind == GIFLOW_META_APPLICATION && m->block_index == 0 &&
               !m->last) {
        if (!strcmp(m->app_id, "XMP DataXMP")) {
            s->has_xmp = 1;
            s->xmp.n = 0;
        } else if (!strcmp(m->app_id, "ICCRGBG1012")) {
            s->has_icc = 1;
            s->icc.n = 0;
        }
    }
    if (r)
        s->oom = 1;
    return 0;
}

/* ---- Frames ------------------------------------------------------------ */

typedef struct shown {
    uint8_t *rgba;
    uint32_t delay_cs;
} shown;

typedef struct frames_state {
    size_t canvas_bytes;
    shown *v;
    uint32_t n, cap;
    int first_error;       /* status of the frame that broke, or 0 */
    uint32_t first_error_frame;
    uint8_t *broken;       /* canvas of the broken frame (partial rows) */
    int oom;
} frames_state;

static int on_frame(void *user, const cf_frame *f)
{
    frames_state *s = user;
    s->canvas_bytes = (size_t)f->image->canvas_width * f->image->canvas_height * 4;
    uint8_t *copy = malloc(s->canvas_bytes ? s->canvas_bytes : 1);
    if (!copy) {
        s->oom = 1;
        return 1;
    }
    memcpy(copy, f->canvas, s->canvas_bytes);
    if (f->status != GIFLOW_FRAME_END) {
        /* Browser model: a broken frame is not shown. */
        s->first_error = f->status;
        s->first_error_frame = f->n;
        s->broken = copy;
        return 1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        shown *nv = realloc(s->v, s->cap * sizeof *nv);
        if (!nv) {
            free(copy);
            s->oom = 1;
            return 1;
        }
        s->v = nv;
    }
    s->v[s->n].rgba = copy;
    s->v[s->n].delay_cs = f->last.delay_cs;
    s->n++;
    return 0;
}

static void frames_free(frames_state *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        free(s->v[i].rgba);
    free(s->v);
    free(s->broken);
    memset(s, 0, sizeof *s);
}

typedef struct run {
    cf_result res;
    meta_state meta;
    frames_state fr;
} run;

static int run_decode(const uint8_t *gif, size_t size, unsigned flags, run *r)
{
    memset(r, 0, sizeof *r);
    if (cf_decode(gif, size, flags, on_meta, &r->meta, on_frame, &r->fr, &r->res))
        return -1;
    if (r->fr.oom || r->meta.oom)
        return -1;
    r->fr.canvas_bytes = (size_t)r->res.image.canvas_width * r->res.image.canvas_height * 4;
    return 0;
}

static void run_free(run *r)
{
    frames_free(&r->fr);
    free(r->meta.comment.p);
    free(r->meta.xmp.p);
    free(r->meta.icc.p);
}

/* ---- One test ---------------------------------------------------------- */

static void check_blob(cf_ctx *c, const char *what, const char *file, int has,
                       const uint8_t *got, size_t n, int strip_xmp_trailer)
{
    size_t en;
    uint8_t *exp = cf_read(c->root, file, &en);
    if (!exp) {
        cf_fail(c, "cannot read %s", file);
        return;
    }
    if (!has) {
        cf_fail(c, "%s: expected %zu bytes from %s, the decoder reported none", what,
                en, file);
    } else {
        if (strip_xmp_trailer) {
            /* The raw XMP stream ends with the 257-byte "magic trailer"
             * 01 FF FE ... 01 00 that makes it parse as sub-blocks. */
            int ok = n >= 257 && got[n - 257] == 1;
            for (size_t k = 0; ok && k < 256; k++)
                ok = got[n - 256 + k] == (uint8_t)(255 - k);
            if (!ok) {
                cf_fail(c, "%s: raw XMP stream (%zu bytes) does not end with the "
                           "257-byte magic trailer", what, n);
                free(exp);
                return;
            }
            n -= 257;
        }
        if (n != en || (n && memcmp(exp, got, n))) {
            size_t k = 0;
            while (k < n && k < en && exp[k] == got[k])
                k++;
            cf_fail(c, "%s: expected %zu bytes (%s), got %zu; first difference at "
                       "byte %zu", what, en, file, n, k);
        }
    }
    free(exp);
}

static void check_metadata(cf_ctx *c, const ini *conf, const run *r)
{
    const giflow_image_info *im = &r->res.image;
    const char *v;
    char buf[64];

    if ((v = ini_get(conf, "config", "version"))) {
        snprintf(buf, sizeof buf, "GIF%da", im->version);
        if (strcmp(v, buf))
            cf_fail(c, "version: expected %s, got %s", v, buf);
    }
    if ((v = ini_get(conf, "config", "width")) &&
        strtoul(v, NULL, 10) != im->screen_width)
        cf_fail(c, "width: expected %s, got %u", v, im->screen_width);
    if ((v = ini_get(conf, "config", "height")) &&
        strtoul(v, NULL, 10) != im->screen_height)
        cf_fail(c, "height: expected %s, got %u", v, im->screen_height);

    /* Present only with a global palette and an index inside it. */
    v = ini_get(conf, "config", "background");
    int has_bg = im->has_global_palette && im->background_index >= 0 &&
                 (uint32_t)im->background_index < im->global_palette_size;
    if (has_bg) {
        const uint8_t *p = im->global_palette + im->background_index * 3;
        snprintf(buf, sizeof buf, "#%02x%02x%02x", p[0], p[1], p[2]);
    }
    if (!v != !has_bg || (v && strcmp(v, buf)))
        cf_fail(c, "background: expected %s, got %s (global palette %d entries, "
                   "index %d)",
                v ? v : "(none)", has_bg ? buf : "(none)", (int)im->global_palette_size,
                im->background_index);
}

static void check_loop(cf_ctx *c, const ini *conf, const run *r, int known_loop)
{
    const char *v = ini_get(conf, "config", "loop-count");
    if (!v)
        return;
    int got = r->res.loop_count;
    if (known_loop) {
        /* Browser model: no loop extension means play once. */
        if (got != -1)
            cf_fail(c, "loop count: browser model expects -1 (no loop extension), "
                       "got %d", got);
        else if (strcmp(v, "infinite"))
            cf_fail(c, "loop-count: the listed difference expects pygif to say "
                       "infinite, the conf says %s", v);
        return;
    }
    /* pygif: stored 0 -> "infinite", stored N -> N, absent -> 0. */
    long exp_stored;
    int exp_absent = 0;
    if (!strcmp(v, "infinite"))
        exp_stored = 0;
    else {
        exp_stored = strtol(v, NULL, 10);
        if (exp_stored == 0)
            exp_absent = 1;
    }
    int ok = exp_absent ? got == -1 : got == exp_stored;
    if (!ok)
        cf_fail(c, "loop count: conf says %s (%s), giflow_decoder_loop_count() = %d", v,
                exp_absent ? "no loop extension" : "stored value", got);
}

static void check_extras(cf_ctx *c, const ini *conf, const run *r)
{
    const meta_state *m = &r->meta;
    const char *v;
    v = ini_get(conf, "config", "buffer-size");
    if (!v != !m->has_buffer ||
        (v && strtoul(v, NULL, 10) != m->buffer_size))
        cf_fail(c, "buffer-size: expected %s, got %s%lu", v ? v : "(none)",
                m->has_buffer ? "" : "(none) ", (unsigned long)m->buffer_size);

    v = ini_get(conf, "config", "comment");
    if (!v != !m->has_comment) {
        cf_fail(c, "comment: expected %s, the decoder reported %s", v ? v : "none",
                m->has_comment ? "one" : "none");
    } else if (v) {
        uint8_t *exp = malloc(strlen(v) + 1);
        long en = exp ? py_str_literal(v, exp) : -1;
        if (en < 0)
            cf_fail(c, "comment: cannot parse the conf's repr %s", v);
        else if ((size_t)en != m->comment.n ||
                 (en && memcmp(exp, m->comment.p, (size_t)en)))
            cf_fail(c, "comment: expected %ld bytes, got %zu bytes (differs)", en,
                    m->comment.n);
        free(exp);
    }

    v = ini_get(conf, "config", "xmp-data");
    if (v)
        check_blob(c, "xmp-data", v, m->has_xmp, m->xmp.p, m->xmp.n, 1);
    else if (m->has_xmp)
        cf_fail(c, "xmp-data: none expected, the decoder reported an XMP packet");

    v = ini_get(conf, "config", "color-profile");
    if (v)
        check_blob(c, "color-profile", v, m->has_icc, m->icc.p, m->icc.n, 0);
    else if (m->has_icc)
        cf_fail(c, "color-profile: none expected, the decoder reported one");
}

static void check_frames(cf_ctx *c, const ini *conf, const run *r, int grown_ok)
{
    const char *list = ini_get(conf, "config", "frames");
    const giflow_image_info *im = &r->res.image;
    if (!list || !*list)
        return; /* no pixel expectation: rejecting is allowed */

    uint32_t sw = im->screen_width, sh = im->screen_height;
    uint32_t cw = im->canvas_width, ch = im->canvas_height;
    if (grown_ok) {
        if (cw == sw && ch == sh)
            cf_fail(c, "canvas: the listed difference expects the first frame to "
                       "grow the canvas beyond %ux%u, it did not", sw, sh);
    } else if (cw != sw || ch != sh) {
        cf_fail(c, "canvas %ux%u differs from the logical screen %ux%u", cw, ch, sw, sh);
        return;
    }

    /* "If there is no decodable image, expect a single fully transparent
     * frame": the browser shows the untouched, transparent canvas. */
    uint8_t *blank = NULL;
    const shown *frames = r->fr.v;
    uint32_t nframes = r->fr.n;
    shown blank_frame;
    if (nframes == 0) {
        blank = calloc(r->fr.canvas_bytes ? r->fr.canvas_bytes : 1, 1);
        if (!blank) {
            cf_fail(c, "out of memory");
            return;
        }
        blank_frame.rgba = blank;
        blank_frame.delay_cs = 0;
        frames = &blank_frame;
        nframes = 1;
    }

    char *names = cf_strdup(list);
    uint32_t i = 0;
    for (char *tok = strtok(names, ","); tok; tok = strtok(NULL, ","), i++) {
        tok = cf_trim(tok);
        if (i >= nframes) {
            i++;
            for (tok = strtok(NULL, ","); tok; tok = strtok(NULL, ","))
                i++;
            break;
        }
        const char *pix = ini_get(conf, tok, "pixels");
        const char *delay = ini_get(conf, tok, "delay");
        char what[96];
        snprintf(what, sizeof what, "frame %u (%s)", i, tok);
        if (!pix) {
            cf_fail(c, "%s: no pixels key", what);
            continue;
        }
        size_t en;
        uint8_t *exp = cf_read(c->root, pix, &en);
        if (!exp) {
            cf_fail(c, "%s: cannot read %s", what, pix);
            continue;
        }
        if (en != (size_t)sw * sh * 4) {
            cf_fail(c, "%s: %s has %zu bytes, expected %ux%ux4", what, pix, en, sw, sh);
        } else {
            char w2[160];
            snprintf(w2, sizeof w2, "%s vs %s", what, pix);
            cf_check_rgba(c, w2, exp, sw, sh, frames[i].rgba, cw, 1);
            c->frames++;
        }
        free(exp);
        unsigned long ed = delay ? strtoul(delay, NULL, 10) : 0;
        if (ed != frames[i].delay_cs)
            cf_fail(c, "%s: delay expected %lu cs, got %u cs", what, ed,
                    frames[i].delay_cs);
    }
    free(names);
    if (i != nframes)
        cf_fail(c, "expected %u frames, the browser model shows %u%s%s", i, nframes,
                r->fr.first_error ? "; decoding stopped with " : "",
                r->fr.first_error ? cf_status_name(r->fr.first_error) : "");
    free(blank);
}

static void run_test(cf_ctx *c, const char *name)
{
    char conf_name[256];
    snprintf(conf_name, sizeof conf_name, "%s.conf", name);
    ini conf;
    if (ini_load(&conf, c->root, conf_name)) {
        cf_fail(c, "cannot read %s", conf_name);
        return;
    }
    const char *input = ini_get(&conf, "config", "input");
    size_t size;
    uint8_t *gif = input ? cf_read(c->root, input, &size) : NULL;
    if (!gif) {
        cf_fail(c, "cannot read the input named by %s", conf_name);
        ini_free(&conf);
        return;
    }
    cf_known *k = cf_known_find(known, name);
    const char *force = ini_get(&conf, "config", "force-animation");
    unsigned flags = (force && !strcmp(force, "yes")) ? 0 : GIFLOW_FLAG_MERGE_ZERO_DELAY;
    int lenient = !strcmp(name, "max-codes");
    if (lenient)
        flags |= GIFLOW_FLAG_LENIENT_CODE_SIZE;

    run r;
    if (run_decode(gif, size, flags, &r)) {
        cf_fail(c, "out of memory in the runner");
        run_free(&r);
        free(gif);
        ini_free(&conf);
        return;
    }
    const char *list = ini_get(&conf, "config", "frames");
    int expect_frames = list && *list;

    if (r.res.stage == 0 && r.res.status < 0) {
        if (expect_frames)
            cf_fail(c, "giflow_decode_image_info failed with %s, but pygif expects "
                       "frames (%s) on a %sx%s screen",
                    cf_status_name(r.res.status), list,
                    ini_get(&conf, "config", "width"), ini_get(&conf, "config", "height"));
        /* else: a rejection is allowed, and it did not crash */
    } else if (r.res.status != GIFLOW_END && r.res.status >= 0) {
        cf_fail(c, "decoding ended with %s", cf_status_name(r.res.status));
    } else {
        check_metadata(c, &conf, &r);
        check_loop(c, &conf, &r, k && !strcmp(name, "gif87a-animation"));
        check_extras(c, &conf, &r);
        int grown = k && (!strcmp(name, "image-overlap-bg") ||
                          !strcmp(name, "image-outside-bg"));
        check_frames(c, &conf, &r, grown);
        if (grown) {
            char reason[512];
            snprintf(reason, sizeof reason, "%s (canvas %ux%u, screen %ux%u)", k->reason,
                     r.res.image.canvas_width, r.res.image.canvas_height,
                     r.res.image.screen_width, r.res.image.screen_height);
            k->hit = 1;
            cf_expected(c, reason);
        } else if (k && !strcmp(name, "gif87a-animation")) {
            k->hit = 1;
            cf_expected(c, k->reason);
        }
    }

    if (lenient && k) {
        /* The browser model itself: minimum code size 11 is an error. */
        run d;
        if (run_decode(gif, size, 0, &d)) {
            cf_fail(c, "out of memory in the runner");
        } else if (d.fr.n != 0 || d.fr.first_error != GIFLOW_ERR_BAD_CODE_SIZE ||
                   d.fr.first_error_frame != 0) {
            cf_fail(c, "default flags: expected frame 0 to fail with "
                       "GIFLOW_ERR_BAD_CODE_SIZE and no frame shown, got %u frames, "
                       "error %s at frame %u",
                    d.fr.n, cf_status_name(d.fr.first_error), d.fr.first_error_frame);
        } else {
            k->hit = 1;
            cf_expected(c, k->reason);
        }
        run_free(&d);
    }

    run_free(&r);
    free(gif);
    ini_free(&conf);
}

int cf_set_pygif(cf_ctx *c)
{
    char *text = cf_read_text(c->root, "TESTS");
    if (!text)
        return -1;
    char **lines;
    size_t n = cf_lines(text, &lines);
    for (size_t i = 0; i < n; i++) {
        char *name = cf_trim(lines[i]);
        if (!*name || *name == '#')
            continue;
        cf_begin(c, name);
        run_test(c, name);
        cf_end(c);
    }
    free(lines);
    free(text);
    cf_known_check_all(c, known);
    return 0;
}
