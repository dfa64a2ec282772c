#include "lzw_enc.h"
#include "../common/gif_format.h"

#include <string.h>

#define EMPTY GIFLOW__LZWE_EMPTY
#define MASK (GIFLOW__LZWE_HASH - 1)
#define CODE GIFLOW__LZW_MAX_CODE /* a slot's code bits */

static inline void out_byte(giflow__lzwenc *e, uint8_t b)
{
    giflow__blocks_put(&e->out, b);
}

static void put_code(giflow__lzwenc *e, unsigned code)
{
    e->acc |= (uint64_t)code << e->nacc;
    e->nacc += e->width;
    while (e->nacc >= 8) {
        out_byte(e, (uint8_t)e->acc);
        e->acc >>= 8;
        e->nacc -= 8;
    }
}

static void reset_table(giflow__lzwenc *e)
{
    e->next = e->clear + 1;
    e->width = e->mcs + 1;
    memset(e->child, 0, e->clear * sizeof *e->child); /* roots lose their children */
    memset(e->slot, 0xFF, sizeof e->slot);
    e->clears++;
}

/* The coder's per-stream state, as a new stream or a resumed one starts:
 * no current string, no options or trials in force, nothing coded. */
static void run_start(giflow__lzwenc *e)
{
    e->cur = -1;
    e->alt_colour = 0;
    e->limit = UINT64_MAX;
    e->defer = 0;
    e->early = 0;
    e->snap_fill = e->snap_early = NULL;
    e->flex = 0;
    e->fills = 0;
    e->pos = 0;
    e->win_pos = 0;
    e->win_bits = 8;
}

void giflow__lzwenc_begin(giflow__lzwenc *e, unsigned mcs, giflow__byte_sink sink,
                          void *user)
{
    giflow__blocks_begin(&e->out, sink, user);
    e->acc = 0;
    e->nacc = 0;
    e->mcs = mcs;
    e->clear = 1u << mcs;
    run_start(e);
    reset_table(e);
    uint8_t m = (uint8_t)mcs; /* the code size byte precedes the blocks */
    if (sink && sink(user, &m, 1))
        e->out.failed = 1;
    e->out.bytes++;
    put_code(e, e->clear);
}

static inline uint32_t slot_of(uint32_t k)
{
    return (k * 2654435761u) >> (32 - 14);
}

/* The slot holding key k (prefix << 8 | byte), or the empty one that
 * would take it. An empty slot's key part (0xFFFFF) is no real key. */
static inline uint32_t find(const uint32_t *slot, uint32_t k)
{
    uint32_t h = slot_of(k), s;
    while ((s = slot[h]) >> 12 != k && s != EMPTY)
        h = (h + 1) & MASK;
    return h;
}

/* Whether slot h holds key k. An empty slot's key part is 0xFFFFF, which
 * is also the key of (4095, 255): a string at the table's last code. */
static inline int has(const giflow__lzwenc *e, uint32_t h, uint32_t k)
{
    return e->slot[h] >> 12 == k && e->slot[h] != EMPTY;
}

static inline unsigned code_at(const giflow__lzwenc *e, uint32_t h)
{
    return e->slot[h] & CODE;
}

/* Writes the current string's code and accounts for it like a decoder:
 * the counter advances, the width grows at 1 << width, and the table is
 * cleared once full. Returns the slot a new entry may take, or 0. */
static unsigned emit(giflow__lzwenc *e)
{
    put_code(e, (unsigned)e->cur);
    if (e->next > GIFLOW__LZW_MAX_CODE)
        return 0;
    e->next++;
    if (e->width < 12 && e->next == (1u << e->width))
        e->width++;
    return e->next <= GIFLOW__LZW_MAX_CODE ? e->next : 0;
}

