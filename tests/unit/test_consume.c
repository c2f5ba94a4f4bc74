/*
 * tests/unit/test_consume.c — consumption order, check vs use, remaining,
 * atomicity under concurrent uses, and idempotent uses (REQUIREMENTS §2
 * "Consumption", "Check vs use", §8 "Ordering and ties", "remaining",
 * "Idempotency").
 */
#include <pthread.h>
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

static kw_cond counted_until(kw_time until, uint32_t n) {
    kw_cond c = { .flags = KW_COND_WINDOW | KW_COND_COUNT, .from = fx_utc(2026, 3, 1, 0, 0),
                  .until = until, .max_total = n };
    return c;
}

static kw_cond counted(uint32_t n) {
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = n };
    return c;
}

static uint32_t used(fx *f, uint64_t id) {
    return fx_grant_info(f, FX_T, id, NOW).used_total;
}

FX_TEST(consume_soonest_ending_counted_grant_first) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond ca = counted_until(fx_utc(2026, 4, 30, 0, 0), 2);
    kw_cond cb = counted_until(fx_utc(2026, 4, 10, 0, 0), 2);
    kw_cond cc = counted(2);                          /* no end: last */
    uint64_t a, b, c;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &cc, NOW, &c));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &ca, NOW, &a));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &cb, NOW, &b));
    kw_decision d = fx_check(f, "carol", "lock1", "unlock", NOW);
    CHECK_EQ(d.grant, b);
    CHECK_EQ(d.remaining, 2);
    uint64_t want[6] = { b, b, a, a, c, c };
    int64_t left[6] = { 1, 0, 1, 0, 1, 0 };
    for (int i = 0; i < 6; i++) {
        d = fx_use(f, "carol", "lock1", "unlock", NOW);
        FX_ALLOW(d, "grant");
        CHECK_MSG(d.grant == want[i], "use %d consumed grant %llu, want %llu", i,
                  (unsigned long long)d.grant, (unsigned long long)want[i]);
        CHECK_EQ(d.remaining, left[i]);
    }
    d = fx_use(f, "carol", "lock1", "unlock", NOW);
    FX_DENY(d, "exhausted");
    CHECK_EQ(used(f, a), 2);
    CHECK_EQ(used(f, b), 2);
    CHECK_EQ(used(f, c), 2);
}

FX_TEST(consume_equal_ends_earliest_granted_first) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted_until(fx_utc(2026, 4, 30, 0, 0), 1);
    uint64_t late, early;
    /* the grant with the lower id was granted later */
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW + FX_HOUR, &late));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &early));
    CHECK(late < early);
    kw_time t = NOW + 2 * FX_HOUR;
    kw_decision d = fx_use(f, "carol", "lock1", "unlock", t);
    CHECK_EQ(d.grant, early);
    d = fx_use(f, "carol", "lock1", "unlock", t);
    CHECK_EQ(d.grant, late);
}

FX_TEST(consume_equal_ends_fifo_by_grant_time) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(1);
    uint64_t first, second;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &first));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW + 1, &second));
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW + FX_MIN).grant, first);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW + FX_MIN).grant, second);
}

FX_TEST(consume_equal_ends_and_grant_time_lowest_id) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted_until(fx_utc(2026, 4, 30, 0, 0), 1);
    uint64_t ids[3];
    for (int i = 0; i < 3; i++)
        CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &ids[i]));
    for (int i = 0; i < 3; i++) {
        kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
        FX_ALLOW(d, "grant");
        CHECK_EQ(d.grant, ids[i]);
    }
}

FX_TEST(consume_date_range_end_orders_recurring_grants) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond win_may = counted_until(fx_utc(2026, 5, 31, 0, 0), 1);
    kw_cond dates_apr = { .flags = KW_COND_DATES | KW_COND_COUNT,
                          .date_from = fx_date(2026, 4, 1), .date_until = fx_date(2026, 4, 30),
                          .max_total = 1 };
    kw_cond win_apr20 = counted_until(fx_utc(2026, 4, 20, 0, 0), 1);
    uint64_t a, b, c;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &win_may, NOW, &a));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &dates_apr, NOW, &b));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &win_apr20, NOW, &c));
    kw_time t = fx_utc(2026, 4, 2, 0, 0);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", t).grant, c);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", t).grant, b);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", t).grant, a);
}

