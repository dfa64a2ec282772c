/*
 * LZW decoder unit tests (internal module src/decode/lzw.h).
 *
 * Truths: Wuffs' raw LZW goldens (pi.txt.giflzw -> pi.txt, bricks-*.giflzw
 * -> *.indexes), the independent test encoder in tests/common/gifbuild.c,
 * and hand-built code sequences whose output is worked out in comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/lzw.h"
#include "gifbuild.h"
#include "testutil.h"

static const char *corpora;

/* Decodes src with the given input piece size and output piece size.
 * Returns bytes written to out (at most cap) and the final status. */
static size_t run(unsigned mcs, const uint8_t *src, size_t len, size_t in_piece,
                  size_t out_piece, uint8_t *out, size_t cap, int *status)
{
    static giflow__lzw z;
    giflow__lzw_init(&z, mcs, GIFLOW__LZW_INDEX, 0);
    size_t ip = 0, o = 0;
    /* Input arrives in pieces; the decoder keeps no pointer into them. */
    uint8_t piece[4096];
    size_t plen = 0, ppos = 0;
    for (;;) {
        if (ppos == plen) {
            if (ip == len)
                break;
            plen = len - ip < in_piece ? len - ip : in_piece;
            if (plen > sizeof piece)
                plen = sizeof piece;
            memcpy(piece, src + ip, plen);
            ip += plen;
            ppos = 0;
        }
        size_t want = cap - o < out_piece ? cap - o : out_piece, used;
        size_t k = giflow__lzw_decode(&z, piece + ppos, plen - ppos, &used, out + o, want);
        ppos += used;
        o += k;
        if (z.status != GIFLOW__LZW_RUNNING || o == cap)
            break;
        if (k == 0 && used == 0 && ppos < plen)
            break; /* no progress: would be a bug */
    }
    /* Drain codes still in the bit buffer. */
    while (z.status == GIFLOW__LZW_RUNNING && o < cap) {
        size_t used, k = giflow__lzw_decode(&z, piece, 0, &used, out + o, cap - o);
        if (!k)
            break;
        o += k;
    }
    *status = z.status;
    return o;
}

/* Decodes src through a canvas mode into a w-wide frame on a larger canvas
 * (so clipping and strides are exercised; TAIL mode needs the frame to be
 * the canvas) and checks the indices read back from the pixels. lut maps
 * index i to a word whose low byte is i, except a transparent index
 * (trans >= 0) whose pixels must keep the fill value (TAIL: become 0). */
static int canvas_mode(int mode, unsigned mcs, const uint8_t *src, size_t len,
                       size_t in_piece, uint32_t w, uint32_t h, int trans,
                       const uint8_t *want)
{
    static giflow__lzw z;
    uint32_t lut[256];
    for (unsigned i = 0; i < 256; i++)
        lut[i] = 0xFF000000u | i;
    if (trans >= 0)
        lut[trans] = 0;
    /* COPY mode has a faster path when frame rows are contiguous. */
    int tail = mode == GIFLOW__LZW_TAIL;
    uint32_t dx = tail || (mode == GIFLOW__LZW_COPY && (len & 1)) ? 0 : 2;
    uint32_t dy = tail ? 0 : 1;
    uint32_t cw = w + (dx ? 3 : 0), ch = h + 2 * dy;
    uint32_t *canvas = malloc((size_t)cw * ch * 4);
    for (size_t i = 0; i < (size_t)cw * ch; i++)
        canvas[i] = 0x12345678u;
    uint8_t *work = mode == GIFLOW__LZW_BUFFER ? malloc(GIFLOW__LZW_WORK_BYTES((size_t)w * h)) : NULL;
    giflow__sink s = {(uint8_t *)canvas, (size_t)cw * 4, ch, dx, dy, w, h, w, 0, lut,
                      trans + 1, work};
    giflow__lzw_init(&z, mcs, mode, (uint64_t)w * h);
    size_t ip = 0;
    while (z.pos < z.total && z.status == GIFLOW__LZW_RUNNING && ip < len) {
        size_t k = len - ip < in_piece ? len - ip : in_piece;
        ip += giflow__lzw_compose(&z, src + ip, k, &s);
    }
    int ok = z.pos == z.total;
    for (uint32_t y = 0; y < ch && ok; y++)
        for (uint32_t x = 0; x < cw && ok; x++) {
            uint32_t v = canvas[y * cw + x];
            int inside = x >= dx && x < dx + w && y >= dy && y < dy + h;
            uint8_t idx = inside ? want[(y - dy) * w + (x - dx)] : 0;
            uint32_t expect = !inside ? 0x12345678u
                              : (int)idx == trans ? (tail ? 0 : 0x12345678u)
                                                  : (0xFF000000u | idx);
            ok = v == expect;
        }
    free(canvas);
    free(work);
    return ok;
}

