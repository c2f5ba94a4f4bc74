/*
 * tests/unit/test_tz.c — time zones: calendar helpers, TZif and POSIX rule
 * parsing, offset lookup, local→UTC, the system loader, and a cross-check
 * of every offset against glibc's localtime_r.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1          /* struct tm's tm_gmtoff, for the glibc cross-check */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "keyway/tz.h"
#include "test.h"

#define H 3600
#define ZONEINFO "/usr/share/zoneinfo"

/* ------------------------------------------------------------ helpers */

static int64_t at(int32_t y, unsigned mo, unsigned d, int hh, int mm, int ss) {
    return (int64_t)kw_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static uint64_t rng_next(uint64_t *s) {             /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static int64_t rng_range(uint64_t *s, int64_t lo, int64_t hi) {   /* [lo, hi) */
    return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo));
}

/* Read a whole file into a malloc'd buffer (tests may do I/O freely). */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    *len = n;
    return buf;
}

/* Offset glibc reports for `t` in zone `name` (TZ set per call). */
static long glibc_offset(const char *name, int64_t t) {
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) return -999999;
    (void)name;
    return tm.tm_gmtoff;
}

static void glibc_use_zone(const char *name) {
    char buf[128];
    snprintf(buf, sizeof buf, ":%s/%s", ZONEINFO, name);
    setenv("TZ", buf, 1);
    tzset();
}

/* A small TZif writer for synthetic files. The version-1 block is the
 * minimal one slim files carry (one type, no transitions); the 64-bit block
 * holds the real data. version 0 writes a version-1 file with the data in
 * the 32-bit block and no footer. */
typedef struct tzif_spec {
    char           version;        /* 0, '2', '3', '4' */
    uint32_t       ntrans;
    const int64_t *times;
    const uint8_t *idx;
    uint32_t       ntypes;
    const int32_t *offs;
    const char    *footer;         /* without newlines; NULL = "" */
} tzif_spec;

typedef struct buf { uint8_t *b; size_t n, cap; } buf;

static void put8(buf *w, uint8_t v) { if (w->n < w->cap) w->b[w->n] = v; w->n++; }
static void put32(buf *w, uint32_t v) {
    for (int i = 3; i >= 0; i--) put8(w, (uint8_t)(v >> (8 * i)));
}
static void put64(buf *w, uint64_t v) {
    for (int i = 7; i >= 0; i--) put8(w, (uint8_t)(v >> (8 * i)));
}
static void put_header(buf *w, char version, uint32_t ntrans, uint32_t ntypes, uint32_t nchars) {
    put8(w, 'T'); put8(w, 'Z'); put8(w, 'i'); put8(w, 'f');
    put8(w, (uint8_t)version);
    for (int i = 0; i < 15; i++) put8(w, 0);
    put32(w, 0); put32(w, 0); put32(w, 0);        /* isut, isstd, leap */
    put32(w, ntrans); put32(w, ntypes); put32(w, nchars);
}
static void put_types(buf *w, uint32_t ntypes, const int32_t *offs) {
    for (uint32_t i = 0; i < ntypes; i++) {
        put32(w, (uint32_t)offs[i]);
        put8(w, 0);                               /* isdst */
        put8(w, 0);                               /* designation index */
    }
    put8(w, 'Z'); put8(w, 'Z'); put8(w, 'Z'); put8(w, 0);
}

static size_t tzif_build(const tzif_spec *s, uint8_t *out, size_t cap) {
    buf w = { out, 0, cap };
    if (s->version == 0) {
        put_header(&w, 0, s->ntrans, s->ntypes, 4);
        for (uint32_t i = 0; i < s->ntrans; i++) put32(&w, (uint32_t)(int32_t)s->times[i]);
        for (uint32_t i = 0; i < s->ntrans; i++) put8(&w, s->idx[i]);
        put_types(&w, s->ntypes, s->offs);
        return w.n;
    }
    put_header(&w, s->version, 0, 1, 1);
    put32(&w, 0); put8(&w, 0); put8(&w, 0); put8(&w, 0);
    put_header(&w, s->version, s->ntrans, s->ntypes, 4);
    for (uint32_t i = 0; i < s->ntrans; i++) put64(&w, (uint64_t)s->times[i]);
    for (uint32_t i = 0; i < s->ntrans; i++) put8(&w, s->idx[i]);
    put_types(&w, s->ntypes, s->offs);
    put8(&w, '\n');
    for (const char *p = s->footer ? s->footer : ""; *p; p++) put8(&w, (uint8_t)*p);
    put8(&w, '\n');
    return w.n;
}

/* Offset of the version-2 header in a tzif_build file (v1 block is 7 bytes). */
#define V2_HEADER 51u

