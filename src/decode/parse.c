/*
 * GIF stream parser: a byte-resumable state machine over the block
 * structure. It stops at each image descriptor (EV_FRAME) and at the end of
 * the stream (EV_END). Any item may arrive split across calls; fixed-size
 * items are gathered in dec->tmp, sub-blocks in dec->buf.
 *
 * Where the browser model is silent, this follows what Chromium's decoder
 * (Wuffs) does: a graphic control block must be exactly 4 bytes followed by
 * the terminator, and only the first data sub-block of a NETSCAPE2.0 or
 * ANIMEXTS1.0 extension can set the loop count.
 */
#include <string.h>

#include "decoder.h"
#include "../common/bytes.h"
#include "../common/gif_format.h"

int giflow__fail(giflow_decoder *dec, int status)
{
    if (!dec->status)
        dec->status = status;
    return dec->status;
}

static size_t avail(const giflow_input *in)
{
    return in->size - in->pos;
}

static void take(giflow_decoder *dec, giflow_input *in, size_t n)
{
    in->pos += n;
    dec->offset += n;
}

/* n (<= 16) contiguous bytes of the stream, gathered across calls, or NULL
 * when they have not all arrived yet. */
static const uint8_t *gather(giflow_decoder *dec, giflow_input *in, unsigned n)
{
    size_t left = avail(in);
    if (dec->tmp_len == 0 && left >= n) {
        const uint8_t *p = in->src + in->pos;
        take(dec, in, n);
        return p;
    }
    size_t k = n - dec->tmp_len;
    if (k > left)
        k = left;
    memcpy(dec->tmp + dec->tmp_len, in->src + in->pos, k);
    take(dec, in, k);
    dec->tmp_len += (unsigned)k;
    if (dec->tmp_len < n)
        return NULL;
    dec->tmp_len = 0;
    return dec->tmp;
}

/* Copies up to dec->need - dec->count bytes to dst + dec->count. Returns
 * nonzero once the item is complete. */
static int copy_item(giflow_decoder *dec, giflow_input *in, uint8_t *dst)
{
    size_t k = dec->need - dec->count;
    if (k > avail(in))
        k = avail(in);
    memcpy(dst + dec->count, in->src + in->pos, k);
    take(dec, in, k);
    dec->count += (unsigned)k;
    return dec->count == dec->need;
}

static int meta(giflow_decoder *dec, const uint8_t *data, size_t size, int last)
{
    if (!dec->meta_fn || dec->ext_label == GIFLOW__GIF_GCE || dec->replaying)
        return GIFLOW_OK;
    giflow_meta m;
    memset(&m, 0, sizeof m);
    switch (dec->ext_label) {
    case GIFLOW__GIF_COMMENT: m.kind = GIFLOW_META_COMMENT; break;
    case GIFLOW__GIF_APPLICATION: m.kind = GIFLOW_META_APPLICATION; break;
    case GIFLOW__GIF_PLAIN_TEXT: m.kind = GIFLOW_META_PLAIN_TEXT; break;
    default: m.kind = GIFLOW_META_UNKNOWN; break;
    }
    m.label = dec->ext_label;
    memcpy(m.app_id, dec->app_id, sizeof m.app_id);
    m.block_index = dec->ext_block;
    m.last = last;
    m.data = data;
    m.size = size;
    if (dec->meta_fn(dec->meta_user, &m))
        return giflow__fail(dec, GIFLOW_ERR_IO);
    return GIFLOW_OK;
}

/* One complete extension sub-block is in dec->buf[0 .. dec->need). */
static int ext_block(giflow_decoder *dec)
{
    const uint8_t *b = dec->buf;
    unsigned n = dec->need;
    if (dec->ext_label == GIFLOW__GIF_GCE && dec->ext_block == 0) {
        /* Last graphic control before an image wins. */
        dec->gce_seen = 1;
        dec->gce_disposal = (b[0] >> GIFLOW__GIF_GCE_DISPOSAL_SHIFT) & 7;
        dec->gce_delay = giflow__le16(b + 1);
        dec->gce_trans = (b[0] & GIFLOW__GIF_GCE_TRANSPARENT) ? b[3] : -1;
    } else if (dec->ext_label == GIFLOW__GIF_APPLICATION && dec->ext_block == 0) {
        if (n == GIFLOW__GIF_APP_ID_SIZE) {
            memcpy(dec->app_id, b, GIFLOW__GIF_APP_ID_SIZE);
            dec->app_id[GIFLOW__GIF_APP_ID_SIZE] = 0;
            dec->app_loop = !memcmp(b, "NETSCAPE2.0", GIFLOW__GIF_APP_ID_SIZE) ||
                            !memcmp(b, "ANIMEXTS1.0", GIFLOW__GIF_APP_ID_SIZE);
        }
    } else if (dec->ext_label == GIFLOW__GIF_APPLICATION && dec->ext_block == 1) {
        if (dec->app_loop && n == 3 && b[0] == 1)
            dec->loop_count = giflow__le16(b + 1);
    }
    return meta(dec, b, n, 0);
}