static void take_snap(const giflow__lzwenc *e, giflow__lzwe_snap *s, uint64_t pos, unsigned v,
                      int table)
{
    if (!s || s->taken)
        return;
    s->taken = 1;
    s->pos = pos;
    s->v = v;
    s->next = e->next;
    s->width = e->width;
    s->nacc = e->nacc;
    s->acc = e->acc;
    s->bytes = e->out.bytes;
    s->len = e->out.len;
    memcpy(s->block + 1, e->out.block + 1, e->out.len);
    if (table)
        memcpy(s->slot, e->slot, sizeof s->slot);
}

/* Deferred clearing: at the fill the first window opens, its rival the
 * stretch since the last clear; each closed window (defer pixels or more)
 * is compared with the one before by bits per pixel, and a worse one
 * clears the table. */
static void full_start(giflow__lzwenc *e, uint64_t pos, uint64_t bits)
{
    e->fills++;
    e->win_num = pos - e->win_pos;
    e->win_den = bits - e->win_bits;
    e->win_pos = pos;
    e->win_bits = bits;
}

static int full_clear(giflow__lzwenc *e, uint64_t pos, uint64_t bits)
{
    if (e->defer == GIFLOW__LZWE_KEEP || pos - e->win_pos < e->defer)
        return 0;
    uint64_t num = pos - e->win_pos, den = bits - e->win_bits;
    int worse = den * e->win_num > e->win_den * num;
    e->win_pos = pos;
    e->win_bits = bits;
    e->win_num = num;
    e->win_den = den;
    return worse;
}

/* Bits written so far, the sub-block being filled included (without it
 * the count lagged by up to 255 bytes, as much as a window's difference). */
static inline uint64_t bits_out(const giflow__lzwenc *e)
{
    return (e->out.bytes + e->out.len) * 8 + e->nacc;
}

/* Clears the table after the code just written; pos: the pixel the next
 * string starts at. */
static void clear_at(giflow__lzwenc *e, uint64_t pos)
{
    put_code(e, e->clear);
    reset_table(e);
    e->win_pos = pos;
    e->win_bits = bits_out(e);
}

/* Coding on with a full table (deferring its clear) from e->cur, over
 * px[0..n) at stream position pos: no entries are added. Returns the
 * pixels consumed: n, or fewer once the table is cleared (the last one
 * consumed is then e->cur, the first string of the new table) or the
 * limit is passed. */
static size_t full_run_flex(giflow__lzwenc *e, const uint8_t *px, size_t n, uint64_t pos);

static size_t full_run(giflow__lzwenc *e, const uint8_t *px, size_t n, uint64_t pos)
{
    if (e->flex)
        return full_run_flex(e, px, n, pos);
    unsigned cur = (unsigned)e->cur;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = cur << 8 | px[i], h = find(e->slot, k);
        if (has(e, h, k)) {
            cur = code_at(e, h);
            continue;
        }
        put_code(e, cur);
        cur = px[i];
        if (full_clear(e, pos + i, bits_out(e))) {
            clear_at(e, pos + i);
            e->cur = (int)cur;
            return i + 1;
        }
        if (e->out.bytes > e->limit) {
            e->cur = (int)cur;
            return n;
        }
    }
    e->cur = (int)cur;
    return n;
}

/* The longest string of the (full, unchanging) table at px[0..n): its
 * length, and the codes of it and of it one pixel shorter. */
typedef struct full_match {
    size_t len;
    unsigned code, shorter;
} full_match;

static full_match match_at(const giflow__lzwenc *e, const uint8_t *px, size_t n)
{
    full_match m = {1, px[0], 0};
    for (; m.len < n; m.len++) {
        uint32_t k = m.code << 8 | px[m.len], h = find(e->slot, k);
        if (!has(e, h, k))
            break;
        m.shorter = m.code;
        m.code = code_at(e, h);
    }
    return m;
}

/* full_run with flexible parsing: a full table no longer changes, so a
 * string may end one pixel short wherever the next string then reaches
 * further (fewer codes for the same pixels; with entries still being
 * added the shorter string would waste one on a duplicate). The look-
 * ahead stops at n: callers push the whole stream at once. */
