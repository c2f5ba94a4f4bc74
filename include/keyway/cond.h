/*
 * keyway/cond.h — conditions: when a permission holds.
 *
 * A condition is a conjunction of optional parts selected by `flags`; a
 * condition with flags == 0 is permanent. Parts:
 *   KW_COND_WINDOW     instants [from, until), minute-aligned, UTC µs
 *   KW_COND_COUNT      at most max_total uses in all
 *   KW_COND_PER_DAY    at most max_per_day uses per local calendar day
 *   KW_COND_WEEKDAYS   only on the weekdays in `weekdays`
 *   KW_COND_DAILY      only in the local daily window [day_from, day_until)
 *                      (minutes after midnight); day_from > day_until
 *                      crosses midnight and belongs to the day it starts on
 *   KW_COND_DATES      only on local dates date_from..date_until inclusive
 * The recurring parts (WEEKDAYS, DAILY, DATES) are evaluated on the local
 * wall clock of the resource's time zone; a local time that DST skips never
 * matches and one it repeats matches both times. Weekday and date checks use
 * the day the daily window started on.
 */
#ifndef KEYWAY_COND_H
#define KEYWAY_COND_H

#include <stdint.h>

#include "keyway/error.h"

/* Microseconds since 1970-01-01T00:00:00Z. */
typedef int64_t kw_time;
/* Days since 1970-01-01 (proleptic Gregorian, local calendar). */
typedef int32_t kw_date;

#define KW_US_PER_SEC  INT64_C(1000000)
#define KW_US_PER_MIN  INT64_C(60000000)
/* Accepted range of instants: years 1970 through 9999. */
#define KW_TIME_MIN    INT64_C(0)
#define KW_TIME_MAX    INT64_C(253402300799999999)

enum {
    KW_COND_WINDOW   = 1u << 0,
    KW_COND_COUNT    = 1u << 1,
    KW_COND_PER_DAY  = 1u << 2,
    KW_COND_WEEKDAYS = 1u << 3,
    KW_COND_DAILY    = 1u << 4,
    KW_COND_DATES    = 1u << 5,
    KW_COND_ALL      = (1u << 6) - 1u,
    KW_COND_COUNTED  = KW_COND_COUNT | KW_COND_PER_DAY,
    KW_COND_RECURRING = KW_COND_WEEKDAYS | KW_COND_DAILY | KW_COND_DATES
};

/* Weekday bits, ISO order. */
enum {
    KW_MON = 1u << 0, KW_TUE = 1u << 1, KW_WED = 1u << 2, KW_THU = 1u << 3,
    KW_FRI = 1u << 4, KW_SAT = 1u << 5, KW_SUN = 1u << 6
};

typedef struct kw_cond {
    uint32_t flags;           /* KW_COND_* bits; 0 = permanent */
    kw_time  from, until;     /* WINDOW: from < until, both minute-aligned */
    uint32_t max_total;       /* COUNT: >= 1 */
    uint32_t max_per_day;     /* PER_DAY: >= 1 */
    uint8_t  weekdays;        /* WEEKDAYS: non-empty subset of KW_MON..KW_SUN */
    uint16_t day_from;        /* DAILY: 0..1439 */
    uint16_t day_until;       /* DAILY: 1..1440, != day_from */
    kw_date  date_from;       /* DATES: date_from <= date_until, */
    kw_date  date_until;      /*        both within years 1970..9999 */
} kw_cond;

/* Check that `c` is well formed (see the field comments). Fields of parts
 * not selected by flags are ignored. Returns KW_OK, KW_INVAL (NULL),
 * KW_BAD_COND or KW_BAD_TIME (window out of range or not minute-aligned). */
kw_err kw_cond_validate(const kw_cond *c);

/* Why a decision came out as it did. Codes are stable and never renamed. */
#define KW_REASONS(X)                                                  \
    X(ALLOWED_OWNER,      "owner")                                     \
    X(ALLOWED_SHARER,     "sharer")                                    \
    X(ALLOWED_GRANT,      "grant")                                     \
    X(ALLOWED_BINDING,    "binding")                                   \
    X(ALLOWED_ADMIN,      "admin")                                     \
    X(ALLOWED_ASSIGNMENT, "assignment")                                \
    X(NO_GRANT,           "no_grant")                                  \
    X(OUTSIDE_WINDOW,     "outside_window")                            \
    X(NOT_YET_VALID,      "not_yet_valid")                             \
    X(OUTSIDE_SCHEDULE,   "outside_schedule")                          \
    X(EXHAUSTED,          "exhausted")                                 \
    X(EXHAUSTED_TODAY,    "exhausted_today")                           \
    X(DISABLED,           "disabled")                                  \
    X(SUSPENDED,          "suspended")                                 \
    X(ORG_DISABLED,       "org_disabled")                              \
    X(NODE_DISABLED,      "node_disabled")                             \
    X(BINDING_EXPIRED,    "binding_expired")                           \
    X(NOT_IN_PLAN,        "not_in_plan")                               \
    X(UNKNOWN_TENANT,     "unknown_tenant")                            \
    X(UNKNOWN_RESOURCE,   "unknown_resource")                          \
    X(UNKNOWN_FUNCTION,   "unknown_function")

typedef enum kw_reason {
#define KW__REASON_ENUM(name, code) KW_R_##name,
    KW_REASONS(KW__REASON_ENUM)
#undef KW__REASON_ENUM
    KW__REASON_COUNT
} kw_reason;

/* Stable code of a reason ("outside_window"); "unknown" for bad values. */
const char *kw_reason_code(kw_reason r);

/* True for the KW_R_ALLOWED_* reasons. */
int kw_reason_allows(kw_reason r);

#endif