static void put32_at(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Checks that from_local is the earliest instant showing >= local. */
static void check_from_local(const kw_tz *tz, int64_t local) {
    int64_t u;
    CHECK_OK(kw_tz_from_local(tz, local, &u));
    CHECK_MSG(kw_tz_to_local(tz, u) >= local, "%s: local %" PRId64 " -> %" PRId64, kw_tz_name(tz), local, u);
    CHECK_MSG(kw_tz_to_local(tz, u - 1) < local, "%s: local %" PRId64 " -> %" PRId64 " not earliest",
              kw_tz_name(tz), local, u);
    CHECK_MSG(kw_tz_to_local(tz, u - 7200) < local, "%s: local %" PRId64 " -> %" PRId64 " not earliest (2h)",
              kw_tz_name(tz), local, u);
}

/* ------------------------------------------------------------ civil dates */

KW_TEST(civil_round_trips_every_day_for_5000_years_each_side) {
    int32_t py = 0;
    unsigned pm = 0, pd = 0;
    for (int32_t days = -2600000; days <= 2600000; days++) {
        int32_t y;
        unsigned m, d;
        kw_civil_from_days(days, &y, &m, &d);
        CHECK_MSG(m >= 1 && m <= 12 && d >= 1 && d <= 31, "day %d -> %d-%u-%u", days, y, m, d);
        CHECK_MSG(kw_days_from_civil(y, m, d) == days, "day %d -> %d-%u-%u", days, y, m, d);
        if (days > -2600000) {                    /* consecutive days are consecutive dates */
            int next_ok = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1)
                       || (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
            CHECK_MSG(next_ok, "%d-%u-%u follows %d-%u-%u", y, m, d, py, pm, pd);
        }
        if (y >= 1 && y <= 9999) CHECK(kw_civil_valid(y, m, d));
        py = y; pm = m; pd = d;
    }
}

KW_TEST(civil_known_dates_and_weekdays) {
    CHECK_EQ(kw_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ(kw_weekday_from_days(0), 3);                       /* Thursday */
    int32_t d = kw_days_from_civil(2026, 4, 6);
    CHECK_EQ(d, 20549);
    CHECK_EQ(kw_weekday_from_days(d), 0);                       /* Monday */
    CHECK_EQ(kw_weekday_from_days(kw_days_from_civil(2026, 4, 12)), 6);   /* Sunday */
    CHECK_EQ(kw_days_from_civil(2000, 3, 1), 11017);
    CHECK_EQ(kw_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ(kw_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ(kw_weekday_from_days(-1), 2);                      /* Wednesday */
    CHECK_EQ(kw_days_from_civil(1, 1, 1), -719162);
    CHECK_EQ(kw_weekday_from_days(-719162), 0);                 /* 0001-01-01: Monday */
    CHECK_EQ(kw_days_from_civil(9999, 12, 31), 2932896);
    int32_t y;
    unsigned m, dd;
    kw_civil_from_days(-719162, &y, &m, &dd);
    CHECK(y == 1 && m == 1 && dd == 1);
    kw_civil_from_days(INT32_MAX, &y, &m, &dd);                 /* no overflow, sane output */
    CHECK(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
    kw_civil_from_days(INT32_MIN, &y, &m, &dd);
    CHECK(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
}

KW_TEST(civil_valid_rejects_impossible_dates) {
    CHECK(kw_civil_valid(2024, 2, 29));
    CHECK(!kw_civil_valid(2023, 2, 29));
    CHECK(!kw_civil_valid(1900, 2, 29));
    CHECK(kw_civil_valid(2000, 2, 29));
    CHECK(!kw_civil_valid(2026, 4, 31));
    CHECK(kw_civil_valid(2026, 12, 31));
    CHECK(!kw_civil_valid(2026, 13, 1));
    CHECK(!kw_civil_valid(2026, 0, 1));
    CHECK(!kw_civil_valid(2026, 1, 0));
    CHECK(!kw_civil_valid(0, 1, 1));
    CHECK(kw_civil_valid(9999, 12, 31));
    CHECK(!kw_civil_valid(10000, 1, 1));
    CHECK(kw_civil_valid(1, 1, 1));
}

/* ------------------------------------------------------------ zones */

KW_TEST(tz_utc_is_zero_everywhere_and_named_utc) {
    kw_tz *tz;
    CHECK_OK(kw_tz_utc(&tz));
    CHECK_STR(kw_tz_name(tz), "UTC");
    int64_t pts[] = { INT64_MIN, -1, 0, 1, at(2026, 4, 6, 12, 0, 0), INT64_MAX };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        CHECK_EQ(kw_tz_offset_at(tz, pts[i]), 0);
        CHECK_EQ(kw_tz_to_local(tz, pts[i]), pts[i]);
        int64_t u;
        CHECK_OK(kw_tz_from_local(tz, pts[i], &u));
        CHECK_EQ(u, pts[i]);
    }
    kw_tz_free(tz);

    CHECK_OK(kw_tz_system_load(NULL, "UTC", &tz));
    CHECK_STR(kw_tz_name(tz), "UTC");
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 7, 1, 0, 0, 0)), 0);
    CHECK_EQ(kw_tz_offset_at(tz, at(2200, 7, 1, 0, 0, 0)), 0);
    kw_tz_free(tz);
}

KW_TEST(tz_kolkata_is_fixed_plus_0530) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Asia/Kolkata", &tz));
    CHECK_STR(kw_tz_name(tz), "Asia/Kolkata");
    CHECK_EQ(kw_tz_offset_at(tz, at(1980, 1, 1, 0, 0, 0)), 5 * H + 1800);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 6, 0, 0, 0)), 5 * H + 1800);
    CHECK_EQ(kw_tz_offset_at(tz, at(2100, 7, 1, 0, 0, 0)), 5 * H + 1800);
    int64_t u;
    CHECK_OK(kw_tz_from_local(tz, at(2026, 4, 6, 9, 0, 0), &u));
    CHECK_EQ(u, at(2026, 4, 6, 3, 30, 0));
    kw_tz_free(tz);

    CHECK_OK(kw_tz_from_posix("fixed", "<+0530>-5:30", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 6, 0, 0, 0)), 5 * H + 1800);
    CHECK_EQ(kw_tz_offset_at(tz, INT64_MIN), 5 * H + 1800);
    kw_tz_free(tz);
}

