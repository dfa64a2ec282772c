/* Subcommands and shared option handling of the giflow tool. */
#ifndef GIFLOW_CLI_CLI_H
#define GIFLOW_CLI_CLI_H

#include "args.h"
#include "giflow.h"

/* Decoder options common to the decoding subcommands. */
typedef struct cli_decode_opts {
    unsigned flags;       /* giflow_decoder_set_flags() */
    giflow_limits limits;
    size_t chunk;         /* input bytes per decoder call, 0 = default */
} cli_decode_opts;

/* The decoder options every decoding command accepts: add
 * cli_decode_opt_table to the command's cli_args, and hand each id
 * cli_next() returns to cli_decode_opt() first. Ids from 1000 up are
 * reserved for it. */
enum {
    CLI_DOPT_LENIENT = 1000,
    CLI_DOPT_MERGE_ZERO_DELAY,
    CLI_DOPT_SMALL_MEMORY,
    CLI_DOPT_MAX_PIXELS,
    CLI_DOPT_MAX_FRAMES,
    CLI_DOPT_MAX_MEMORY,
    CLI_DOPT_CHUNK,
    CLI_DOPT_MAX_METADATA,
    CLI_DOPT_MAX_EXTENSIONS,
};
extern const cli_opt cli_decode_opt_table[];
/* Applies decoder option id. Returns 1 if it was one, 0 if id is not a
 * decoder option, -1 on a bad value (reported). */
int cli_decode_opt(cli_decode_opts *o, const cli_args *a, int id);
/* A new decoder configured from o, or NULL (message printed). */
giflow_decoder *cli_decoder(const cli_decode_opts *o);
extern const char *cli_decode_opts_help;

int cmd_info(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_edit(int argc, char **argv);

/* Exit codes. */
#define EXIT_USAGE 64   /* bad command line */
#define EXIT_FAIL 1     /* nothing usable produced */
#define EXIT_PARTIAL 2  /* complete frames written, then the stream broke */

#endif