static void check_golden(const char *lzw_rel, const char *want_rel)
{
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/wuffs/test/data/%s", corpora, lzw_rel);
    snprintf(p2, sizeof p2, "%s/wuffs/test/data/%s", corpora, want_rel);
    size_t n1, n2;
    uint8_t *src = tu_read_file(p1, &n1), *want = tu_read_file(p2, &n2);
    TU_CHECK(src && want, "cannot read %s or %s", p1, p2);
    if (!src || !want)
        return;
    uint8_t *got = malloc(n2 + 16);
    static const size_t pieces[][2] = {{1 << 20, 1 << 20}, {1, 1}, {7, 3}, {255, 4096}, {3, 100000}};
    for (size_t t = 0; t < sizeof pieces / sizeof pieces[0]; t++) {
        int st;
        size_t k = run(src[0], src + 1, n1 - 1, pieces[t][0], pieces[t][1], got, n2 + 16, &st);
        TU_CHECK(k == n2 && !memcmp(got, want, n2), "%s: %zu bytes (want %zu), pieces %zu/%zu",
                 lzw_rel, k, n2, pieces[t][0], pieces[t][1]);
        TU_CHECK(st == GIFLOW__LZW_EOI, "%s: status %d", lzw_rel, st);
    }
    /* The bricks goldens are 160x120 frames; pi.txt is a byte stream. */
    if (n2 == 160 * 120) {
        for (size_t piece = 1; piece < 100000; piece *= 7) {
            TU_CHECK(canvas_mode(GIFLOW__LZW_COPY, src[0], src + 1, n1 - 1, piece, 160, 120, -1,
                                 want),
                     "%s: COPY mode, piece %zu", lzw_rel, piece);
            TU_CHECK(canvas_mode(GIFLOW__LZW_CANVAS, src[0], src + 1, n1 - 1, piece, 160, 120,
                                 -1, want),
                     "%s: CANVAS mode, piece %zu", lzw_rel, piece);
            TU_CHECK(canvas_mode(GIFLOW__LZW_CANVAS, src[0], src + 1, n1 - 1, piece, 160, 120,
                                 want[0], want),
                     "%s: CANVAS mode, transparent %d", lzw_rel, want[0]);
            TU_CHECK(canvas_mode(GIFLOW__LZW_BUFFER, src[0], src + 1, n1 - 1, piece, 160, 120,
                                 -1, want),
                     "%s: BUFFER mode, piece %zu", lzw_rel, piece);
            TU_CHECK(canvas_mode(GIFLOW__LZW_BUFFER, src[0], src + 1, n1 - 1, piece, 160, 120,
                                 want[0], want),
                     "%s: BUFFER mode, transparent %d", lzw_rel, want[0]);
            TU_CHECK(canvas_mode(GIFLOW__LZW_TAIL, src[0], src + 1, n1 - 1, piece, 160, 120,
                                 want[0], want),
                     "%s: TAIL mode, transparent %d, piece %zu", lzw_rel, want[0], piece);
        }
    }
    free(got);
    free(src);
    free(want);
}

/* giflow__lzw_fills (the scan that lets a frame use its own canvas bytes)
 * must say a stream yields n pixels exactly when the INDEX decoder (chain
 * tables, no code shared) makes at least n from it: checked at the count
 * it makes and one past, on the stream as it is, cut short, and with a
 * byte turned into a code far above the table's next. */