static size_t full_run_flex(giflow__lzwenc *e, const uint8_t *px, size_t n, uint64_t pos)
{
    unsigned cur = (unsigned)e->cur;
    size_t i = 0;
    for (; i < n; i++) { /* the current string, as far as it goes */
        uint32_t k = cur << 8 | px[i], h = find(e->slot, k);
        if (!has(e, h, k))
            break;
        cur = code_at(e, h);
    }
    full_match m = {0, 0, 0}; /* the string at i, when already known */
    while (i < n) {
        put_code(e, cur);
        if (full_clear(e, pos + i, bits_out(e))) {
            clear_at(e, pos + i);
            e->cur = px[i];
            return i + 1;
        }
        if (e->out.bytes > e->limit) {
            e->cur = px[i];
            return n;
        }
        if (!m.len)
            m = match_at(e, px + i, n - i);
        if (i + m.len >= n) {
            cur = m.code;
            i = n;
            break;
        }
        full_match a = match_at(e, px + i + m.len, n - i - m.len), b = {0, 0, 0};
        if (m.len > 1)
            b = match_at(e, px + i + m.len - 1, n - i - m.len + 1);
        if (b.len > a.len + 1) {
            cur = m.shorter;
            i += m.len - 1;
            m = b;
        } else {
            cur = m.code;
            i += m.len;
            m = a;
        }
    }
    e->cur = (int)cur;
    return n;
}

/* The locals to e and back, around the rare calls that work on e (after
 * a clear or a kept full table, width < 12 or the table is full: either
 * way thr is 1 << width). */
#define SPILL()                                                                \
    (giflow__blocks_write(&e->out, ob, olen), olen = 0, e->acc = acc,         \
     e->nacc = nacc, e->width = width)
#define RELOAD()                                                               \
    (next = e->next, width = e->width, thr = 1u << width, acc = e->acc,       \
     nacc = e->nacc)

/* The hot loop keeps the coder's state in locals: table stores through e
 * would otherwise force it back to memory on every pixel. Whether the
 * string goes on is data, not a branch: a photo's strings end every 3 or
 * 4 pixels at random, and a mispredicted branch cost more than emitting
 * and inserting under masks (a hit stores the slot back unchanged and
 * emits 0 bits). The only branches are rare: a collision, a wider code
 * or a full table, a full byte buffer. */
