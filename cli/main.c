/* giflow: command-line front end. It uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "args.h"
#include "io.h"

static const char usage[] =
    "usage: giflow <command> [options]\n"
    "\n"
    "commands:\n"
    "  info [--json] [--verify] FILE        describe a GIF (FILE may be -)\n"
    "  decode [options] FILE -o DIR         one PNG per frame, as a browser shows it\n"
    "  decode --frame N FILE -o OUT.png     one frame (or --frames LIST, --at 2.5s)\n"
    "  decode --raw [options] FILE -o OUT   frames as raw RGBA, back to back (OUT may be -)\n"
    "  encode [options] -o OUT.gif INPUT... PNG/JPEG files, raw RGBA or y4m to GIF\n"
    "  edit [options] IN.gif... -o OUT.gif  optimise, transform, retime GIFs (losslessly)\n"
    "\n"
    "Run 'giflow <command> --help' for the options of a command.\n";

const char *cli_decode_opts_help =
    "  --lenient              accept LZW minimum code sizes up to 11\n"
    "  --merge-zero-delay     images with no delay join the next frame (gdk-pixbuf model)\n"
    "  --small-memory         no LZW working buffer: the decoder's fixed state only\n"
    "  --max-pixels N         refuse canvases above N pixels (default 268435456)\n"
    "  --max-frames N         refuse more than N frames (default 1000000)\n"
    "  --max-memory BYTES     decoder memory budget (default 1 GiB)\n"
    "  --max-metadata BYTES   refuse more comment/application extension bytes (64 MiB)\n"
    "  --max-extensions N     refuse more extension blocks (default 4000000)\n"
    "  --chunk N              feed the decoder N input bytes at a time (default 256 KiB)\n";

const cli_opt cli_decode_opt_table[] = {
    {"lenient", 0, 0, CLI_DOPT_LENIENT},
    {"merge-zero-delay", 0, 0, CLI_DOPT_MERGE_ZERO_DELAY},
    {"small-memory", 0, 0, CLI_DOPT_SMALL_MEMORY},
    {"max-pixels", 0, 1, CLI_DOPT_MAX_PIXELS},
    {"max-frames", 0, 1, CLI_DOPT_MAX_FRAMES},
    {"max-memory", 0, 1, CLI_DOPT_MAX_MEMORY},
    {"chunk", 0, 1, CLI_DOPT_CHUNK},
    {"max-metadata", 0, 1, CLI_DOPT_MAX_METADATA},
    {"max-extensions", 0, 1, CLI_DOPT_MAX_EXTENSIONS},
    CLI_OPT_END,
};

int cli_decode_opt(cli_decode_opts *o, const cli_args *a, int id)
{
    uint64_t v = 0;
    switch (id) {
    case CLI_DOPT_LENIENT: o->flags |= GIFLOW_FLAG_LENIENT_CODE_SIZE; return 1;
    case CLI_DOPT_MERGE_ZERO_DELAY: o->flags |= GIFLOW_FLAG_MERGE_ZERO_DELAY; return 1;
    case CLI_DOPT_SMALL_MEMORY: o->flags |= GIFLOW_FLAG_SMALL_MEMORY; return 1;
    case CLI_DOPT_MAX_PIXELS:
        if (cli_val_u64(a, 0, UINT64_MAX, " pixels (0: no limit)", &v))
            return -1;
        o->limits.max_canvas_pixels = v;
        return 1;
    case CLI_DOPT_MAX_FRAMES:
        if (cli_val_u64(a, 0, UINT32_MAX, " frames (0: no limit)", &v))
            return -1;
        o->limits.max_frames = (uint32_t)v;
        return 1;
    case CLI_DOPT_MAX_MEMORY:
        if (cli_val_u64(a, 0, UINT64_MAX, " bytes (0: no limit)", &v))
            return -1;
        o->limits.max_memory = v;
        return 1;
    case CLI_DOPT_MAX_METADATA:
        if (cli_val_u64(a, 0, UINT64_MAX, " bytes (0: no limit)", &v))
            return -1;
        o->limits.max_metadata_bytes = v;
        return 1;
    case CLI_DOPT_MAX_EXTENSIONS:
        if (cli_val_u64(a, 0, UINT32_MAX, " extensions (0: no limit)", &v))
            return -1;
        o->limits.max_extensions = (uint32_t)v;
        return 1;
    case CLI_DOPT_CHUNK:
        if (cli_val_u64(a, 1, SIZE_MAX / 2, " bytes", &v))
            return -1;
        o->chunk = (size_t)v;
        return 1;
    default:
        return 0;
    }
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
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("giflow %s\n", GIFLOW_VERSION_STRING);
        return 0;
    }
    if (!strcmp(argv[1], "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "decode"))
        return cmd_decode(argc - 1, argv + 1);
    if (!strcmp(argv[1], "encode"))
        return cmd_encode(argc - 1, argv + 1);
    if (!strcmp(argv[1], "edit"))
        return cmd_edit(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    fputs(usage, stderr);
    return EXIT_USAGE;
}
