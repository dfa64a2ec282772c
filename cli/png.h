/* PNG output through libspng, whole images or one row at a time. */
#ifndef GIFLOW_CLI_PNG_H
#define GIFLOW_CLI_PNG_H

#include <stdint.h>
#include <stdio.h>

#include "io.h"

typedef struct cli_png cli_png;

/* Starts an 8-bit RGBA PNG of w x h on out. Returns NULL on failure. */
cli_png *cli_png_begin(cli_out *out, uint32_t w, uint32_t h);
/* Appends one row of w RGBA pixels. Returns 0 on success. */
int cli_png_row(cli_png *p, const uint8_t *rgba);
/* Finishes the file (after h rows) and frees p. Returns 0 on success. */
int cli_png_end(cli_png *p);

/* Convenience: a whole RGBA image with the given stride. */
int cli_png_write(cli_out *out, const uint8_t *rgba, uint32_t w, uint32_t h, size_t stride);

#endif
