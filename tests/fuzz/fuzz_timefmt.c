/*
 * tests/fuzz/fuzz_timefmt.c — RFC 3339 parser: never reads past the input,
 * never accepts an instant it cannot format, and what it accepts formats
 * and parses back to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyway/keyway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* a private copy exactly `size` long, so reading past it is caught */
    char *s = malloc(size ? size : 1);
    if (!s) return 0;
    if (size) memcpy(s, data, size);
    kw_time t = 0;
    if (kw_time_parse(s, size, &t) == KW_OK) {
        char buf[KW_TIME_STR_MAX];
        if (kw_time_format(t, buf, sizeof buf) != KW_OK) abort();
        kw_time back = -1;
        if (kw_time_parse(buf, strlen(buf), &back) != KW_OK || back != t) abort();
        if (t < KW_TIME_MIN || t > KW_TIME_MAX) abort();
    }
    free(s);
    return 0;
}
