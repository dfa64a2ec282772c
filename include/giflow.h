/*
 * giflow.h - streaming GIF codec. This header is the manual.
 *
 * giflow decodes and encodes GIF as a stream, in bounded memory, and renders
 * every GIF the way Chromium does (see docs/browser-model.md). The library
 * depends on libc alone, keeps no global state, never does I/O itself and
 * allocates only through an allocator hook (or not at all).
 *
 * Conventions
 * - Every function that can fail returns an int status: GIFLOW_OK (0), a
 *   positive progress code, or a negative GIFLOW_ERR_* code. Negative codes
 *   are never renumbered. giflow_strerror() turns any of them into English.
 * - Progress codes say where a stream stands; none of them is an error.
 *   GIFLOW_NEED_INPUT: every byte offered has been consumed and more are
 *   needed; call the same function again with the next bytes (nothing is
 *   lost or repeated). GIFLOW_FRAME_END: the current frame is complete; go
 *   on with giflow_decode_frame_info(). GIFLOW_END: there are no more frames
 *   (the trailer, or input marked eof that ends at a block boundary); later
 *   frame_info calls return it again.
 * - Error model. GIFLOW_ERR_ARG (a NULL or out-of-range argument, an
 *   impossible struct size) and GIFLOW_ERR_STATE (a call in the wrong stage)
 *   are refusals: the call returns before doing anything, the object is as
 *   it was, and a corrected call may follow. Setup calls that can fail in
 *   other ways without harm say so in their block (they are not sticky
 *   either). Every other error (bad data, a limit, GIFLOW_ERR_NOMEM during
 *   decoding or encoding, GIFLOW_ERR_IO from a callback,
 *   GIFLOW_ERR_TOO_MANY_COLORS) is sticky: the decoder or encoder has
 *   failed, and every later call on its stream returns that same error.
 *   What was delivered before it (rows, frames, bytes written) stands,
 *   queries such as giflow_decoder_heap() and giflow_encoder_stats() still
 *   answer, and the object must still be freed. So a caller may check once,
 *   at the end.
 * - Input is pushed in caller-owned buffers (giflow_input, zstd style). A call
 *   consumes what it can, advances input->pos, and returns GIFLOW_NEED_INPUT
 *   when it needs bytes that have not arrived. Chunks may be of any size, down
 *   to one byte; results never depend on how the stream was split. Or it is
 *   pulled from a giflow_source.
 * - Ownership. The library copies the structs you pass and keeps no pointer
 *   you give it, except where a block says so (callbacks and their user
 *   pointers, scratch memory, a source, display callbacks: those must stay
 *   valid while the object uses them). Pointers it hands out (rows,
 *   palettes, frame info, encoded output) belong to the object and stay
 *   valid until the next call on it, unless their block says longer. An
 *   object from a _new() call is released with its _free(), which accepts
 *   NULL.
 * - Each function's block says when it may be called, what it returns, and
 *   what it owns or borrows beyond these rules. "Any time" means on any
 *   object, in any stage, failed or not.
 *
 * Extensible structs and ABI stability
 * - The option structs you fill in and hand to the library (giflow_limits,
 *   giflow_encode_options, giflow_frame) begin with a size_t size field, so
 *   fields can be added at their end without breaking programs built
 *   against an older header. Start each from its default
 *   (giflow_limits_default(), giflow_encode_options_default(),
 *   giflow_frame_init()), which sets size, then set the fields you want by
 *   name. A zero-initialised giflow_frame (size 0) is valid too and means
 *   the 0.1 layout with every field 0.
 *   The library reads the first size bytes, gives later fields their
 *   defaults, and returns GIFLOW_ERR_ARG for a size it cannot have come
 *   from (below the 0.1 layout, or larger with nonzero bytes past the
 *   fields this library knows).
 * - Structs the library fills in are owned by one side. Those it hands out
 *   by pointer (giflow_meta, giflow_decoder_current_frame()) may grow at
 *   their end in any release. Those you declare (giflow_image_info,
 *   giflow_frame_info, giflow_row, giflow_encode_stats), the plain
 *   structs you fill in (giflow_allocator, giflow_input, giflow_viewport,
 *   giflow_restart: new settings come as new calls) and the existing fields of any struct
 *   change only with the soname.
 * - The soname carries the ABI: libgiflow.so.0.MINOR before 1.0 (a minor
 *   release may change the ABI, a patch release never does), then
 *   libgiflow.so.MAJOR. Status codes are never renumbered, and functions
 *   are not removed within a soname: a renamed function keeps its old name
 *   as an alias (listed at the end of this header).
 *
 * Decoding, in stages (Wuffs style):
 *   1. giflow_decode_image_info()  canvas size, global palette, loop count
 *   2. giflow_decode_frame_info()  next frame's rectangle, delay, disposal...
 *   3. one of
 *      giflow_decode_row()         one row of palette indices at a time, or
 *      giflow_decode_frame_rgba()  composite the frame into an RGBA canvas
 *   then back to 2 until it returns GIFLOW_END.
 *
 * Licence: MIT.
 */
#ifndef GIFLOW_H
#define GIFLOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version and export                                                        */
/* ------------------------------------------------------------------------ */

/* The one place the version is defined: CMake reads these three lines for
 * the project version, the shared library's version and soname, giflow.pc
 * and the CMake package. */
#define GIFLOW_VERSION_MAJOR 0
#define GIFLOW_VERSION_MINOR 1
#define GIFLOW_VERSION_PATCH 0

#define GIFLOW_VERSION_NUMBER \
    (GIFLOW_VERSION_MAJOR * 10000 + GIFLOW_VERSION_MINOR * 100 + GIFLOW_VERSION_PATCH)
#define GIFLOW__STR(x) #x
#define GIFLOW__XSTR(x) GIFLOW__STR(x)
#define GIFLOW_VERSION_STRING                                                \
    GIFLOW__XSTR(GIFLOW_VERSION_MAJOR) "." GIFLOW__XSTR(GIFLOW_VERSION_MINOR) \
    "." GIFLOW__XSTR(GIFLOW_VERSION_PATCH)

/* Marks every public function. The library is built with hidden visibility,
 * so only what carries GIFLOW_API (all of it named giflow_*) is exported
 * from libgiflow.so; internal giflow__* helpers are not. */
#ifndef GIFLOW_API
#  if defined(_WIN32) && defined(GIFLOW_BUILD_SHARED)
#    define GIFLOW_API __declspec(dllexport)
#  elif defined(_WIN32) && defined(GIFLOW_USE_SHARED)
#    define GIFLOW_API __declspec(dllimport)
#  elif defined(__GNUC__) || defined(__clang__)
#    define GIFLOW_API __attribute__((visibility("default")))
#  else
#    define GIFLOW_API
#  endif
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */
/* ------------------------------------------------------------------------ */

/* Success and progress (>= 0). */
#define GIFLOW_OK 0          /* the call did what was asked */
#define GIFLOW_NEED_INPUT 1  /* all input consumed; call again with more */
#define GIFLOW_END 2         /* no more frames: trailer or end of input */
#define GIFLOW_FRAME_END 3   /* every row of the current frame is out */

/* Errors (< 0). Numbers are stable; new codes are only ever appended. */
#define GIFLOW_ERR_ARG -1            /* NULL or out-of-range argument */
#define GIFLOW_ERR_STATE -2          /* call made in the wrong stage */
#define GIFLOW_ERR_NOMEM -3          /* the allocator returned NULL */
#define GIFLOW_ERR_SMALL_BUFFER -4   /* caller-provided memory too small */
#define GIFLOW_ERR_NOT_GIF -10       /* signature is not GIF87a / GIF89a */
#define GIFLOW_ERR_TRUNCATED -11     /* input ended inside a block */
#define GIFLOW_ERR_BAD_BLOCK -12     /* unknown block introducer byte */
#define GIFLOW_ERR_BAD_CODE_SIZE -13 /* LZW minimum code size out of range */
#define GIFLOW_ERR_BAD_CODE -14      /* LZW code above the next free code */
#define GIFLOW_ERR_MISSING_PIXELS -15 /* image data ended before frame full */
#define GIFLOW_ERR_BAD_EXTENSION -16 /* graphic control block malformed */
#define GIFLOW_ERR_EMPTY_IMAGE -17   /* canvas width or height is 0 */
#define GIFLOW_ERR_LIMIT_CANVAS -20  /* canvas larger than the set limit */
#define GIFLOW_ERR_LIMIT_FRAMES -21  /* more frames than the set limit */
#define GIFLOW_ERR_LIMIT_PIXELS -22  /* too many pixels decoded in total */
#define GIFLOW_ERR_LIMIT_MEMORY -23  /* would exceed the memory budget */
#define GIFLOW_ERR_LIMIT_METADATA -24 /* more extension bytes than the limit */
#define GIFLOW_ERR_LIMIT_EXTENSIONS -25 /* more extensions than the limit */
#define GIFLOW_ERR_IO -30            /* a user callback reported failure */
#define GIFLOW_ERR_TOO_MANY_COLORS -31 /* lossless asked, > max_colors colours */

/* Any time. Returns a static NUL-terminated English description of any
 * status code ("unknown status" for a number giflow does not define);
 * never NULL, never to be freed. */
GIFLOW_API const char *giflow_strerror(int status);

/* The library's version, as GIFLOW_VERSION_NUMBER (major * 10000 + minor *
 * 100 + patch) and as a static "major.minor.patch" string. They tell which
 * library was loaded at run time; the macros tell which header was compiled
 * against. Any time; the string is static. */
GIFLOW_API unsigned giflow_version(void);
GIFLOW_API const char *giflow_version_string(void);

/* ------------------------------------------------------------------------ */
/* Memory                                                                    */
/* ------------------------------------------------------------------------ */

/* Allocator hook. alloc(user, size) returns memory aligned for any type or
 * NULL; free(user, ptr) releases it (ptr may be NULL). Pass NULL wherever a
 * giflow_allocator is taken to use malloc/free. */
typedef struct giflow_allocator {
    void *(*alloc)(void *user, size_t size);
    void (*free)(void *user, void *ptr);
    void *user;
} giflow_allocator;

/* Caller-owned input window (zstd style). The library reads src[pos..size)
 * and advances pos. Set eof to nonzero when these are the last bytes of the
 * stream: the decoder can then tell a clean end from a truncated file. */
typedef struct giflow_input {
    const uint8_t *src;
    size_t size;
    size_t pos;
    int eof;
} giflow_input;