/* Whether the first n (<= 6) bytes can begin "GIF87a" or "GIF89a". */
static int signature_ok(const uint8_t *p, unsigned n)
{
    static const char sig[] = "GIF8?a";
    for (unsigned i = 0; i < n && i < 6; i++)
        if (i == 4 ? p[i] != '7' && p[i] != '9' : p[i] != (uint8_t)sig[i])
            return 0;
    return 1;
}

static void read_lsd(giflow_decoder *dec, const uint8_t *p)
{
    giflow_image_info *im = &dec->image;
    im->screen_width = im->canvas_width = giflow__le16(p);
    im->screen_height = im->canvas_height = giflow__le16(p + 2);
    im->background_index = p[5];
    im->pixel_aspect = p[6];
    im->has_global_palette = (p[4] & GIFLOW__GIF_HAS_PALETTE) != 0;
    dec->gct_size = giflow__gif_palette_entries(p[4]);
    im->global_palette_size = dec->gct_size;
    im->global_palette = dec->gct_size ? dec->gct : NULL;
}

static void read_rect(giflow_decoder *dec, const uint8_t *p)
{
    giflow_frame_info *f = &dec->frame;
    memset(f, 0, sizeof *f);
    f->x = giflow__le16(p);
    f->y = giflow__le16(p + 2);
    f->width = giflow__le16(p + 4);
    f->height = giflow__le16(p + 6);
    f->offset = dec->desc_offset;
}

static void read_flags(giflow_decoder *dec, uint8_t b)
{
    giflow_frame_info *f = &dec->frame;
    f->interlaced = (b & GIFLOW__GIF_INTERLACED) != 0;
    f->has_local_palette = (b & GIFLOW__GIF_HAS_PALETTE) != 0;
    dec->lct_size = giflow__gif_palette_entries(b);
}

/* Block introducer. Returns an event, or EV_NONE to keep parsing. */
static int block(giflow_decoder *dec, uint8_t b)
{
    switch (b) {
    case GIFLOW__GIF_EXTENSION:
        dec->pstate = P_EXT_LABEL;
        return EV_NONE;
    case GIFLOW__GIF_IMAGE:
        dec->desc_offset = dec->offset - 1;
        dec->pstate = P_DESC;
        return EV_NONE;
    case GIFLOW__GIF_TRAILER:
        dec->pstate = P_TRAILER;
        return EV_END;
    default:
        giflow__fail(dec, GIFLOW_ERR_BAD_BLOCK);
        return EV_NONE;
    }
}

static int ext_len(giflow_decoder *dec, unsigned n)
{
    /* Chromium rejects a graphic control that is not 4 bytes + terminator. */
    if (dec->ext_label == GIFLOW__GIF_GCE && n != (dec->ext_block == 0 ? (unsigned)GIFLOW__GIF_GCE_SIZE : 0u))
        return giflow__fail(dec, GIFLOW_ERR_BAD_EXTENSION);
    /* Metadata costs nothing to hold, but an endless comment would never
     * end: counted before its payload is read. */
    uint64_t max = dec->limits.max_metadata_bytes;
    if (dec->ext_label != GIFLOW__GIF_GCE && (dec->meta_bytes += 1 + (uint64_t)n) > max && max)
        return giflow__fail(dec, GIFLOW_ERR_LIMIT_METADATA);
    if (n == 0) {
        dec->pstate = P_BLOCK;
        return meta(dec, NULL, 0, 1);
    }
    dec->need = n;
    dec->count = 0;
    dec->pstate = P_EXT_DATA;
    return GIFLOW_OK;
}