FX_TEST(consume_uncounted_grant_present_consumes_nothing) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(3);
    uint64_t cnt, perm;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &cnt));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &perm));
    for (int i = 0; i < 5; i++) {
        kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
        FX_ALLOW(d, "grant");
        CHECK_EQ(d.grant, perm);
        CHECK_EQ(d.remaining, -1);
    }
    CHECK_EQ(used(f, cnt), 0);
    /* once the uncounted grant no longer applies, the counted one is used */
    CHECK_OK(fx_grant_op(f, FX_T, "alice", perm, KW_GRANT_DISABLE, NOW));
    kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.grant, cnt);
    CHECK_EQ(d.remaining, 2);
    CHECK_EQ(used(f, cnt), 1);
}

FX_TEST(consume_uncounted_window_grant_present_consumes_nothing) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(3);
    kw_cond w = { .flags = KW_COND_WINDOW, .from = NOW, .until = NOW + FX_DAY };
    uint64_t cnt, win;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &cnt));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &w, NOW, &win));
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW).grant, win);
    CHECK_EQ(used(f, cnt), 0);
    /* after the window the counted grant takes over */
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW + FX_DAY).grant, cnt);
    CHECK_EQ(used(f, cnt), 1);
}

FX_TEST(consume_owner_and_sharer_uses_never_consume) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    const char *const fn[] = { "unlock" };
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", fn, 1, NOW));
    kw_cond c = counted(1);
    uint64_t gb, ga;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "bob", "unlock", &c, NOW, &gb));
    CHECK_OK(fx_grant(f, FX_T, NULL, "lock1", "alice", "unlock", &c, NOW, &ga));
    for (int i = 0; i < 3; i++) {
        kw_decision d = fx_use(f, "bob", "lock1", "unlock", NOW);
        FX_ALLOW(d, "sharer");
        CHECK_EQ(d.remaining, -1);
        d = fx_use(f, "alice", "lock1", "unlock", NOW);
        FX_ALLOW(d, "owner");
        CHECK_EQ(d.remaining, -1);
    }
    CHECK_EQ(used(f, gb), 0);
    CHECK_EQ(used(f, ga), 0);
}

FX_TEST(consume_check_changes_nothing) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = { .flags = KW_COND_COUNT | KW_COND_PER_DAY, .max_total = 2, .max_per_day = 1 };
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    size_t before = f->nrecs;
    for (int i = 0; i < 20; i++) {
        kw_decision d = fx_check(f, "carol", "lock1", "unlock", NOW);
        FX_ALLOW(d, "grant");
        CHECK_EQ(d.grant, id);
        CHECK_EQ(d.remaining, 1);
    }
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_EQ(gi.used_total, 0);
    CHECK_EQ(gi.used_today, 0);
    CHECK_EQ(f->nrecs, before);          /* no change record either */
}

FX_TEST(consume_remaining_check_before_use_after) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(3);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    CHECK_EQ(fx_check(f, "carol", "lock1", "unlock", NOW).remaining, 3);
    CHECK_EQ(fx_grant_info(f, FX_T, id, NOW).remaining, 3);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW).remaining, 2);
    CHECK_EQ(fx_check(f, "carol", "lock1", "unlock", NOW).remaining, 2);
    CHECK_EQ(fx_grant_info(f, FX_T, id, NOW).remaining, 2);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW).remaining, 1);
    CHECK_EQ(fx_use(f, "carol", "lock1", "unlock", NOW).remaining, 0);
    kw_decision d = fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_DENY(d, "exhausted");
    CHECK_EQ(d.remaining, 0);
    /* uncounted: -1 everywhere */
    uint64_t perm;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "dave", "unlock", NULL, NOW, &perm));
    CHECK_EQ(fx_check(f, "dave", "lock1", "unlock", NOW).remaining, -1);
    CHECK_EQ(fx_use(f, "dave", "lock1", "unlock", NOW).remaining, -1);
    CHECK_EQ(fx_grant_info(f, FX_T, perm, NOW).remaining, -1);
    /* no grant at all: -1 */
    CHECK_EQ(fx_check(f, "erin", "lock1", "unlock", NOW).remaining, -1);
}