void giflow__lzwenc_push(giflow__lzwenc *e, const uint8_t *px, size_t n)
{
    size_t i = 0;
    if (e->cur < 0 && n)
        e->cur = px[i++];
    if (i < n && e->next > GIFLOW__LZW_MAX_CODE) /* full, deferring */
        i += full_run(e, px + i, n - i, e->pos + i);
    if (i >= n) {
        e->pos += n;
        return;
    }
    uint32_t *slot = e->slot;
    uint32_t cur = (uint32_t)e->cur;
    unsigned next = e->next, width = e->width, nacc = e->nacc;
    uint64_t acc = e->acc;
    const uint64_t limit = e->limit;
    /* The next code that needs a wider code, or the first past the table. */
    unsigned thr = width < 12 ? 1u << width : GIFLOW__LZW_MAX_CODE + 1;
    uint8_t ob[256 + 4];
    unsigned olen = 0;
    for (; i < n; i++) {
        uint32_t p = px[i], k = cur << 8 | p, h = slot_of(k), s = slot[h];
        /* One branch, taken only on a collision (neither the key nor
         * empty, whose key part is 0xFFFFF): a product, which compilers
         * do not split into two branches as they do a && b. */
        while ((uint64_t)((s >> 12) ^ k) * ((s >> 12) ^ 0xFFFFFu) != 0) {
            h = (h + 1) & MASK;
            s = slot[h];
        }
        const uint32_t miss = s == EMPTY, m = 0u - miss;
        /* Emit cur on a miss, accounting for it like a decoder does. */
        acc |= (uint64_t)(cur & m) << nacc;
        nacc += width & m;
        next += miss;
        if (next >= thr) { /* only ever after a miss */
            if (next > GIFLOW__LZW_MAX_CODE) { /* the table is full */
                cur = p;
                SPILL();
                e->next = next;
                take_snap(e, e->snap_fill, e->pos + i, p, 1);
                if (e->defer) { /* code on with it, clear later */
                    e->cur = (int)cur;
                    full_start(e, e->pos + i, bits_out(e));
                    i += full_run(e, px + i + 1, n - i - 1, e->pos + i + 1);
                    cur = (uint32_t)e->cur;
                } else {
                    e->fills++;
                    clear_at(e, e->pos + i);
                }
                RELOAD();
                continue;
            }
            width++;
            thr = width < 12 ? 1u << width : GIFLOW__LZW_MAX_CODE + 1;
            if (width == 12 && e->early) { /* cleared instead (early) */
                e->early = 0;
                cur = p;
                SPILL();
                clear_at(e, e->pos + i);
                RELOAD();
                continue;
            }
        }
        /* Selects by mask: compilers turn ?: here into a branch. */
        slot[h] = s ^ ((s ^ (k << 12 | next)) & m);
        cur = (p & m) | (s & CODE & ~m);
        /* Whole bytes out (at most 7 + 12 bits are held): a 4-byte store
         * every time, of which the whole bytes count. */
        for (int b = 0; b < 4; b++) /* one store where the CPU allows */
            ob[olen + b] = (uint8_t)(acc >> 8 * b);
        olen += nacc >> 3;
        acc >>= nacc & ~7u;
        nacc &= 7;
        if (olen >= 256) {
            giflow__blocks_write(&e->out, ob, olen);
            olen = 0;
            if (e->out.bytes > limit)
                break;
        }
    }
    giflow__blocks_write(&e->out, ob, olen);
    e->cur = (int)cur;
    e->next = next;
    e->width = width;
    e->acc = acc;
    e->nacc = nacc;
    e->pos += n;
}
#undef SPILL
#undef RELOAD

int giflow__lzwenc_end(giflow__lzwenc *e)
{
    if (e->cur >= 0)
        emit(e);
    put_code(e, e->clear + 1);
    if (e->nacc)
        out_byte(e, (uint8_t)e->acc);
    e->acc = 0;
    e->nacc = 0;
    return giflow__blocks_end(&e->out);
}

/* Emits cur and adds the entry (cur, v) like a decoder would; clears the
 * table once it is full (deferring: once that pays). pos: the pixel the
 * next string starts at. Returns the new current code (v). */
static inline unsigned flex_emit(giflow__lzwenc *e, unsigned cur, uint32_t k, uint32_t slot,
                                 unsigned v, uint64_t pos)
{
    put_code(e, cur);
    if (e->next > GIFLOW__LZW_MAX_CODE) { /* full, deferring */
        if (full_clear(e, pos, bits_out(e)))
            clear_at(e, pos);
        return v;
    }
    e->next++;
    if (e->width < 12 && e->next == (1u << e->width) && ++e->width == 12) {
        take_snap(e, e->snap_early, pos, v, 0);
        if (e->early) {
            e->early = 0;
            clear_at(e, pos);
            return v;
        }
    }
    if (e->next <= GIFLOW__LZW_MAX_CODE) {
        e->slot[slot] = k << 12 | e->next;
        return v;
    }
    take_snap(e, e->snap_fill, pos, v, 1);
    if (e->defer) {
        full_start(e, pos, bits_out(e));
    } else {
        e->fills++;
        clear_at(e, pos);
    }
    return v;
}

static inline uint32_t flex_find(const giflow__lzwenc *e, uint32_t k)
{
    return find(e->slot, k);
}

