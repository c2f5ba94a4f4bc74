/*
 * tests/unit/test_timefmt.c — RFC 3339 parsing and formatting.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keyway/keyway.h"
#include "test.h"

static kw_err parse(const char *s, kw_time *t) { return kw_time_parse(s, strlen(s), t); }

#define SEC(x) ((kw_time)(x) * KW_US_PER_SEC)

KW_TEST(timefmt_parses_utc_and_offsets_to_the_same_instant) {
    kw_time a, b, c, d;
    CHECK_OK(parse("2026-04-06T08:00:00Z", &a));
    CHECK_EQ(a, SEC(1775462400));
    CHECK_OK(parse("2026-04-06T10:00:00+02:00", &b));
    CHECK_OK(parse("2026-04-06T03:30:00-04:30", &c));
    CHECK_OK(parse("2026-04-06t08:00:00z", &d));      /* lower case is allowed */
    CHECK_EQ(a, b);
    CHECK_EQ(a, c);
    CHECK_EQ(a, d);
}

KW_TEST(timefmt_fractions_are_kept_to_the_microsecond) {
    kw_time t;
    CHECK_OK(parse("1970-01-01T00:00:00.5Z", &t));
    CHECK_EQ(t, 500000);
    CHECK_OK(parse("1970-01-01T00:00:01.000001Z", &t));
    CHECK_EQ(t, 1000001);
    CHECK_OK(parse("1970-01-01T00:00:01.123456789Z", &t));   /* truncated, not rounded */
    CHECK_EQ(t, 1123456);
    CHECK_ERR(parse("1970-01-01T00:00:01.1234567890Z", &t), KW_BAD_TIME);
    CHECK_ERR(parse("1970-01-01T00:00:01.Z", &t), KW_BAD_TIME);
}

KW_TEST(timefmt_refuses_what_is_not_rfc3339) {
    static const char *const bad[] = {
        "", "2026", "2026-04-06", "2026-04-06T08:00Z", "2026-04-06 08:00:00Z",
        "2026-04-06T08:00:00", "2026-04-06T08:00:00+0200", "2026-04-06T08:00:00+02",
        "2026-4-06T08:00:00Z", "2026-04-06T8:00:00Z", "2026-04-06T08:00:00ZZ",
        "2026-04-06T08:00:00Z ", " 2026-04-06T08:00:00Z", "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2026-04-00T00:00:00Z", "2026-04-06T24:00:00Z", "2026-04-06T23:60:00Z",
        "2016-12-31T23:59:60Z", "2026-04-06T08:00:00+24:00", "2026-04-06T08:00:00+02:60",
        "1969-12-31T23:59:59Z", "1970-01-01T00:30:00+01:00", "+2026-04-06T08:00:00Z",
        "2026-04-06T08:00:00.-1Z", "2026\37704-06T08:00:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kw_time t = 7;
        CHECK_MSG(parse(bad[i], &t) == KW_BAD_TIME, "accepted \"%s\"", bad[i]);
        CHECK_EQ(t, 7);   /* nothing written on failure */
    }
    kw_time t;
    CHECK_OK(parse("2024-02-29T00:00:00Z", &t));          /* a real leap day */
    CHECK_OK(parse("1970-01-01T00:00:00Z", &t));
    CHECK_EQ(t, KW_TIME_MIN);
    CHECK_OK(parse("9999-12-31T23:59:59.999999Z", &t));
    CHECK_EQ(t, KW_TIME_MAX);
    CHECK_ERR(parse("9999-12-31T23:59:59-00:01", &t), KW_BAD_TIME);
    CHECK_ERR(kw_time_parse(NULL, 3, &t), KW_INVAL);
    CHECK_ERR(kw_time_parse("x", 1, NULL), KW_INVAL);
}

KW_TEST(timefmt_length_bounds_the_input) {
    /* the text need not be NUL-terminated; bytes after len are ignored */
    const char s[] = "2026-04-06T08:00:00Zgarbage";
    kw_time t;
    CHECK_OK(kw_time_parse(s, 20, &t));
    CHECK_EQ(t, SEC(1775462400));
    CHECK_ERR(kw_time_parse(s, 19, &t), KW_BAD_TIME);
    CHECK_ERR(kw_time_parse(s, 21, &t), KW_BAD_TIME);
}

KW_TEST(timefmt_formats_utc_with_microseconds_only_when_needed) {
    char buf[KW_TIME_STR_MAX];
    CHECK_OK(kw_time_format(SEC(1775462400), buf, sizeof buf));
    CHECK_STR(buf, "2026-04-06T08:00:00Z");
    CHECK_OK(kw_time_format(SEC(1775462400) + 42, buf, sizeof buf));
    CHECK_STR(buf, "2026-04-06T08:00:00.000042Z");
    CHECK_OK(kw_time_format(KW_TIME_MAX, buf, sizeof buf));
    CHECK_STR(buf, "9999-12-31T23:59:59.999999Z");
    CHECK_OK(kw_time_format(KW_TIME_MIN, buf, sizeof buf));
    CHECK_STR(buf, "1970-01-01T00:00:00Z");
    CHECK_ERR(kw_time_format(-1, buf, sizeof buf), KW_BAD_TIME);
    CHECK_ERR(kw_time_format(KW_TIME_MAX + 1, buf, sizeof buf), KW_BAD_TIME);
    CHECK_ERR(kw_time_format(0, buf, KW_TIME_STR_MAX - 1), KW_INVAL);
    CHECK_ERR(kw_time_format(0, NULL, 64), KW_INVAL);
}

/* Every instant formats and parses back to itself, and agrees with libc's
 * gmtime_r on the calendar fields. */
KW_TEST(timefmt_round_trips_100000_random_instants_and_matches_gmtime) {
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        kw_time t = (kw_time)(x % (uint64_t)(KW_TIME_MAX + 1));
        if (i % 3 == 0) t -= t % KW_US_PER_SEC;          /* whole seconds too */
        char buf[KW_TIME_STR_MAX];
        CHECK_OK(kw_time_format(t, buf, sizeof buf));
        kw_time back;
        CHECK_OK(kw_time_parse(buf, strlen(buf), &back));
        CHECK_MSG(back == t, "%s parsed as %lld, want %lld", buf, (long long)back, (long long)t);
        time_t secs = (time_t)(t / KW_US_PER_SEC);
        struct tm tm;
        CHECK(gmtime_r(&secs, &tm) != NULL);
        char want[32];
        CHECK(strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm) > 0);
        CHECK_MSG(strncmp(buf, want, 19) == 0, "%s vs gmtime %s", buf, want);
    }
}