static int step(giflow_decoder *dec, giflow_input *in, int *event)
{
    const uint8_t *p;
    uint8_t b;
    switch (dec->pstate) {
    case P_HEADER:
        if (!(p = gather(dec, in, GIFLOW__GIF_HEADER_SIZE)))
            /* Judge the signature as far as it has come: a short file
             * that is not a GIF is "not a GIF", not "truncated". */
            return signature_ok(dec->tmp, dec->tmp_len) ? GIFLOW_NEED_INPUT
                                                        : giflow__fail(dec, GIFLOW_ERR_NOT_GIF);
        if (!signature_ok(p, 6))
            return giflow__fail(dec, GIFLOW_ERR_NOT_GIF);
        dec->image.version = p[4] == '7' ? 87 : 89;
        read_lsd(dec, p + 6);
        dec->need = dec->gct_size * 3;
        dec->count = 0;
        dec->pstate = dec->gct_size ? P_GCT : P_BLOCK;
        return GIFLOW_OK;
    case P_GCT:
    case P_LCT:
        if (!copy_item(dec, in, dec->pstate == P_GCT ? dec->gct : dec->lct))
            return GIFLOW_NEED_INPUT;
        dec->pstate = dec->pstate == P_GCT ? P_BLOCK : P_MCS;
        return GIFLOW_OK;
    case P_DESC:
        /* The rectangle: the descriptor but its packed field (P_FLAGS). */
        if (!(p = gather(dec, in, GIFLOW__GIF_DESC_SIZE - 1)))
            return GIFLOW_NEED_INPUT;
        read_rect(dec, p);
        dec->pstate = P_FLAGS;
        *event = EV_RECT;
        return GIFLOW_OK;
    case P_EXT_DATA:
        if (!copy_item(dec, in, dec->buf))
            return GIFLOW_NEED_INPUT;
        if (ext_block(dec) < 0)
            return dec->status;
        dec->ext_block++;
        dec->pstate = P_EXT_LEN;
        return GIFLOW_OK;
    case P_DATA:
        /* Skipping the image data of a frame that is being left behind. */
        {
            size_t k = dec->need < avail(in) ? dec->need : avail(in);
            take(dec, in, k);
            dec->need -= (unsigned)k;
        }
        if (dec->need)
            return GIFLOW_NEED_INPUT;
        dec->pstate = P_DATA_LEN;
        return GIFLOW_OK;
    case P_TRAILER:
        *event = EV_END;
        return GIFLOW_OK;
    default:
        break;
    }

    /* The remaining states each read one byte. */
    if (!avail(in))
        return GIFLOW_NEED_INPUT;
    b = in->src[in->pos];
    take(dec, in, 1);
    switch (dec->pstate) {
    case P_BLOCK:
        *event = block(dec, b);
        return dec->status ? dec->status : GIFLOW_OK;
    case P_EXT_LABEL:
        if (++dec->extensions > dec->limits.max_extensions && dec->limits.max_extensions)
            return giflow__fail(dec, GIFLOW_ERR_LIMIT_EXTENSIONS);
        dec->ext_label = b;
        dec->ext_block = 0;
        dec->app_loop = 0;
        dec->app_id[0] = 0;
        dec->pstate = P_EXT_LEN;
        return GIFLOW_OK;
    case P_EXT_LEN:
        return ext_len(dec, b);
    case P_FLAGS:
        read_flags(dec, b);
        dec->need = dec->lct_size * 3;
        dec->count = 0;
        dec->pstate = dec->lct_size ? P_LCT : P_MCS;
        return GIFLOW_OK;
    case P_MCS:
        dec->frame.min_code_size = b;
        dec->pstate = P_DATA_LEN;
        dec->data_end = 0;
        dec->buf_len = dec->buf_pos = 0;
        *event = EV_FRAME;
        return GIFLOW_OK;
    case P_DATA_LEN:
        if (b == 0) {
            dec->pstate = P_BLOCK;
        } else {
            dec->need = b;
            dec->pstate = P_DATA;
        }
        return GIFLOW_OK;
    default:
        return giflow__fail(dec, GIFLOW_ERR_STATE);
    }
}

int giflow__parse(giflow_decoder *dec, giflow_input *in, int *event, int want_rect)
{
    for (;;) {
        *event = EV_NONE;
        if (dec->status)
            return dec->status;
        /* A stream may end cleanly between blocks (no trailer needed). */
        if (dec->pstate == P_BLOCK && !avail(in) && in->eof) {
            *event = EV_END;
            return GIFLOW_OK;
        }
        int r = step(dec, in, event);
        if (r < 0)
            return r;
        if (*event != EV_NONE && (*event != EV_RECT || want_rect))
            return GIFLOW_OK;
        if (r == GIFLOW_NEED_INPUT)
            return in->eof ? giflow__fail(dec, GIFLOW_ERR_TRUNCATED)
                           : GIFLOW_NEED_INPUT;
    }
}

/* Image data sub-blocks: at a length byte, reads it. Returns 1 when
 * payload may follow, 0 when the input ran out or the terminator was read
 * (then data_end is set). */
