/* Subcommands and shared option handling of the giflow tool. */
#ifndef GIFLOW_CLI_CLI_H
#define GIFLOW_CLI_CLI_H

#include "giflow.h"

/* Decoder options common to the decoding subcommands. */
typedef struct cli_decode_opts {
    unsigned flags;       /* giflow_decoder_set_flags() */
    giflow_limits limits;
    size_t chunk;         /* input bytes per decoder call, 0 = default */
} cli_decode_opts;

/* Consumes a decoder option at argv[*i] (advancing *i past any value).
 * Returns 1 if it was one, 0 if not, -1 on a bad value. */
int cli_decode_opt(cli_decode_opts *o, int argc, char **argv, int *i);
/* A new decoder configured from o, or NULL (message printed). */
giflow_decoder *cli_decoder(const cli_decode_opts *o);
extern const char *cli_decode_opts_help;

int cmd_info(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);

/* Exit codes. */
#define EXIT_USAGE 64   /* bad command line */
#define EXIT_FAIL 1     /* nothing usable produced */
#define EXIT_PARTIAL 2  /* complete frames written, then the stream broke */

#endif
