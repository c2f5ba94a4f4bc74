/*
 * tests/unit/test_concurrency.c — the engine under many threads
 * (REQUIREMENTS §2 "Check vs use": a grant of N uses is consumed exactly N
 * times, never N+1; §8 "Idempotency": concurrent retries consume once;
 * engine.h locking model).
 *
 *  - 8 threads x 100k uses (20k under AddressSanitizer) race on a few hot
 *    resources holding many grants with 1..5 uses and per-day limits; the
 *    allowed uses must equal the granted counts exactly, per day, and every
 *    grant's counters stay within its limits.
 *  - 8 threads retry the same idempotency keys in different orders; each key
 *    consumes exactly once and every retry replays the first answer.
 *  - checks, uses and reverse queries run while other threads create and
 *    delete grants, sharers and resources; nothing crashes and every answer
 *    is well formed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyway/keyway.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CC_SANITIZED 1
#endif
#endif
#ifndef CC_SANITIZED
#define CC_SANITIZED 0
#endif

#define CC_T        "t"
#define CC_THREADS  8
#define CC_USES     (CC_SANITIZED ? 20000 : 100000)   /* per thread */
#define CC_MIN      KW_US_PER_MIN
#define CC_DAY      (INT64_C(1440) * KW_US_PER_MIN)

/* 2026-04-01 10:00 UTC */
#define CC_NOW      ((kw_time)20544 * CC_DAY + INT64_C(600) * CC_MIN)

