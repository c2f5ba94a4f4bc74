/*
 * tests/unit/test_cond.c — conditions as decisions see them (REQUIREMENTS
 * §2 "Conditions", §8 "Boundaries"): windows, counts, recurring schedules,
 * midnight-crossing daily windows, time zones and DST.
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

/* Resource `id` owned by "alice" in zone `tz`, and a grant of unlock to
 * "carol" under `c` (granted at `at`). */
static void setup(fx *f, const char *id, const char *tz, const kw_cond *c, kw_time at,
                  uint64_t *gid) {
    CHECK_OK(fx_owned(f, FX_T, id, "alice", tz));
    CHECK_OK(fx_grant(f, FX_T, "alice", id, "carol", "unlock", c, at, gid));
}

FX_TEST(cond_permanent_always_allows) {
    uint64_t id;
    KW_CALL(setup(f, "lock1", NULL, NULL, NOW, &id));
    for (kw_time t = 0; t < KW_TIME_MAX - 1000 * FX_DAY; t += 999 * FX_DAY + 7 * FX_MIN) {
        kw_decision d = fx_check(f, "carol", "lock1", "unlock", t);
        FX_ALLOW(d, "grant");
        CHECK_EQ(d.grant, id);
        CHECK_EQ(d.remaining, -1);
    }
    kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, -1);
    CHECK_EQ(fx_grant_info(f, FX_T, id, NOW).used_total, 0);
}

FX_TEST(cond_window_boundaries_from_inclusive_until_exclusive) {
    kw_time from = fx_utc(2026, 4, 10, 9, 0), until = fx_utc(2026, 4, 10, 17, 30);
    kw_cond c = { .flags = KW_COND_WINDOW, .from = from, .until = until };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", from - FX_MIN), "not_yet_valid");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", from - 1), "not_yet_valid");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", from), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", until - 1), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", until), "outside_window");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", until + FX_DAY), "outside_window");
}

FX_TEST(cond_cleaner_mondays_in_april_once_per_day) {
    /* recurring(Mondays, April 2026) + count(1 per day) */
    kw_cond c = { .flags = KW_COND_WEEKDAYS | KW_COND_DATES | KW_COND_PER_DAY,
                  .weekdays = KW_MON, .date_from = fx_date(2026, 4, 1),
                  .date_until = fx_date(2026, 4, 30), .max_per_day = 1 };
    uint64_t id;
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, &id));
    CHECK_EQ(kw_weekday_from_days(fx_date(2026, 4, 6)), 0);      /* a Monday */

    kw_decision d = fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 8, 0));
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 1);
    d = fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 8, 0));
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.grant, id);
    CHECK_EQ(d.remaining, 0);
    d = fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 15, 0));
    FX_DENY(d, "exhausted_today");
    CHECK_EQ(d.grant, id);
    CHECK_EQ(d.remaining, 0);
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 23, 59)), "exhausted_today");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 8, 0)), "outside_schedule");
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 13, 8, 0)), "grant");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 13, 9, 0)), "exhausted_today");
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 27, 23, 59)), "grant");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 5, 4, 8, 0)), "outside_schedule");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", fx_utc(2026, 3, 30, 8, 0)), "not_yet_valid");
    kw_grant_info gi = fx_grant_info(f, FX_T, id, fx_utc(2026, 5, 4, 8, 0));
    CHECK_EQ(gi.used_total, 3);
}

FX_TEST(cond_daily_window_crossing_midnight_belongs_to_start_day) {
    /* 22:00–06:00 on Mondays only */
    kw_cond c = { .flags = KW_COND_WEEKDAYS | KW_COND_DAILY, .weekdays = KW_MON,
                  .day_from = 22 * 60, .day_until = 6 * 60 };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 23, 0)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 3, 0)), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 23, 0)), "outside_schedule");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 3, 0)), "outside_schedule");
    /* boundaries [22:00, 06:00) */
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 21, 59)), "outside_schedule");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6, 22, 0)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 0, 0)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 5, 59)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 6, 0) - 1), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 6, 0)), "outside_schedule");
    /* Sunday night into Monday is not a Monday window */
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 5, 23, 0)), "outside_schedule");
}

FX_TEST(cond_daily_window_boundaries) {
    kw_cond c = { .flags = KW_COND_DAILY, .day_from = 9 * 60, .day_until = 17 * 60 };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 8, 59)), "outside_schedule");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 9, 0)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 17, 0) - 1), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 17, 0)), "outside_schedule");
}