KW_TEST(tz_berlin_offsets_flip_at_exact_2026_transition_instants) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &tz));
    int64_t spring = at(2026, 3, 29, 1, 0, 0), autumn = at(2026, 10, 25, 1, 0, 0);
    CHECK_EQ(kw_tz_offset_at(tz, spring - 1), 1 * H);
    CHECK_EQ(kw_tz_offset_at(tz, spring), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn - 1), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn), 1 * H);
    CHECK_EQ(kw_tz_to_local(tz, spring), at(2026, 3, 29, 3, 0, 0));
    CHECK_EQ(kw_tz_to_local(tz, spring - 1), at(2026, 3, 29, 1, 59, 59));
    kw_tz_free(tz);
}

KW_TEST(tz_berlin_spring_forward_gap_maps_to_gap_end) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &tz));
    int64_t gap_end = at(2026, 3, 29, 1, 0, 0), u;
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 29, 2, 30, 0), &u));    /* does not exist */
    CHECK_EQ(u, gap_end);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 29, 2, 0, 0), &u));
    CHECK_EQ(u, gap_end);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 29, 3, 0, 0), &u));     /* first real time after */
    CHECK_EQ(u, gap_end);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 29, 1, 59, 59), &u));
    CHECK_EQ(u, gap_end - 1);
    kw_tz_free(tz);
}

KW_TEST(tz_berlin_fall_back_repeated_time_maps_to_first_instant) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &tz));
    int64_t u;
    CHECK_OK(kw_tz_from_local(tz, at(2026, 10, 25, 2, 30, 0), &u));   /* shown twice */
    CHECK_EQ(u, at(2026, 10, 25, 0, 30, 0));                          /* CEST, the first */
    CHECK_OK(kw_tz_from_local(tz, at(2026, 10, 25, 2, 0, 0), &u));
    CHECK_EQ(u, at(2026, 10, 25, 0, 0, 0));
    CHECK_OK(kw_tz_from_local(tz, at(2026, 10, 25, 3, 0, 0), &u));    /* after the overlap */
    CHECK_EQ(u, at(2026, 10, 25, 2, 0, 0));
    kw_tz_free(tz);
}

KW_TEST(tz_new_york_2026_transitions_gap_and_overlap) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "America/New_York", &tz));
    int64_t spring = at(2026, 3, 8, 7, 0, 0), autumn = at(2026, 11, 1, 6, 0, 0), u;
    CHECK_EQ(kw_tz_offset_at(tz, spring - 1), -5 * H);
    CHECK_EQ(kw_tz_offset_at(tz, spring), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn - 1), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn), -5 * H);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 8, 2, 30, 0), &u));     /* skipped */
    CHECK_EQ(u, spring);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 11, 1, 1, 30, 0), &u));    /* repeated: EDT first */
    CHECK_EQ(u, at(2026, 11, 1, 5, 30, 0));
    CHECK_OK(kw_tz_from_local(tz, at(2026, 7, 4, 12, 0, 0), &u));
    CHECK_EQ(u, at(2026, 7, 4, 16, 0, 0));
    kw_tz_free(tz);
}

KW_TEST(tz_lord_howe_half_hour_dst) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Australia/Lord_Howe", &tz));
    int64_t end = at(2026, 4, 4, 15, 0, 0), start = at(2026, 10, 3, 15, 30, 0), u;
    CHECK_EQ(kw_tz_offset_at(tz, end - 1), 11 * H);
    CHECK_EQ(kw_tz_offset_at(tz, end), 10 * H + 1800);
    CHECK_EQ(kw_tz_offset_at(tz, start - 1), 10 * H + 1800);
    CHECK_EQ(kw_tz_offset_at(tz, start), 11 * H);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 10, 4, 2, 15, 0), &u));    /* 30-minute gap */
    CHECK_EQ(u, start);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 4, 5, 1, 45, 0), &u));     /* 30-minute overlap */
    CHECK_EQ(u, at(2026, 4, 4, 14, 45, 0));
    kw_tz_free(tz);
}

KW_TEST(tz_southern_hemisphere_dst_spans_new_year) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Australia/Sydney", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 1, 1, 0, 0, 0)), 11 * H);   /* summer: DST */
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 7, 1, 0, 0, 0)), 10 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 4, 16, 0, 0) - 1), 11 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 4, 16, 0, 0)), 10 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 10, 3, 16, 0, 0) - 1), 10 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 10, 3, 16, 0, 0)), 11 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2099, 12, 31, 12, 0, 0)), 11 * H);  /* footer rule */
    CHECK_EQ(kw_tz_offset_at(tz, at(2100, 1, 1, 12, 0, 0)), 11 * H);
    kw_tz_free(tz);

    /* Santiago: version 3 file, rule times of 24:00 ("M9.1.6/24"). */
    CHECK_OK(kw_tz_system_load(NULL, "America/Santiago", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 5, 3, 0, 0) - 1), -3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 4, 5, 3, 0, 0)), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 9, 6, 4, 0, 0) - 1), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 9, 6, 4, 0, 0)), -3 * H);
    kw_tz_free(tz);
}

KW_TEST(tz_far_future_2100_uses_footer_rule) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &tz));
    /* The fat file's explicit transitions stop in 2037. */
    int64_t spring = at(2100, 3, 28, 1, 0, 0), autumn = at(2100, 10, 31, 1, 0, 0);
    CHECK_EQ(kw_tz_offset_at(tz, spring - 1), 1 * H);
    CHECK_EQ(kw_tz_offset_at(tz, spring), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn - 1), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, autumn), 1 * H);
    /* Beyond the 400-year cycle the rule table covers directly. */
    CHECK_EQ(kw_tz_offset_at(tz, at(2500, 7, 1, 0, 0, 0)), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(12026, 3, 29, 1, 0, 0) - 1), 1 * H);   /* same weekdays as 2026 */
    CHECK_EQ(kw_tz_offset_at(tz, at(12026, 3, 29, 1, 0, 0)), 2 * H);
    int64_t u;
    CHECK_OK(kw_tz_from_local(tz, at(2100, 3, 28, 2, 30, 0), &u));
    CHECK_EQ(u, spring);
    CHECK_OK(kw_tz_from_local(tz, at(2100, 10, 31, 2, 30, 0), &u));
    CHECK_EQ(u, at(2100, 10, 31, 0, 30, 0));
    kw_tz_free(tz);
}

