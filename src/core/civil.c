/*
 * src/core/civil.c — proleptic Gregorian calendar arithmetic.
 *
 * Day numbers count days since 1970-01-01. The conversions shift the year to
 * start on March 1 so that the leap day is the last day of the shifted year;
 * then a 400-year era has a fixed length (146097 days) and month starts
 * follow the linear formula (153 * month + 2) / 5. Everything is integer
 * arithmetic with floor division, so negative days and years work too.
 * Internals use 64-bit values so that no input can overflow; results outside
 * int32 (years beyond about ±5.8 million) are not meaningful.
 */
#include <stdint.h>

#include "keyway/tz.h"

#define DAYS_PER_ERA   INT64_C(146097)   /* 400 Gregorian years */
#define EPOCH_SHIFT    INT64_C(719468)   /* 0000-03-01 → 1970-01-01 */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int32_t kw_days_from_civil(int32_t y, unsigned m, unsigned d) {
    int64_t yy = (int64_t)y - (m <= 2u ? 1 : 0);
    int64_t era = floor_div(yy, 400);
    uint64_t yoe = (uint64_t)(yy - era * 400);                 /* 0..399 */
    uint64_t mp = (uint64_t)((m + 9u) % 12u);                  /* March = 0 */
    uint64_t doy = (153u * mp + 2u) / 5u + (uint64_t)d - 1u;   /* 0..365 */
    uint64_t doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;   /* 0..146096 */
    return (int32_t)(era * DAYS_PER_ERA + (int64_t)doe - EPOCH_SHIFT);
}

void kw_civil_from_days(int32_t days, int32_t *y, unsigned *m, unsigned *d) {
    int64_t z = (int64_t)days + EPOCH_SHIFT;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    uint64_t doe = (uint64_t)(z - era * DAYS_PER_ERA);                          /* 0..146096 */
    uint64_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;   /* 0..399 */
    uint64_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);                  /* 0..365 */
    uint64_t mp = (5u * doy + 2u) / 153u;                                       /* 0..11 */
    unsigned month = (unsigned)(mp < 10u ? mp + 3u : mp - 9u);
    int64_t year = (int64_t)yoe + era * 400 + (month <= 2u ? 1 : 0);
    if (y) *y = (int32_t)year;
    if (m) *m = month;
    if (d) *d = (unsigned)(doy - (153u * mp + 2u) / 5u + 1u);
}

unsigned kw_weekday_from_days(int32_t days) {
    /* 1970-01-01 was a Thursday: ISO index 3 when Monday is 0. */
    int64_t w = ((int64_t)days + 3) % 7;
    if (w < 0) w += 7;
    return (unsigned)w;
}

int kw_civil_valid(int32_t y, unsigned m, unsigned d) {
    static const unsigned char month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || y > 9999 || m < 1u || m > 12u || d < 1u) return 0;
    unsigned dim = month_days[m - 1u];
    if (m == 2u && (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0)) dim = 29u;
    return d <= dim;
}
