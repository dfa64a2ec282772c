/* Just enough JSON output for --json: strings, numbers, null. */
#ifndef GIFLOW_CLI_JSON_H
#define GIFLOW_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes bytes as a JSON string, in ASCII: UTF-8 sequences (file names,
 * most comments) as the \u escapes of their characters, and any byte that
 * is not part of one as its Latin-1 reading, so any input stays valid
 * JSON. */
void json_bytes(FILE *f, const void *data, size_t n);
void json_str(FILE *f, const char *s);
/* Writes "error":{"code":C,"message":"...","offset":N}: a status code,
 * its message and the input byte offset the failure was found at. */
void json_error(FILE *f, int code, const char *msg, uint64_t offset);

#endif
