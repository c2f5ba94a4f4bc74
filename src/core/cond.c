/*
 * src/core/cond.c — condition validation and evaluation.
 *
 * Time parts are evaluated on the resource's local wall clock: an instant is
 * converted to local seconds once, then split into a local day and a minute
 * of that day. Because we go from instant to wall clock, a local time that
 * DST skips never occurs and one it repeats occurs twice, as the spec asks.
 */
#include "core/internal.h"

#define KW__DATE_MAX 2932896   /* 9999-12-31 */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

kw_err kw_cond_validate(const kw_cond *c) {
    if (!c) return KW_INVAL;
    if (c->flags & ~(uint32_t)KW_COND_ALL) return KW_BAD_COND;
    if (c->flags & KW_COND_WINDOW) {
        if (c->from < KW_TIME_MIN || c->from > KW_TIME_MAX || c->until < KW_TIME_MIN ||
            c->until > KW_TIME_MAX)
            return KW_BAD_TIME;
        if (c->from % KW_US_PER_MIN != 0 || c->until % KW_US_PER_MIN != 0) return KW_BAD_TIME;
        if (c->until <= c->from) return KW_BAD_COND;
    }
    if ((c->flags & KW_COND_COUNT) && c->max_total == 0) return KW_BAD_COND;
    if ((c->flags & KW_COND_PER_DAY) && c->max_per_day == 0) return KW_BAD_COND;
    if ((c->flags & KW_COND_WEEKDAYS) && (c->weekdays == 0 || (c->weekdays & 0x80u)))
        return KW_BAD_COND;
    if (c->flags & KW_COND_DAILY) {
        if (c->day_from > 1439 || c->day_until < 1 || c->day_until > 1440 ||
            c->day_from == c->day_until)
            return KW_BAD_COND;
    }
    if (c->flags & KW_COND_DATES) {
        if (c->date_from < 0 || c->date_until > KW__DATE_MAX) return KW_BAD_TIME;
        if (c->date_from > c->date_until) return KW_BAD_COND;
    }
    return KW_OK;
}

void kw__cond_pack(kw__cond *dst, const kw_cond *src) {
    uint32_t f = src->flags;
    *dst = (kw__cond){0};
    dst->flags = (uint8_t)f;
    if (f & KW_COND_WINDOW) {
        dst->from_min = (uint32_t)(src->from / KW_US_PER_MIN);
        dst->until_min = (uint32_t)(src->until / KW_US_PER_MIN);
    }
    if (f & KW_COND_COUNT) dst->max_total = src->max_total;
    if (f & KW_COND_PER_DAY) dst->max_per_day = src->max_per_day;
    if (f & KW_COND_WEEKDAYS) dst->weekdays = src->weekdays;
    if (f & KW_COND_DAILY) { dst->day_from = src->day_from; dst->day_until = src->day_until; }
    if (f & KW_COND_DATES) { dst->date_from = src->date_from; dst->date_until = src->date_until; }
}

void kw__cond_unpack(kw_cond *dst, const kw__cond *src) {
    *dst = (kw_cond){0};
    dst->flags = src->flags;
    dst->from = (kw_time)src->from_min * KW_US_PER_MIN;
    dst->until = (kw_time)src->until_min * KW_US_PER_MIN;
    dst->max_total = src->max_total;
    dst->max_per_day = src->max_per_day;
    dst->weekdays = src->weekdays;
    dst->day_from = src->day_from;
    dst->day_until = src->day_until;
    dst->date_from = src->date_from;
    dst->date_until = src->date_until;
}

kw_date kw__local_day(const kw_tz *tz, kw_time now) {
    int64_t local = kw_tz_to_local(tz, floor_div(now, KW_US_PER_SEC));
    return (kw_date)floor_div(local, 86400);
}

kw_reason kw__cond_time(const kw__cond *c, const kw_tz *tz, kw_time now) {
    if (c->flags & KW_COND_WINDOW) {
        if (now < (kw_time)c->from_min * KW_US_PER_MIN) return KW_R_NOT_YET_VALID;
        if (now >= (kw_time)c->until_min * KW_US_PER_MIN) return KW_R_OUTSIDE_WINDOW;
    }
    if (!(c->flags & KW_COND_RECURRING)) return KW_R_ALLOWED_GRANT;

    int64_t local = kw_tz_to_local(tz, floor_div(now, KW_US_PER_SEC));
    int64_t day = floor_div(local, 86400);
    uint32_t minute = (uint32_t)((local - day * 86400) / 60);
    if ((c->flags & KW_COND_DATES) && day < c->date_from) return KW_R_NOT_YET_VALID;

    int64_t start = day;   /* the day the daily window began on */
    if (c->flags & KW_COND_DAILY) {
        if (c->day_from < c->day_until) {
            if (minute < c->day_from || minute >= c->day_until) return KW_R_OUTSIDE_SCHEDULE;
        } else if (minute < c->day_until) {
            start = day - 1;
        } else if (minute < c->day_from) {
            return KW_R_OUTSIDE_SCHEDULE;
        }
    }
    if (c->flags & KW_COND_DATES) {
        if (start < c->date_from) return KW_R_NOT_YET_VALID;
        if (start > c->date_until) return KW_R_OUTSIDE_SCHEDULE;
    }
    if ((c->flags & KW_COND_WEEKDAYS) &&
        !(c->weekdays & (1u << kw_weekday_from_days((kw_date)start))))
        return KW_R_OUTSIDE_SCHEDULE;
    return KW_R_ALLOWED_GRANT;
}

kw_time kw__cond_end(const kw__cond *c, const kw_tz *tz) {
    if (c->flags & KW_COND_WINDOW) return (kw_time)c->until_min * KW_US_PER_MIN;
    if (c->flags & KW_COND_DATES) {
        int64_t utc;
        if (kw_tz_from_local(tz, ((int64_t)c->date_until + 1) * 86400, &utc) != KW_OK)
            return INT64_MAX;
        return utc * KW_US_PER_SEC;
    }
    return INT64_MAX;
}
