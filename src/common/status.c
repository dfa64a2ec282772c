/* Status strings. Every code giflow.h defines has an entry here. */
#include "giflow.h"

const char *giflow_strerror(int status)
{
    switch (status) {
    case GIFLOW_OK: return "ok";
    case GIFLOW_NEED_INPUT: return "need more input";
    case GIFLOW_END: return "end of stream";
    case GIFLOW_FRAME_END: return "end of frame";
    case GIFLOW_ERR_ARG: return "invalid argument";
    case GIFLOW_ERR_STATE: return "call made in the wrong stage";
    case GIFLOW_ERR_NOMEM: return "out of memory";
    case GIFLOW_ERR_SMALL_BUFFER: return "caller-provided buffer too small";
    case GIFLOW_ERR_NOT_GIF: return "not a GIF (bad signature)";
    case GIFLOW_ERR_TRUNCATED: return "truncated input";
    case GIFLOW_ERR_BAD_BLOCK: return "bad block type";
    case GIFLOW_ERR_BAD_CODE_SIZE: return "bad LZW minimum code size";
    case GIFLOW_ERR_BAD_CODE: return "bad LZW code";
    case GIFLOW_ERR_MISSING_PIXELS: return "image data ended before the frame was complete";
    case GIFLOW_ERR_BAD_EXTENSION: return "malformed graphic control extension";
    case GIFLOW_ERR_EMPTY_IMAGE: return "image has zero width or height";
    case GIFLOW_ERR_LIMIT_CANVAS: return "canvas exceeds the size limit";
    case GIFLOW_ERR_LIMIT_FRAMES: return "frame count exceeds the limit";
    case GIFLOW_ERR_LIMIT_PIXELS: return "total decoded pixels exceed the limit";
    case GIFLOW_ERR_LIMIT_MEMORY: return "memory budget exceeded";
    case GIFLOW_ERR_LIMIT_METADATA: return "metadata (extension bytes) exceeds the limit";
    case GIFLOW_ERR_LIMIT_EXTENSIONS: return "extension count exceeds the limit";
    case GIFLOW_ERR_IO: return "callback reported an error";
    case GIFLOW_ERR_TOO_MANY_COLORS: return "frame has more colours than a lossless palette can hold";
    default: return "unknown status";
    }
}
