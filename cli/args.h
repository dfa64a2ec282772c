/* One command-line parser for every giflow subcommand.
 *
 * Options are described by tables; cli_next() walks argv and returns, one
 * at a time, each option's id (its value in a.val) or each operand. It
 * accepts what gifsicle and ffmpeg users type:
 *   --name value   --name=value   -x value   -xvalue
 *   --             (everything after it is an operand)
 *   -              (an operand: stdin or stdout)
 * and it prints every error once, prefixed with the command's name.
 *
 *   static const cli_opt opts[] = {
 *       {"output", 'o', 1, OPT_OUT}, {"json", 0, 0, OPT_JSON}, CLI_OPT_END};
 *   cli_args a;
 *   cli_args_init(&a, "encode", argc, argv, opts, NULL);
 *   for (int k; (k = cli_next(&a)) != CLI_ARG_DONE;)
 *       switch (k) {
 *       case OPT_OUT: out = a.val; break;
 *       case CLI_ARG_OPERAND: add_input(a.val); break;
 *       case CLI_ARG_HELP: puts(help); return 0;
 *       default: return EXIT_USAGE; (CLI_ARG_ERROR: already reported)
 *       }
 */
#ifndef GIFLOW_CLI_ARGS_H
#define GIFLOW_CLI_ARGS_H

#include <stdint.h>

typedef struct cli_opt {
    const char *name; /* long name without the dashes, e.g. "fps" */
    char letter;      /* short form (-o), or 0 */
    int value;        /* 1 if it takes a value */
    int id;           /* > 0: what cli_next() returns for it */
} cli_opt;

#define CLI_OPT_END {0, 0, 0, 0}

#define CLI_ARG_DONE 0     /* no arguments left */
#define CLI_ARG_OPERAND -1 /* a.val is an operand (not an option) */
#define CLI_ARG_HELP -2    /* -h or --help */
#define CLI_ARG_ERROR -3   /* bad usage, reported: exit EXIT_USAGE */

#define CLI_ARG_TABLES 4

typedef struct cli_args {
    const char *cmd; /* "encode": the prefix of every message */
    int argc, i;
    char **argv;
    const cli_opt *tables[CLI_ARG_TABLES]; /* searched in order */
    const char *val;  /* the option's value, or the operand */
    char opt[64];     /* the option as typed, without "=value" (messages) */
    int operands_only; /* after "--" */
} cli_args;

/* argv[0] is the command's own name and is skipped. t1 and t2 (either may
 * be NULL) end with CLI_OPT_END; cli_args_add() appends more tables (e.g.
 * the decoder options every decoding command shares). */
void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv, const cli_opt *t1,
                   const cli_opt *t2);
void cli_args_add(cli_args *a, const cli_opt *t);

/* The next option's id, CLI_ARG_OPERAND, CLI_ARG_HELP, CLI_ARG_DONE, or
 * CLI_ARG_ERROR (unknown option, missing or unwanted value). */
int cli_next(cli_args *a);

/* Value checkers for the option just returned. Each converts a.val, checks
 * it is entirely a number in [lo, hi] (finite, for doubles) and returns 0,
 * or prints "CMD: --opt takes LO..HI UNIT" and returns -1. A value is
 * range-checked before it is converted to anything narrower. */
int cli_val_long(const cli_args *a, long lo, long hi, const char *unit, long *out);
int cli_val_u64(const cli_args *a, uint64_t lo, uint64_t hi, const char *unit, uint64_t *out);
/* The characters of a decimal number; strtod also reads hex ("0x10") and
 * "infinity", which no option means. */
#define CLI_DECIMAL_CHARS "0123456789.eE+-"
int cli_val_double(const cli_args *a, double lo, double hi, const char *unit, double *out);
/* Index of a.val in names (NULL-terminated), or -1 after listing them. */
int cli_val_choice(const cli_args *a, const char *const *names);

/* Parses exactly n unsigned 32-bit numbers separated by sep ("X,Y,W,H",
 * "WxH"). Returns 0, or -1 if s is anything else. */
int cli_parse_list(const char *s, char sep, uint32_t *v, int n);

/* Reports a bad value of the current option: "CMD: --opt takes WHAT". */
int cli_bad_value(const cli_args *a, const char *what);

#endif
