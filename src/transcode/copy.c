/* The fast path: blocks copied with their frame data untouched (copy.h). */
#include <string.h>

#include "copy.h"
#include "../common/bytes.h"
#include "../common/gif_format.h"

enum {
    C_HEADER,   /* 13 bytes: signature and logical screen */
    C_GCT,      /* global colour table, copied */
    C_BLOCK,    /* block introducer */
    C_LABEL,    /* extension label */
    C_GCE,      /* graphic control: 4, flags, delay, index, 0 */
    C_APP_LEN,  /* application extension: its first sub-block's length */
    C_APP_ID,   /* ... and its bytes */
    C_SUB_LEN,  /* extension sub-block length */
    C_SUB,      /* extension sub-block bytes, copied or skipped */
    C_DESC,     /* image descriptor after 0x2C: 9 bytes */
    C_LCT,      /* local colour table, copied */
    C_MCS,      /* LZW minimum code size */
    C_DATA_LEN, /* image data sub-block length */
    C_DATA,     /* image data bytes, copied */
    C_DONE
};

void giflow__copy_init(giflow__copy *c, giflow__gifout *out, const giflow_transcode_options *o)
{
    memset(c, 0, sizeof *c);
    c->out = out;
    c->loop = o->loop_count;
    c->delay = o->delay_cs;
    c->speed = o->speed;
    c->strip = o->strip;
    c->comment = o->comment;
    c->comment_size = o->comment_size;
    c->state = C_HEADER;
    c->need = 13;
}

uint32_t giflow__retime(int delay, double speed, uint32_t stored)
{
    uint32_t base = delay == GIFLOW_KEEP ? stored : (uint32_t)delay;
    if (speed == 1.0)
        return base;
    double played = base <= 1 ? 10 : base, d = played / speed + 0.5;
    return d < 2 ? 2 : d > 65535 ? 65535 : (uint32_t)d;
}

static int retimes(const giflow__copy *c)
{
    return c->delay != GIFLOW_KEEP || c->speed != 1.0;
}

/* Gathers c->need bytes into hold. Returns 1 when complete. */
static int gather(giflow__copy *c, giflow_input *in)
{
    size_t k = c->need - c->hold_len, left = in->size - in->pos;
    if (k > left)
        k = left;
    memcpy(c->hold + c->hold_len, in->src + in->pos, k);
    in->pos += k;
    c->hold_len += (unsigned)k;
    if (c->hold_len < c->need)
        return 0;
    c->hold_len = 0;
    return 1;
}

/* Copies (or skips) up to c->need bytes. Returns 1 when all are done. */
static int pass(giflow__copy *c, giflow_input *in, int copy, int *st)
{
    size_t k = c->need, left = in->size - in->pos;
    if (k > left)
        k = left;
    if (copy && k)
        *st = giflow__gw_bytes(c->out, in->src + in->pos, k);
    in->pos += k;
    c->need -= (unsigned)k;
    return c->need == 0;
}

/* The input ends here: a browser shows the frames so far. */
static int finish(giflow__copy *c, int broken)
{
    c->state = C_DONE;
    c->done = 1;
    c->broken = broken;
    return giflow__gw_trailer(c->out);
}

static int after_header(giflow__copy *c)
{
    int st = GIFLOW_OK;
    if (c->loop >= 0)
        st = giflow__gw_loop(c->out, (unsigned)c->loop);
    if (st == GIFLOW_OK && c->comment && c->comment_size)
        st = giflow__gw_extension(c->out, GIFLOW__GIF_COMMENT, c->comment, c->comment_size);
    c->state = C_BLOCK;
    return st;
}

static int on_gce(giflow__copy *c)
{
    const uint8_t *b = c->hold;
    if (b[0] != 4 || b[5] != 0)
        return finish(c, 1); /* a decoder stops here (browser model) */
    uint8_t g[8] = {GIFLOW__GIF_EXTENSION, GIFLOW__GIF_GCE};
    memcpy(g + 2, b, 6);
    if (retimes(c))
        giflow__put_le16(g + 4, giflow__retime(c->delay, c->speed, giflow__le16(b + 2)));
    c->gce_seen = 1;
    c->state = C_BLOCK;
    return giflow__gw_bytes(c->out, g, 8);
}

static int on_app_id(giflow__copy *c)
{
    unsigned n = c->need;
    int loop = n == GIFLOW__GIF_APP_ID_SIZE &&
               (!memcmp(c->hold, "NETSCAPE2.0", n) || !memcmp(c->hold, "ANIMEXTS1.0", n));
    c->keep = loop ? c->loop == GIFLOW_KEEP : !c->strip;
    c->state = C_SUB_LEN;
    if (!c->keep)
        return GIFLOW_OK;
    uint8_t h[3] = {GIFLOW__GIF_EXTENSION, GIFLOW__GIF_APPLICATION, (uint8_t)n};
    int st = giflow__gw_bytes(c->out, h, 3);
    return st == GIFLOW_OK ? giflow__gw_bytes(c->out, c->hold, n) : st;
}