KW_TEST(tz_slim_v2_without_transitions_uses_footer_everywhere) {
    static const int32_t offs[] = { 3600 };
    tzif_spec s = { '2', 0, NULL, NULL, 1, offs, "CET-1CEST,M3.5.0,M10.5.0/3" };
    uint8_t file[256];
    size_t n = tzif_build(&s, file, sizeof file);
    kw_tz *tz, *berlin;
    CHECK_OK(kw_tz_parse("Slim/Berlin", file, n, &tz));
    CHECK_STR(kw_tz_name(tz), "Slim/Berlin");
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 29, 1, 0, 0) - 1), 1 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 29, 1, 0, 0)), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(1975, 7, 1, 0, 0, 0)), 2 * H);    /* the rule, not type 0 */
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &berlin));
    uint64_t seed = 42;
    for (int i = 0; i < 20000; i++) {                 /* Berlin has used this rule since 1996 */
        int64_t t = rng_range(&seed, at(1997, 1, 1, 0, 0, 0), at(2300, 1, 1, 0, 0, 0));
        CHECK_MSG(kw_tz_offset_at(tz, t) == kw_tz_offset_at(berlin, t), "t=%" PRId64, t);
    }
    kw_tz_free(berlin);
    kw_tz_free(tz);

    /* Slim with transitions: explicit data, then the footer after the last. */
    static const int64_t times[] = { 0, 1000000 };
    static const uint8_t idx[] = { 1, 0 };
    static const int32_t offs2[] = { 0, 3 * H };
    tzif_spec s2 = { '2', 2, times, idx, 2, offs2, "<+05>-5" };
    n = tzif_build(&s2, file, sizeof file);
    CHECK_OK(kw_tz_parse("Slim/Two", file, n, &tz));
    CHECK_EQ(kw_tz_offset_at(tz, -1), 0);                             /* type 0 before */
    CHECK_EQ(kw_tz_offset_at(tz, 0), 3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, 999999), 3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, 1000000), 5 * H);                    /* footer from the last */
    CHECK_EQ(kw_tz_offset_at(tz, INT64_MAX), 5 * H);
    kw_tz_free(tz);
}

KW_TEST(tz_version1_file_keeps_last_type_after_last_transition) {
    static const int64_t times[] = { -100, 5000 };
    static const uint8_t idx[] = { 1, 2 };
    static const int32_t offs[] = { 100, 2 * H, -3 * H };
    tzif_spec s = { 0, 2, times, idx, 3, offs, NULL };
    uint8_t file[256];
    size_t n = tzif_build(&s, file, sizeof file);
    kw_tz *tz;
    CHECK_OK(kw_tz_parse("V1", file, n, &tz));
    CHECK_EQ(kw_tz_offset_at(tz, -101), 100);
    CHECK_EQ(kw_tz_offset_at(tz, -100), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, 4999), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, 5000), -3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, INT64_MAX), -3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, INT64_MIN), 100);
    kw_tz_free(tz);
}

KW_TEST(tz_matches_glibc_localtime_for_20000_random_instants_1970_2100) {
    static const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                   "America/Santiago", "Australia/Sydney" };
    uint64_t seed = 0x5eed;
    long checked = 0, mismatches = 0;
    for (size_t z = 0; z < 5; z++) {
        kw_tz *tz;
        CHECK_OK(kw_tz_system_load(NULL, zones[z], &tz));
        glibc_use_zone(zones[z]);
        for (int i = 0; i < 4000; i++) {
            int64_t t = rng_range(&seed, 0, at(2100, 1, 1, 0, 0, 0));
            long want = glibc_offset(zones[z], t);
            int32_t got = kw_tz_offset_at(tz, t);
            checked++;
            if (got != want) {
                if (mismatches++ < 5) fprintf(stderr, "  %s t=%" PRId64 ": %d != glibc %ld\n", zones[z], t, got, want);
            }
            KW_CALL(check_from_local(tz, kw_tz_to_local(tz, t)));
            int64_t u;
            CHECK_OK(kw_tz_from_local(tz, kw_tz_to_local(tz, t), &u));
            CHECK(u <= t);
        }
        kw_tz_free(tz);
    }
    fprintf(stderr, "  glibc cross-check: %ld instants, %ld mismatches\n", checked, mismatches);
    CHECK_EQ(mismatches, 0);
}

KW_TEST_SLOW(tz_matches_glibc_either_side_of_every_half_hour_2024_2030, 60) {
    static const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                   "America/Santiago", "Asia/Kolkata" };
    long mismatches = 0, checked = 0;
    for (size_t z = 0; z < 5; z++) {
        kw_tz *tz;
        CHECK_OK(kw_tz_system_load(NULL, zones[z], &tz));
        glibc_use_zone(zones[z]);
        for (int64_t t = at(2024, 1, 1, 0, 0, 0); t < at(2030, 1, 1, 0, 0, 0); t += 1800) {
            for (int64_t d = -1; d <= 0; d++) {
                checked++;
                if (kw_tz_offset_at(tz, t + d) != glibc_offset(zones[z], t + d)) mismatches++;
            }
        }
        kw_tz_free(tz);
    }
    fprintf(stderr, "  glibc transition check: %ld instants, %ld mismatches\n", checked, mismatches);
    CHECK_EQ(mismatches, 0);
}