void giflow__lzwenc_push_alt(giflow__lzwenc *e, const uint8_t *px, const uint8_t *alt,
                             size_t n, int policy)
{
    if (policy == GIFLOW__ALT_NONE) {
        giflow__lzwenc_push(e, px, n);
        return;
    }
    size_t i = 0;
    if (e->cur < 0 && n) {
        e->cur = px[0];
        i = 1;
    }
    unsigned cur = (unsigned)e->cur;
    /* NEAR: the alternative is tried only next to colour (after a pixel
     * that had no choice, or one that took its colour): inside runs of
     * the primary value it would scatter strings over the table. */
    int colour = e->alt_colour, any = policy == GIFLOW__ALT_ANY;
    for (; i < n; i++) {
        const uint32_t base = cur << 8;
        uint32_t k = base | px[i], h = flex_find(e, k);
        if (has(e, h, k)) {
            cur = code_at(e, h);
            colour = alt[i] == px[i];
            continue;
        }
        if (alt[i] != px[i] && (any || colour || !i || alt[i - 1] == px[i - 1])) {
            uint32_t k2 = base | alt[i], h2 = flex_find(e, k2);
            if (has(e, h2, k2)) {
                cur = code_at(e, h2);
                colour = 1;
                continue;
            }
            /* ANY: a new string starts with the colour after colour. */
            if (any && i && alt[i] == alt[i - 1] && alt[i - 1] != px[i - 1]) {
                colour = 1;
                cur = flex_emit(e, cur, k2, h2, alt[i], e->pos + i);
                if (e->out.bytes > e->limit)
                    break;
                continue;
            }
        }
        colour = alt[i] == px[i];
        cur = flex_emit(e, cur, k, h, px[i], e->pos + i);
        if (e->out.bytes > e->limit)
            break;
    }
    e->cur = (int)cur;
    e->alt_colour = colour;
    e->pos += i;
}

/* push_best's search: every pixel where alt differs may be either value;
 * the longest string from a start, exploring at most BEST_BRANCHES second
 * branches (the first: px, so ties keep px). */
#define BEST_BRANCHES 8

struct best_walk {
    const giflow__lzwenc *e;
    const uint8_t *px, *alt;
    size_t n, len;
    uint16_t *path, *codes; /* the search's path; the best string's codes */
    unsigned budget;
};

static void best_dfs(struct best_walk *w, size_t m, unsigned cur, size_t l)
{
    const giflow__lzwenc *e = w->e;
    for (;; m++, l++) {
        w->path[l - 1] = (uint16_t)cur;
        if (m >= w->n)
            break;
        uint32_t k = cur << 8 | w->px[m], h = flex_find(e, k);
        int a = has(e, h, k), b = 0;
        unsigned ca = code_at(e, h), cb = 0;
        if (w->alt[m] != w->px[m] && (!a || w->budget)) { /* else a is taken */
            uint32_t k2 = cur << 8 | w->alt[m], h2 = flex_find(e, k2);
            b = has(e, h2, k2);
            cb = code_at(e, h2);
        }
        if (a && b && w->budget) {
            w->budget--;
            best_dfs(w, m + 1, ca, l + 1); /* depth: at most BEST_BRANCHES */
            cur = cb;
        } else if (a || b) {
            cur = a ? ca : cb;
        } else {
            break;
        }
    }
    if (l > w->len) { /* copied at leaves only: once per branch */
        w->len = l;
        memcpy(w->codes, w->path, l * sizeof *w->codes);
    }
}

/* The longest string from pixel j starting with value first; its codes
 * (of each prefix) go to codes. Returns its length. */
static size_t best_walk(struct best_walk *w, size_t j, unsigned first, uint16_t *codes)
{
    w->len = 0;
    w->budget = BEST_BRANCHES;
    w->codes = codes;
    best_dfs(w, j + 1, first, 1);
    return w->len;
}

/* The longest string from pixel j over its values (px on a tie): its
 * codes end up in *best (*tmp: a second buffer, the two may swap), its
 * first value in *v. */
static size_t best_reach(struct best_walk *w, size_t j, uint16_t **best, uint16_t **tmp,
                         unsigned *v)
{
    size_t l = best_walk(w, j, w->px[j], *best);
    *v = w->px[j];
    if (w->alt[j] != w->px[j]) {
        size_t la = best_walk(w, j, w->alt[j], *tmp);
        if (la > l) {
            uint16_t *t = *best;
            *best = *tmp, *tmp = t;
            *v = w->alt[j], l = la;
        }
    }
    return l;
}

