/* giflow: command-line front end. It uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "io.h"

static const char usage[] =
    "usage: giflow <command> [options]\n"
    "\n"
    "commands:\n"
    "  info [--json] [--verify] FILE        describe a GIF (FILE may be -)\n"
    "  decode [options] FILE -o DIR         one PNG per frame, as a browser shows it\n"
    "  decode --raw [options] FILE -o OUT   frames as raw RGBA, back to back (OUT may be -)\n"
    "  encode [options] -o OUT.gif INPUT... PNG/JPEG files, raw RGBA or y4m to GIF\n"
    "\n"
    "Run 'giflow <command> --help' for the options of a command.\n";

const char *cli_decode_opts_help =
    "  --lenient              accept LZW minimum code sizes up to 11\n"
    "  --merge-zero-delay     images with no delay join the next frame (gdk-pixbuf model)\n"
    "  --small-memory         no LZW working buffer: the decoder's fixed state only\n"
    "  --max-pixels N         refuse canvases above N pixels (default 268435456)\n"
    "  --max-frames N         refuse more than N frames (default 1000000)\n"
    "  --max-memory BYTES     decoder memory budget (default 1 GiB)\n"
    "  --chunk N              feed the decoder N input bytes at a time (default 256 KiB)\n";

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-')
        return -1;
    *v = x;
    return 0;
}

int cli_decode_opt(cli_decode_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    uint64_t v;
    if (!strcmp(a, "--lenient")) {
        o->flags |= GIFLOW_FLAG_LENIENT_CODE_SIZE;
        return 1;
    }
    if (!strcmp(a, "--merge-zero-delay")) {
        o->flags |= GIFLOW_FLAG_MERGE_ZERO_DELAY;
        return 1;
    }
    if (!strcmp(a, "--small-memory")) {
        o->flags |= GIFLOW_FLAG_SMALL_MEMORY;
        return 1;
    }
    if (strcmp(a, "--max-pixels") && strcmp(a, "--max-frames") && strcmp(a, "--max-memory") &&
        strcmp(a, "--chunk"))
        return 0;
    if (*i + 1 >= argc || parse_u64(argv[*i + 1], &v)) {
        cli_error("%s needs a number", a);
        return -1;
    }
    ++*i;
    if (!strcmp(a, "--max-pixels"))
        o->limits.max_canvas_pixels = v;
    else if (!strcmp(a, "--chunk"))
        o->chunk = v ? (size_t)v : 1;
    else if (!strcmp(a, "--max-frames"))
        o->limits.max_frames = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    else
        o->limits.max_memory = v;
    return 1;
}

giflow_decoder *cli_decoder(const cli_decode_opts *o)
{
    giflow_decoder *dec = giflow_decoder_new(NULL);
    if (!dec) {
        cli_error("out of memory");
        return NULL;
    }
    giflow_decoder_set_flags(dec, o->flags);
    giflow_decoder_set_limits(dec, &o->limits);
    return dec;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("giflow %s\n", GIFLOW_VERSION_STRING);
        return 0;
    }
    if (!strcmp(argv[1], "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "decode"))
        return cmd_decode(argc - 1, argv + 1);
    if (!strcmp(argv[1], "encode"))
        return cmd_encode(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    fputs(usage, stderr);
    return EXIT_USAGE;
}