KW_TEST(tz_matches_glibc_far_future_up_to_year_100000) {
    static const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                   "America/Santiago", "Australia/Sydney" };
    uint64_t seed = 7;
    long mismatches = 0;
    for (size_t z = 0; z < 5; z++) {
        kw_tz *tz;
        CHECK_OK(kw_tz_system_load(NULL, zones[z], &tz));
        glibc_use_zone(zones[z]);
        for (int i = 0; i < 2000; i++) {
            int64_t t = rng_range(&seed, at(2100, 1, 1, 0, 0, 0), at(100000, 1, 1, 0, 0, 0));
            if (kw_tz_offset_at(tz, t) != glibc_offset(zones[z], t)) mismatches++;
            KW_CALL(check_from_local(tz, kw_tz_to_local(tz, t)));
        }
        kw_tz_free(tz);
    }
    CHECK_EQ(mismatches, 0);
}

KW_TEST(tz_from_local_is_earliest_instant_at_or_after_local_time) {
    static const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                   "America/Santiago", "Pacific/Apia", "Asia/Kolkata" };
    uint64_t seed = 99;
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        kw_tz *tz;
        CHECK_OK(kw_tz_system_load(NULL, zones[z], &tz));
        for (int i = 0; i < 3000; i++) {
            int64_t local = rng_range(&seed, at(1900, 1, 1, 0, 0, 0), at(2200, 1, 1, 0, 0, 0));
            KW_CALL(check_from_local(tz, local));
        }
        /* Every half hour around 2026's transitions, gaps and overlaps included. */
        for (int64_t l = at(2026, 1, 1, 0, 0, 0); l < at(2027, 1, 1, 0, 0, 0); l += 900) {
            KW_CALL(check_from_local(tz, l));
        }
        kw_tz_free(tz);
    }
}

KW_TEST(tz_extreme_instants_do_not_overflow) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load(NULL, "America/New_York", &tz));
    int32_t far = kw_tz_offset_at(tz, INT64_MAX);                     /* by the rule */
    CHECK(far == -5 * H || far == -4 * H);
    CHECK(kw_tz_offset_at(tz, INT64_MIN) < 0);
    CHECK_EQ(kw_tz_to_local(tz, INT64_MIN), INT64_MIN);               /* saturates */
    int64_t u;
    CHECK_ERR(kw_tz_from_local(tz, INT64_MAX, &u), KW_BAD_TIME);      /* no instant shows it */
    CHECK_OK(kw_tz_from_local(tz, INT64_MIN, &u));                    /* LMT -4:56:02 */
    CHECK_EQ(u, INT64_MIN + 17762);
    CHECK_OK(kw_tz_from_local(tz, INT64_MAX - 6 * H, &u));
    CHECK(kw_tz_to_local(tz, u) >= INT64_MAX - 6 * H);
    kw_tz_free(tz);

    CHECK_OK(kw_tz_system_load(NULL, "Asia/Tokyo", &tz));              /* east: the other side */
    CHECK_EQ(kw_tz_to_local(tz, INT64_MAX), INT64_MAX);
    CHECK_OK(kw_tz_from_local(tz, INT64_MAX, &u));
    CHECK_EQ(u, INT64_MAX - 9 * H);
    CHECK_OK(kw_tz_from_local(tz, INT64_MIN, &u));
    CHECK_EQ(u, INT64_MIN);
    kw_tz_free(tz);
}

/* ------------------------------------------------------------ POSIX rules */

KW_TEST(tz_posix_rules_in_all_documented_forms) {
    kw_tz *tz;
    int64_t u;
    /* Offsets with minutes in <...> names. */
    CHECK_OK(kw_tz_from_posix("Tehran", "<+0330>-3:30", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, 0), 3 * H + 1800);
    kw_tz_free(tz);
    CHECK_OK(kw_tz_from_posix("x", "<-0044>0:44:30", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, 0), -(44 * 60 + 30));
    kw_tz_free(tz);
    CHECK_OK(kw_tz_from_posix("x", "ABC+5", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, 0), -5 * H);
    kw_tz_free(tz);
    /* No dates given: the US rules. */
    CHECK_OK(kw_tz_from_posix("x", "EST5EDT", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 8, 7, 0, 0) - 1), -5 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 8, 7, 0, 0)), -4 * H);
    kw_tz_free(tz);
    /* Explicit DST offset and Jn dates (Feb 29 never counted): J60 = Mar 1. */
    CHECK_OK(kw_tz_from_posix("x", "AAA3BBB1:30,J60/0,J300/0", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2024, 3, 1, 3, 0, 0) - 1), -3 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2024, 3, 1, 3, 0, 0)), -(H + 1800));
    kw_tz_free(tz);
    /* Zero-based n dates count Feb 29: day 60 of 2024 = Mar 1, of 2025 = Mar 2. */
    CHECK_OK(kw_tz_from_posix("x", "AAA0BBB,60/0,300/0", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2024, 3, 1, 0, 0, 0) - 1), 0);
    CHECK_EQ(kw_tz_offset_at(tz, at(2024, 3, 1, 0, 0, 0)), H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2025, 3, 2, 0, 0, 0) - 1), 0);
    CHECK_EQ(kw_tz_offset_at(tz, at(2025, 3, 2, 0, 0, 0)), H);
    kw_tz_free(tz);
    /* Negative and > 24 h transition times (RFC 8536 §3.3.1). */
    CHECK_OK(kw_tz_from_posix("Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 28, 23, 0, 0) + 2 * H - 1), -2 * H);  /* Sat 23:00 local */
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 28, 23, 0, 0) + 2 * H), -1 * H);
    kw_tz_free(tz);
    CHECK_OK(kw_tz_from_posix("Jerusalem", "IST-2IDT,M3.4.4/26,M10.5.0", &tz));
    /* 4th Thursday of March 2026 is Mar 26; 26:00 = Fri 02:00 local = Fri 00:00 UTC. */
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 27, 0, 0, 0) - 1), 2 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 3, 27, 0, 0, 0)), 3 * H);
    CHECK_OK(kw_tz_from_local(tz, at(2026, 3, 27, 2, 30, 0), &u));
    CHECK_EQ(u, at(2026, 3, 27, 0, 0, 0));
    kw_tz_free(tz);
    /* DST all year round. */
    CHECK_OK(kw_tz_from_posix("x", "EST5EDT,0/0,J365/25", &tz));
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 1, 1, 0, 0, 0)), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 1, 1, 5, 0, 0)), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 7, 1, 0, 0, 0)), -4 * H);
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 12, 31, 23, 59, 59)), -4 * H);
    kw_tz_free(tz);
}