FX_TEST(consume_deny_reason_follows_consumption_order) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    /* a: ends soonest, exhausted; b: ends later, not yet valid */
    kw_cond ca = { .flags = KW_COND_WINDOW | KW_COND_COUNT, .from = NOW - FX_DAY,
                   .until = NOW + FX_DAY, .max_total = 1 };
    kw_cond cb = { .flags = KW_COND_WINDOW | KW_COND_COUNT, .from = NOW + 2 * FX_DAY,
                   .until = NOW + 5 * FX_DAY, .max_total = 1 };
    uint64_t a, b;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &cb, NOW, &b));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &ca, NOW, &a));
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", NOW), "grant");
    kw_decision d = fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_DENY(d, "exhausted");
    CHECK_EQ(d.grant, a);
    /* disable a: b's reason shows */
    CHECK_OK(fx_grant_op(f, FX_T, "alice", a, KW_GRANT_DISABLE, NOW));
    d = fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_DENY(d, "disabled");
    CHECK_EQ(d.grant, a);
    CHECK_OK(fx_grant_op(f, FX_T, "alice", a, KW_GRANT_DELETE, NOW));
    d = fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_DENY(d, "not_yet_valid");
    CHECK_EQ(d.grant, b);
}

/* ------------------------------------------------------------ concurrency */

typedef struct racer {
    fx      *f;
    int      tries;
    int      allowed;
    int      errors;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    for (int i = 0; i < r->tries; i++) {
        kw_decision d;
        if (kw_use(r->f->eng, FX_T, "carol", "lock1", "unlock", NULL, NOW, &d) != KW_OK)
            r->errors++;
        else if (d.allowed)
            r->allowed++;
    }
    return NULL;
}

FX_TEST_SLOW(consume_concurrent_uses_consume_exactly_n, 60) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c1 = counted(40), c2 = counted_until(fx_utc(2026, 4, 30, 0, 0), 25);
    uint64_t g1, g2;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c1, NOW, &g1));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c2, NOW, &g2));
    enum { NT = 8 };
    pthread_t th[NT];
    racer rs[NT];
    for (int i = 0; i < NT; i++) {
        rs[i] = (racer){ .f = f, .tries = 50 };
        CHECK(pthread_create(&th[i], NULL, race, &rs[i]) == 0);
    }
    int allowed = 0, errors = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        allowed += rs[i].allowed;
        errors += rs[i].errors;
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(allowed, 65);
    CHECK_EQ(used(f, g1), 40);
    CHECK_EQ(used(f, g2), 25);
    size_t consumes = 0;
    for (size_t i = 0; i < f->nrecs; i++) consumes += f->recs[i].kind == KW_CH_CONSUME;
    CHECK_EQ(consumes, 65);
}

/* ------------------------------------------------------------ idempotency */

static kw_err use_key(fx *f, const char *tenant, const char *user, const char *res, const char *fn,
                      const char *key, kw_time now, kw_decision *d) {
    memset(d, 0, sizeof *d);
    return kw_use(f->eng, tenant, user, res, fn, key, now, d);
}

FX_TEST(idempotency_retry_replays_without_consuming) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(3);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    kw_decision d1, d2;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "req-1", NOW, &d1));
    FX_ALLOW(d1, "grant");
    CHECK_EQ(d1.remaining, 2);
    size_t recs = f->nrecs;
    for (int i = 0; i < 3; i++) {
        CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "req-1", NOW + FX_MIN, &d2));
        CHECK(d2.allowed);
        CHECK_EQ(d2.reason, d1.reason);
        CHECK_EQ(d2.grant, id);
        CHECK_EQ(d2.remaining, 2);
    }
    CHECK_EQ(used(f, id), 1);
    CHECK_EQ(f->nrecs, recs);            /* a replay records no new consumption */
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "req-2", NOW, &d2));
    CHECK_EQ(d2.remaining, 1);
    CHECK_EQ(used(f, id), 2);
}

FX_TEST(idempotency_replays_after_exhaustion) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(1);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    FX_ALLOW(d, "grant");
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k2", NOW, &d));
    FX_DENY(d, "exhausted");
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW + FX_HOUR, &d));
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.grant, id);
    CHECK_EQ(d.remaining, 0);
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k2", NOW + FX_HOUR, &d));
    FX_DENY(d, "exhausted");
    CHECK_EQ(used(f, id), 1);
}