static uint64_t cc_rand(uint64_t *s) {
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static bool cc_engine(kw_engine **eng) {
    kw_engine_config cfg = { .tz_load = kw_tz_system_load };
    if (kw_engine_new(&cfg, eng) != KW_OK) return false;
    if (kw_tenant_create(*eng, CC_T, CC_NOW) != KW_OK) { kw_engine_free(*eng); return false; }
    return true;
}

/* A decision is well formed: a known reason, allowed iff an allowing
 * reason, remaining >= -1. */
static bool cc_sane(const kw_decision *d) {
    if ((unsigned)d->reason >= (unsigned)KW__REASON_COUNT) return false;
    if (d->allowed != (kw_reason_allows(d->reason) != 0)) return false;
    return d->remaining >= -1;
}

/* ================================================================ counted grants */

#define CC_RES    4
#define CC_USERS  4
#define CC_GPER   40        /* grants per (resource, user) */
#define CC_NG     (CC_RES * CC_USERS * CC_GPER)

static const char *const cc_res[CC_RES] = { "hot0", "hot1", "hot2", "hot3" };
static const char *const cc_users[CC_USERS] = { "ann", "ben", "cid", "dot" };
static const char *const cc_fns[2] = { "unlock", "photo" };

typedef struct {
    kw_engine *eng;
    uint64_t   seed;
    int        uses;
    kw_time    now;
    long       allowed, errors, insane;
    long       per_grant_bad;      /* allowed through a grant id out of range */
} cc_racer;

static void *cc_race(void *arg) {
    cc_racer *r = arg;
    for (int i = 0; i < r->uses; i++) {
        uint64_t x = cc_rand(&r->seed);
        kw_decision d;
        kw_err e = kw_use(r->eng, CC_T, cc_users[x % CC_USERS], cc_res[(x >> 8) % CC_RES],
                          cc_fns[(x >> 16) % 2], NULL, r->now, &d);
        if (e) { r->errors++; continue; }
        if (!cc_sane(&d)) r->insane++;
        if (d.allowed) {
            r->allowed++;
            if (d.grant == 0 || d.grant > CC_NG || d.remaining < 0) r->per_grant_bad++;
        }
    }
    return NULL;
}

typedef struct { uint32_t total, per_day; bool has_total, has_day; } cc_limit;

/* Uses a grant still allows on a day when `used` are used in all. */
static int64_t cc_capacity(const cc_limit *l, uint32_t used) {
    int64_t cap = INT64_MAX;
    if (l->has_total) cap = l->total > used ? (int64_t)(l->total - used) : 0;
    if (l->has_day && (int64_t)l->per_day < cap) cap = l->per_day;
    return cap;
}

static void cc_phase(kw_engine *eng, kw_time now, uint64_t seed, int uses, long *allowed) {
    pthread_t th[CC_THREADS];
    cc_racer rs[CC_THREADS];
    for (int i = 0; i < CC_THREADS; i++) {
        rs[i] = (cc_racer){ .eng = eng, .seed = seed + (uint64_t)i * 7919u, .uses = uses, .now = now };
        CHECK(pthread_create(&th[i], NULL, cc_race, &rs[i]) == 0);
    }
    long errors = 0, insane = 0, bad = 0;
    *allowed = 0;
    for (int i = 0; i < CC_THREADS; i++) {
        pthread_join(th[i], NULL);
        *allowed += rs[i].allowed;
        errors += rs[i].errors;
        insane += rs[i].insane;
        bad += rs[i].per_grant_bad;
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(insane, 0);
    CHECK_EQ(bad, 0);
}

KW_TEST_SLOW(concurrency_counted_uses_consume_exactly_the_granted_counts, 120) {
    kw_engine *eng;
    CHECK(cc_engine(&eng));
    static cc_limit lim[CC_NG + 1];
    uint64_t seed = 42;
    const char *both[] = { "unlock", "photo" };
    kw_err e = KW_OK;
    for (int r = 0; r < CC_RES && !e; r++) {
        kw_resource_def def = { .id = cc_res[r], .nfunctions = 2, .functions = both,
                                .tz = r % 2 ? "Europe/Berlin" : NULL };
        e = kw_resource_create(eng, CC_T, &def, CC_NOW);
        if (!e) e = kw_bind(eng, CC_T, NULL, cc_res[r], "owner", CC_NOW);
    }
    uint64_t want_id = 1;
    for (int r = 0; r < CC_RES && !e; r++)
        for (int u = 0; u < CC_USERS && !e; u++)
            for (int g = 0; g < CC_GPER && !e; g++) {
                uint64_t x = cc_rand(&seed);
                kw_cond c;
                memset(&c, 0, sizeof c);
                cc_limit l = { 0 };
                switch (x % 3) {
                case 0: c.flags = KW_COND_COUNT; break;
                case 1: c.flags = KW_COND_PER_DAY; break;
                default: c.flags = KW_COND_COUNT | KW_COND_PER_DAY; break;
                }
                c.max_total = (uint32_t)(1 + (x >> 8) % 5);
                c.max_per_day = (uint32_t)(1 + (x >> 16) % 3);
                if (x & (1u << 30)) {          /* some with a window, to vary the order */
                    c.flags |= KW_COND_WINDOW;
                    c.from = CC_NOW - CC_DAY;
                    c.until = CC_NOW + (kw_time)(2 + (x >> 24) % 5) * CC_DAY;
                }
                l.has_total = (c.flags & KW_COND_COUNT) != 0;
                l.has_day = (c.flags & KW_COND_PER_DAY) != 0;
                l.total = c.max_total;
                l.per_day = c.max_per_day;
                const char *who[] = { cc_users[u] };
                const char *what[] = { cc_fns[(x >> 40) % 2] };
                uint64_t id = 0;
                e = kw_grant_create(eng, CC_T, "owner", cc_res[r], who, 1, (x >> 41) % 4 ? what : both,
                                    (x >> 41) % 4 ? 1 : 2, &c, &id, NULL, CC_NOW - CC_MIN);
                if (!e && id != want_id) e = KW_INVAL;
                want_id++;
                if (!e) lim[id] = l;
            }
    if (e) { kw_engine_free(eng); CHECK_OK(e); }

    /* day 1, then day 2 (per-day limits refill; totals do not) */
    static uint32_t used_before[CC_NG + 1];
    for (int day = 0; day < 2; day++) {
        kw_time now = CC_NOW + day * CC_DAY;
        int64_t cap = 0;
        for (uint64_t id = 1; id <= CC_NG; id++) cap += cc_capacity(&lim[id], used_before[id]);
        long allowed = 0;
        cc_phase(eng, now, 1000 + (uint64_t)day, CC_USES / 2, &allowed);
        if (kw_test_failed()) break;
        long sum = 0;
        for (uint64_t id = 1; id <= CC_NG; id++) {
            kw_grant_info gi;
            e = kw_grant_get(eng, CC_T, id, now, &gi);
            if (e) break;
            const cc_limit *l = &lim[id];
            uint32_t today = gi.used_total - used_before[id];
            bool ok = (!l->has_total || gi.used_total <= l->total) && (!l->has_day || today <= l->per_day) &&
                      (!l->has_day || today == 0 || gi.used_today == today) && gi.remaining == 0;
            if (!ok) {
                kw_test_fail(__FILE__, __LINE__, "grant %llu: used_total %u (before %u) used_today %u remaining %lld, "
                             "limits total %u/%d per day %u/%d", (unsigned long long)id, gi.used_total,
                             used_before[id], gi.used_today, (long long)gi.remaining, l->total, l->has_total,
                             l->per_day, l->has_day);
                break;
            }
            sum += today;
            used_before[id] = gi.used_total;
        }
        if (e || kw_test_failed()) break;
        printf("# day %d: %d threads x %d uses, %ld allowed, capacity %lld\n", day + 1, CC_THREADS,
               CC_USES / 2, allowed, (long long)cap);
        if (allowed != cap || sum != allowed) {
            kw_test_fail(__FILE__, __LINE__, "day %d: allowed %ld, consumed %ld, granted capacity %lld", day + 1,
                         allowed, sum, (long long)cap);
            break;
        }
    }
    kw_engine_free(eng);
    CHECK_OK(e);
}

/* ================================================================ idempotency */

#define CC_KEYS   3000
#define CC_ROUNDS 3

typedef struct {
    kw_engine   *eng;
    uint64_t     seed;
    kw_decision *answers;      /* [CC_KEYS], this thread's last answer per key */
    long         errors, mismatch;
} cc_retrier;

static const char *cc_key_user(int k) { return cc_users[k % CC_USERS]; }
static const char *cc_key_res(int k) { return (k / CC_USERS) % 2 ? "idem1" : "idem0"; }

static void *cc_retry(void *arg) {
    cc_retrier *r = arg;
    int order[CC_KEYS];
    for (int i = 0; i < CC_KEYS; i++) order[i] = i;
    for (int round = 0; round < CC_ROUNDS; round++) {
        for (int i = CC_KEYS - 1; i > 0; i--) {
            int j = (int)(cc_rand(&r->seed) % (uint64_t)(i + 1));
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int i = 0; i < CC_KEYS; i++) {
            int k = order[i];
            char key[32];
            snprintf(key, sizeof key, "req-%d", k);
            kw_decision d;
            kw_err e = kw_use(r->eng, CC_T, cc_key_user(k), cc_key_res(k), "unlock", key, CC_NOW, &d);
            if (e) { r->errors++; continue; }
            if (round > 0 && memcmp(&d, &r->answers[k], sizeof d) != 0 &&
                (d.allowed != r->answers[k].allowed || d.reason != r->answers[k].reason ||
                 d.grant != r->answers[k].grant || d.remaining != r->answers[k].remaining))
                r->mismatch++;
            r->answers[k] = d;
            /* the same key with another request is refused */
            if ((k & 63) == 0) {
                e = kw_use(r->eng, CC_T, cc_key_user(k + 1), cc_key_res(k), "unlock", key, CC_NOW, &d);
                if (e != KW_IDEMPOTENCY_MISMATCH) r->mismatch++;
            }
        }
    }
    return NULL;
}

KW_TEST_SLOW(concurrency_idempotent_retries_consume_once, 120) {
    kw_engine *eng;
    CHECK(cc_engine(&eng));
    const char *fn[] = { "unlock" };
    kw_err e = KW_OK;
    /* idem0: a big counted grant per user (every key allowed once);
     * idem1: a small one (only the first 5 keys per user allowed). */
    uint64_t big[CC_USERS], small[CC_USERS];
    for (int r = 0; r < 2 && !e; r++) {
        kw_resource_def def = { .id = r ? "idem1" : "idem0", .nfunctions = 1, .functions = fn };
        e = kw_resource_create(eng, CC_T, &def, CC_NOW);
        if (!e) e = kw_bind(eng, CC_T, NULL, def.id, "owner", CC_NOW);
    }
    for (int u = 0; u < CC_USERS && !e; u++) {
        const char *who[] = { cc_users[u] };
        kw_cond cb = { .flags = KW_COND_COUNT, .max_total = 1000000 };
        kw_cond cs = { .flags = KW_COND_COUNT, .max_total = 5 };
        e = kw_grant_create(eng, CC_T, "owner", "idem0", who, 1, fn, 1, &cb, &big[u], NULL, CC_NOW);
        if (!e) e = kw_grant_create(eng, CC_T, "owner", "idem1", who, 1, fn, 1, &cs, &small[u], NULL, CC_NOW);
    }
    if (e) { kw_engine_free(eng); CHECK_OK(e); }
    pthread_t th[CC_THREADS];
    cc_retrier rs[CC_THREADS];
    bool started[CC_THREADS] = { false };
    for (int i = 0; i < CC_THREADS; i++) {
        rs[i] = (cc_retrier){ .eng = eng, .seed = 77 + (uint64_t)i, .answers = calloc(CC_KEYS, sizeof(kw_decision)) };
        if (rs[i].answers && pthread_create(&th[i], NULL, cc_retry, &rs[i]) == 0) started[i] = true;
    }
    long errors = 0, mismatch = 0, disagree = 0;
    for (int i = 0; i < CC_THREADS; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        else errors++;
        errors += rs[i].errors;
        mismatch += rs[i].mismatch;
    }
    /* every thread saw the same answer for each key */
    long allowed_big = 0, allowed_small = 0;
    for (int k = 0; k < CC_KEYS && !errors; k++) {
        const kw_decision *a = &rs[0].answers[k];
        for (int i = 1; i < CC_THREADS; i++) {
            const kw_decision *b = &rs[i].answers[k];
            if (a->allowed != b->allowed || a->reason != b->reason || a->grant != b->grant ||
                a->remaining != b->remaining)
                disagree++;
        }
        if (a->allowed && strcmp(cc_key_res(k), "idem0") == 0) allowed_big++;
        else if (a->allowed) allowed_small++;
    }
    uint32_t used_big = 0, used_small = 0;
    for (int u = 0; u < CC_USERS && !e; u++) {
        kw_grant_info gi;
        e = kw_grant_get(eng, CC_T, big[u], CC_NOW, &gi);
        used_big += gi.used_total;
        if (!e) e = kw_grant_get(eng, CC_T, small[u], CC_NOW, &gi);
        used_small += gi.used_total;
    }
    for (int i = 0; i < CC_THREADS; i++) free(rs[i].answers);
    kw_engine_free(eng);
    CHECK_OK(e);
    CHECK_EQ(errors, 0);
    CHECK_EQ(mismatch, 0);
    CHECK_EQ(disagree, 0);
    CHECK_EQ(allowed_big, CC_KEYS / 2);
    CHECK_EQ(used_big, CC_KEYS / 2);           /* one use per key, never more */
    CHECK_EQ(allowed_small, 5 * CC_USERS);
    CHECK_EQ(used_small, 5 * CC_USERS);
}

/* ================================================================ readers vs writers */

typedef struct {
    kw_engine *eng;
    uint64_t   seed;
    int        iters;
    long       errors, insane;
    atomic_int *stop;
} cc_worker;

static const char *const cc_mres[4] = { "m0", "m1", "m2", "m3" };

static void *cc_reader(void *arg) {
    cc_worker *w = arg;
    for (int i = 0; i < w->iters || !atomic_load(w->stop); i++) {
        if (i >= w->iters * 50) break;
        uint64_t x = cc_rand(&w->seed);
        const char *res = cc_mres[x % 4];
        const char *user = cc_users[(x >> 4) % CC_USERS];
        kw_decision d;
        kw_err e;
        switch ((x >> 8) % 4) {
        case 0:
            e = kw_check(w->eng, CC_T, user, res, "unlock", CC_NOW, &d);
            if (!e && !cc_sane(&d)) w->insane++;
            break;
        case 1:
            e = kw_use(w->eng, CC_T, user, res, "unlock", NULL, CC_NOW, &d);
            if (!e && !cc_sane(&d)) w->insane++;
            break;
        case 2: {
            kw_user_resource items[4];
            size_t n = 0;
            char next[KW_CURSOR_MAX];
            e = kw_list_user_resources(w->eng, CC_T, user, KW_ROLE_ALL, NULL, CC_NOW, 4, NULL, items, &n, next);
            if (!e && n > 4) w->insane++;
            break;
        }
        default: {
            kw_grant_info gi[4];
            size_t n = 0;
            char next[KW_CURSOR_MAX];
            e = kw_list_user_grants(w->eng, CC_T, user, CC_NOW, 4, NULL, gi, &n, next);
            for (size_t k = 0; !e && k < n; k++)
                if (gi[k].remaining < -1 || (gi[k].cond.flags & KW_COND_COUNT && gi[k].used_total > gi[k].cond.max_total))
                    w->insane++;
            break;
        }
        }
        /* the resource may be deleted meanwhile: that is a valid answer */
        if (e && e != KW_UNKNOWN_RESOURCE) {
            w->errors++;
            fprintf(stderr, "reader: %s\n", kw_err_code(e));
        }
    }
    return NULL;
}

static void *cc_writer(void *arg) {
    cc_worker *w = arg;
    const char *fn[] = { "unlock" };
    for (int i = 0; i < w->iters; i++) {
        uint64_t x = cc_rand(&w->seed);
        const char *res = cc_mres[x % 4];
        const char *who[] = { cc_users[(x >> 4) % CC_USERS] };
        kw_err e;
        switch ((x >> 8) % 8) {
        case 0: case 1: case 2: {
            kw_cond c = { .flags = KW_COND_COUNT, .max_total = (uint32_t)(1 + (x >> 16) % 3) };
            e = kw_grant_create(w->eng, CC_T, NULL, res, who, 1, fn, 1, &c, NULL, NULL, CC_NOW);
            if (e == KW_UNKNOWN_RESOURCE || e == KW_NOT_BOUND) e = KW_OK;
            break;
        }
        case 3: case 4: {
            uint64_t id = 1 + (x >> 16) % 400;
            kw_grant_change ch = { .op = (x >> 30) % 2 ? KW_GRANT_DELETE : KW_GRANT_DISABLE };
            e = kw_grant_batch(w->eng, CC_T, NULL, &id, 1, &ch, NULL, CC_NOW);
            if (e == KW_UNKNOWN_GRANT) e = KW_OK;
            break;
        }
        case 5:
            e = kw_sharer_put(w->eng, CC_T, NULL, res, who[0], fn, 1, CC_NOW);
            if (e == KW_UNKNOWN_RESOURCE || e == KW_NOT_BOUND) e = KW_OK;
            break;
        case 6:
            e = kw_sharer_delete(w->eng, CC_T, NULL, res, who[0], CC_NOW);
            if (e == KW_UNKNOWN_RESOURCE || e == KW_NOT_BOUND || e == KW_UNKNOWN_SHARER) e = KW_OK;
            break;
        default:
            if ((x >> 20) % 2) {
                e = kw_resource_delete(w->eng, CC_T, NULL, res, CC_NOW);
                if (e == KW_UNKNOWN_RESOURCE) e = KW_OK;
            } else {
                kw_resource_def def = { .id = res, .nfunctions = 1, .functions = fn };
                e = kw_resource_create(w->eng, CC_T, &def, CC_NOW);
                if (e == KW_EXISTS) e = KW_OK;
                else if (!e) {
                    /* The other writer may delete the resource (and even
                     * re-create and bind it) between these two calls. */
                    e = kw_bind(w->eng, CC_T, NULL, res, "owner", CC_NOW);
                    if (e == KW_UNKNOWN_RESOURCE || e == KW_ALREADY_OWNED) e = KW_OK;
                }
            }
            break;
        }
        if (e) {
            w->errors++;
            fprintf(stderr, "writer op %d: %s\n", (int)((x >> 8) % 8), kw_err_code(e));
        }
    }
    atomic_fetch_add(w->stop, 1);
    return NULL;
}

KW_TEST_SLOW(concurrency_checks_during_mutations, 120) {
    kw_engine *eng;
    CHECK(cc_engine(&eng));
    const char *fn[] = { "unlock" };
    kw_err e = KW_OK;
    for (int r = 0; r < 4 && !e; r++) {
        kw_resource_def def = { .id = cc_mres[r], .nfunctions = 1, .functions = fn };
        e = kw_resource_create(eng, CC_T, &def, CC_NOW);
        if (!e) e = kw_bind(eng, CC_T, NULL, cc_mres[r], "owner", CC_NOW);
    }
    if (e) { kw_engine_free(eng); CHECK_OK(e); }
    enum { NREAD = 6, NWRITE = 2 };
    pthread_t th[NREAD + NWRITE];
    cc_worker ws[NREAD + NWRITE];
    atomic_int stop;
    atomic_init(&stop, 0);
    int iters = CC_SANITIZED ? 3000 : 20000;
    int started = 0;
    for (int i = 0; i < NREAD + NWRITE; i++) {
        ws[i] = (cc_worker){ .eng = eng, .seed = 5 + (uint64_t)i, .iters = iters, .stop = &stop };
        if (pthread_create(&th[i], NULL, i < NWRITE ? cc_writer : cc_reader, &ws[i]) != 0) break;
        started++;
    }
    long errors = 0, insane = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        errors += ws[i].errors;
        insane += ws[i].insane;
    }
    /* afterwards, every grant still within its count */
    kw_err ge = KW_OK;
    long over = 0;
    for (uint64_t id = 1; id <= 2000; id++) {
        kw_grant_info gi;
        ge = kw_grant_get(eng, CC_T, id, CC_NOW, &gi);
        if (ge == KW_UNKNOWN_GRANT) { ge = KW_OK; continue; }
        if (ge) break;
        if ((gi.cond.flags & KW_COND_COUNT) && gi.used_total > gi.cond.max_total) over++;
    }
    kw_engine_free(eng);
    CHECK_EQ(started, NREAD + NWRITE);
    CHECK_OK(ge);
    CHECK_EQ(errors, 0);
    CHECK_EQ(insane, 0);
    CHECK_EQ(over, 0);
}