KW_TEST(tz_posix_southern_rule_matches_system_sydney) {
    kw_tz *rule, *sys;
    CHECK_OK(kw_tz_from_posix("Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3", &rule));
    CHECK_OK(kw_tz_system_load(NULL, "Australia/Sydney", &sys));
    uint64_t seed = 3;
    for (int i = 0; i < 20000; i++) {
        int64_t t = rng_range(&seed, at(2009, 1, 1, 0, 0, 0), at(2400, 1, 1, 0, 0, 0));
        CHECK_MSG(kw_tz_offset_at(rule, t) == kw_tz_offset_at(sys, t), "t=%" PRId64, t);
    }
    kw_tz_free(rule);
    kw_tz_free(sys);
}

KW_TEST(tz_posix_malformed_rules_are_bad_tz) {
    static const char *bad[] = {
        "", "UTC", "UT0", "0", "UTC0,", "UTC0 ", " UTC0", "UTC+", "UTC0:", "UTC1:60",
        "CET-25", "CET-24:60", "CET-1CEST,M3.5.0", "CET-1CEST,M3.5.0,", "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M0.5.0,M10.5.0",
        "CET-1CEST,J0,J365", "CET-1CEST,J1,J366", "CET-1CEST,366,0", "CET-1CEST,M3.5.0/168,M10.5.0",
        "CET-1CEST,M3.5.0/1:60,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0,", "CET-1CEST,M3.5.0,M10.5.0x",
        "<+03", "<+0>-3", "<+0 3>-3", "<>0", "CET-1C", "CET-1CEST-25,M3.5.0,M10.5.0",
        "CET-1CEST,M3.5,M10.5.0", "CET-1CEST,M3..0,M10.5.0", "CET-1CEST,X1,M10.5.0", "CET0001",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kw_tz *tz = (kw_tz *)1;
        kw_err e = kw_tz_from_posix("x", bad[i], &tz);
        CHECK_MSG(e == KW_BAD_TZ, "\"%s\" gave %s", bad[i], kw_err_code(e));
        CHECK(tz == NULL);
    }
    char longrule[200];
    memset(longrule, 'A', sizeof longrule);
    memcpy(longrule + 126, "0", 2);               /* 127 bytes: fine */
    kw_tz *tz;
    CHECK_OK(kw_tz_from_posix("x", longrule, &tz));
    kw_tz_free(tz);
    memset(longrule, 'A', sizeof longrule);
    memcpy(longrule + 128, "0", 2);               /* 129 bytes: too long */
    CHECK_ERR(kw_tz_from_posix("x", longrule, &tz), KW_BAD_TZ);
    CHECK_ERR(kw_tz_from_posix("x", NULL, &tz), KW_INVAL);
    CHECK_ERR(kw_tz_from_posix(NULL, "UTC0", &tz), KW_INVAL);
    CHECK_ERR(kw_tz_from_posix("x", "UTC0", NULL), KW_INVAL);
}

KW_TEST(tz_names_must_be_printable_and_short) {
    kw_tz *tz;
    char name[KW_TZ_NAME_MAX + 2];
    memset(name, 'a', sizeof name);
    name[KW_TZ_NAME_MAX] = '\0';
    CHECK_OK(kw_tz_from_posix(name, "UTC0", &tz));                    /* 64 bytes */
    CHECK_STR(kw_tz_name(tz), name);
    kw_tz_free(tz);
    name[KW_TZ_NAME_MAX] = 'a';
    name[KW_TZ_NAME_MAX + 1] = '\0';
    CHECK_ERR(kw_tz_from_posix(name, "UTC0", &tz), KW_BAD_TZ);        /* 65 bytes */
    CHECK_ERR(kw_tz_from_posix("", "UTC0", &tz), KW_BAD_TZ);
    CHECK_ERR(kw_tz_from_posix("a b", "UTC0", &tz), KW_BAD_TZ);
    CHECK_ERR(kw_tz_from_posix("a\nb", "UTC0", &tz), KW_BAD_TZ);
    static const uint8_t utc[] = "TZif";
    CHECK_ERR(kw_tz_parse("", utc, 4, &tz), KW_BAD_TZ);
    CHECK_ERR(kw_tz_parse(NULL, utc, 4, &tz), KW_INVAL);
    CHECK_ERR(kw_tz_parse("x", NULL, 4, &tz), KW_INVAL);
    CHECK_ERR(kw_tz_parse("x", utc, 4, NULL), KW_INVAL);
    CHECK_STR(kw_tz_name(NULL), "UTC");
    kw_tz_free(NULL);
}