static int on_desc(giflow__copy *c)
{
    int st = GIFLOW_OK;
    if (!c->gce_seen && retimes(c)) /* no graphic control: delay 0 */
        st = giflow__gw_gce(c->out, 0, giflow__retime(c->delay, c->speed, 0), -1);
    uint8_t d[1 + GIFLOW__GIF_DESC_SIZE] = {GIFLOW__GIF_IMAGE};
    memcpy(d + 1, c->hold, GIFLOW__GIF_DESC_SIZE);
    if (st == GIFLOW_OK)
        st = giflow__gw_bytes(c->out, d, sizeof d);
    c->gce_seen = 0;
    c->frames++;
    c->need = 3 * giflow__gif_palette_entries(c->hold[8]);
    c->state = c->need ? C_LCT : C_MCS;
    return st;
}

/* One byte-sized item, or a state's step. Returns a status; GIFLOW_END
 * once done. */
static int step(giflow__copy *c, giflow_input *in)
{
    int st = GIFLOW_OK;
    uint8_t b;
    switch (c->state) {
    case C_HEADER:
        if (!gather(c, in))
            return GIFLOW_NEED_INPUT;
        if (memcmp(c->hold, "GIF8", 4))
            return GIFLOW_ERR_NOT_GIF;
        st = giflow__gw_bytes(c->out, c->hold, GIFLOW__GIF_HEADER_SIZE);
        c->need = 3 * giflow__gif_palette_entries(c->hold[10]);
        if (!c->need)
            return st == GIFLOW_OK ? after_header(c) : st;
        c->state = C_GCT;
        return st;
    case C_GCT:
    case C_LCT:
    case C_SUB:
    case C_DATA: {
        int copy = c->state != C_SUB || c->keep;
        if (!pass(c, in, copy, &st))
            return st == GIFLOW_OK ? GIFLOW_NEED_INPUT : st;
        if (st != GIFLOW_OK)
            return st;
        if (c->state == C_GCT)
            return after_header(c);
        c->state = c->state == C_LCT ? C_MCS : c->state == C_SUB ? C_SUB_LEN : C_DATA_LEN;
        return GIFLOW_OK;
    }
    case C_GCE:
        return gather(c, in) ? on_gce(c) : GIFLOW_NEED_INPUT;
    case C_APP_ID:
        return gather(c, in) ? on_app_id(c) : GIFLOW_NEED_INPUT;
    case C_DESC:
        return gather(c, in) ? on_desc(c) : GIFLOW_NEED_INPUT;
    case C_DONE:
        return GIFLOW_END;
    default:
        break;
    }
    if (in->pos == in->size)
        return GIFLOW_NEED_INPUT;
    b = in->src[in->pos++];
    switch (c->state) {
    case C_BLOCK:
        if (b == GIFLOW__GIF_EXTENSION) {
            c->state = C_LABEL;
        } else if (b == GIFLOW__GIF_IMAGE) {
            c->state = C_DESC;
            c->need = GIFLOW__GIF_DESC_SIZE;
        } else {
            return finish(c, b != GIFLOW__GIF_TRAILER); /* trailer, or a bad block */
        }
        return GIFLOW_OK;
    case C_LABEL:
        c->label = b;
        if (b == GIFLOW__GIF_GCE) {
            c->state = C_GCE;
            c->need = 6;
        } else if (b == GIFLOW__GIF_APPLICATION) {
            c->state = C_APP_LEN;
        } else {
            c->keep = !c->strip;
            c->state = C_SUB_LEN;
            if (c->keep) {
                uint8_t h[2] = {GIFLOW__GIF_EXTENSION, b};
                st = giflow__gw_bytes(c->out, h, 2);
            }
        }
        return st;
    case C_APP_LEN:
        if (b == 0) { /* an empty application extension */
            c->keep = !c->strip;
            c->state = C_BLOCK;
            if (c->keep) {
                uint8_t h[3] = {GIFLOW__GIF_EXTENSION, GIFLOW__GIF_APPLICATION, 0};
                st = giflow__gw_bytes(c->out, h, 3);
            }
            return st;
        }
        c->need = b;
        c->state = C_APP_ID;
        return GIFLOW_OK;
    case C_SUB_LEN:
    case C_DATA_LEN:
        if ((c->state == C_DATA_LEN || c->keep) && (st = giflow__gw_bytes(c->out, &b, 1)) != GIFLOW_OK)
            return st;
        if (b == 0) {
            c->state = C_BLOCK;
        } else {
            c->state = c->state == C_SUB_LEN ? C_SUB : C_DATA;
            c->need = b;
        }
        return GIFLOW_OK;
    case C_MCS:
        c->state = C_DATA_LEN;
        return giflow__gw_bytes(c->out, &b, 1);
    default:
        return GIFLOW_ERR_STATE;
    }
}

int giflow__copy_push(giflow__copy *c, giflow_input *in)
{
    for (;;) {
        int st = step(c, in);
        if (st == GIFLOW_NEED_INPUT) {
            if (!in->eof)
                return st;
            /* The input ends: between blocks that is a clean end;
             * inside one, the cut-short frame is not shown, and the copy
             * ends where the input did. */
            if (c->state == C_BLOCK) {
                st = finish(c, 0);
                return st == GIFLOW_OK ? GIFLOW_END : st;
            }
            c->state = C_DONE;
            c->done = c->broken = 1;
            return GIFLOW_END;
        }
        if (st == GIFLOW_END || st < 0)
            return st;
        if (c->done)
            return GIFLOW_END;
    }
}