static int data_block(giflow_decoder *dec, giflow_input *in)
{
    if (dec->pstate != P_DATA_LEN)
        return 1;
    if (!avail(in))
        return 0;
    uint8_t b = in->src[in->pos];
    take(dec, in, 1);
    if (b == 0) {
        dec->data_end = 1;
        dec->pstate = P_BLOCK;
        return 0;
    }
    dec->need = b;
    dec->pstate = P_DATA;
    return 1;
}

/* Consumes k payload bytes of the current sub-block. */
static void data_take(giflow_decoder *dec, giflow_input *in, size_t k)
{
    take(dec, in, k);
    dec->need -= (unsigned)k;
    if (dec->need == 0)
        dec->pstate = P_DATA_LEN;
}

int giflow__read_data(giflow_decoder *dec, giflow_input *in)
{
    if (dec->buf_pos == dec->buf_len)
        dec->buf_pos = dec->buf_len = 0;
    while (dec->buf_len < GIFLOW__INBUF && !dec->data_end && data_block(dec, in)) {
        size_t k = dec->need;
        if (k > avail(in))
            k = avail(in);
        if (k > GIFLOW__INBUF - dec->buf_len)
            k = GIFLOW__INBUF - dec->buf_len;
        if (k == 0)
            break;
        memcpy(dec->buf + dec->buf_len, in->src + in->pos, k);
        dec->buf_len += (unsigned)k;
        data_take(dec, in, k);
    }
    if (dec->buf_pos < dec->buf_len)
        return GIFLOW_OK;
    if (dec->data_end)
        return GIFLOW_END;
    return in->eof ? giflow__fail(dec, GIFLOW_ERR_TRUNCATED) : GIFLOW_NEED_INPUT;
}

int giflow__data_complete(const giflow_decoder *dec, const giflow_input *in)
{
    return in->eof || dec->data_end || giflow__data_in_memory(dec, in);
}

int giflow__data_in_memory(const giflow_decoder *dec, const giflow_input *in)
{
    if (dec->data_end)
        return 0;
    size_t p = in->pos;
    if (dec->pstate == P_DATA)
        p += dec->need;
    else if (dec->pstate != P_DATA_LEN)
        return 0;
    while (p < in->size) {
        if (in->src[p] == 0)
            return 1;
        p += 1 + (size_t)in->src[p];
    }
    return 0;
}

uint64_t giflow__data_at_hand(const giflow_decoder *dec, const giflow_input *in)
{
    uint64_t n = dec->buf_len - dec->buf_pos;
    size_t p = in->pos;
    if (dec->data_end || (dec->pstate != P_DATA && dec->pstate != P_DATA_LEN))
        return n;
    if (dec->pstate == P_DATA) {
        size_t k = dec->need < in->size - p ? dec->need : in->size - p;
        n += k;
        p += k;
        if (k < dec->need)
            return n;
    }
    while (p < in->size && in->src[p]) {
        size_t k = in->src[p] < in->size - p - 1 ? in->src[p] : in->size - p - 1;
        n += k;
        p += 1 + (size_t)in->src[p];
    }
    return n;
}

#ifndef GIFLOW_CONFIG_NO_CANVAS /* only the canvas renderer reads in place */
void giflow__data_view(const giflow_decoder *dec, const giflow_input *in,
                       const uint8_t **p, const uint8_t **blk_end)
{
    *p = in->src + in->pos;
    *blk_end = *p + (dec->pstate == P_DATA ? dec->need : 0);
}

void giflow__data_advance(giflow_decoder *dec, giflow_input *in, const uint8_t *ip,
                          const uint8_t *blk_end, int ended)
{
    take(dec, in, (size_t)(ip - (in->src + in->pos)));
    if (ended) {
        dec->data_end = 1;
        dec->pstate = P_BLOCK;
    } else if (ip == blk_end) {
        dec->pstate = P_DATA_LEN;
    } else {
        dec->pstate = P_DATA;
        dec->need = (unsigned)(blk_end - ip);
    }
}
#endif

int giflow__skip_data(giflow_decoder *dec, giflow_input *in)
{
    while (!dec->data_end && data_block(dec, in)) {
        size_t k = dec->need < avail(in) ? dec->need : avail(in);
        if (k == 0)
            break;
        data_take(dec, in, k);
    }
    if (dec->data_end)
        return GIFLOW_OK;
    return in->eof ? giflow__fail(dec, GIFLOW_ERR_TRUNCATED) : GIFLOW_NEED_INPUT;
}