/* ------------------------------------------------------------ malformed TZif */

KW_TEST(tz_parse_rejects_every_truncation_of_real_files) {
    static const char *zones[] = { "Europe/Berlin", "America/Santiago", "UTC", "Asia/Kolkata" };
    for (size_t z = 0; z < 4; z++) {
        char path[256];
        snprintf(path, sizeof path, ZONEINFO "/%s", zones[z]);
        size_t len;
        uint8_t *data = slurp(path, &len);
        CHECK(data != NULL);
        kw_tz *tz;
        CHECK_OK(kw_tz_parse(zones[z], data, len, &tz));
        kw_tz_free(tz);
        for (size_t n = 0; n < len; n++) {
            /* A copy of exactly n bytes, so ASan sees any read past the end. */
            uint8_t *cut = malloc(n ? n : 1);
            CHECK(cut != NULL);
            memcpy(cut, data, n);
            kw_err e = kw_tz_parse(zones[z], cut, n, &tz);
            free(cut);
            if (e != KW_BAD_TZ) {
                free(data);
                CHECK_MSG(0, "%s cut at %zu bytes: %s", zones[z], n, kw_err_code(e));
            }
        }
        /* Trailing garbage after the footer is also refused. */
        uint8_t *more = malloc(len + 1);
        CHECK(more != NULL);
        memcpy(more, data, len);
        more[len] = 'x';
        CHECK_ERR(kw_tz_parse(zones[z], more, len + 1, &tz), KW_BAD_TZ);
        free(more);
        free(data);
    }
}

KW_TEST(tz_parse_rejects_bad_headers_and_huge_counts) {
    static const int64_t times[] = { 100, 200 };
    static const uint8_t idx[] = { 1, 0 };
    static const int32_t offs[] = { 0, H };
    tzif_spec s = { '2', 2, times, idx, 2, offs, "UTC0" };
    uint8_t good[512], f[512];
    size_t n = tzif_build(&s, good, sizeof good);
    kw_tz *tz;
    CHECK_OK(kw_tz_parse("x", good, n, &tz));
    kw_tz_free(tz);

#define MUTATE(stmt) do { memcpy(f, good, n); stmt; \
        CHECK_ERR(kw_tz_parse("x", f, n, &tz), KW_BAD_TZ); CHECK(tz == NULL); } while (0)
    MUTATE(f[3] = 'F');                                       /* magic */
    MUTATE(f[4] = '5');                                       /* unknown version */
    MUTATE(f[4] = '1');
    MUTATE(f[V2_HEADER + 4] = '3');                           /* versions differ */
    MUTATE(f[V2_HEADER] = 'X');                               /* second magic */
    MUTATE(put32_at(f + 32, 0xffffffffu));                    /* v1 timecnt huge */
    MUTATE(put32_at(f + 40, 0xffffffffu));                    /* v1 charcnt huge */
    MUTATE(put32_at(f + 28, 0x7fffffffu));                    /* v1 leapcnt huge */
    MUTATE(put32_at(f + V2_HEADER + 32, 0xffffffffu));        /* v2 timecnt huge */
    MUTATE(put32_at(f + V2_HEADER + 36, 0xffffffffu));        /* v2 typecnt huge */
    MUTATE(put32_at(f + V2_HEADER + 36, 0));                  /* no types */
    MUTATE(put32_at(f + V2_HEADER + 40, 0));                  /* no designations */
    MUTATE(put32_at(f + V2_HEADER + 20, 1));                  /* isutcnt != typecnt */
    MUTATE(put32_at(f + V2_HEADER + 24, 0xffffffffu));        /* isstdcnt huge */
    MUTATE(put32_at(f + V2_HEADER + 28, 0xffffffffu));        /* leapcnt huge */
    size_t d = V2_HEADER + 44;                                /* v2 data block */
    MUTATE(f[d + 7] = 200);                                   /* times equal: 200, 200 */
    MUTATE(f[d + 7] = 250);                                   /* times decrease */
    MUTATE(f[d + 16] = 2);                                    /* type index >= typecnt */
    MUTATE(put32_at(f + d + 18, (uint32_t)(25 * H)));         /* offset 25 h */
    MUTATE(put32_at(f + d + 18, (uint32_t)-(25 * H)));        /* offset -25 h */
    MUTATE(put32_at(f + d + 18, 0x80000000u));                /* INT32_MIN */
    MUTATE(f[d + 22] = 2);                                    /* isdst not 0/1 */
    MUTATE(f[d + 23] = 4);                                    /* designation index >= charcnt */
    MUTATE(f[d + 33] = 'x');                                  /* designations not NUL-ended */
    MUTATE(f[d + 34] = 'x');                                  /* footer lacks leading newline */
    MUTATE(f[n - 1] = 'x');                                   /* footer lacks final newline */
    MUTATE(f[n - 3] = '\n');                                  /* newline inside the footer */
    MUTATE(f[n - 2] = '!');                                   /* footer rule malformed */
