/*
 * tests/unit/fixture.h — shared helpers for the engine's behaviour tests.
 *
 * FX_TEST(name) declares a test whose body receives a ready fixture `f`:
 * an engine using the system time-zone loader, a change hook that records
 * every change (strings copied), and two tenants FX_T and FX_T2. The engine
 * is freed after the body returns, also when a CHECK failed, so tests stay
 * clean under ASan.
 *
 * Every non-static name here starts with fx_ (all tests/unit C files link into
 * one binary).
 */
#ifndef KEYWAY_TEST_FIXTURE_H
#define KEYWAY_TEST_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyway/keyway.h"
#include "test.h"

#define FX_T  "t1"
#define FX_T2 "t2"

#define FX_MIN  KW_US_PER_MIN
#define FX_HOUR (INT64_C(60) * KW_US_PER_MIN)
#define FX_DAY  (INT64_C(24) * FX_HOUR)

/* A copy of one change record. */
#define FX_REC_RES 16
typedef struct fx_rec {
    uint64_t       seq;
    kw_change_kind kind;
    kw_time        at;
    char           tenant[KW_ID_MAX];
    bool           has_actor;
    char           actor[KW_ID_MAX];
    bool           has_object, has_subject;
    char           object[KW_ID_MAX];
    char           subject[KW_ID_MAX];
    uint64_t       grant_id;
    size_t         nresources;            /* as reported (may exceed FX_REC_RES) */
    char           res[FX_REC_RES][KW_ID_MAX];
    uint64_t       ver[FX_REC_RES];
} fx_rec;

typedef struct fx {
    kw_engine *eng;
    fx_rec    *recs;
    size_t     nrecs, caprecs;
    size_t     dropped;                   /* records the hook could not keep */
    pthread_mutex_t lock;                 /* consumption records arrive from
                                             several threads at once */
} fx;

/* Build / tear down a fixture (returns false and fails the test on error). */
bool fx_open(fx *f);
void fx_close(fx *f);

#define FX_TEST_SLOW(name, secs)                                              \
    static void fx_body_##name(fx *f);                                        \
    KW_TEST_SLOW(name, secs) {                                                \
        fx fx__f;                                                             \
        if (!fx_open(&fx__f)) return;                                         \
        fx_body_##name(&fx__f);                                               \
        fx_close(&fx__f);                                                     \
    }                                                                         \
    static void fx_body_##name(fx *f)
#define FX_TEST(name) FX_TEST_SLOW(name, 20)

/* ---------------------------------------------------------------- time */

/* UTC instant of y-m-d hh:mm (µs). */
kw_time fx_utc(int32_t y, unsigned m, unsigned d, int hh, int mm);
/* Day number of y-m-d. */
kw_date fx_date(int32_t y, unsigned m, unsigned d);
/* Instant at which zone `zone` shows y-m-d hh:mm (the first one if it
 * repeats); -1 when the zone cannot be loaded. */
kw_time fx_local(const char *zone, int32_t y, unsigned m, unsigned d, int hh, int mm);
/* The fixed "now" most tests use: Wed 2026-04-01 00:00 UTC. */
kw_time fx_now(void);

/* ---------------------------------------------------------------- model */

/* Personal resource `id` in tenant with functions unlock, lock, photo and
 * zone `tz` (NULL = UTC). */
kw_err fx_res(fx *f, const char *tenant, const char *id, const char *tz);
/* fx_res + bind `owner`. */
kw_err fx_owned(fx *f, const char *tenant, const char *id, const char *owner, const char *tz);
/* One grant of one function to one user by `actor`; *id receives its id
 * (id may be NULL). cond NULL = permanent. */
kw_err fx_grant(fx *f, const char *tenant, const char *actor, const char *res,
                const char *user, const char *fn, const kw_cond *cond, kw_time now,
                uint64_t *id);
/* One-grant batch operation. */
kw_err fx_grant_op(fx *f, const char *tenant, const char *actor, uint64_t id, kw_grant_op op,
                   kw_time now);

/* Decisions in FX_T (on an engine error the reason is KW__REASON_COUNT and
 * allowed is false, so assertions on the reason fail visibly). */
kw_decision fx_check(fx *f, const char *user, const char *res, const char *fn, kw_time now);
kw_decision fx_use(fx *f, const char *user, const char *res, const char *fn, kw_time now);

/* Permission version of a resource (0 when unknown). */
uint64_t fx_version(fx *f, const char *tenant, const char *res);
/* Grant info (zeroed with id 0 when unknown). */
kw_grant_info fx_grant_info(fx *f, const char *tenant, uint64_t id, kw_time now);

/* Records: index of the first record at or after `from` of `kind`, or
 * (size_t)-1. Version of `res` in record i, or 0 if it is not listed. */
size_t   fx_find_rec(const fx *f, size_t from, kw_change_kind kind);
uint64_t fx_rec_version(const fx_rec *r, const char *res);

/* Decision assertions by reason code (prints the codes on failure). */
#define FX_ALLOW(dec, code) do {                                              \
        kw_decision fx__d = (dec);                                            \
        CHECK_STR(kw_reason_code(fx__d.reason), (code));                      \
        CHECK_MSG(fx__d.allowed, "%s: expected allowed", #dec);               \
    } while (0)
#define FX_DENY(dec, code) do {                                               \
        kw_decision fx__d = (dec);                                            \
        CHECK_STR(kw_reason_code(fx__d.reason), (code));                      \
        CHECK_MSG(!fx__d.allowed, "%s: expected denied", #dec);               \
    } while (0)

#endif
