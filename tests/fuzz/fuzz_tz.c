/*
 * tests/fuzz/fuzz_tz.c — fuzz target for the time-zone parsers and lookups.
 *
 * Input starting with "TZif" goes to kw_tz_parse, anything else (up to the
 * first NUL, at most 200 bytes) to kw_tz_from_posix, so the seed corpus can
 * hold real zoneinfo files and rule strings as they are. Every zone that
 * parses is then queried at instants derived from the input and at fixed
 * edge instants, and these invariants must hold (else abort):
 *   - |offset| < 25 h, and to_local(t) = t + offset (saturated);
 *   - from_local(to_local(t)) succeeds and is <= t;
 *   - u = from_local(L) shows a local time >= L and u - 1 shows one < L.
 *
 * `make fuzz` runs it under libFuzzer; `make test` replays the corpus in
 * tests/fuzz/corpus/fuzz_tz/ through tests/fuzz/standalone.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyway/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_OFF 89999
#define FUZZ_CHECK(cond) do { if (!(cond)) { \
        fprintf(stderr, "fuzz_tz: invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static void check_instant(const kw_tz *tz, int64_t t) {
    int32_t off = kw_tz_offset_at(tz, t);
    FUZZ_CHECK(off >= -FUZZ_MAX_OFF && off <= FUZZ_MAX_OFF);
    int64_t local = kw_tz_to_local(tz, t);
    FUZZ_CHECK(local == sat_add(t, off));

    int64_t u;
    if (local != INT64_MAX && local != INT64_MIN) {          /* exact local time */
        FUZZ_CHECK(kw_tz_from_local(tz, local, &u) == KW_OK);
        FUZZ_CHECK(u <= t);
        FUZZ_CHECK(kw_tz_to_local(tz, u) >= local);
    }
    /* t read as a local time. */
    kw_err e = kw_tz_from_local(tz, t, &u);
    FUZZ_CHECK(e == KW_OK || e == KW_BAD_TIME);
    if (e == KW_OK) {
        FUZZ_CHECK(kw_tz_to_local(tz, u) >= t);
        /* (to_local saturates, so at INT64_MIN "below t" is not expressible) */
        if (u != INT64_MIN && t != INT64_MIN) FUZZ_CHECK(kw_tz_to_local(tz, u - 1) < t);
    }
}

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kw_tz *tz = NULL;
    kw_err err;
    int is_tzif = size >= 4 && memcmp(data, "TZif", 4) == 0;
    if (is_tzif) {
        /* An exact-size copy, so ASan catches any read past the end. */
        uint8_t *copy = malloc(size);
        if (!copy) return 0;
        memcpy(copy, data, size);
        err = kw_tz_parse("Fuzz/Zone", copy, size, &tz);
        free(copy);
    } else {
        char rule[201];
        size_t n = size < 200 ? size : 200;
        memcpy(rule, data, n);
        rule[n] = '\0';
        err = kw_tz_from_posix("Fuzz/Rule", rule, &tz);
    }
    FUZZ_CHECK(err == KW_OK || err == KW_BAD_TZ || err == KW_NOMEM);
    FUZZ_CHECK((err == KW_OK) == (tz != NULL));
    if (!tz) return 0;
    FUZZ_CHECK(strcmp(kw_tz_name(tz), is_tzif ? "Fuzz/Zone" : "Fuzz/Rule") == 0);

    static const int64_t fixed[] = {
        INT64_MIN, INT64_MIN + 1, -INT64_C(4000000000), -1, 0, 1,
        INT64_C(1774746000),                  /* 2026-03-29 01:00 UTC */
        INT64_C(1792890000),                  /* 2026-10-25 01:00 UTC */
        INT64_C(2147483647), INT64_C(2147483648),
        INT64_C(4102444800),                  /* 2100-01-01 */
        INT64_C(12622780800),                 /* one 400-year cycle */
        INT64_MAX - 1, INT64_MAX,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check_instant(tz, fixed[i]);

    /* Instants derived from the input: near the fixed ones and anywhere. */
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * UINT64_C(1099511628211);
    for (int i = 0; i < 16; i++) {
        h = mix(h + (uint64_t)i);
        check_instant(tz, (int64_t)h);
        check_instant(tz, INT64_C(1700000000) + (int64_t)(h % (UINT64_C(200) * 366 * 86400)) - INT64_C(3000000000));
    }
    kw_tz_free(tz);
    return 0;
}