#undef MUTATE

    /* Counts that are consistent but over the type limit (257 types). */
    static int32_t many[257];
    tzif_spec big = { '2', 0, NULL, NULL, 257, many, "UTC0" };
    static uint8_t bigf[4096];
    size_t bn = tzif_build(&big, bigf, sizeof bigf);
    CHECK(bn < sizeof bigf);
    CHECK_ERR(kw_tz_parse("x", bigf, bn, &tz), KW_BAD_TZ);
    big.ntypes = 256;                                         /* the limit itself is fine */
    bn = tzif_build(&big, bigf, sizeof bigf);
    CHECK_OK(kw_tz_parse("x", bigf, bn, &tz));
    kw_tz_free(tz);

    /* isut set without isstd. */
    static const uint8_t bad_ut[] = {
        'T', 'Z', 'i', 'f', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 1,  0, 0, 0, 1,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 1,  0, 0, 0, 1,
        0, 0, 0, 0, 0, 0,  0,  0,  1,
    };
    CHECK_ERR(kw_tz_parse("x", bad_ut, sizeof bad_ut, &tz), KW_BAD_TZ);
    uint8_t ok_ut[sizeof bad_ut];
    memcpy(ok_ut, bad_ut, sizeof ok_ut);
    ok_ut[sizeof ok_ut - 2] = 1;                              /* isstd = 1 too: valid */
    CHECK_OK(kw_tz_parse("x", ok_ut, sizeof ok_ut, &tz));
    kw_tz_free(tz);
}

KW_TEST(tz_parse_survives_random_corruption_of_real_files) {
    size_t len;
    uint8_t *data = slurp(ZONEINFO "/America/New_York", &len);
    CHECK(data != NULL);
    uint8_t *f = malloc(len);
    CHECK(f != NULL);
    uint64_t seed = 1234;
    int accepted = 0, bad = 0;
    for (int i = 0; i < 5000 && !bad; i++) {
        memcpy(f, data, len);
        int flips = 1 + (int)(rng_next(&seed) % 4);
        for (int k = 0; k < flips; k++) f[rng_next(&seed) % len] = (uint8_t)rng_next(&seed);
        kw_tz *tz;
        kw_err e = kw_tz_parse("NY", f, len, &tz);
        if (e == KW_OK) {
            accepted++;
            int64_t t = (int64_t)rng_next(&seed), u;
            (void)kw_tz_offset_at(tz, t);
            if (kw_tz_from_local(tz, kw_tz_to_local(tz, t), &u) != KW_OK || u > t) bad = 1;
            kw_tz_free(tz);
        } else if (e != KW_BAD_TZ) {
            bad = 1;
        }
    }
    free(f);
    free(data);
    CHECK(!bad);
    CHECK(accepted > 0);                          /* some flips hit unused bytes */
}

/* ------------------------------------------------------------ system loader */

KW_TEST(tz_system_load_rejects_bad_names) {
    static const char *bad[] = {
        "../etc/passwd", "Europe/../x", "", "/etc/passwd", "Europe//Berlin", "Europe/",
        "/Europe/Berlin", ".", "..", "Europe/.", "Europe/Ber lin", "Europe/Berlin\n",
        "Europe\\Berlin", "Europe/Berlin%00", "No/Such_Zone", "Europe", "posix/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kw_tz *tz = (kw_tz *)1;
        kw_err e = kw_tz_system_load(NULL, bad[i], &tz);
        CHECK_MSG(e == KW_BAD_TZ, "\"%s\" gave %s", bad[i], kw_err_code(e));
        CHECK(tz == NULL);
    }
    char longname[KW_TZ_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname);
    longname[KW_TZ_NAME_MAX + 1] = '\0';
    kw_tz *tz;
    CHECK_ERR(kw_tz_system_load(NULL, longname, &tz), KW_BAD_TZ);
    CHECK_ERR(kw_tz_system_load(NULL, NULL, &tz), KW_INVAL);
    CHECK_ERR(kw_tz_system_load(NULL, "UTC", NULL), KW_INVAL);
}

KW_TEST(tz_system_load_reads_from_ctx_directory_with_size_cap) {
    kw_tz *tz;
    CHECK_OK(kw_tz_system_load((void *)(ZONEINFO "/Europe"), "Berlin", &tz));
    CHECK_STR(kw_tz_name(tz), "Berlin");
    CHECK_EQ(kw_tz_offset_at(tz, at(2026, 7, 1, 0, 0, 0)), 2 * H);
    kw_tz_free(tz);
    CHECK_OK(kw_tz_system_load(NULL, "America/Argentina/ComodRivadavia", &tz));
    kw_tz_free(tz);

    char dir[] = "/tmp/kw_tz_test_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/Big", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    static uint8_t chunk[65536];
    for (int i = 0; i < 17; i++) fwrite(chunk, 1, sizeof chunk, f);   /* 1 MiB + 64 KiB */
    fclose(f);
    kw_err e = kw_tz_system_load(dir, "Big", &tz);
    unlink(path);
    snprintf(path, sizeof path, "%s/Fifo", dir);
    int fifo_ok = mkfifo(path, 0600) == 0;
    kw_err e2 = fifo_ok ? kw_tz_system_load(dir, "Fifo", &tz) : KW_BAD_TZ;  /* must not block */
    unlink(path);
    rmdir(dir);
    CHECK_ERR(e, KW_BAD_TZ);
    CHECK_ERR(e2, KW_BAD_TZ);
}

KW_TEST(tz_leap_second_right_zones_are_refused) {
    /* right/ zones count leap seconds; Keyway instants are POSIX seconds. */
    kw_tz *tz = NULL;
    CHECK_ERR(kw_tz_system_load(NULL, "right/Europe/Berlin", &tz), KW_BAD_TZ);
    CHECK(tz == NULL);
    CHECK_OK(kw_tz_system_load(NULL, "Europe/Berlin", &tz));
    kw_tz_free(tz);
}