/* ---- Pull input: a source ----------------------------------------------
 * Instead of pushing chunks, a decoder can pull its input from a source:
 * a file in memory (memory-mapped flash: decoded in place, never copied),
 * or read/seek callbacks (an SD card, a socket). Attach it with
 * giflow_decoder_set_source() and pass NULL as the input to the decode
 * calls; they then read as they need and never return GIFLOW_NEED_INPUT.
 * A source can also be driven by hand: source.in is an ordinary
 * giflow_input window, giflow_source_refill() moves it on after
 * GIFLOW_NEED_INPUT, and giflow_source_seek() jumps (a frame index, a
 * player going back to frame 0).
 *
 * Reads are large: each asks for the whole caller buffer. Normal decoding
 * only ever reads forward; a seek is made only when asked for, or by the
 * restore-previous re-decode fallback (giflow_display), which the caller
 * chooses. A seek inside the bytes already buffered costs no call.
 *
 * The struct is caller-declared (its layout is part of the ABI, like
 * giflow_input) and set up by one of the two init calls; treat its fields
 * as read-only except through these calls. */

/* Reads up to n (> 0) bytes into buf. Returns the number read, 0 only at
 * the end of the stream, or a negative value on failure (GIFLOW_ERR_IO). */
typedef ptrdiff_t (*giflow_read_fn)(void *user, uint8_t *buf, size_t n);
/* Moves the stream to the absolute byte offset. Returns 0 on success,
 * nonzero on failure (GIFLOW_ERR_IO). */
typedef int (*giflow_seek_fn)(void *user, uint64_t offset);

typedef struct giflow_source {
    giflow_input in;      /* the window the decoder reads */
    uint64_t base;        /* stream offset of in.src[0] */
    giflow_read_fn read;  /* NULL for a memory source */
    giflow_seek_fn seek;  /* NULL when the stream cannot seek */
    void *user;
    uint8_t *buf;         /* read buffer (callbacks) */
    size_t buf_size;
    uint64_t size;        /* memory source: the whole stream's size */
    int status;           /* sticky GIFLOW_ERR_IO after a failed call */
} giflow_source;

/* Sets *src up over size bytes at data, decoded in place (zero-copy).
 * Any time, on a source not attached to a decoder. Cannot fail; data NULL
 * is an empty stream. data stays the caller's and must stay valid and
 * unchanged while the source is used. Seeks anywhere in it are free. */
GIFLOW_API void giflow_source_memory(giflow_source *src, const void *data, size_t size);

/* Sets *src up over callbacks. Any time, on a source not attached to a
 * decoder. read is required; seek may be NULL (a stream that only goes
 * forward: then no seek can be made). buf (buf_size > 0 bytes,
 * caller-owned, valid while the source is used) receives the reads; 512
 * bytes suits an SD card, larger reads fewer times. The stream is taken to
 * be at offset 0 now. With no read or no buffer the source is failed: its
 * calls return GIFLOW_ERR_ARG. */
GIFLOW_API void giflow_source_callbacks(giflow_source *src, giflow_read_fn read,
                                        giflow_seek_fn seek, void *user, void *buf,
                                        size_t buf_size);

/* Moves the window on after a decode call returned GIFLOW_NEED_INPUT
 * (bytes not consumed yet are kept). Returns GIFLOW_OK, with in.eof set
 * once the stream has ended, or GIFLOW_ERR_IO (sticky) if read failed.
 * A memory source has nothing more: it sets eof. */
GIFLOW_API int giflow_source_refill(giflow_source *src);

/* Any time. The stream offset of the next byte the decoder will read. */
GIFLOW_API uint64_t giflow_source_tell(const giflow_source *src);

/* Any time. Nonzero when giflow_source_seek() can reach any offset (a
 * memory source, or a seek callback, and no sticky error). */
GIFLOW_API int giflow_source_can_seek(const giflow_source *src);

/* Moves the window to stream offset `offset`. Inside the bytes already in
 * the window this costs nothing; otherwise it calls seek and empties the
 * window (the next refill reads from there). Returns GIFLOW_OK;
 * GIFLOW_ERR_ARG for an offset past the end of a memory source;
 * GIFLOW_ERR_STATE when the stream cannot seek; GIFLOW_ERR_IO (sticky) if
 * seek failed. A decoder's parse position is not moved by this: see
 * giflow_decoder_set_source(). */
GIFLOW_API int giflow_source_seek(giflow_source *src, uint64_t offset);

/* ------------------------------------------------------------------------ */
/* Decoder                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct giflow_decoder giflow_decoder;

/* Limits for untrusted input. Zero in a field means "no limit". An
 * extensible struct (see "Extensible structs" above): start from
 * giflow_limits_default(). */
typedef struct giflow_limits {
    size_t size;                /* set by giflow_limits_default() */
    uint64_t max_canvas_pixels; /* canvas width*height (after growth) */
    uint32_t max_frames;        /* image descriptors per file */
    uint64_t max_total_pixels;  /* sum of frame width*height per file */
    uint64_t max_memory;        /* bytes the decoder may allocate */
    /* Added after 0.1 (a 0.1-sized struct gets their defaults): */
    uint64_t max_metadata_bytes; /* bytes of comment, application, plain
                                    text and unknown extensions per file
                                    (sub-block length bytes included) */
    uint32_t max_extensions;    /* extension blocks per file, graphic
                                   controls included */
} giflow_limits;

/* Fills *limits with the defaults (what giflow_decoder_new / init_static
 * start with): canvas 2^28 pixels (e.g. 16384x16384), 1,000,000 frames,
 * 2^36 total pixels, 1 GiB of decoder allocations, 64 MiB of metadata
 * and 4,000,000 extensions (four per frame at the frame limit; browsers
 * set no such limits, and no real GIF comes near them, but without them an
 * endless run of comments or empty extensions never ends); and sets its
 * size.
 * giflow_limits_default(&l) is the call to use; it passes sizeof l to
 * giflow_limits_init_size(), which writes only that many bytes. */
GIFLOW_API void giflow_limits_init_size(giflow_limits *limits, size_t size);
#define giflow_limits_default(limits) giflow_limits_init_size((limits), sizeof *(limits))

/* Metadata events, delivered through an optional callback as the stream is
 * parsed. Extension data arrives one sub-block at a time, so arbitrarily
 * large comments or XMP packets cost no memory. */
#define GIFLOW_META_COMMENT 1     /* comment extension (0xFE) sub-block */
#define GIFLOW_META_APPLICATION 2 /* application extension (0xFF) sub-block */
#define GIFLOW_META_PLAIN_TEXT 3  /* plain text extension (0x01) sub-block */
#define GIFLOW_META_UNKNOWN 4     /* any other extension label's sub-block */

typedef struct giflow_meta {
    int kind;             /* GIFLOW_META_* */
    int label;            /* the extension label byte */
    char app_id[12];      /* application identifier + auth code, NUL-ended */
    uint32_t block_index; /* 0 for the first sub-block of this extension */
    int last;             /* nonzero on the terminator call (size == 0) */
    const uint8_t *data;  /* this sub-block's payload */
    size_t size;
} giflow_meta;

/* Return 0 to continue; nonzero aborts decoding with GIFLOW_ERR_IO. */
typedef int (*giflow_meta_fn)(void *user, const giflow_meta *meta);

/* Compile-time sizes, to declare static decoder memory without a host
 * build: GIFLOW_DECODER_STATE_SIZE is at least giflow_decoder_state_size()
 * (the library checks it when built, on 32- and 64-bit targets), and
 * GIFLOW_DECODER_STATIC_SIZE(row_bytes) at least
 * giflow_decoder_static_size(row_bytes + 3). row_bytes is the widest
 * frame's width, times the display's bytes per pixel with display
 * output.
 *   static uint8_t mem[GIFLOW_DECODER_STATIC_SIZE(320 * 2)]
 *       __attribute__((aligned(8)));
 * The state's size depends on the build configuration (see "Build
 * options" in the README); define the same GIFLOW_CONFIG_* macros when
 * including this header as when building the library:
 * - GIFLOW_CONFIG_NO_CANVAS: no RGBA canvas (nor viewport, player,
 *   transcoder); giflow_decode_frame_rgba() fails with GIFLOW_ERR_STATE.
 * - GIFLOW_CONFIG_SMALL_LZW (needs NO_CANVAS): an LZW table of bare
 *   12-bit links packed two to three bytes, 2 KiB smaller; no cached
 *   lengths (a string is written in one walk and moved into place), so
 *   decoding is a little slower.
 * - GIFLOW_CONFIG_ROWS_ONLY (implies both): rows of indices only
 *   (giflow_decode_row); no display output (giflow_decode_frame_draw()
 *   fails with GIFLOW_ERR_STATE) and no palette lookup table.
 * On 32-bit targets the state is 15,808 B by default, 15,248 B with
 * NO_CANVAS (display RGB565 table only: RGBA8888 display output reads the
 * palette per pixel), 13,200 B with SMALL_LZW, 12,688 B rows only. */
#if defined(GIFLOW_CONFIG_ROWS_ONLY) && !defined(GIFLOW_CONFIG_SMALL_LZW)
#define GIFLOW_CONFIG_SMALL_LZW
#endif
#if defined(GIFLOW_CONFIG_SMALL_LZW) && !defined(GIFLOW_CONFIG_NO_CANVAS)
#define GIFLOW_CONFIG_NO_CANVAS
#endif
#if defined(GIFLOW_CONFIG_ROWS_ONLY)
#define GIFLOW_DECODER_STATE_SIZE ((size_t)12560 + 32 * sizeof(void *))
#elif defined(GIFLOW_CONFIG_SMALL_LZW)
#define GIFLOW_DECODER_STATE_SIZE ((size_t)13072 + 32 * sizeof(void *))
#elif defined(GIFLOW_CONFIG_NO_CANVAS)
#define GIFLOW_DECODER_STATE_SIZE ((size_t)15120 + 32 * sizeof(void *))
#else
#define GIFLOW_DECODER_STATE_SIZE ((size_t)15700 + 36 * sizeof(void *))
#endif
#define GIFLOW_DECODER_STATIC_SIZE(row_bytes) \
    (((GIFLOW_DECODER_STATE_SIZE + 7) & ~(size_t)7) + (size_t)(row_bytes) + 4)

/* Any time. Bytes needed by giflow_decoder_init_static() for frames up to
 * max_width pixels wide: the fixed state plus one row of indices. (For
 * display output, see giflow_decoder_set_display.) */
GIFLOW_API size_t giflow_decoder_static_size(uint32_t max_width);

/* Initialises a decoder inside caller memory, which must be aligned to 8
 * bytes; the decoder lives there (mem stays the caller's, and must outlive
 * it). Never allocates. Frames wider than the memory allows fail with
 * GIFLOW_ERR_SMALL_BUFFER. Restore-previous compositing needs scratch
 * memory: see giflow_decoder_set_scratch(). Returns the decoder (at mem),
 * or NULL if mem is NULL, misaligned or smaller than
 * giflow_decoder_static_size(1). Nothing needs to be freed afterwards
 * (giflow_decoder_free() is harmless). */
GIFLOW_API giflow_decoder *giflow_decoder_init_static(void *mem, size_t size);

/* Creates a decoder on the heap. alloc may be NULL (malloc); it is copied.
 * Returns the decoder, ready for giflow_decode_image_info(), or NULL on
 * allocation failure. The caller owns it: giflow_decoder_free(). */