static void check_fills(unsigned mcs, const uint8_t *src, size_t len, size_t n, const char *what)
{
    static giflow__lzw z;
    size_t cap = n + 8192;
    uint8_t *out = malloc(cap), *bad = malloc(len + 1);
    memcpy(bad, src, len);
    for (int v = 0; v < 3; v++) {
        size_t l = v == 1 ? len / 2 : len;
        const uint8_t *p = v == 2 ? bad : src;
        if (v == 2 && len > 16)
            bad[len * 3 / 4] = 0xFF;
        int st;
        size_t k = run(mcs, p, l, 1 << 30, 1 << 30, out, cap, &st);
        if (k > 0)
            TU_CHECK(giflow__lzw_fills(&z, mcs, p, p + l, p + l, k) == 1,
                     "%s: mcs %u: scan (variant %d) misses %zu pixels", what, mcs, v, k);
        if (k < cap)
            TU_CHECK(giflow__lzw_fills(&z, mcs, p, p + l, p + l, k + 1) == 0,
                     "%s: mcs %u: scan (variant %d) claims %zu pixels, %zu made", what, mcs, v,
                     k + 1, k);
    }
    free(out);
    free(bad);
}

/* Round trip through the independent encoder, for several options. */
static void check_roundtrip(unsigned mcs, const uint8_t *px, size_t n, tb_lzw_opts o,
                            const char *what)
{
    tb_buf b = {0};
    tb_lzw(&b, mcs, px, n, &o);
    uint8_t *got = malloc(n + 1);
    static const size_t pieces[][2] = {{1 << 30, 1 << 30}, {1, 1}, {5, 13}, {2, 4000}};
    for (size_t t = 0; t < 4; t++) {
        int st;
        size_t k = run(mcs, b.data, b.len, pieces[t][0], pieces[t][1], got, n, &st);
        TU_CHECK(k == n && !memcmp(got, px, n), "%s: mcs %u: got %zu of %zu bytes", what, mcs, k, n);
        int want_st = o.no_eoi ? GIFLOW__LZW_RUNNING : GIFLOW__LZW_EOI;
        /* Output stops at n, before the end code is read, when sizes match. */
        TU_CHECK(st == want_st || st == GIFLOW__LZW_RUNNING, "%s: status %d", what, st);
    }
    if (mcs >= 2) /* (the scan serves the flat modes: code sizes 2..8) */
        check_fills(mcs, b.data, b.len, n, what);
    /* The canvas modes, on a frame shape that wraps strings across rows. */
    uint32_t w = n % 97 == 0 ? 97 : (n % 10 == 0 ? 10 : 1);
    uint32_t h = (uint32_t)(n / w);
    if ((size_t)w * h == n && n <= 250000) {
        TU_CHECK(canvas_mode(GIFLOW__LZW_COPY, mcs, b.data, b.len, 333, w, h, -1, px),
                 "%s: mcs %u COPY %ux%u", what, mcs, w, h);
        TU_CHECK(canvas_mode(GIFLOW__LZW_CANVAS, mcs, b.data, b.len, 333, w, h, 1, px),
                 "%s: mcs %u CANVAS %ux%u", what, mcs, w, h);
        /* The flat-table modes are used for code sizes 2..8 only; TAIL
         * needs room for its table in the canvas (16384 pixels and up). */
        if (mcs >= 2)
            TU_CHECK(canvas_mode(GIFLOW__LZW_BUFFER, mcs, b.data, b.len, 333, w, h, 1, px),
                     "%s: mcs %u BUFFER %ux%u", what, mcs, w, h);
        if (mcs >= 2 && n >= 16384)
            TU_CHECK(canvas_mode(GIFLOW__LZW_TAIL, mcs, b.data, b.len, 333, w, h, 1, px),
                     "%s: mcs %u TAIL %ux%u", what, mcs, w, h);
    }
    free(got);
    tb_free(&b);
}

