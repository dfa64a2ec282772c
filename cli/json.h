/* Just enough JSON output for --json: strings, numbers, null. */
#ifndef GIFLOW_CLI_JSON_H
#define GIFLOW_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes bytes as a JSON string. Bytes that are not printable ASCII are
 * written as \u00XX (their Latin-1 reading), so any input stays valid JSON. */
void json_bytes(FILE *f, const void *data, size_t n);
void json_str(FILE *f, const char *s);

#endif