FX_TEST(cond_daily_window_until_midnight_1440) {
    kw_cond c = { .flags = KW_COND_DAILY, .day_from = 23 * 60, .day_until = 1440 };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 22, 59)), "outside_schedule");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 23, 59)), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 9, 0, 0)), "outside_schedule");
}

FX_TEST(cond_weekdays_multi_select) {
    kw_cond c = { .flags = KW_COND_WEEKDAYS, .weekdays = KW_MON | KW_WED | KW_SUN };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    static const char *const want[7] = { "grant", "outside_schedule", "grant",
                                         "outside_schedule", "outside_schedule",
                                         "outside_schedule", "grant" };
    for (unsigned i = 0; i < 7; i++) {   /* 2026-04-06 is a Monday */
        kw_decision d = fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 6 + i, 12, 0));
        CHECK_MSG(strcmp(kw_reason_code(d.reason), want[i]) == 0, "day %u: %s", i,
                  kw_reason_code(d.reason));
    }
}

FX_TEST(cond_date_range_includes_both_ends) {
    kw_cond c = { .flags = KW_COND_DATES, .date_from = fx_date(2026, 4, 10),
                  .date_until = fx_date(2026, 4, 12) };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 10, 0, 0) - 1), "not_yet_valid");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 10, 0, 0)), "grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 12, 23, 59)), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 13, 0, 0)), "outside_schedule");
}

FX_TEST(cond_date_range_with_midnight_window_uses_start_day) {
    kw_cond c = { .flags = KW_COND_DATES | KW_COND_DAILY, .date_from = fx_date(2026, 4, 10),
                  .date_until = fx_date(2026, 4, 30), .day_from = 22 * 60, .day_until = 6 * 60 };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    /* 04-10 03:00 belongs to the window that started on 04-09 */
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 10, 3, 0)), "not_yet_valid");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 10, 22, 0)), "grant");
    /* 05-01 03:00 belongs to 04-30, the last day */
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 5, 1, 3, 0)), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 5, 1, 22, 0)), "outside_schedule");
}

FX_TEST(cond_evaluated_in_resource_time_zone) {
    /* Asia/Tokyo is UTC+9 all year */
    kw_cond c = { .flags = KW_COND_DAILY | KW_COND_WEEKDAYS, .weekdays = KW_MON,
                  .day_from = 9 * 60, .day_until = 10 * 60 };
    KW_CALL(setup(f, "lock_tokyo", "Asia/Tokyo", &c, NOW, NULL));
    /* Mon 09:30 Tokyo = Mon 00:30 UTC */
    FX_ALLOW(fx_check(f, "carol", "lock_tokyo", "unlock", fx_utc(2026, 4, 6, 0, 30)), "grant");
    FX_DENY(fx_check(f, "carol", "lock_tokyo", "unlock", fx_utc(2026, 4, 6, 9, 30)),
            "outside_schedule");
    /* Sun 09:30 UTC... is Sun 18:30 Tokyo; Sun 00:30 UTC is Sun 09:30 Tokyo: not Monday */
    FX_DENY(fx_check(f, "carol", "lock_tokyo", "unlock", fx_utc(2026, 4, 5, 0, 30)),
            "outside_schedule");
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock_tokyo", &ri));
    CHECK_STR(ri.tz, "Asia/Tokyo");
}

FX_TEST(cond_default_time_zone_is_utc) {
    kw_resource_info ri;
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.tz, "UTC");
}

FX_TEST(cond_dst_spring_forward_skipped_window_never_matches) {
    /* Europe/Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST */
    kw_cond c = { .flags = KW_COND_DAILY, .day_from = 2 * 60, .day_until = 3 * 60 };
    KW_CALL(setup(f, "lock_ber", "Europe/Berlin", &c, NOW, NULL));
    kw_time start = fx_utc(2026, 3, 28, 22, 0);       /* 03-29 00:00 local (CET) */
    kw_time end = fx_utc(2026, 3, 29, 22, 0);         /* 03-30 00:00 local (CEST) */
    for (kw_time t = start; t < end; t += FX_MIN) {
        kw_decision d = fx_check(f, "carol", "lock_ber", "unlock", t);
        CHECK_MSG(!d.allowed, "allowed at %lld min after local midnight",
                  (long long)((t - start) / FX_MIN));
        CHECK_STR(kw_reason_code(d.reason), "outside_schedule");
    }
    /* the window exists on the days around it */
    FX_ALLOW(fx_check(f, "carol", "lock_ber", "unlock", fx_local("Europe/Berlin", 2026, 3, 28, 2, 30)),
             "grant");
    FX_ALLOW(fx_check(f, "carol", "lock_ber", "unlock", fx_local("Europe/Berlin", 2026, 3, 30, 2, 30)),
             "grant");
    FX_ALLOW(fx_check(f, "carol", "lock_ber", "unlock", fx_utc(2026, 3, 30, 0, 0)), "grant");
}