GIFLOW_API giflow_decoder *giflow_decoder_new(const giflow_allocator *alloc);

/* Any time. Releases a decoder and everything it allocated; pointers it
 * handed out become invalid. NULL is a no-op. Safe on a static decoder
 * (frees only what an allocator gave it: nothing). */
GIFLOW_API void giflow_decoder_free(giflow_decoder *dec);

/* Copies *limits (start it from giflow_limits_default()). Only before the
 * first decode call: GIFLOW_ERR_STATE after. Returns GIFLOW_OK, or
 * GIFLOW_ERR_ARG for a NULL argument or a bad size field. */
GIFLOW_API int giflow_decoder_set_limits(giflow_decoder *dec, const giflow_limits *limits);
/* Sets (fn) or clears (NULL) the metadata callback; user is passed back to
 * it and borrowed while set. Best before the first decode call: extensions
 * already parsed are not replayed. Returns GIFLOW_OK or GIFLOW_ERR_ARG. */
GIFLOW_API int giflow_decoder_set_meta_callback(giflow_decoder *dec, giflow_meta_fn fn,
                                                void *user);

/* Flags for giflow_decoder_set_flags(). The default (0) is the browser
 * model; the first two exist for test suites whose models differ. */
#define GIFLOW_FLAG_LENIENT_CODE_SIZE 1u /* accept LZW min code size 9..11
                                            (indices above 255 read as 255) */