FX_TEST(idempotency_replays_after_unbind) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(5);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    FX_ALLOW(d, "grant");
    CHECK_OK(kw_unbind(f->eng, FX_T, "alice", "lock1", NOW + FX_MIN));
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW + 2 * FX_MIN, &d));
    FX_ALLOW(d, "grant");                /* the replay records the past */
    CHECK_EQ(d.grant, id);
    CHECK_EQ(d.remaining, 4);
    /* …and grants nothing new */
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW + 2 * FX_MIN), "no_grant");
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k2", NOW + 2 * FX_MIN, &d));
    FX_DENY(d, "no_grant");
    CHECK_ERR(kw_grant_get(f->eng, FX_T, id, NOW, &(kw_grant_info){ 0 }), KW_UNKNOWN_GRANT);
}

FX_TEST(idempotency_replays_first_deny) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    FX_DENY(d, "no_grant");
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, NULL));
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW + FX_MIN, &d));
    FX_DENY(d, "no_grant");
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k2", NOW + FX_MIN, &d));
    FX_ALLOW(d, "grant");
}

FX_TEST(idempotency_same_key_different_request_mismatch) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(fx_owned(f, FX_T, "lock2", "alice", NULL));
    kw_cond c = counted(5);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    CHECK_ERR(use_key(f, FX_T, "carol", "lock1", "photo", "k1", NOW, &d), KW_IDEMPOTENCY_MISMATCH);
    CHECK_ERR(use_key(f, FX_T, "dave", "lock1", "unlock", "k1", NOW, &d), KW_IDEMPOTENCY_MISMATCH);
    CHECK_ERR(use_key(f, FX_T, "carol", "lock2", "unlock", "k1", NOW, &d), KW_IDEMPOTENCY_MISMATCH);
    CHECK_EQ(used(f, id), 1);
    /* the original request still replays */
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    CHECK_EQ(d.remaining, 4);
    CHECK_EQ(used(f, id), 1);
}

FX_TEST(idempotency_keys_are_per_tenant) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(fx_owned(f, FX_T2, "lock9", "zed", NULL));
    kw_cond c = counted(5);
    uint64_t a, b;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &a));
    CHECK_OK(fx_grant(f, FX_T2, "zed", "lock9", "yan", "photo", &c, NOW, &b));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "shared-key", NOW, &d));
    FX_ALLOW(d, "grant");
    CHECK_OK(use_key(f, FX_T2, "yan", "lock9", "photo", "shared-key", NOW, &d));
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.grant, b);
    CHECK_EQ(fx_grant_info(f, FX_T2, b, NOW).used_total, 1);
    CHECK_EQ(used(f, a), 1);
}

FX_TEST(idempotency_key_kept_24_hours) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(5);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    kw_decision d;
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW, &d));
    /* other traffic in between, then a retry just before 24 h */
    for (int i = 0; i < 100; i++) {
        char key[32];
        snprintf(key, sizeof key, "other-%d", i);
        CHECK_OK(use_key(f, FX_T, "dave", "lock1", "unlock", key, NOW + i * FX_MIN, &d));
    }
    CHECK_OK(use_key(f, FX_T, "carol", "lock1", "unlock", "k1", NOW + 24 * FX_HOUR - FX_MIN, &d));
    CHECK_EQ(d.remaining, 4);
    CHECK_EQ(used(f, id), 1);
    CHECK_ERR(use_key(f, FX_T, "carol", "lock1", "photo", "k1", NOW + 24 * FX_HOUR - FX_MIN, &d),
              KW_IDEMPOTENCY_MISMATCH);
}

typedef struct idem_racer {
    fx  *f;
    int  allowed, errors;
    uint64_t grant;
} idem_racer;

static void *idem_race(void *arg) {
    idem_racer *r = arg;
    for (int i = 0; i < 20; i++) {
        kw_decision d;
        if (kw_use(r->f->eng, FX_T, "carol", "lock1", "unlock", "one-key", NOW, &d) != KW_OK)
            r->errors++;
        else if (d.allowed) { r->allowed++; r->grant = d.grant; }
    }
    return NULL;
}

FX_TEST_SLOW(idempotency_concurrent_retries_consume_once, 60) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = counted(10);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    enum { NT = 6 };
    pthread_t th[NT];
    idem_racer rs[NT];
    for (int i = 0; i < NT; i++) {
        rs[i] = (idem_racer){ .f = f };
        CHECK(pthread_create(&th[i], NULL, idem_race, &rs[i]) == 0);
    }
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < NT; i++) {
        CHECK_EQ(rs[i].errors, 0);
        CHECK_EQ(rs[i].allowed, 20);
        CHECK_EQ(rs[i].grant, id);
    }
    CHECK_EQ(used(f, id), 1);
}