static void test_roundtrips(void)
{
    enum { N = 200000 };
    uint8_t *px = malloc(N);
    uint32_t seed = 12345;
    for (unsigned mcs = 1; mcs <= 8; mcs++) {
        unsigned mask = (1u << mcs) - 1;
        /* Noise: short strings, many clears. */
        for (size_t i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            px[i] = (uint8_t)((seed >> 16) & mask);
        }
        check_roundtrip(mcs, px, N, (tb_lzw_opts){0}, "noise");
        check_roundtrip(mcs, px, 5000, (tb_lzw_opts){.deferred_clear = 1}, "noise deferred");
        check_roundtrip(mcs, px, 3000, (tb_lzw_opts){.no_initial_clear = 1}, "noise no clear");
        check_roundtrip(mcs, px, 3000, (tb_lzw_opts){.no_eoi = 1}, "noise no eoi");
        check_roundtrip(mcs, px, 3000, (tb_lzw_opts){.literal_only = 1}, "literals");
        /* A flat area: runs up to the longest possible strings. */
        memset(px, (int)(mask & 1), N);
        check_roundtrip(mcs, px, N, (tb_lzw_opts){0}, "flat");
        check_roundtrip(mcs, px, N, (tb_lzw_opts){.deferred_clear = 1}, "flat deferred");
        /* A two-value dither: long strings that are not runs. */
        for (size_t i = 0; i < N; i++)
            px[i] = (uint8_t)((i ^ (i / 640)) & 1);
        check_roundtrip(mcs, px, N, (tb_lzw_opts){0}, "dither");
        /* Stripes of runs, so strings mix runs and other bytes. */
        for (size_t i = 0; i < N; i++)
            px[i] = (uint8_t)(((i / 37) * 7 + (i % 3 == 0)) & mask);
        check_roundtrip(mcs, px, N, (tb_lzw_opts){.deferred_clear = 1}, "stripes deferred");
    }
    free(px);
}

/* Hand-built code streams, mcs 2: clear 4, end 5, first entry 6, width 3. */
static size_t hand(const unsigned *codes, const unsigned *widths, size_t n, uint8_t *out,
                   size_t cap, int *st)
{
    tb_buf b = {0};
    tb_bits w = {&b, 0, 0};
    for (size_t i = 0; i < n; i++)
        tb_bits_put(&w, codes[i], widths[i]);
    tb_bits_flush(&w);
    size_t k = run(2, b.data, b.len, 1, 1, out, cap, st);
    tb_free(&b);
    return k;
}

static void test_hand_built(void)
{
    uint8_t out[64];
    int st;
    size_t k;
    /* 1 1 6 ... : clear, 1, 1, 6 (= "1 1", defined by the previous two
     * codes), end. Output 1 1 1 1. After code 1 (first after the clear) the
     * counter is 6; after the next code it is 7; then 8 = 1 << 3, so the
     * end code is read with 4 bits. */
    {
        const unsigned c[] = {4, 1, 1, 6, 5}, w[] = {3, 3, 3, 3, 4};
        k = hand(c, w, 5, out, sizeof out, &st);
        TU_CHECK(k == 4 && !memcmp(out, "\1\1\1\1", 4) && st == GIFLOW__LZW_EOI,
                 "basic: k=%zu st=%d", k, st);
    }
    /* KwKwK: clear, 2, 6 (the code being defined: "2" + first byte "2"). */
    {
        const unsigned c[] = {4, 2, 6, 5}, w[] = {3, 3, 3, 3};
        k = hand(c, w, 4, out, sizeof out, &st);
        TU_CHECK(k == 3 && !memcmp(out, "\2\2\2", 3) && st == GIFLOW__LZW_EOI,
                 "kwkwk: k=%zu st=%d", k, st);
    }
    /* Missing initial clear: the decoder starts as if just cleared. */
    {
        const unsigned c[] = {3, 0, 6, 5}, w[] = {3, 3, 3, 4};
        k = hand(c, w, 4, out, sizeof out, &st);
        TU_CHECK(k == 4 && !memcmp(out, "\3\0\3\0", 4), "no clear: k=%zu", k);
    }
    /* Two clears in a row, then data. */
    {
        const unsigned c[] = {4, 4, 1, 5}, w[] = {3, 3, 3, 3};
        k = hand(c, w, 4, out, sizeof out, &st);
        TU_CHECK(k == 1 && out[0] == 1 && st == GIFLOW__LZW_EOI, "double clear: k=%zu", k);
    }
    /* No end code: the frame (here 2 pixels) fills and decoding stops
     * without ever reading one. (Padding bits of the last byte would
     * otherwise decode as more 0 codes.) */
    {
        const unsigned c[] = {4, 3, 2}, w[] = {3, 3, 3};
        k = hand(c, w, 3, out, 2, &st);
        TU_CHECK(k == 2 && st == GIFLOW__LZW_RUNNING, "no eoi: k=%zu st=%d", k, st);
    }
    /* A code above the next free code is an error: after "clear 1" the
     * next free code is 6, so 7 is invalid. */
    {
        const unsigned c[] = {4, 1, 7}, w[] = {3, 3, 3};
        k = hand(c, w, 3, out, sizeof out, &st);
        TU_CHECK(k == 1 && st == GIFLOW__LZW_BAD_CODE, "bad code: k=%zu st=%d", k, st);
    }
    /* Right after a clear there is no previous string, so even the code
     * being defined (6) is invalid. */
    {
        const unsigned c[] = {4, 6}, w[] = {3, 3};
        k = hand(c, w, 2, out, sizeof out, &st);
        TU_CHECK(k == 0 && st == GIFLOW__LZW_BAD_CODE, "code after clear: st=%d", st);
    }
    /* Data after the end code is not read. */
    {
        const unsigned c[] = {4, 1, 5, 2, 2}, w[] = {3, 3, 3, 3, 3};
        k = hand(c, w, 5, out, sizeof out, &st);
        TU_CHECK(k == 1 && st == GIFLOW__LZW_EOI, "after eoi: k=%zu", k);
    }
}