/* push_best from pixel i, whose string starts with value first, to the
 * end (px[0..n) as given to best_walk w; e->pos is where px starts). */
static void best_run(giflow__lzwenc *e, const uint8_t *px, const uint8_t *alt, size_t n,
                     uint16_t *scratch, size_t i, unsigned first)
{
    const size_t span = GIFLOW__LZW_MAX_CODE + 2;
    uint16_t *cur = scratch, *nb = scratch + span, *ab = scratch + 2 * span;
    uint16_t *bb = scratch + 3 * span, *tb = scratch + 4 * span;
    struct best_walk w = {e, px, alt, n, 0, scratch + 5 * span, cur, 0};
    size_t len = best_walk(&w, i, first, cur);
    for (;;) {
        if (i + len >= n) {
            e->cur = cur[len - 1];
            break;
        }
        size_t j = i + len, nlen = 0;
        unsigned v = px[j], p = cur[len - 1];
        /* A full table no longer changes (flex): the string may end a
         * pixel short if the next one then reaches further. */
        const int full = e->flex && e->next > GIFLOW__LZW_MAX_CODE;
        if (alt[j] != px[j] || full) {
            /* The next string's first value: whichever reaches further
             * (in the table as it is: the new entry is not counted). */
            nlen = best_reach(&w, j, &nb, &ab, &v);
            unsigned vb;
            size_t lb = full && len > 1 ? best_reach(&w, j - 1, &bb, &tb, &vb) : 0;
            if (lb > nlen + 1) {
                uint16_t *t = nb;
                nb = bb, bb = t;
                nlen = lb, v = vb, p = cur[len - 2], j--;
            }
        }
        uint32_t k = p << 8 | v, clears = e->clears;
        (void)flex_emit(e, p, k, flex_find(e, k), v, e->pos + j);
        i = j;
        if (e->out.bytes > e->limit)
            break;
        /* That walk still holds unless the table was cleared or it ended
         * on the new entry's prefix (the entry may extend it). */
        if (nlen && e->clears == clears && (full || nb[nlen - 1] != p)) {
            uint16_t *t = cur;
            cur = nb, nb = t;
            len = nlen;
        } else {
            len = best_walk(&w, i, v, cur);
        }
    }
}

void giflow__lzwenc_push_best(giflow__lzwenc *e, const uint8_t *px, const uint8_t *alt,
                              size_t n, uint16_t *scratch)
{
    const size_t span = GIFLOW__LZW_MAX_CODE + 2;
    struct best_walk w = {e, px, alt, n, 0, scratch + 5 * span, scratch, 0};
    if (!n)
        return;
    unsigned first = px[0];
    if (alt[0] != px[0] &&
        best_walk(&w, 0, alt[0], scratch + 2 * span) > best_walk(&w, 0, px[0], scratch))
        first = alt[0];
    best_run(e, px, alt, n, scratch, 0, first);
    e->pos += n;
}

void giflow__lzwenc_resume(giflow__lzwenc *e, const giflow__lzwe_snap *s, unsigned mcs,
                           giflow__byte_sink sink, void *user)
{
    giflow__blocks_begin(&e->out, sink, user);
    e->out.bytes = s->bytes;
    e->out.len = s->len;
    memcpy(e->out.block + 1, s->block + 1, s->len);
    e->acc = s->acc;
    e->nacc = s->nacc;
    e->mcs = mcs;
    e->clear = 1u << mcs;
    e->next = s->next;
    e->width = s->width;
    run_start(e);
}

