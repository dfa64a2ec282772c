/*
 * The transcoder's fast path: the input's blocks copied as they stream
 * past, frame data untouched. Only graphic controls (delays), loop
 * extensions and comments or other extensions are rewritten, added or
 * dropped. Byte-resumable: input may arrive in pieces of any size. One
 * input only (another one's frames would need its palettes).
 */
#ifndef GIFLOW_TRANSCODE_COPY_H
#define GIFLOW_TRANSCODE_COPY_H

#include "giflow.h"
#include "../encode/gifwrite.h"

typedef struct giflow__copy {
    giflow__gifout *out;
    /* What to change. */
    int loop;                 /* GIFLOW_KEEP, -1 none, or the count */
    int delay;                /* GIFLOW_KEEP or the delay */
    double speed;
    int strip;
    const uint8_t *comment;
    size_t comment_size;

    /* Parser. */
    int state;
    uint8_t hold[16 + 256];   /* a block gathered before it is judged */
    unsigned hold_len, need;
    unsigned label;
    int keep;                 /* the current extension is copied */
    int gce_seen;             /* since the last image */
    uint32_t frames;
    int done;                 /* trailer seen, or the input broke */
    int broken;               /* a decoding error ended the input */
} giflow__copy;

void giflow__copy_init(giflow__copy *c, giflow__gifout *out, const giflow_transcode_options *o);
/* Consumes input. Returns GIFLOW_NEED_INPUT, GIFLOW_END (trailer, or the
 * input ended at a block boundary or broke), or a write error. */
int giflow__copy_push(giflow__copy *c, giflow_input *in);
/* The delay a frame gets (stored delay in, delay to write out). */
uint32_t giflow__retime(int delay, double speed, uint32_t stored);

#endif