/* Literal width 1 (clear 2, end 3): the first code after a clear moves the
 * counter from 3 to 4 = 1 << 2, so the second code is already 3 bits. */
static void test_literal_width_1(void)
{
    tb_buf b = {0};
    tb_bits w = {&b, 0, 0};
    tb_bits_put(&w, 2, 2); /* clear */
    tb_bits_put(&w, 1, 2); /* "1"; counter 4 -> width 3 */
    tb_bits_put(&w, 4, 3); /* KwKwK: "1 1"; counter 5 */
    tb_bits_put(&w, 0, 3); /* "0"; entry 5 = "1 1 0", counter 6 */
    tb_bits_put(&w, 3, 3); /* end */
    tb_bits_flush(&w);
    uint8_t out[16];
    int st;
    size_t k = run(1, b.data, b.len, 1, 1, out, sizeof out, &st);
    TU_CHECK(k == 4 && !memcmp(out, "\1\1\1\0", 4) && st == GIFLOW__LZW_EOI,
             "lw1: k=%zu st=%d", k, st);
    tb_free(&b);
}

/* Strings longer than the output window resume exactly (pending output). */
static void test_pending(void)
{
    enum { N = 60000 };
    uint8_t *px = malloc(N), *got = malloc(N);
    for (size_t i = 0; i < N; i++)
        px[i] = (uint8_t)(i % 5 == 0 ? 3 : (i / 977) & 1);
    tb_buf b = {0};
    tb_lzw(&b, 2, px, N, NULL);
    for (size_t piece = 1; piece <= 9; piece++) {
        int st;
        size_t k = run(2, b.data, b.len, 1000, piece, got, N, &st);
        TU_CHECK(k == N && !memcmp(got, px, N), "pending: out piece %zu", piece);
    }
    tb_free(&b);
    free(px);
    free(got);
}

static void test_state_size(void)
{
    /* The whole LZW state, tables included, is a fixed 12 KiB + a little. */
    TU_CHECK(sizeof(giflow__lzw) <= 12 * 1024 + 128, "lzw state %zu bytes", sizeof(giflow__lzw));
}

int main(int argc, char **argv)
{
    corpora = argc > 1 ? argv[1] : "../shared/corpora";
    check_golden("pi.txt.giflzw", "pi.txt");
    check_golden("bricks-dither.indexes.giflzw", "bricks-dither.indexes");
    check_golden("bricks-nodither.indexes.giflzw", "bricks-nodither.indexes");
    check_golden("bricks-gray.indexes.giflzw", "bricks-gray.indexes");
    test_hand_built();
    test_literal_width_1();
    test_roundtrips();
    test_pending();
    test_state_size();
    printf("test_lzw: %s (%d failures)\n", tu_failures ? "FAIL" : "ok", tu_failures);
    return tu_failures != 0;
}