void giflow__lzwenc_resume_push(giflow__lzwenc *e, const giflow__lzwe_snap *s, int early,
                                const uint8_t *px, const uint8_t *alt, size_t n,
                                uint16_t *scratch)
{
    const size_t at = (size_t)s->pos;
    if (early) { /* a fresh stream from the snapshot on */
        clear_at(e, at);
        e->pos = at;
        if (alt)
            giflow__lzwenc_push_best(e, px + at, alt + at, n - at, scratch);
        else
            giflow__lzwenc_push(e, px + at, n - at);
        return;
    }
    memcpy(e->slot, s->slot, sizeof e->slot); /* the full table */
    full_start(e, at, bits_out(e));
    if (alt) {
        best_run(e, px, alt, n, scratch, at, s->v);
        e->pos = n;
        return;
    }
    e->cur = (int)s->v;
    size_t k = full_run(e, px + at + 1, n - at - 1, at + 1);
    e->pos = at + 1 + k;
    if (at + 1 + k < n)
        giflow__lzwenc_push(e, px + at + 1 + k, n - at - 1 - k);
}

/* Squared error of index j at pixel i, or -1 when j cannot show there
 * (the transparent index over a transparent screen). */
static inline int32_t lossy_err(const giflow__lzw_lossy *l, unsigned j, size_t i)
{
    const uint8_t *s = l->src + 4 * i;
    const uint8_t *c = (int)j == l->trans ? l->shown + 4 * i : l->pal + 3 * j;
    if ((int)j == l->trans && c[3] != 255)
        return -1;
    int32_t r = s[0] - c[0], g = s[1] - c[1], b = s[2] - c[2];
    return r * r + g * g + b * b;
}

/* 0 when index j shows exactly the colour on screen at pixel i, else -1. */
static inline int32_t same_err(const giflow__lzw_lossy *l, unsigned j, size_t i)
{
    const uint8_t *b = l->shown + 4 * i;
    return (int)j == l->trans || !memcmp(l->pal + 3 * j, b, 3) ? 0 : -1;
}

/* Among the children of code cur, the one to extend the string with at
 * pixel i: within the pixel's limit, preferring one that the next pixel's
 * index extends, then one with children, then the smallest error.
 * Returns its code, or 0. */
static unsigned pick_child(const giflow__lzwenc *e, unsigned cur, const uint8_t *px, size_t i,
                           size_t n, const giflow__lzw_lossy *l)
{
    unsigned best = 0;
    int32_t best_score = INT32_MIN;
    const int same = l->limit[i] == GIFLOW__LZW_SAME;
    for (unsigned c = e->child[cur]; c; c = e->sibling[c]) {
        int32_t err = same ? same_err(l, e->last[c], i) : lossy_err(l, e->last[c], i);
        if (err < 0 || err > (same ? 0 : l->limit[i]))
            continue;
        int32_t score = -err;
        if (i + 1 < n) {
            uint32_t k = c << 8 | px[i + 1];
            if (has(e, flex_find(e, k), k))
                score += 1 << 24;
            else if (e->child[c])
                score += 1 << 23;
        }
        if (score > best_score) {
            best_score = score;
            best = c;
        }
    }
    return best;
}

void giflow__lzwenc_push_lossy(giflow__lzwenc *e, uint8_t *px, size_t n,
                               const giflow__lzw_lossy *l)
{
    size_t i = 0;
    if (e->cur < 0 && n)
        e->cur = px[i++];
    unsigned cur = (unsigned)e->cur;
    for (; i < n; i++) {
        uint32_t k = cur << 8 | px[i], h = flex_find(e, k);
        if (has(e, h, k)) {
            cur = code_at(e, h);
            continue;
        }
        unsigned c = l->limit[i] != -1 ? pick_child(e, cur, px, i, n, l) : 0;
        if (c) {
            px[i] = e->last[c];
            cur = c;
            continue;
        }
        unsigned prev = cur;
        cur = flex_emit(e, cur, k, h, px[i], e->pos + i);
        if (has(e, h, k)) { /* an entry was added (no clear): link it */
            unsigned code = e->next;
            e->child[code] = 0;
            e->last[code] = px[i];
            e->sibling[code] = e->child[prev];
            e->child[prev] = (uint16_t)code;
        }
    }
    e->cur = (int)cur;
    e->pos += i;
}