FX_TEST(cond_dst_fall_back_repeated_window_matches_twice) {
    /* America/New_York 2026-11-01: 02:00 EDT falls back to 01:00 EST */
    kw_cond c = { .flags = KW_COND_DAILY, .day_from = 1 * 60, .day_until = 2 * 60 };
    KW_CALL(setup(f, "lock_ny", "America/New_York", &c, NOW, NULL));
    FX_DENY(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 4, 59)), "outside_schedule");
    FX_ALLOW(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 5, 0)), "grant");   /* 01:00 EDT */
    FX_ALLOW(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 5, 30)), "grant");  /* 01:30 EDT */
    FX_ALLOW(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 6, 0)), "grant");   /* 01:00 EST */
    FX_ALLOW(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 6, 59)), "grant");  /* 01:59 EST */
    FX_DENY(fx_check(f, "carol", "lock_ny", "unlock", fx_utc(2026, 11, 1, 7, 0)), "outside_schedule");
    /* a two-hour stretch of instants matches on that day */
    int matched = 0;
    for (kw_time t = fx_utc(2026, 11, 1, 0, 0); t < fx_utc(2026, 11, 2, 0, 0); t += FX_MIN)
        matched += fx_check(f, "carol", "lock_ny", "unlock", t).allowed ? 1 : 0;
    CHECK_EQ(matched, 120);
}

FX_TEST(cond_per_day_count_uses_local_calendar_day) {
    /* America/New_York in April is UTC-4: the local day 04-06 runs from
     * 04-06 04:00 UTC to 04-07 04:00 UTC. */
    kw_cond c = { .flags = KW_COND_PER_DAY, .max_per_day = 1 };
    uint64_t id;
    KW_CALL(setup(f, "lock_ny", "America/New_York", &c, NOW, &id));
    FX_ALLOW(fx_use(f, "carol", "lock_ny", "unlock", fx_utc(2026, 4, 6, 23, 0)), "grant");   /* 19:00 local */
    /* next UTC date, same local day */
    FX_DENY(fx_use(f, "carol", "lock_ny", "unlock", fx_utc(2026, 4, 7, 1, 0)), "exhausted_today");
    FX_DENY(fx_use(f, "carol", "lock_ny", "unlock", fx_utc(2026, 4, 7, 3, 59)), "exhausted_today");
    /* same UTC date, next local day */
    kw_decision d = fx_use(f, "carol", "lock_ny", "unlock", fx_utc(2026, 4, 7, 4, 0));
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 0);
    kw_grant_info gi = fx_grant_info(f, FX_T, id, fx_utc(2026, 4, 7, 4, 0));
    CHECK_EQ(gi.today, fx_date(2026, 4, 7));
    CHECK_EQ(gi.used_today, 1);
    CHECK_EQ(gi.used_total, 2);
    CHECK_EQ(gi.remaining, 0);
    /* on the next local day grant_get reports a fresh day */
    CHECK_EQ(fx_grant_info(f, FX_T, id, fx_utc(2026, 4, 8, 4, 0)).remaining, 1);
}

FX_TEST(cond_per_day_count_on_dst_day_in_local_days) {
    /* Europe/Berlin 2026-03-29 has 23 hours: 03-28 23:00 UTC .. 03-29 22:00 UTC */
    kw_cond c = { .flags = KW_COND_PER_DAY, .max_per_day = 1 };
    KW_CALL(setup(f, "lock_ber", "Europe/Berlin", &c, NOW, NULL));
    FX_ALLOW(fx_use(f, "carol", "lock_ber", "unlock", fx_utc(2026, 3, 28, 23, 0)), "grant");
    FX_DENY(fx_use(f, "carol", "lock_ber", "unlock", fx_utc(2026, 3, 29, 21, 59)), "exhausted_today");
    FX_ALLOW(fx_use(f, "carol", "lock_ber", "unlock", fx_utc(2026, 3, 29, 22, 0)), "grant");
}