#define GIFLOW_FLAG_MERGE_ZERO_DELAY 2u  /* gdk-pixbuf / pygif model: an image
    with delay 0 is not a frame of its own. giflow_decode_frame_rgba() keeps
    drawing the following images into the canvas until one with a nonzero
    delay, or the last image, is complete; giflow_decoder_current_frame() then
    describes that last image (its delay is the group's delay). */
#define GIFLOW_FLAG_SMALL_MEMORY 4u      /* giflow_decode_frame_rgba()
    without its working buffer: the same pixels from the fixed state alone,
    at about half the speed on animations (see its memory note). Frames
    copy strings from their own earlier output in the canvas, marking
    transparent pixels in the lowest alpha bit until the call returns, so
    the canvas must come back as the decoder left it: every alpha 0 or 255
    (the "untouched canvas" rule of giflow_decode_frame_rgba()). */
#define GIFLOW_FLAG_ZEROED_CANVAS 8u     /* the canvas handed to the first
    giflow_decode_frame_rgba() is already all zero bytes (transparent
    black, e.g. fresh from calloc): the decoder does not paint the
    transparent start, so pages of a large canvas that no frame paints are
    never touched, and a broken first frame costs what its data decoded,
    not the whole canvas. A restore-previous first frame then needs no
    scratch (what it restores is the transparent start). */
/* Replaces the flags. Meant for before the first decode call (they are read
 * as frames start). Returns GIFLOW_OK, or GIFLOW_ERR_ARG for an unknown
 * flag. */
GIFLOW_API int giflow_decoder_set_flags(giflow_decoder *dec, unsigned flags);

/* Gives the decoder caller-owned scratch memory for restore-previous
 * (disposal 3) compositing, instead of allocating (any scratch it had
 * allocated is freed). It needs frame width * height * 4 bytes for the
 * largest such frame (see giflow_frame_info.restore_bytes); a frame that
 * needs more fails with GIFLOW_ERR_SMALL_BUFFER. Before a frame that needs
 * it. mem is borrowed: it must stay valid while decoding. Returns
 * GIFLOW_OK, or GIFLOW_ERR_ARG (NULL decoder, or NULL mem with a size). */
GIFLOW_API int giflow_decoder_set_scratch(giflow_decoder *dec, void *mem, size_t size);

/* Attaches a pull source (see giflow_source), or detaches it (NULL). The
 * decode calls then take NULL as their input and read from src, which
 * must stay valid while attached; they never return GIFLOW_NEED_INPUT (a
 * stream that ends early is GIFLOW_ERR_TRUNCATED, a failed read
 * GIFLOW_ERR_IO). The source's current offset is taken as the position
 * the decoder has reached, so attach it before the first decode call
 * (offset 0 of the GIF), or exactly where pushed input stopped. Passing a
 * non-NULL input still works and reads that instead. Returns GIFLOW_OK or
 * GIFLOW_ERR_ARG. */
GIFLOW_API int giflow_decoder_set_source(giflow_decoder *dec, giflow_source *src);

/* Whole-stream facts. canvas_* include growth to fit the first frame, so
 * they are final once giflow_decode_image_info() has returned GIFLOW_OK. */
typedef struct giflow_image_info {
    uint32_t canvas_width, canvas_height;
    uint32_t screen_width, screen_height; /* logical screen as stored */
    int version;               /* 87 or 89 */
    int has_global_palette;
    uint32_t global_palette_size;    /* entries, 0 if none */
    const uint8_t *global_palette;   /* RGB triplets; valid for the
                                        decoder's lifetime */
    int background_index;      /* as stored; browsers never paint it */
    int pixel_aspect;          /* as stored */
} giflow_image_info;

/* Stage 1, the first decode call (repeat it while it returns
 * GIFLOW_NEED_INPUT). Parses the header, logical screen, global palette and
 * whatever precedes the first image, up to that image's rectangle (needed
 * to grow the canvas), and fills *info (its palette pointer is valid for
 * the decoder's lifetime). Returns GIFLOW_OK, GIFLOW_NEED_INPUT or an
 * error; a canvas with no area (after growth) is GIFLOW_ERR_EMPTY_IMAGE,
 * as in Chromium. A stream that ends before any image still succeeds: its
 * frame_info returns GIFLOW_END. Called again later, it returns GIFLOW_OK
 * and the same facts. On an error after the header and global palette
 * were read in full (a file cut or broken after its palette), *info still
 * describes them, with the canvas the logical screen's size (or, for
 * GIFLOW_ERR_EMPTY_IMAGE and GIFLOW_ERR_LIMIT_CANVAS, the grown canvas that
 * was refused); on an earlier error it is zeroed. GIFLOW_NEED_INPUT leaves
 * it untouched. */
GIFLOW_API int giflow_decode_image_info(giflow_decoder *dec, giflow_input *in,
                                        giflow_image_info *info);

/* Any time. The loop count as the browser uses it: -1 when no NETSCAPE2.0 /
 * ANIMEXTS1.0 extension has been seen (play once; also for a NULL
 * decoder), 0 for forever, N for N repeats after the first play. The last
 * extension seen so far wins, so the value is final only at GIFLOW_END. */
GIFLOW_API int giflow_decoder_loop_count(const giflow_decoder *dec);

typedef struct giflow_frame_info {
    uint32_t index;            /* 0-based image descriptor number */
    uint32_t x, y, width, height; /* as stored */
    /* The part of the frame inside the canvas; pixels outside are clipped. */
    uint32_t clip_x, clip_y, clip_width, clip_height;
    uint32_t delay_cs;         /* stored delay, centiseconds */
    uint32_t played_delay_ms;  /* what browsers play: <= 1 cs -> 100 ms */
    int disposal;              /* 0..7 as stored; 4..7: see browser model */
    int transparent_index;     /* -1 when none */
    int interlaced;
    int has_local_palette;
    uint32_t palette_size;     /* entries in the active palette, 0 if none */
    const uint8_t *palette;    /* active palette, RGB triplets, or NULL;
                                  valid until the next frame_info call */
    int min_code_size;         /* LZW minimum code size */
    uint64_t offset;           /* stream offset of the image descriptor */
    size_t restore_bytes;      /* scratch needed to composite this frame
                                  (0 unless disposal is 3 or 4) */
} giflow_frame_info;

/* Stage 2, after stage 1 (which it does first if needed, with no info
 * handed out) or at any point of a frame. Advances to the next
 * image descriptor and fills *info (a copy; its palette pointer is valid
 * until the next frame_info call). Pixel data of a frame that was not
 * decoded, or only partly, is skipped without LZW work. Returns GIFLOW_OK,
 * GIFLOW_END (trailer, or end of input at a block boundary),
 * GIFLOW_NEED_INPUT, or an error. */
GIFLOW_API int giflow_decode_frame_info(giflow_decoder *dec, giflow_input *in,
                                        giflow_frame_info *info);

typedef struct giflow_row {
    uint32_t y;            /* row within the frame, interlace resolved */
    uint32_t width;        /* frame width */
    const uint8_t *indices; /* width palette indices; valid until next call */
    int pass;              /* interlace pass 0..3, or 0 when not interlaced */
} giflow_row;

/* Stage 3a, after a frame_info call returned GIFLOW_OK (GIFLOW_ERR_STATE
 * otherwise). Decodes the next row of palette indices of the current
 * frame. Returns GIFLOW_OK with *row filled (row->indices belongs to the
 * decoder, valid until the next call), GIFLOW_FRAME_END after the last row
 * (and on later calls), GIFLOW_NEED_INPUT, or an error. On an error
 * inside the frame, the rows already returned stand;
 * giflow_decoder_partial_row() tells how far the broken row got. Memory:
 * the decoder's fixed state plus one row. */
GIFLOW_API int giflow_decode_row(giflow_decoder *dec, giflow_input *in, giflow_row *row);

/* Any time; meaningful after an error in stage 3. Returns the number of
 * pixels of the broken row that were decoded (they are in the last row
 * buffer handed out), and stores its y in *y unless y is NULL. 0 for a
 * NULL decoder. */
GIFLOW_API uint32_t giflow_decoder_partial_row(const giflow_decoder *dec, uint32_t *y);

/* Stage 3b, after a frame_info call returned GIFLOW_OK (GIFLOW_ERR_STATE
 * otherwise; repeat it while it returns GIFLOW_NEED_INPUT). Composites the
 * current frame into canvas, which holds
 * canvas_width x canvas_height RGBA pixels (8 bits each, non-premultiplied)
 * with stride bytes per row. Follows the browser model exactly: the previous
 * frame's disposal is applied first, transparent pixels leave the canvas as
 * it was, out-of-range indices are opaque black.
 * The caller must hand in the same untouched canvas for every frame; the
 * decoder clears it before frame 0. Rows appear in the canvas as they decode
 * (progressive display). The canvas stays the caller's; the decoder writes
 * it only during these calls. Returns GIFLOW_FRAME_END when the frame is
 * complete (the canvas is then exactly what a browser shows),
 * GIFLOW_NEED_INPUT, or an error (the frame is then broken: browsers do
 * not show it). With a viewport or a display set, see those.
 * Memory, on the decoder's heap: for a restore-previous frame its rectangle
 * (frame_info.restore_bytes), and a working buffer for speed: the largest
 * frame's pixel count plus 33 KB, taken only while that is at most half
 * the canvas's bytes or at most 64 KiB. Without it (no allocator, GIFLOW_FLAG_SMALL_MEMORY,
 * or the memory limit reached) frames are painted through the fixed state
 * alone, with identical results. A first frame that covers the canvas uses
 * the canvas itself as its workspace when all of its data is at hand, and
 * then writes the canvas only in the call that completes it; so does a
 * later opaque frame as wide as the canvas when there is no working buffer
 * and a scan of its data (all in memory) shows that it makes at least its
 * first 11,025 pixels (interlaced: all of them); one that stops early then
 * still leaves every pixel it did not reach as it was. */
GIFLOW_API int giflow_decode_frame_rgba(giflow_decoder *dec, giflow_input *in,
                                        uint8_t *canvas, size_t stride);

/* Viewport decoding: giflow_decode_frame_rgba() composes every frame into a
 * small canvas that shows one rectangle of the image (the crop), scaled
 * down to out_width x out_height by an exact area average (colours
 * weighted by alpha, every division rounding half up). It is for viewers of
 * images too large to hold: memory and work follow the output, not the
 * canvas. A still, and every first frame, is exactly the full-size
 * composition averaged. Later frames are composited at the output scale
 * with the previous output standing in for the canvas, which is exact
 * wherever frame rectangles and transparent areas align with output
 * pixels; docs/design.md ("Viewport decoding") states exactly where it
 * can differ. Frames and rows outside the crop are not composed, and data
 * below the crop is skipped, so an error only there goes unnoticed.
 * Memory, on the decoder's heap: one row of indices, 80 bytes per output
 * column, and per frame 4 bytes per output pixel it touches if it restores
 * the previous canvas, 32 if it is interlaced and scaled vertically.
 * Nothing is canvas-sized; frame_info.restore_bytes does not apply. */
typedef struct giflow_viewport {
    /* Source rectangle on the canvas (after growth). A width or height of
     * 0 extends it to the canvas's right or bottom edge: {0} is the whole
     * canvas. It must lie inside the canvas. */
    uint32_t crop_x, crop_y, crop_width, crop_height;
    /* Output size, 1..crop_width by 1..crop_height (no upscaling). Both 0
     * select the crop's own size: a plain crop, pixel for pixel. */
    uint32_t out_width, out_height;
} giflow_viewport;

/* Sets the viewport, or removes it when vp is NULL. Call after
 * giflow_decode_image_info() and before the first
 * giflow_decode_frame_rgba(). On success the zero sizes in *vp are
 * replaced by what they resolved to, so vp->out_width and vp->out_height
 * give the output size. From then on giflow_decode_frame_rgba()
 * takes an out_width x out_height canvas (stride >= out_width * 4), which
 * the caller hands in untouched for every frame, as with the full canvas.
 * giflow_decode_row() is unaffected. Needs an allocator: a decoder from
 * giflow_decoder_init_static() returns GIFLOW_ERR_SMALL_BUFFER.
 * Returns GIFLOW_OK; GIFLOW_ERR_ARG for a NULL decoder, a crop not inside
 * the canvas or an output size out of range; GIFLOW_ERR_STATE when called
 * too early or too late; GIFLOW_ERR_NOMEM or GIFLOW_ERR_LIMIT_MEMORY when
 * the first buffers (80 bytes per output column) cannot be had;
 * GIFLOW_ERR_SMALL_BUFFER as above. These errors are not sticky.
 * GIFLOW_ERR_ARG and GIFLOW_ERR_STATE leave the decoder as it was; after
 * the others no viewport is set. A decoder that has already failed
 * returns its error. */
GIFLOW_API int giflow_decoder_set_viewport(giflow_decoder *dec, giflow_viewport *vp);

/* ---- Display output: composing without a canvas ------------------------
 * For a screen the caller draws to (an SPI LCD), not a canvas in memory.
 * The decoder composes every frame by the browser model straight onto the
 * display through callbacks, so no canvas-sized buffer exists anywhere:
 * - draw(x, y, n, pixels): n opaque pixels of canvas row y from column x,
 *   in the display's format, already clipped to the canvas. Transparent
 *   pixels are skipped (whatever the display shows there stays), so
 *   nothing is read back. Runs never span rows; pixels is valid only
 *   during the call.
 * - fill(x, y, w, h): paint the rectangle with what the caller shows where
 *   the image is transparent (a colour, or a wallpaper). It paints the
 *   transparent start before the first frame, disposal 2, and the
 *   transparent parts of a restored rectangle.
 * - read(x, y, n, pixels), optional: n pixels of row y as the display
 *   shows them, in its format (a readback, for restore-previous below).
 * Callbacks return 0, or nonzero to stop decoding with GIFLOW_ERR_IO.
 *
 * Restore previous (disposal 3 and 4) needs what the display showed in the
 * frame's rectangle before the frame was drawn. Where nothing was drawn
 * yet (a restore-previous first frame, for one) that is the transparent
 * start, and the restore is a fill: no memory, no work. Otherwise, in the
 * order allowed by `restore`:
 * - GIFLOW_RESTORE_READBACK: before the frame is drawn, its rectangle is
 *   read back into scratch, and drawn again at disposal. Needs read and
 *   w * h * bpp bytes of scratch (bpp: 2 in RGB565, 4 in RGBA8888, 1 in
 *   INDEX8). Time: one read and one draw of the rectangle.
 * - GIFLOW_RESTORE_REDECODE: at disposal, the rectangle is composed again
 *   from the start of the file into scratch, then drawn. Needs a source
 *   that can seek (giflow_decoder_set_source) and scratch for at least
 *   one row of the rectangle: w * bpp + (w + 7) / 8 bytes per row (the
 *   last part marks transparent pixels, painted with fill). A rectangle
 *   that does not fit is done in bands of rows, each band one pass. Time,
 *   per pass: a seek to the start, parsing every earlier frame, and LZW
 *   on those that touch the band (down to its last row), then a seek
 *   back to where decoding was: on an SD card, two seeks.
 * A restore that none of the allowed ways can do fails the frame with
 * GIFLOW_ERR_SMALL_BUFFER when it begins (before anything is drawn).
 * The rectangle restored is exactly what a browser shows; the display only
 * ever shows complete states (a re-decode works in scratch).
 *
 * Memory: the fixed state plus a row buffer of frame width * bpp bytes
 * (indices are decoded into its tail and converted in place), from the
 * allocator or, for giflow_decoder_init_static(), from its memory: size it
 * with GIFLOW_DECODER_STATIC_SIZE(max_width * bpp), or
 * giflow_decoder_static_size(max_width * bpp + 3) (indices start on a
 * 4-byte boundary). The decoder never
 * allocates scratch: it is the caller's. */
#define GIFLOW_FORMAT_RGB565 1         /* 16-bit words, native byte order */
#define GIFLOW_FORMAT_RGB565_SWAPPED 2 /* RGB565 high byte first (SPI) */
#define GIFLOW_FORMAT_RGBA8888 3       /* bytes R, G, B, A (A = 255) */
#define GIFLOW_FORMAT_INDEX8 4         /* palette indices of the frame that
                                          drew the pixel (its palette:
                                          frame_info.palette) */

#define GIFLOW_RESTORE_READBACK 1u
#define GIFLOW_RESTORE_REDECODE 2u

typedef struct giflow_display {
    size_t size;    /* set by giflow_display_init() */
    int format;     /* GIFLOW_FORMAT_* (default RGB565) */
    int (*draw)(void *user, uint32_t x, uint32_t y, uint32_t n, const void *pixels);
    int (*fill)(void *user, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
    int (*read)(void *user, uint32_t x, uint32_t y, uint32_t n, void *pixels); /* or NULL */
    void *user;
    void *scratch;  /* restore-previous scratch (caller-owned), or NULL */
    size_t scratch_size;
    unsigned restore; /* GIFLOW_RESTORE_* allowed (default both) */
} giflow_display;

/* Any time. Writes the defaults into the caller's first size bytes and sets
 * its size; use the macro, which passes sizeof *(d). */
GIFLOW_API void giflow_display_init_size(giflow_display *d, size_t size);
#define giflow_display_init(d) giflow_display_init_size((d), sizeof *(d))

/* Selects display output (or, with d NULL, back to the RGBA canvas). Call
 * after giflow_decode_image_info() and before the first frame is drawn.
 * *d is copied; scratch and user must stay valid while decoding. Frames
 * are then drawn with giflow_decode_frame_draw(); giflow_decode_row()
 * still works. Returns GIFLOW_OK; GIFLOW_ERR_ARG for a NULL decoder, an
 * unknown format or missing draw/fill; GIFLOW_ERR_STATE when called too
 * early or too late. Not sticky. */
GIFLOW_API int giflow_decoder_set_display(giflow_decoder *dec, const giflow_display *d);

/* Stage 3c. Draws the current frame onto the display (see above),
 * applying the previous frame's disposal first. Rows are drawn as they
 * decode. Returns GIFLOW_FRAME_END when the frame is complete (the display
 * shows what a browser shows), GIFLOW_NEED_INPUT (push input only), or an
 * error: the frame is then broken, its decoded pixels drawn and, on a
 * first frame, the rest of the canvas filled, as with
 * giflow_decode_frame_rgba(). GIFLOW_ERR_STATE without a display. */
GIFLOW_API int giflow_decode_frame_draw(giflow_decoder *dec, giflow_input *in);

/* Any time. The frame info of the image most recently started (with
 * GIFLOW_FLAG_MERGE_ZERO_DELAY, the last image of the group), owned by the
 * decoder and valid until the next call on it; NULL before the first frame
 * (or for a NULL decoder). */
GIFLOW_API const giflow_frame_info *giflow_decoder_current_frame(const giflow_decoder *dec);

/* Random access: restarting at a frame. A viewer that keeps a frame index
 * (giflow_index below) and copies of the canvas can decode frame k without
 * decoding frames 0..k-1 again. Two calls do it:
 *
 *   giflow_decoder_dispose()  after a frame: turns a copy of the canvas
 *                             into what the next frame is drawn over;
 *   giflow_decoder_restart()  makes the next frame come from a given
 *                             stream offset, drawn over a canvas the
 *                             caller restored (or over a fresh one).
 *
 * giflow_player (below) does all of this; these are its building blocks. */

/* Applies the disposal of the last complete frame (clear, or restore the
 * previous pixels) to canvas, which holds that frame's composition: the
 * canvas given to giflow_decode_frame_rgba() or a copy of it (same size
 * and layout: the viewport's output when one is set). Afterwards canvas
 * is what the next frame is drawn over. The decoder is not changed, and
 * disposing twice gives the same pixels, so the decoder's own canvas may
 * be disposed early: the next frame's compose applies the same disposal
 * again, to no effect. No-op before the first frame.
 * Returns GIFLOW_OK; GIFLOW_ERR_ARG (NULL, stride too small);
 * GIFLOW_ERR_STATE while a frame is half drawn. */
GIFLOW_API int giflow_decoder_dispose(const giflow_decoder *dec, uint8_t *canvas, size_t stride);

/* Where to restart, from a frame index entry or a giflow_frame_info. */
typedef struct giflow_restart {
    uint64_t offset;       /* stream offset of the frame's image descriptor
                              (giflow_frame_info.offset) */
    uint32_t index;        /* its frame number */
    uint32_t delay_cs;     /* its graphic control, as frame_info gave it */
    int disposal;          /* (0 and -1 when it has none) */
    int transparent_index;
    int fresh;             /* 1: the frame is drawn over a new, transparent
                              canvas, as frame 0 is (the decoder clears it);
                              0: the canvas handed in next already holds what
                              the frame is drawn over: frame index-1's canvas
                              after giflow_decoder_dispose() */
} giflow_restart;

/* Makes the decoder continue at frame r->index: the next input byte it is
 * given must be stream byte r->offset, and the next
 * giflow_decode_frame_info() returns that frame. The palette, canvas size,
 * viewport, flags and limits stay; the loop count stays as read so far;
 * the frame and total-pixel limits count again from here. A stream error
 * is cleared: decoding resumes from a point the caller knows to be sound,
 * and a wrong offset shows up as a parse error of its own, never as
 * undefined behaviour. After a fresh restart giflow_decoder_set_viewport()
 * may be called again (a new zoom).
 * Returns GIFLOW_OK; GIFLOW_ERR_ARG for NULL or a graphic control out of
 * range; GIFLOW_ERR_STATE (or the error that stopped it) before
 * giflow_decode_image_info() has succeeded. */
GIFLOW_API int giflow_decoder_restart(giflow_decoder *dec, const giflow_restart *r);

/* Any time. Returns the bytes the decoder has allocated now (its own
 * struct included), and stores the peak in *peak unless peak is NULL. 0 for
 * a NULL or static decoder. */
GIFLOW_API size_t giflow_decoder_heap(const giflow_decoder *dec, size_t *peak);

/* Any time. Size of the decoder's fixed state, excluding row and scratch
 * buffers. */
GIFLOW_API size_t giflow_decoder_state_size(void);


/* ------------------------------------------------------------------------ */
/* Frame index                                                               */
/* ------------------------------------------------------------------------ */
/*
 * One pass over the stream, fed in chunks as they arrive (like the
 * decoder), that records where every frame starts and what it needs. No
 * pixels are decoded: image data is skipped without LZW work, so indexing
 * runs at the speed of reading. A frame counts once its data has ended
 * (browsers show no frame cut short), so the count and the duration are
 * what is known so far, and final once the stream has ended.
 *
 *   ix = giflow_index_new(NULL);
 *   as bytes arrive: giflow_index_feed(ix, &in);   (GIFLOW_END: all in)
 *   giflow_index_get_info(ix, &info);  info.frames, info.duration_ms, info.final
 *   giflow_index_get_frame(ix, k, &frame);
 *
 * The index does not check the LZW data it skips: a frame whose pixels
 * turn out broken when decoded ends the stream there (giflow_player
 * shortens its index when that happens).
 */

typedef struct giflow_index giflow_index;

/* An index on the heap (alloc may be NULL: malloc). It holds a decoder's
 * fixed state plus 56 bytes per frame. NULL when out of memory. The caller
 * owns it: giflow_index_free() (any time; NULL is a no-op) releases it and
 * everything it handed out. */
GIFLOW_API giflow_index *giflow_index_new(const giflow_allocator *alloc);
GIFLOW_API void giflow_index_free(giflow_index *ix);

/* Limits for the stream (max_memory also bounds the index's entries) and
 * decoder flags (GIFLOW_FLAG_MERGE_ZERO_DELAY is refused: GIFLOW_ERR_ARG).
 * Call before the first feed. */
GIFLOW_API int giflow_index_set_limits(giflow_index *ix, const giflow_limits *limits);
GIFLOW_API int giflow_index_set_flags(giflow_index *ix, unsigned flags);

/* Reads in->src[pos..size) and advances pos, as a decoder would. Returns
 * GIFLOW_NEED_INPUT when every byte was taken and more may follow,
 * GIFLOW_END once the stream has ended (trailer, or in->eof at a block
 * boundary), or the error that ended it (every frame completed before it
 * stands, as in browsers). Once it has returned GIFLOW_END or an error,
 * it returns the same again. */
GIFLOW_API int giflow_index_feed(giflow_index *ix, giflow_input *in);

typedef struct giflow_index_info {
    uint32_t canvas_width, canvas_height; /* 0 until the header is in */
    uint32_t frames;          /* complete frames so far */
    uint64_t duration_ms;     /* their played delays, summed */
    int loop_count;           /* as giflow_loop_count(), so far */
    int final;                /* 1: frames and duration will not change */
    int status;               /* GIFLOW_NEED_INPUT while open, then
                                 GIFLOW_END or the error that ended it */
    uint64_t bytes;           /* stream bytes read */
} giflow_index_info;

/* Returns GIFLOW_OK once the header has been read, GIFLOW_NEED_INPUT
 * before, or the error that ended the stream before any header. */
GIFLOW_API int giflow_index_get_info(const giflow_index *ix, giflow_index_info *info);

typedef struct giflow_index_frame {
    uint64_t offset;          /* stream offset of its image descriptor */
    uint64_t start_ms;        /* when it shows, from the start of a play */
    uint32_t x, y, width, height; /* rectangle as stored */
    uint32_t delay_cs;        /* stored delay */
    uint32_t played_delay_ms; /* as browsers play it (<= 1 cs: 100 ms) */
    int disposal;             /* 0..7 as stored */
    int transparent_index;    /* -1 when none */
    int interlaced;
    int keyframe;             /* 1: needs no earlier frame. Decoding can
        start here on a fresh canvas and every later frame comes out right:
        the frame is drawn over a clear canvas (frame 0, or after frames
        whose disposal cleared everything), or it is opaque, covers the
        canvas and does not restore what was under it (disposal 3, 4). */
} giflow_index_frame;

/* Frame k (0-based, k < info.frames). Returns GIFLOW_OK,
 * GIFLOW_NEED_INPUT when frame k is not complete yet, GIFLOW_END when the
 * stream ended with fewer frames, or GIFLOW_ERR_ARG. */
GIFLOW_API int giflow_index_get_frame(const giflow_index *ix, uint32_t k, giflow_index_frame *frame);

/* The frame a browser shows ms milliseconds after the animation started,
 * by the browser's loop rules: with no loop block it plays once, a stored
 * 0 loops forever, N plays N + 1 times; after the last play the last
 * frame stays. Returns GIFLOW_OK with *k; GIFLOW_NEED_INPUT when ms lies
 * beyond the frames known so far and the stream is still open (the answer
 * depends on what arrives); GIFLOW_END when there are no frames. */
GIFLOW_API int giflow_index_find(const giflow_index *ix, uint64_t ms, uint32_t *k);

/* ------------------------------------------------------------------------ */
/* Player                                                                    */
/* ------------------------------------------------------------------------ */
/*
 * Random access and playback over a seekable source, for viewers. The
 * player indexes the stream as it arrives, composes any frame on request
 * and never keeps every frame decoded: it keeps a few snapshots of the
 * canvas within a memory budget the caller sets, and composes frame k from
 * the cheapest start: the frame on screen, the last keyframe before k, or
 * a snapshot, decoding forward from there. Frames are exactly those of
 * giflow_decode_frame_rgba() in sequence (the viewport's, if one is set).
 *
 *   giflow_player_options o;
 *   giflow_player_options_default(&o);
 *   o.memory_budget = 8 * (size_t)w * h * 4;        (8 canvases)
 *   p = giflow_player_new(NULL, &o);
 *   giflow_player_set_memory(p, data, size, 1);     (or _set_source)
 *   giflow_player_seek(p, 120, &frame);             frame 120's RGBA
 *   giflow_player_frame_at(p, 2500, &frame);        what shows at 2.5 s
 *   while (giflow_player_next(p, &frame) == GIFLOW_OK)
 *       show(frame.rgba), wait(frame.delay_ms);     browser timing, loops
 *   giflow_player_free(p);
 *
 * Streaming: hand the bytes that have arrived to giflow_player_set_memory()
 * with complete = 0, and again (the same bytes and more, possibly moved)
 * as more arrive. Calls that need frames not yet complete return
 * GIFLOW_NEED_INPUT; frames that are complete can be shown meanwhile.
 *
 * Memory: everything the player allocates, its decoders' and index's
 * buffers included, goes through one accounting hook whose total never
 * exceeds memory_budget + giflow_player_state_size(). The budget holds the
 * output canvas, the decoder's working memory, the index (56 bytes per
 * frame) and the snapshots; snapshots are dropped to make room for the
 * rest (those whose loss leaves the smallest gap first, so the ones kept
 * stay evenly spread over the decode work), and only what cannot be dropped fails (GIFLOW_ERR_LIMIT_MEMORY).
 * A snapshot costs 16x16-pixel tiles for the parts of the canvas that
 * changed since the one before it, so budgets of a few canvases hold many
 * snapshots of animations that change in places.
 */

typedef struct giflow_player giflow_player;

/* An extensible struct (see "Extensible structs" above): start from
 * giflow_player_options_default(). */
typedef struct giflow_player_options {
    size_t size;              /* set by giflow_player_options_default() */
    size_t memory_budget;     /* bytes, see above; 0: budget_canvases */
    uint32_t budget_canvases; /* with memory_budget 0: this many output
                                 canvases (0: 4) plus room for the decoder
                                 (64 KiB + 96 bytes per canvas column, and
                                 8 canvases through a viewport), recomputed
                                 when the viewport changes the output */
    int viewport_set;         /* 1: compose through viewport (crop, scale) */
    giflow_viewport viewport;
    const giflow_limits *limits; /* for the stream, read by
                                 giflow_player_new(); NULL: the defaults */
    unsigned flags;           /* GIFLOW_FLAG_LENIENT_CODE_SIZE,
                                 GIFLOW_FLAG_SMALL_MEMORY (MERGE_ZERO_DELAY
                                 is ignored: every image is a frame) */
} giflow_player_options;

/* Fills *o with the defaults and sets its size (as
 * giflow_limits_default()). */
GIFLOW_API void giflow_player_options_init_size(giflow_player_options *o, size_t size);
#define giflow_player_options_default(o) giflow_player_options_init_size((o), sizeof *(o))

/* A player (alloc may be NULL: malloc; opt may be NULL: defaults). NULL
 * when out of memory, or when opt or opt->limits is refused (a size it
 * cannot have come from, see "Extensible structs"). Give it a source
 * next. */
GIFLOW_API giflow_player *giflow_player_new(const giflow_allocator *alloc,
                                 const giflow_player_options *opt);
/* Any time. Releases the player, its index, decoders and frames; the
 * source stays the caller's. NULL is a no-op. */
GIFLOW_API void giflow_player_free(giflow_player *p);

/* Memory source, zero-copy: data[0..size) are the stream's first bytes;
 * the player reads them in place, so they must stay valid until the next
 * call to this function or giflow_player_free(). complete: 1 when these
 * are all the bytes there will be. Call again as the stream grows: size
 * may only grow (data may move), and not after complete. Returns
 * GIFLOW_OK or GIFLOW_ERR_ARG. */
GIFLOW_API int giflow_player_set_memory(giflow_player *p, const uint8_t *data, size_t size,
                             int complete);

/* Pull source (see giflow_source): a file through read/seek callbacks,
 * or a complete file in memory. It must be able to seek (the index and
 * the decoder read at different places) and be at offset 0; it stays the
 * caller's and must stay valid while the player is used. Reads go into
 * the source's own buffer: a few KiB is plenty. Returns GIFLOW_OK, or
 * GIFLOW_ERR_ARG (a source is already set, or this one cannot seek). A
 * failed read makes the call that needed it return GIFLOW_ERR_IO. */
GIFLOW_API int giflow_player_set_source(giflow_player *p, giflow_source *src);

/* A composed frame. rgba stays valid, and unchanged, until the next call
 * on the player. */
typedef struct giflow_player_frame {
    uint32_t index;           /* frame number */
    uint32_t delay_cs;        /* stored delay */
    uint32_t delay_ms;        /* played delay (<= 1 cs plays as 100 ms) */
    uint64_t start_ms;        /* when it shows within one play */
    const uint8_t *rgba;      /* width x height RGBA, stride bytes a row */
    uint32_t width, height;   /* the canvas, or the viewport's output */
    size_t stride;
} giflow_player_frame;

/* Composes frame k. Returns GIFLOW_OK; GIFLOW_NEED_INPUT when frame k has
 * not fully arrived; GIFLOW_END when the stream ended with k or fewer
 * frames; or an error: the decoder's when frame k is broken (the stream
 * then ends before k: the frame count shrinks to k, as browsers stop
 * there), GIFLOW_ERR_IO, GIFLOW_ERR_LIMIT_MEMORY (the budget: another
 * frame may still fit), GIFLOW_ERR_NOMEM (the allocator returned NULL:
 * sticky, every later call returns it). A snapshot the allocator refuses
 * is simply not kept. */
GIFLOW_API int giflow_player_seek(giflow_player *p, uint32_t k, giflow_player_frame *frame);

/* The frame after the one last returned (frame 0 first), looping by the
 * browser's rules (no loop block: once; 0: forever; N: N + 1 plays).
 * Returns as giflow_player_seek(), GIFLOW_END when the last play is over. */
GIFLOW_API int giflow_player_next(giflow_player *p, giflow_player_frame *frame);

/* The frame a browser shows ms milliseconds after the animation started
 * (giflow_index_find()), composed. GIFLOW_NEED_INPUT while that depends on
 * frames not yet arrived. */
GIFLOW_API int giflow_player_frame_at(giflow_player *p, uint64_t ms, giflow_player_frame *frame);

/* Changes the viewport (NULL: the whole canvas) and the size of every
 * frame composed from then on. Snapshots are dropped. GIFLOW_ERR_ARG for
 * a viewport that giflow_decoder_set_viewport() refuses (the player then
 * shows the whole canvas); needs the header (GIFLOW_NEED_INPUT before). */
GIFLOW_API int giflow_player_set_viewport(giflow_player *p, const giflow_viewport *vp);

typedef struct giflow_player_info {
    uint32_t canvas_width, canvas_height;
    uint32_t width, height;   /* frames composed: canvas or viewport */
    uint32_t frames;          /* complete frames so far */
    uint64_t duration_ms;     /* one play of them */
    int loop_count;           /* as giflow_loop_count() */
    int final;                /* frames and duration will not change */
    int status;               /* as giflow_index_info.status */
    uint64_t bytes;           /* stream bytes indexed */
    size_t heap, peak_heap;   /* through the player's hook, now and peak */
    size_t limit;             /* their bound: budget + fixed state */
    uint32_t snapshots;       /* snapshots kept */
    uint32_t spacing;         /* frames per snapshot, on average */
    int64_t current;          /* frame the canvas holds, -1 none */
} giflow_player_info;

/* Reads what has arrived into the index and describes the stream.
 * Returns GIFLOW_OK, GIFLOW_NEED_INPUT before the header, or an error. */
GIFLOW_API int giflow_player_get_info(giflow_player *p, giflow_player_info *info);

/* The player's index, for per-frame details (giflow_index_get_frame()). Valid
 * for the player's lifetime; it advances as the player reads. */
GIFLOW_API const giflow_index *giflow_player_index(const giflow_player *p);

/* The fixed state: the player, its index and their two decoders. */
GIFLOW_API size_t giflow_player_state_size(void);

/* ------------------------------------------------------------------------ */
/* Encoder                                                                   */
/* ------------------------------------------------------------------------ */
/*
 * Streaming: each frame is quantized, compressed and written as it arrives,
 * at most one frame behind (that frame's delay and disposal depend on the
 * next one). Memory is O(canvas), independent of the number of frames.
 *
 *   enc = giflow_encoder_new(NULL);
 *   giflow_encoder_set_output(enc, write_fn, user);
 *     or giflow_encoder_set_output_memory(enc);
 *   giflow_encode_options_default(&o); o.width = w; o.height = h; ...
 *   giflow_encode_begin(enc, &o);
 *   for each frame: giflow_frame_init(&f); f.rgba = ...;
 *                   giflow_encode_frame(enc, &f);
 *   giflow_encode_finish(enc, end_ms);               (-1 if not timestamps)
 *   giflow_encoder_free(enc);
 *
 * Stages: created, begun (giflow_encode_begin), finished
 * (giflow_encode_finish). A call outside its stage is GIFLOW_ERR_STATE.
 */

typedef struct giflow_encoder giflow_encoder;

/* Receives encoded bytes in order. Return 0 on success; anything else
 * stops the encoder with GIFLOW_ERR_IO. */
typedef int (*giflow_write_fn)(void *user, const uint8_t *data, size_t size);

#define GIFLOW_PALETTE_AUTO 0   /* global while it fits, local where needed */
#define GIFLOW_PALETTE_GLOBAL 1 /* one palette for all frames */
#define GIFLOW_PALETTE_LOCAL 2  /* a palette per frame */

#define GIFLOW_DITHER_NONE 0
#define GIFLOW_DITHER_FS 1      /* Floyd-Steinberg, serpentine */
#define GIFLOW_DITHER_ORDERED 2 /* 8x8 Bayer */

typedef struct giflow_encode_options {
    size_t size;              /* set by giflow_encode_options_default() */
    uint32_t width, height;   /* canvas; frames are always this size */
    int loop_count;           /* -1: no loop extension (plays once),
                                 0: forever (default), N: N repeats */
    int palette;              /* GIFLOW_PALETTE_* (default AUTO) */
    const uint8_t *global_palette; /* caller's global palette (RGB triplets),
                                 or NULL to build one from the frames */
    uint32_t global_palette_size;
    uint32_t max_colors;      /* 2..256 (default 256) */
    int dither;               /* GIFLOW_DITHER_* (default NONE) */
    uint8_t alpha_threshold;  /* alpha below this is transparent (128) */
    int lossless;             /* 1: fail with GIFLOW_ERR_TOO_MANY_COLORS when
                                 a frame has more than max_colors colours */
    int optimize;             /* 1 (default): crop each frame to what
                                 changed and reuse unchanged pixels */
    uint32_t min_delay_cs;    /* with durations or timestamps, frames
                                 shorter than this are dropped and their
                                 time given to the frame before (default 2:
                                 browsers play 0-1 cs as 10 cs) */
    const uint8_t *comment;   /* comment extension, or NULL */
    size_t comment_size;
    int row_streaming;        /* 1: frames are given row by row (below):
                                 memory O(width) for any height, every
                                 frame covers the canvas, no differencing */
    int lossy;                /* 0 (default): every changed pixel is
        written. 1..64: a changed pixel keeps the colour on screen while that
        is within `lossy` levels of its new colour (root mean square over R,
        G, B) and it continues a run of kept pixels, or within lossy / 4 to
        start one. Kept pixels are the transparent index, so files shrink
        (video, zooms, noise) while the error stays bounded: it is measured
        against each new frame, so nothing drifts. Not used with
        row_streaming (no differencing there). */
    int effort;               /* quantizer effort, GIFLOW_EFFORT_* (default
                                 FASTEST): more k-means passes per palette,
                                 up to 0.4 dB better, up to 1.5x the time */
    /* ---- Added in 0.2 (after the 0.1 layout) ---- */
    int denoise;              /* temporal denoising, 0..100 (default 23);
        0: off. Camera noise makes still pixels change in every frame; here a
        pixel keeps the value it shows while its source stays within
        denoise / 10 x the noise (estimated from the frames; root mean
        square over R, G, B) of it, over a run of frames from this one on
        whose mean is also that close, so the encoder leaves it
        transparent. When it changes by more, it is rewritten in that very
        frame, with the mean of the coming frames it stays near: motion and
        fades are never held back. Clean sources (screen captures,
        synthetic video) measure no noise and pass unchanged. Frames are
        then written denoise_frames frames after they are given. Not used
        with row_streaming. */
    int denoise_frames;       /* frames the denoiser looks at, 3..8 (default
                                 4: the frame and 3 after it); memory
                                 denoise_frames + 1 RGBA canvases */
    int lossy_lzw;            /* lossy LZW, 0..64 (default 0: off). Where
        the string being compressed cannot go on with a pixel's index, it
        may go on with another index whose colour is at most lossy_lzw
        levels (root mean square over R, G, B; as squared errors: 3 x
        lossy_lzw^2) worse against the source pixel than the pixel's own,
        the transparent index counting as the colour on screen. Strings
        get longer, files smaller; the error of every pixel stays bounded
        and deterministic. Unchanged (kept) pixels are never altered. Not
        used with row_streaming. */
    int tune;                 /* GIFLOW_TUNE_PSNR (default) or _SSIM: what
        palettes are built for. SSIM: pixels in smooth areas (small luma
        gradient against their right and lower neighbours) weigh up to 31
        times more, and the error weighs R, G, B as 0.49 : 1 : 0.36, so
        gradients and dark, grainy areas get more entries: higher SSIM-Y,
        lower PSNR where colours are busy, files a little larger. On the
        bench (bench/encode), default settings otherwise: screen capture
        SSIM-Y 0.9968 -> 0.9976, +0.10 dB, 1% more bytes; mandelbrot
        0.9854 -> 0.9892, -1.17 dB, 11% more bytes. Pixels map to
        their nearest entry in plain RGB either way. With row_streaming
        only the channel weights apply. */
} giflow_encode_options;

#define GIFLOW_TUNE_PSNR 0 /* palettes minimise RGB squared error */
#define GIFLOW_TUNE_SSIM 1 /* ... weighted for SSIM-Y (see tune above) */

#define GIFLOW_EFFORT_FASTEST 0 /* Wu's boxes, one k-means pass */
#define GIFLOW_EFFORT_FAST 1    /* 2 to 4 passes */
#define GIFLOW_EFFORT_DEFAULT 2 /* 6 to 12 passes */
#define GIFLOW_EFFORT_BEST 3    /* 12 to 32 passes */

/* Fills *o with the defaults given above (width and height 0: set them)
 * and sets its size. giflow_encode_options_default(&o) is the call to use;
 * it passes sizeof o to giflow_encode_options_init_size(), which writes
 * only that many bytes. */
GIFLOW_API void giflow_encode_options_init_size(giflow_encode_options *o, size_t size);
#define giflow_encode_options_default(o) giflow_encode_options_init_size((o), sizeof *(o))

/* One knob for size against quality, as gifski's --quality: sets denoise,
 * lossy_lzw, lossy and max_colors of *o (set up by
 * giflow_encode_options_default(); nothing else changes) from quality
 * 1..100. The anchors, linear in between (rounded):
 *   quality  denoise  lossy_lzw  lossy  max_colors
 *     100        0        0        0      256   exact: no denoising
 *      95       23        0        0      256   = the defaults
 *      90       23        2        0      256
 *      80       26        4        2      256
 *      70       32        6        4      256
 *      60       42        7        7      192
 *      50       55        8       10      128
 *      40       70        8       12       96
 *      30       80       10       16       64
 *      20       90       12       20       48
 *      10       95       16       24       32
 *       1      100       20       32       16
 * Returns GIFLOW_OK, or GIFLOW_ERR_ARG (o NULL, quality out of range, or
 * a size giflow_encode_options_default() cannot have set). */
GIFLOW_API int giflow_encode_options_quality(giflow_encode_options *o, int quality);

/* How a frame's display time is given. */
#define GIFLOW_TIME_DELAY_CS 0    /* delay_cs, written as is */
#define GIFLOW_TIME_DURATION_MS 1 /* duration in ms; rounding is carried so
                                     the total is exact to the centisecond */
#define GIFLOW_TIME_TIMESTAMP_MS 2 /* presentation time in ms; the frame
                                     lasts until the next one (or the end
                                     time given to giflow_encode_finish) */

/* One input frame. Start from giflow_frame_init(&f), or zero it
 * (giflow_frame f = {0}): both mean RGBA expected, no transparency, delay 0
 * in GIFLOW_TIME_DELAY_CS mode. */
typedef struct giflow_frame {
    size_t size;              /* set by giflow_frame_init(); 0 is fine */
    /* Either RGBA pixels ... */
    const uint8_t *rgba;      /* width*height pixels, 4 bytes each */
    size_t stride;            /* bytes per row (0: width*4) */
    /* ... or palette indices with their palette (rgba NULL). */
    const uint8_t *indices;   /* width*height indices */
    size_t index_stride;      /* bytes per row (0: width) */
    const uint8_t *palette;   /* RGB triplets */
    uint32_t palette_size;    /* 1..256 */
    int has_transparency;     /* nonzero: transparent_index is transparent;
                                 0 (the default): no index is */
    int transparent_index;    /* 0..255, read only with has_transparency;
        without it, a value other than 0 or -1 is GIFLOW_ERR_ARG (0.1 used
        -1 for "none"; this catches code written for it) */
    /* Timing. */
    int time_mode;            /* GIFLOW_TIME_* */
    uint32_t delay_cs;
    uint32_t duration_ms;
    int64_t timestamp_ms;
} giflow_frame;

/* Sets *f to the zero frame described above, and its size.
 * giflow_frame_init(&f) passes sizeof f to giflow_frame_init_size(). */
GIFLOW_API void giflow_frame_init_size(giflow_frame *f, size_t size);
#define giflow_frame_init(f) giflow_frame_init_size((f), sizeof *(f))

/* Creates an encoder; alloc may be NULL (malloc), and is copied. Returns it
 * (created stage), or NULL if out of memory. The caller owns it:
 * giflow_encoder_free(). */
GIFLOW_API giflow_encoder *giflow_encoder_new(const giflow_allocator *alloc);
/* Any time. Releases the encoder and all its memory, the memory output
 * included. NULL is a no-op. */
GIFLOW_API void giflow_encoder_free(giflow_encoder *enc);

/* Where the bytes go: a callback (fn and user are borrowed while the
 * encoder lives), or a growing memory buffer owned by the encoder. Only in
 * the created stage, before giflow_encode_begin (GIFLOW_ERR_STATE after);
 * the last call wins. Without either, nothing is written. Return GIFLOW_OK,
 * or GIFLOW_ERR_ARG for a NULL encoder or fn. */
GIFLOW_API int giflow_encoder_set_output(giflow_encoder *enc, giflow_write_fn fn, void *user);
GIFLOW_API int giflow_encoder_set_output_memory(giflow_encoder *enc);
/* Any time. The memory output so far and its size in *size (unless size is
 * NULL): a complete GIF once giflow_encode_finish() has succeeded. It
 * belongs to the encoder: valid until the next encode call or
 * giflow_encoder_free(); copy it to keep it. NULL (size 0) without memory
 * output or before the first byte. */
GIFLOW_API const uint8_t *giflow_encoder_output(const giflow_encoder *enc, size_t *size);

/* Created stage -> begun. Checks and copies *opt (start it from
 * giflow_encode_options_default(); global_palette and comment are copied
 * too) and takes the encoder's buffers, which are O(canvas), or O(width)
 * with row_streaming. Nothing is written yet: the header, screen
 * descriptor, global palette, loop extension and comment go out with the
 * first frame, once the global palette is known. Returns GIFLOW_OK;
 * GIFLOW_ERR_ARG for a bad option (a refusal: fix it and call again);
 * GIFLOW_ERR_NOMEM or GIFLOW_ERR_LIMIT_MEMORY (sticky). */
GIFLOW_API int giflow_encode_begin(giflow_encoder *enc, const giflow_encode_options *opt);

/* Optional, begun stage, before the first giflow_encode_frame
 * (GIFLOW_ERR_STATE otherwise; not with row_streaming):
 * feeds a frame (only its pixels are used) to the statistics the global
 * palette is built from, so it suits the whole animation and not just the
 * first frame. Call it for a sample of frames (e.g. a few evenly spaced
 * ones) when the frames can be read twice. If the samples hold fewer
 * colours than the palette has room for, the global palette is exactly
 * those colours. Ignored for GIFLOW_PALETTE_LOCAL and with a caller
 * palette. The frame is read during the call only. Returns GIFLOW_OK, or
 * GIFLOW_ERR_ARG for a bad frame. */
GIFLOW_API int giflow_encode_sample(giflow_encoder *enc, const giflow_frame *frame);

/* Begun stage, not with row_streaming. Adds a frame (every frame of an
 * animation in the same time_mode). The encoder copies what it needs: the
 * frame's memory may be reused as soon as this returns. Frames may arrive
 * at any pace; the previous frame is written now (its delay and disposal
 * are then known). Returns GIFLOW_OK; GIFLOW_ERR_ARG for a bad frame (a
 * refusal); GIFLOW_ERR_IO, GIFLOW_ERR_TOO_MANY_COLORS (lossless) or a
 * memory error, sticky. */
GIFLOW_API int giflow_encode_frame(giflow_encoder *enc, const giflow_frame *frame);

/* Begun stage -> finished (no row-streamed frame may be open). Writes the
 * last frame and the trailer; with no frame at all, a valid GIF with none.
 * end_timestamp_ms is the end of the last frame in GIFLOW_TIME_TIMESTAMP_MS
 * mode (ignored otherwise; a negative value repeats the previous frame's
 * delay). Returns GIFLOW_OK (the output is then a complete GIF) or a
 * sticky error. */
GIFLOW_API int giflow_encode_finish(giflow_encoder *enc, int64_t end_timestamp_ms);

/* ---- Row streaming (options.row_streaming = 1) -------------------------
 * For images too large to hold: each frame is pushed in rows, quantized,
 * dithered (Floyd-Steinberg keeps one row of error carry) and compressed
 * as they come. The palette must be known before the first row: the
 * caller's global palette, or one built from the rows given to
 * giflow_encode_sample_rows() beforehand - every row of a first pass over
 * a source that can be read again (exact colours when there are few), or a
 * bounded sample of rows. With a caller's palette, a transparent index is
 * added after its entries (or takes entry 255 of a 256-entry palette)
 * unless alpha_threshold is 0 or rows given to giflow_encode_sample_rows()
 * showed no transparent pixel: then every entry keeps its colour. */

/* Begun stage with row_streaming, before the first frame
 * (GIFLOW_ERR_STATE otherwise). Adds n rows (width pixels each, stride
 * bytes apart; a stride below width * 4 means width * 4) to the palette
 * statistics; they are read during the call only. Returns GIFLOW_OK or
 * GIFLOW_ERR_ARG (rgba NULL with n > 0). Of an image above 4 Mpx, only
 * every k-th row given feeds the quantizer (weighted k, so about 4 Mpx in
 * all); every row still counts for the exact colour set and transparency. */
GIFLOW_API int giflow_encode_sample_rows(giflow_encoder *enc, const uint8_t *rgba, uint32_t n,
                                         size_t stride);

/* Begun stage with row_streaming, no frame open. Starts a frame; only
 * frame->delay_cs is used (time_mode must be GIFLOW_TIME_DELAY_CS). The
 * first call fixes the palette and writes the header. Returns GIFLOW_OK;
 * GIFLOW_ERR_ARG; GIFLOW_ERR_STATE also when there is no palette yet (no
 * caller palette and no rows sampled: sample some, then call again);
 * GIFLOW_ERR_TOO_MANY_COLORS (lossless) or GIFLOW_ERR_IO, sticky. */
GIFLOW_API int giflow_encode_rows_begin(giflow_encoder *enc, const giflow_frame *frame);
/* With a frame open: pushes its next n rows, top to bottom (stride as in
 * giflow_encode_sample_rows(); read during the call only). Returns
 * GIFLOW_OK; GIFLOW_ERR_ARG for more rows than the frame has left;
 * GIFLOW_ERR_STATE with no frame open; GIFLOW_ERR_IO, sticky. */
GIFLOW_API int giflow_encode_rows(giflow_encoder *enc, const uint8_t *rgba, uint32_t n, size_t stride);
/* Ends the open frame once all height rows are in (GIFLOW_ERR_STATE
 * before). Returns GIFLOW_OK or a sticky error. */
GIFLOW_API int giflow_encode_rows_end(giflow_encoder *enc);

/* Statistics. */
typedef struct giflow_encode_stats {
    uint32_t frames_in;       /* frames given */
    uint32_t frames_out;      /* frames written (some may be dropped or
                                 merged when identical or too short) */
    uint32_t local_palettes;  /* frames that carried their own palette */
    uint32_t lossless_frames; /* frames encoded with their exact colours */
    uint64_t bytes;           /* output bytes so far */
    uint64_t duration_cs;     /* total delay written */
    size_t peak_heap;         /* encoder allocations at their peak */
} giflow_encode_stats;
/* Any time. Fills *stats (so far). Returns GIFLOW_OK, or GIFLOW_ERR_ARG for
 * a NULL argument. */
GIFLOW_API int giflow_encoder_stats(const giflow_encoder *enc, giflow_encode_stats *stats);

/* ------------------------------------------------------------------------ */
/* Old names                                                                 */
/* ------------------------------------------------------------------------ */
/* Kept so that programs written for 0.1 build and link unchanged. Each is
 * the function on its right, under the name it had. */
GIFLOW_API int giflow_loop_count(const giflow_decoder *dec);             /* giflow_decoder_loop_count */
GIFLOW_API const giflow_frame_info *giflow_current_frame(const giflow_decoder *dec); /* giflow_decoder_current_frame */
GIFLOW_API uint32_t giflow_partial_row(const giflow_decoder *dec, uint32_t *y); /* giflow_decoder_partial_row */


/* ------------------------------------------------------------------------ */
/* Transcoder: GIF in, GIF out                                               */
/* ------------------------------------------------------------------------ */
/*
 * Joins the decoder to an encoder frame by frame: each input frame is
 * composited (browser model), transformed, and written before the next
 * one is read, so memory is O(canvas) whatever the frame count, and output
 * starts before the input ends.
 *
 *   t = giflow_transcoder_new(NULL);
 *   giflow_transcoder_set_output(t, write_fn, user);      (or _memory)
 *   giflow_transcode_options_default(&o); o.rotate = 90; ...
 *   giflow_transcode_begin(t, &o);
 *   for each input file:
 *       push its bytes with giflow_transcode_push() until GIFLOW_END,
 *       then giflow_transcode_next_input() before the next file;
 *   giflow_transcode_finish(t);
 *   giflow_transcoder_free(t);
 *
 * Three ways to write, chosen by options.mode:
 * - COPY: the input's bytes, frame data untouched; only the loop count,
 *   delays, comments and extensions change. Always exact.
 * - OPTIMIZE (lossless): frames are rewritten smaller with their exact
 *   colours: each frame cropped to what changes on screen, unchanged
 *   pixels transparent or repeating what is shown (chosen pixel by pixel
 *   for the longest LZW strings), identical frames merged (their played
 *   delays added), the palette of each frame global or local, whichever is
 *   smaller, any unused global index as the transparent one, a frame
 *   restored after it is shown (disposal 3) when that makes the next one
 *   clearly smaller, and a full LZW table kept past its fill (the clear
 *   deferred) where that codes shorter. The output renders exactly
 *   like the input in the browser model. When some frame cannot be drawn
 *   exactly (more than 256 colours change at once), push returns
 *   GIFLOW_ERR_TOO_MANY_COLORS: a caller that can read the input again
 *   then copies it instead.
 * - QUANTIZE: geometry that blends pixels (an area-average resize), a
 *   palette limit, dithering or lossy mode (lossy, lossy_lzw): frames go
 *   through the encoder (giflow_encode_*), quantized, with no temporal
 *   denoising (a GIF's frame-to-frame noise is its dither).
 * AUTO (the default) copies when only timing, loop count or comments
 * change, quantizes when an option needs it, and optimizes otherwise.
 * Comments, application extensions (XMP, ICC...) and unknown extensions
 * are kept byte for byte unless strip is set; the loop extension is
 * rewritten. In OPTIMIZE and COPY an extension stays between the same
 * frames; in QUANTIZE one that sat between frames moves up one frame.
 */

typedef struct giflow_transcoder giflow_transcoder;

#define GIFLOW_KEEP (-2) /* loop_count / delay_cs: as in the input */

#define GIFLOW_MODE_AUTO 0
#define GIFLOW_MODE_COPY 1
#define GIFLOW_MODE_OPTIMIZE 2
#define GIFLOW_MODE_QUANTIZE 3

#define GIFLOW_FLIP_H 1 /* mirror left to right */
#define GIFLOW_FLIP_V 2 /* upside down */

#define GIFLOW_RESIZE_AREA 0    /* area average (exact fractional coverage) */
#define GIFLOW_RESIZE_NEAREST 1 /* nearest pixel: keeps colours (pixel art) */

typedef struct giflow_transcode_options {
    size_t size;          /* set by giflow_transcode_options_default() */
    int mode;             /* GIFLOW_MODE_* (default AUTO) */
    int loop_count;       /* GIFLOW_KEEP (default), -1 none (play once),
                             0 forever, N repeats */
    int delay_cs;         /* GIFLOW_KEEP (default), or every frame's delay */
    double speed;         /* played delays divided by this (default 1);
                             results under 2 cs become 2 cs */
    const uint8_t *comment; /* comment extension added after the header */
    size_t comment_size;
    int strip;            /* drop comments, application, plain-text and
                             unknown extensions (not the loop count) */
    /* Geometry, in this order: crop, flip, rotate, resize. */
    uint32_t crop_x, crop_y, crop_width, crop_height; /* width 0: none;
                             clipped to the canvas */
    int flip;             /* GIFLOW_FLIP_* bits */
    int rotate;           /* 0, 90, 180 or 270 degrees clockwise */
    uint32_t width, height; /* resize to this (0: keep; one 0: keep the
                             aspect ratio) */
    int resize_filter;    /* GIFLOW_RESIZE_* */
    /* Encoder settings (QUANTIZE; see giflow_encode_options). */
    uint32_t max_colors;  /* 0 (default): as needed, exact when possible */
    int dither;           /* GIFLOW_DITHER_* */
    int lossy;            /* 0..64, as giflow_encode_options.lossy */
    int interlace;        /* write interlaced images (OPTIMIZE only) */
    /* ---- Added after the first layout ---- */
    int lossy_lzw;        /* 0..64, as giflow_encode_options.lossy_lzw
                             (QUANTIZE; default 0: off) */
} giflow_transcode_options;

/* Defaults: every field above as documented (mode AUTO, loop and delay
 * GIFLOW_KEEP, speed 1, nothing else changed).
 * giflow_transcode_options_default(&o) passes sizeof o to
 * giflow_transcode_options_init_size(). */
GIFLOW_API void giflow_transcode_options_init_size(giflow_transcode_options *o, size_t size);
#define giflow_transcode_options_default(o) \
    giflow_transcode_options_init_size((o), sizeof *(o))

/* Chooses frames: called once per input frame (input: 0-based input
 * number, index: frame number within it); return nonzero to keep it.
 * Without a filter every frame is kept. */
typedef int (*giflow_frame_filter_fn)(void *user, uint32_t input, uint32_t index);

/* Explode: called before each kept frame's own GIF (one complete GIF per
 * frame, all to the same output callback); switch outputs there. Return
 * 0 to go on. */
typedef int (*giflow_explode_fn)(void *user, uint32_t frame);

/* A transcoder on the heap (alloc may be NULL: malloc), or NULL when out of
 * memory. The caller owns it: giflow_transcoder_free() (any time; NULL is a
 * no-op) releases it, the memory output included. */
GIFLOW_API giflow_transcoder *giflow_transcoder_new(const giflow_allocator *alloc);
GIFLOW_API void giflow_transcoder_free(giflow_transcoder *t);
/* Output as for the encoder; before giflow_transcode_begin. The memory
 * output belongs to the transcoder. The filter and explode callbacks, set
 * before giflow_transcode_begin too, are borrowed with their user pointers
 * while the transcoder lives. These return GIFLOW_OK, GIFLOW_ERR_ARG or
 * GIFLOW_ERR_STATE (after begin). */
GIFLOW_API int giflow_transcoder_set_output(giflow_transcoder *t, giflow_write_fn fn, void *user);
GIFLOW_API int giflow_transcoder_set_output_memory(giflow_transcoder *t);
GIFLOW_API const uint8_t *giflow_transcoder_output(const giflow_transcoder *t, size_t *size);
GIFLOW_API int giflow_transcoder_set_frame_filter(giflow_transcoder *t, giflow_frame_filter_fn fn,
                                       void *user);
GIFLOW_API int giflow_transcoder_set_explode(giflow_transcoder *t, giflow_explode_fn fn, void *user);
/* Decoder limits for the inputs (default: giflow_limits_default). The
 * output canvas obeys max_canvas_pixels too: a resize that grows it past
 * the limit, or an input canvas grown by its frames past 65535 (more than
 * a GIF can say), ends the transcode with GIFLOW_ERR_LIMIT_CANVAS. */
GIFLOW_API int giflow_transcoder_set_limits(giflow_transcoder *t, const giflow_limits *limits);

/* Checks and takes the options (copied; comment must stay valid until
 * finish). GIFLOW_ERR_ARG for values out of range, or an option that
 * needs pixels with mode COPY. */
GIFLOW_API int giflow_transcode_begin(giflow_transcoder *t, const giflow_transcode_options *o);
/* Feeds bytes of the current input. Returns GIFLOW_NEED_INPUT (give more,
 * or set in->eof), GIFLOW_END when this input is complete, or an error
 * (sticky). A decoding error inside a frame ends that input as browsers
 * do: the frames before it stand and GIFLOW_END is returned (the input's
 * status is in giflow_transcoder_stats). */
GIFLOW_API int giflow_transcode_push(giflow_transcoder *t, giflow_input *in);
/* Optional, OPTIMIZE only, before the first giflow_transcode_push, for an
 * input that can be read twice: feed it whole here first (same returns as
 * push). The frames are composited and counted but nothing is written;
 * when the output holds at most 256 colours in all, the global palette is
 * then exactly those, in the order they first appear (so early frames use
 * low indices and short codes). Then push the same input from its start. */
GIFLOW_API int giflow_transcode_scan(giflow_transcoder *t, giflow_input *in);
/* After GIFLOW_END: the following bytes are another GIF whose frames are
 * appended (drawn at the top left of the first input's canvas). Returns
 * GIFLOW_OK, GIFLOW_ERR_STATE before the current input has ended, or the
 * sticky error. */
GIFLOW_API int giflow_transcode_next_input(giflow_transcoder *t);
/* After the last input's GIFLOW_END: writes what is pending and the
 * trailer. Returns GIFLOW_OK (the output is then complete), or an error
 * (sticky). */
GIFLOW_API int giflow_transcode_finish(giflow_transcoder *t);

typedef struct giflow_transcode_stats {
    int mode;              /* the GIFLOW_MODE_* used */
    uint32_t frames_in;    /* input frames seen */
    uint32_t frames_out;   /* frames written */
    uint64_t bytes_in, bytes_out;
    int input_status;      /* the last input's decoding error, or 0 */
    int loop_count;        /* written (-1: none); COPY: as requested */
    size_t peak_heap;
} giflow_transcode_stats;
/* Any time. Fills *s (so far). Returns GIFLOW_OK or GIFLOW_ERR_ARG. */
GIFLOW_API int giflow_transcoder_stats(const giflow_transcoder *t, giflow_transcode_stats *s);

#ifdef __cplusplus
}
#endif
#endif /* GIFLOW_H */
