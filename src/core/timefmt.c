/*
 * src/core/timefmt.c — RFC 3339 parsing and formatting.
 *
 * A small hand-written scanner: the grammar is fixed-width apart from the
 * fraction, so each field is read at a known offset and checked for range
 * before anything is computed. No locale, no libc time functions.
 */
#include <stdio.h>

#include "core/internal.h"
#include "keyway/timefmt.h"

/* Read `n` decimal digits at s[pos..pos+n) into *v. */
static bool digits(const char *s, size_t len, size_t pos, size_t n, uint32_t *v) {
    if (pos + n > len) return false;
    uint32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        x = x * 10u + (uint32_t)(c - '0');
    }
    *v = x;
    return true;
}

static bool is_char(const char *s, size_t len, size_t pos, char a, char b) {
    return pos < len && (s[pos] == a || s[pos] == b);
}

kw_err kw_time_parse(const char *s, size_t len, kw_time *out) {
    if (!s || !out) return KW_INVAL;
    uint32_t y, mo, d, h, mi, se;
    if (!digits(s, len, 0, 4, &y) || !is_char(s, len, 4, '-', '-') || !digits(s, len, 5, 2, &mo) ||
        !is_char(s, len, 7, '-', '-') || !digits(s, len, 8, 2, &d) || !is_char(s, len, 10, 'T', 't') ||
        !digits(s, len, 11, 2, &h) || !is_char(s, len, 13, ':', ':') || !digits(s, len, 14, 2, &mi) ||
        !is_char(s, len, 16, ':', ':') || !digits(s, len, 17, 2, &se))
        return KW_BAD_TIME;
    if (!kw_civil_valid((int32_t)y, mo, d) || h > 23 || mi > 59 || se > 59) return KW_BAD_TIME;
    size_t pos = 19;
    int64_t us = 0;
    if (is_char(s, len, pos, '.', '.')) {
        size_t n = 0;
        pos++;
        while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
            if (++n > 9) return KW_BAD_TIME;
            if (n <= 6) us = us * 10 + (s[pos] - '0');
            pos++;
        }
        if (n == 0) return KW_BAD_TIME;
        for (size_t k = n; k < 6; k++) us *= 10;
    }
    int64_t offset = 0;
    if (is_char(s, len, pos, 'Z', 'z')) {
        pos++;
    } else if (is_char(s, len, pos, '+', '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        uint32_t oh, om;
        if (!digits(s, len, pos + 1, 2, &oh) || !is_char(s, len, pos + 3, ':', ':') ||
            !digits(s, len, pos + 4, 2, &om) || oh > 23 || om > 59)
            return KW_BAD_TIME;
        offset = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
        pos += 6;
    } else {
        return KW_BAD_TIME;
    }
    if (pos != len) return KW_BAD_TIME;
    int64_t secs = (int64_t)kw_days_from_civil((int32_t)y, mo, d) * 86400 + (int64_t)h * 3600 +
                   (int64_t)mi * 60 + se - offset;
    /* years 0..9999 keep secs far inside int64, so this cannot overflow */
    kw_time t = secs * KW_US_PER_SEC + us;
    if (t < KW_TIME_MIN || t > KW_TIME_MAX) return KW_BAD_TIME;
    *out = t;
    return KW_OK;
}

kw_err kw_time_format(kw_time t, char *buf, size_t cap) {
    if (!buf || cap < KW_TIME_STR_MAX) return KW_INVAL;
    if (t < KW_TIME_MIN || t > KW_TIME_MAX) return KW_BAD_TIME;
    int64_t secs = t / KW_US_PER_SEC, us = t % KW_US_PER_SEC;
    int32_t days = (int32_t)(secs / 86400);
    int64_t rem = secs % 86400;
    int32_t y;
    unsigned mo, d;
    kw_civil_from_days(days, &y, &mo, &d);
    int h = (int)(rem / 3600), mi = (int)(rem / 60 % 60), se = (int)(rem % 60);
    if (us)
        snprintf(buf, cap, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", (int)y, mo, d, h, mi, se, (int)us);
    else
        snprintf(buf, cap, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, mo, d, h, mi, se);
    return KW_OK;
}