FX_TEST(cond_count_total_exhausted) {
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = 2 };
    uint64_t id;
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, &id));
    kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
    CHECK_EQ(d.remaining, 1);
    d = fx_use(f, "carol", "lock1", "unlock", NOW + FX_DAY);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 0);
    d = fx_use(f, "carol", "lock1", "unlock", NOW + 2 * FX_DAY);
    FX_DENY(d, "exhausted");
    CHECK_EQ(d.grant, id);
    CHECK_EQ(d.remaining, 0);
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW + 30 * FX_DAY), "exhausted");
    CHECK_EQ(fx_grant_info(f, FX_T, id, NOW).used_total, 2);
}

FX_TEST(cond_remaining_is_min_of_total_and_per_day) {
    kw_cond c = { .flags = KW_COND_COUNT | KW_COND_PER_DAY, .max_total = 5, .max_per_day = 2 };
    uint64_t id;
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, &id));
    kw_time d1 = fx_utc(2026, 4, 6, 10, 0), d2 = d1 + FX_DAY, d3 = d2 + FX_DAY;
    kw_decision d = fx_check(f, "carol", "lock1", "unlock", d1);
    CHECK_EQ(d.remaining, 2);            /* check: before the use */
    d = fx_use(f, "carol", "lock1", "unlock", d1);
    CHECK_EQ(d.remaining, 1);            /* use: after it */
    CHECK_EQ(fx_check(f, "carol", "lock1", "unlock", d1).remaining, 1);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", d1).remaining, 0);
    d = fx_use(f, "carol", "lock1", "unlock", d1);
    FX_DENY(d, "exhausted_today");
    CHECK_EQ(d.remaining, 0);
    CHECK_EQ(fx_check(f, "carol", "lock1", "unlock", d2).remaining, 2);   /* min(3, 2) */
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", d2).remaining, 1);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", d2).remaining, 0);
    d = fx_check(f, "carol", "lock1", "unlock", d3);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 1);            /* min(1, 2) */
    CHECK_EQ(fx_grant_info(f, FX_T, id, d3).remaining, 1);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", d3).remaining, 0);
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", d3 + FX_DAY), "exhausted");
}

FX_TEST(cond_window_and_count_combined) {
    kw_time from = fx_utc(2026, 4, 10, 0, 0), until = fx_utc(2026, 4, 11, 0, 0);
    kw_cond c = { .flags = KW_COND_WINDOW | KW_COND_COUNT, .from = from, .until = until,
                  .max_total = 1 };
    uint64_t id;
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, &id));
    /* a deny outside the window consumes nothing */
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", from - FX_MIN), "not_yet_valid");
    CHECK_EQ(fx_grant_info(f, FX_T, id, from).used_total, 0);
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", from + FX_HOUR), "grant");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", from + 2 * FX_HOUR), "exhausted");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", until), "outside_window");
}

FX_TEST(cond_all_parts_must_hold) {
    /* window April 2026 + weekdays Tue + daily 08:00-09:00 */
    kw_cond c = { .flags = KW_COND_WINDOW | KW_COND_WEEKDAYS | KW_COND_DAILY,
                  .from = fx_utc(2026, 4, 1, 0, 0), .until = fx_utc(2026, 5, 1, 0, 0),
                  .weekdays = KW_TUE, .day_from = 8 * 60, .day_until = 9 * 60 };
    KW_CALL(setup(f, "lock1", NULL, &c, NOW, NULL));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 8, 30)), "grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 7, 9, 30)), "outside_schedule");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 4, 8, 8, 30)), "outside_schedule");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", fx_utc(2026, 5, 5, 8, 30)), "outside_window");
}

KW_TEST(cond_validate_accepts_well_formed) {
    kw_cond ok[] = {
        { 0 },
        { .flags = KW_COND_WINDOW, .from = 0, .until = KW_US_PER_MIN },
        { .flags = KW_COND_COUNT | KW_COND_PER_DAY, .max_total = 1, .max_per_day = 1 },
        { .flags = KW_COND_WEEKDAYS, .weekdays = 0x7f },
        { .flags = KW_COND_DAILY, .day_from = 0, .day_until = 1440 },
        { .flags = KW_COND_DAILY, .day_from = 1439, .day_until = 1 },
        { .flags = KW_COND_DATES, .date_from = 5, .date_until = 5 },
        /* fields of unselected parts are ignored */
        { .flags = KW_COND_COUNT, .max_total = 3, .weekdays = 0, .day_from = 5000 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CHECK_MSG(kw_cond_validate(&ok[i]) == KW_OK, "case %zu: %s", i,
                  kw_err_code(kw_cond_validate(&ok[i])));
}
