/*
 * bench/bench_engine.c — in-memory engine benchmarks through the public API.
 *
 *   engine.setup   how fast the data set is built (context for the rest)
 *   engine.check   kw_check latency (p50/p99, timer overhead subtracted) and
 *                  throughput at 1k, 100k and 1M grants over 100k resources
 *   engine.mem     bytes per grant from kw_engine_memory() deltas, and the
 *                  resident-set delta from /proc/self/statm
 *   engine.use     kw_use on counted grants, 1 thread and 2 threads, with an
 *                  exactness check of the consumed counts
 *   engine.lookup  kw_list_user_resources paging through 10k resources
 *
 * One JSON object per line on stdout; progress on stderr.
 * Usage: bench_engine [--quick]   (--quick: 10x smaller, for smoke runs)
 *
 * Data are generated with splitmix64 from fixed seeds, so two runs build the
 * same engine and ask the same questions.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "keyway/keyway.h"

static const char *const FUNCS[3] = { "unlock", "photo", "config" };
#define NFUNCS 3u

static const char TENANT[] = "bench";

/* Sizes (full run; --quick divides them). */
typedef struct sizes {
    uint32_t nres;          /* resources of the check benchmark */
    uint32_t nowners;       /* distinct owners (each owns nres/nowners) */
    uint32_t nusers;        /* pool of grant holders */
    uint32_t stages[3];     /* cumulative grant counts measured */
    uint32_t nqueries;      /* timed checks per stage */
    double   tput_s;        /* seconds of the throughput loop */
    uint32_t use_res;       /* resources with counted grants (engine.use) */
    uint32_t nuses;         /* uses per thread */
    uint32_t nidem;         /* uses with an idempotency key */
    uint32_t lookup_res;    /* resources in one user's listing */
    uint32_t lookup_reps;   /* repetitions of the full listing */
} sizes;

static const sizes FULL = {
    100000, 20000, 200000, { 1000, 100000, 1000000 }, 200000, 1.0,
    1024, 1000000, 200000, 10000, 50
};
static const sizes QUICK = {
    10000, 2000, 20000, { 1000, 10000, 100000 }, 20000, 0.2,
    256, 100000, 20000, 10000, 10
};

/* Results of untimed loops land here so the compiler keeps the calls. */
static volatile uint64_t g_sink;

/* The instant every decision is asked around: Monday 2025-06-02 12:00 UTC. */
static kw_time g_base;

typedef struct query {
    char        user[16];
    char        res[16];
    const char *fn;
    kw_time     now;
    uint8_t     kind;     /* 0 grant holder, 1 owner, 2 outsider */
} query;

static void res_id(char *buf, size_t cap, uint32_t i)   { snprintf(buf, cap, "r%06" PRIu32, i); }
static void owner_id(char *buf, size_t cap, uint32_t i) { snprintf(buf, cap, "o%06" PRIu32, i); }
static void user_id(char *buf, size_t cap, uint32_t i)  { snprintf(buf, cap, "u%06" PRIu32, i); }

static uint32_t owner_of(const sizes *sz, uint32_t res) { return res % sz->nowners; }

/* ------------------------------------------------------------- setup */

static void build_resources(kw_engine *eng, const sizes *sz)
{
    kw_err e = kw_tenant_create(eng, TENANT, g_base);
    if (e != KW_OK)
        bench_die("kw_tenant_create", e);
    uint64_t t0 = bench_now_ns();
    for (uint32_t i = 0; i < sz->nres; i++) {
        char rid[16], oid[16];
        res_id(rid, sizeof rid, i);
        owner_id(oid, sizeof oid, owner_of(sz, i));
        kw_resource_def def = { .id = rid, .type = NULL, .nfunctions = NFUNCS,
                                .functions = FUNCS, .tz = NULL };
        e = kw_resource_create(eng, TENANT, &def, g_base);
        if (e != KW_OK)
            bench_die("kw_resource_create", e);
        e = kw_bind(eng, TENANT, oid, rid, oid, g_base);
        if (e != KW_OK)
            bench_die("kw_bind", e);
    }
    uint64_t dt = bench_now_ns() - t0;
    printf("{\"bench\":\"engine.setup\",\"what\":\"resource_create+bind\",\"resources\":%" PRIu32
           ",\"per_s\":%.4g}\n", sz->nres, (double)sz->nres / ((double)dt / 1e9));
    fflush(stdout);
}

/* Condition of grant number g (a fixed mix):
 *   40 % permanent; 30 % window (current, expired or future);
 *   20 % count (large limit, never exhausted by checks); 10 % recurring
 *   Mon–Fri 08:00–18:00. */
static void make_cond(bench_rng *r, kw_cond *c)
{
    memset(c, 0, sizeof *c);
    uint32_t k = bench_below(r, 100);
    if (k < 40)
        return;
    if (k < 70) {
        uint32_t w = bench_below(r, 100);
        int64_t day = 24 * 60 * KW_US_PER_MIN;
        c->flags = KW_COND_WINDOW;
        if (w < 70) {            /* current */
            c->from = g_base - (int64_t)(1 + bench_below(r, 30)) * day;
            c->until = g_base + (int64_t)(3 + bench_below(r, 30)) * day;
        } else if (w < 85) {     /* expired */
            c->from = g_base - (int64_t)(40 + bench_below(r, 30)) * day;
            c->until = g_base - 10 * day;
        } else {                 /* not yet valid */
            c->from = g_base + (int64_t)(5 + bench_below(r, 30)) * day;
            c->until = c->from + 10 * day;
        }
        return;
    }
    if (k < 90) {
        c->flags = KW_COND_COUNT;
        c->max_total = 1000000u;
        return;
    }
    c->flags = KW_COND_WEEKDAYS | KW_COND_DAILY;
    c->weekdays = (uint8_t)(KW_MON | KW_TUE | KW_WED | KW_THU | KW_FRI);
    c->day_from = 8 * 60;
    c->day_until = 18 * 60;
}

/* Grow the grant set from `have` to `want` grants; remember each grant's
 * (resource, user) in gres/guser for the query mix. Returns seconds spent. */
static double add_grants(kw_engine *eng, const sizes *sz, bench_rng *r, uint32_t have,
                         uint32_t want, uint32_t *gres, uint32_t *guser)
{
    uint64_t t0 = bench_now_ns();
    for (uint32_t g = have; g < want; g++) {
        uint32_t ri = bench_below(r, sz->nres);
        uint32_t ui = bench_below(r, sz->nusers);
        char rid[16], oid[16], uid[16];
        res_id(rid, sizeof rid, ri);
        owner_id(oid, sizeof oid, owner_of(sz, ri));
        user_id(uid, sizeof uid, ui);
        uint32_t mask = 1u + bench_below(r, 7);   /* non-empty subset of 3 */
        const char *fns[3];
        size_t nf = 0;
        for (unsigned b = 0; b < NFUNCS; b++)
            if (mask & (1u << b))
                fns[nf++] = FUNCS[b];
        kw_cond c;
        make_cond(r, &c);
        const char *users[1] = { uid };
        kw_err e = kw_grant_create(eng, TENANT, oid, rid, users, 1, fns, nf, &c, NULL, NULL,
                                   g_base);
        if (e != KW_OK)
            bench_die("kw_grant_create", e);
        gres[g] = ri;
        guser[g] = ui;
    }
    return (double)(bench_now_ns() - t0) / 1e9;
}

/* Queries: 70 % a grant holder on its resource (any function, so some are
 * denied by function, window, schedule), 10 % an owner, 20 % a random user
 * on a random resource (nearly always no_grant). `now` spreads over 48 h
 * from g_base so that schedules are met and missed. */
static void make_queries(const sizes *sz, bench_rng *r, uint32_t ngrants, const uint32_t *gres,
                         const uint32_t *guser, query *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t k = bench_below(r, 100);
        uint32_t ri;
        if (k < 70) {
            uint32_t g = bench_below(r, ngrants);
            ri = gres[g];
            user_id(q[i].user, sizeof q[i].user, guser[g]);
            q[i].kind = 0;
        } else if (k < 80) {
            ri = bench_below(r, sz->nres);
            owner_id(q[i].user, sizeof q[i].user, owner_of(sz, ri));
            q[i].kind = 1;
        } else {
            ri = bench_below(r, sz->nres);
            user_id(q[i].user, sizeof q[i].user, bench_below(r, sz->nusers));
            q[i].kind = 2;
        }
        res_id(q[i].res, sizeof q[i].res, ri);
        q[i].fn = FUNCS[bench_below(r, NFUNCS)];
        q[i].now = g_base + (int64_t)bench_below(r, 48 * 60) * KW_US_PER_MIN
                   + (int64_t)bench_below(r, 60) * KW_US_PER_SEC;
    }
}

/* ------------------------------------------------------------ checks */

typedef struct check_stats {
    uint64_t p50, p99, p999, max;
    double   ops_per_s;
    double   allowed_frac;
    uint64_t errors;   /* owner denied or a call failing */
} check_stats;

static void measure_checks(kw_engine *eng, const sizes *sz, const query *q, size_t n,
                           uint64_t overhead, uint64_t *lat, check_stats *st)
{
    kw_decision d;
    uint64_t errors = 0, allowed = 0;
    size_t warm = n < 20000 ? n : 20000;
    for (size_t i = 0; i < warm; i++)
        (void)kw_check(eng, TENANT, q[i].user, q[i].res, q[i].fn, q[i].now, &d);

    for (size_t i = 0; i < n; i++) {
        uint64_t a = bench_now_ns();
        kw_err e = kw_check(eng, TENANT, q[i].user, q[i].res, q[i].fn, q[i].now, &d);
        uint64_t b = bench_now_ns();
        lat[i] = b - a;
        if (e != KW_OK || (q[i].kind == 1 && !d.allowed))
            errors++;
        if (e == KW_OK && d.allowed)
            allowed++;
    }
    bench_finish_samples(lat, n, overhead);
    st->p50 = bench_quantile(lat, n, 0.50);
    st->p99 = bench_quantile(lat, n, 0.99);
    st->p999 = bench_quantile(lat, n, 0.999);
    st->max = lat[n - 1];
    st->allowed_frac = (double)allowed / (double)n;
    st->errors = errors;

    /* Throughput: whole passes over the query list, no per-call timer. */
    uint64_t ops = 0, sink = 0;
    uint64_t t0 = bench_now_ns(), t1 = t0;
    uint64_t budget = (uint64_t)(sz->tput_s * 1e9);
    for (unsigned pass = 0; pass < 50 && t1 - t0 < budget; pass++) {
        for (size_t i = 0; i < n; i++) {
            (void)kw_check(eng, TENANT, q[i].user, q[i].res, q[i].fn, q[i].now, &d);
            sink += d.allowed;
        }
        ops += n;
        t1 = bench_now_ns();
    }
    st->ops_per_s = (double)ops / ((double)(t1 - t0) / 1e9);
    g_sink += sink;
}

/* --------------------------------------------------------------- use */

static const char USE_TENANT[] = "usebench";

typedef struct use_job {
    kw_engine  *eng;
    const sizes *sz;
    const char *user;
    uint64_t    seed;
    uint32_t    n;
    uint64_t    allowed;
    uint64_t    failed;
    uint64_t    ns;
} use_job;

static void *use_worker(void *arg)
{
    use_job *j = arg;
    bench_rng r = { j->seed };
    char rid[16];
    kw_decision d;
    uint64_t t0 = bench_now_ns();
    for (uint32_t i = 0; i < j->n; i++) {
        res_id(rid, sizeof rid, bench_below(&r, j->sz->use_res));
        kw_err e = kw_use(j->eng, USE_TENANT, j->user, rid, "unlock", NULL, g_base, &d);
        if (e != KW_OK || !d.allowed)
            j->failed++;
        else
            j->allowed++;
    }
    j->ns = bench_now_ns() - t0;
    return NULL;
}

/* Sum of used_total over the grants in ids[0..n). */
static uint64_t used_sum(kw_engine *eng, const uint64_t *ids, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        kw_grant_info gi;
        kw_err e = kw_grant_get(eng, USE_TENANT, ids[i], g_base, &gi);
        if (e != KW_OK)
            bench_die("kw_grant_get", e);
        s += gi.used_total;
    }
    return s;
}

static void bench_use(kw_engine *eng, const sizes *sz, uint64_t overhead)
{
    static const char *const users[3] = { "w0", "w1", "w2" };
    uint64_t *ids = calloc((size_t)sz->use_res * 3u, sizeof *ids);
    if (!ids)
        bench_die("calloc", KW_NOMEM);
    kw_err e = kw_tenant_create(eng, USE_TENANT, g_base);
    if (e != KW_OK)
        bench_die("kw_tenant_create", e);
    kw_cond c;
    memset(&c, 0, sizeof c);
    c.flags = KW_COND_COUNT;
    c.max_total = 2000000000u;
    for (uint32_t i = 0; i < sz->use_res; i++) {
        char rid[16];
        res_id(rid, sizeof rid, i);
        kw_resource_def def = { .id = rid, .nfunctions = NFUNCS, .functions = FUNCS };
        if ((e = kw_resource_create(eng, USE_TENANT, &def, g_base)) != KW_OK)
            bench_die("kw_resource_create", e);
        if ((e = kw_bind(eng, USE_TENANT, NULL, rid, "owner", g_base)) != KW_OK)
            bench_die("kw_bind", e);
        if ((e = kw_grant_create(eng, USE_TENANT, "owner", rid, users, 3, FUNCS, NFUNCS, &c,
                                 ids + (size_t)i * 3u, NULL, g_base)) != KW_OK)
            bench_die("kw_grant_create", e);
    }

    /* Single thread: per-call latency first, then a tight loop. */
    {
        size_t n = sz->nqueries;
        uint64_t *lat = malloc(n * sizeof *lat);
        if (!lat)
            bench_die("malloc", KW_NOMEM);
        bench_rng r = { 77 };
        kw_decision d;
        char rid[16];
        uint64_t allowed = 0;
        for (size_t i = 0; i < n; i++) {
            res_id(rid, sizeof rid, bench_below(&r, sz->use_res));
            uint64_t a = bench_now_ns();
            kw_err ue = kw_use(eng, USE_TENANT, "w0", rid, "unlock", NULL, g_base, &d);
            uint64_t b = bench_now_ns();
            lat[i] = b - a;
            allowed += (ue == KW_OK && d.allowed);
        }
        bench_finish_samples(lat, n, overhead);
        uint64_t p50 = bench_quantile(lat, n, 0.5), p99 = bench_quantile(lat, n, 0.99);
        free(lat);

        use_job j = { eng, sz, "w0", 1001, sz->nuses, 0, 0, 0 };
        use_worker(&j);
        allowed += j.allowed;
        uint64_t used = 0;
        for (uint32_t i = 0; i < sz->use_res; i++)
            used += used_sum(eng, ids + (size_t)i * 3u, 1);
        printf("{\"bench\":\"engine.use\",\"threads\":1,\"grants\":%" PRIu32
               ",\"uses\":%" PRIu32 ",\"uses_per_s\":%.4g,\"p50_ns\":%" PRIu64
               ",\"p99_ns\":%" PRIu64 ",\"denied\":%" PRIu64 ",\"exact\":%s}\n",
               sz->use_res, sz->nuses, (double)j.allowed / ((double)j.ns / 1e9), p50, p99,
               j.failed, used == allowed ? "true" : "false");
        fflush(stdout);
    }

    /* Two threads: separate users (distinct grants, shared stripes and
     * model lock), then the same user (both threads race on each grant). */
    for (int shared = 0; shared <= 1; shared++) {
        uint64_t before = 0, after = 0;
        size_t col = shared ? 0u : 1u;
        for (uint32_t i = 0; i < sz->use_res; i++) {
            before += used_sum(eng, ids + (size_t)i * 3u + col, 1);
            if (!shared)
                before += used_sum(eng, ids + (size_t)i * 3u + 2, 1);
        }
        use_job j[2] = {
            { eng, sz, shared ? "w0" : "w1", 2001, sz->nuses, 0, 0, 0 },
            { eng, sz, shared ? "w0" : "w2", 3001, sz->nuses, 0, 0, 0 },
        };
        pthread_t th[2];
        uint64_t t0 = bench_now_ns();
        for (int t = 0; t < 2; t++)
            if (pthread_create(&th[t], NULL, use_worker, &j[t]) != 0)
                bench_die("pthread_create", KW_NOMEM);
        for (int t = 0; t < 2; t++)
            pthread_join(th[t], NULL);
        uint64_t dt = bench_now_ns() - t0;
        for (uint32_t i = 0; i < sz->use_res; i++) {
            after += used_sum(eng, ids + (size_t)i * 3u + col, 1);
            if (!shared)
                after += used_sum(eng, ids + (size_t)i * 3u + 2, 1);
        }
        uint64_t allowed = j[0].allowed + j[1].allowed;
        printf("{\"bench\":\"engine.use\",\"threads\":2,\"contended\":%s,\"grants\":%" PRIu32
               ",\"uses\":%" PRIu64 ",\"uses_per_s\":%.4g,\"denied\":%" PRIu64
               ",\"exact\":%s}\n",
               shared ? "true" : "false", sz->use_res, (uint64_t)sz->nuses * 2u,
               (double)allowed / ((double)dt / 1e9), j[0].failed + j[1].failed,
               after - before == allowed ? "true" : "false");
        fflush(stdout);
    }

    /* Single thread with an idempotency key per use (the HTTP path). */
    {
        char key[32], rid[16];
        bench_rng r = { 4242 };
        kw_decision d;
        uint64_t allowed = 0, failed = 0;
        uint64_t t0 = bench_now_ns();
        for (uint32_t i = 0; i < sz->nidem; i++) {
            snprintf(key, sizeof key, "k%08" PRIu32, i);
            res_id(rid, sizeof rid, bench_below(&r, sz->use_res));
            kw_err ue = kw_use(eng, USE_TENANT, "w1", rid, "unlock", key, g_base, &d);
            if (ue == KW_OK && d.allowed)
                allowed++;
            else
                failed++;
        }
        uint64_t dt = bench_now_ns() - t0;
        /* Replays must not consume. */
        uint64_t mid = 0;
        for (uint32_t i = 0; i < sz->use_res; i++)
            mid += used_sum(eng, ids + (size_t)i * 3u + 1, 1);
        r.s = 4242;
        uint32_t nrep = sz->nidem < 10000 ? sz->nidem : 10000;
        for (uint32_t i = 0; i < nrep; i++) {
            snprintf(key, sizeof key, "k%08" PRIu32, i);
            res_id(rid, sizeof rid, bench_below(&r, sz->use_res));
            (void)kw_use(eng, USE_TENANT, "w1", rid, "unlock", key, g_base, &d);
        }
        uint64_t end = 0;
        for (uint32_t i = 0; i < sz->use_res; i++)
            end += used_sum(eng, ids + (size_t)i * 3u + 1, 1);
        printf("{\"bench\":\"engine.use\",\"threads\":1,\"idempotency_key\":true,\"grants\":%" PRIu32
               ",\"uses\":%" PRIu32 ",\"uses_per_s\":%.4g,\"denied\":%" PRIu64
               ",\"replays_consumed\":%" PRIu64 "}\n",
               sz->use_res, sz->nidem, (double)allowed / ((double)dt / 1e9), failed, end - mid);
        fflush(stdout);
    }
    free(ids);
}

/* ------------------------------------------------------------ lookup */

static void bench_lookup(kw_engine *eng, const sizes *sz)
{
    static const char LK[] = "lookup-user";
    uint32_t n = sz->lookup_res < sz->nres ? sz->lookup_res : sz->nres;
    uint32_t step = sz->nres / n;
    kw_err e;
    for (uint32_t i = 0; i < n; i++) {
        char rid[16];
        res_id(rid, sizeof rid, i * step);
        const char *users[1] = { LK };
        kw_cond c;
        memset(&c, 0, sizeof c);
        if ((e = kw_grant_create(eng, TENANT, NULL, rid, users, 1, FUNCS, NFUNCS, &c, NULL,
                                 NULL, g_base)) != KW_OK)
            bench_die("kw_grant_create (lookup)", e);
    }
    size_t cap = 1000;
    kw_user_resource *items = malloc(cap * sizeof *items);
    uint64_t *lat = malloc(sz->lookup_reps * sizeof *lat);
    if (!items || !lat)
        bench_die("malloc", KW_NOMEM);
    size_t total = 0, pages = 0;
    bool ok = true;
    for (uint32_t rep = 0; rep < sz->lookup_reps; rep++) {
        char cursor[KW_CURSOR_MAX], next[KW_CURSOR_MAX];
        cursor[0] = '\0';
        size_t got = 0;
        pages = 0;
        uint64_t t0 = bench_now_ns();
        for (unsigned guard = 0; guard < 100000; guard++) {
            size_t ni = 0;
            e = kw_list_user_resources(eng, TENANT, LK, KW_ROLE_ALL, NULL, g_base, cap,
                                       cursor, items, &ni, next);
            if (e != KW_OK)
                bench_die("kw_list_user_resources", e);
            got += ni;
            pages++;
            if (next[0] == '\0')
                break;
            memcpy(cursor, next, sizeof cursor);
        }
        lat[rep] = bench_now_ns() - t0;
        if (rep == 0)
            total = got;
        else if (got != total)
            ok = false;
    }
    if (total != n)
        ok = false;
    qsort(lat, sz->lookup_reps, sizeof lat[0], bench_cmp_u64);
    printf("{\"bench\":\"engine.lookup\",\"grants\":%" PRIu32 ",\"items\":%zu,\"expected\":%" PRIu32
           ",\"pages\":%zu,\"limit\":%zu,\"reps\":%" PRIu32 ",\"p50_ms\":%.3f,\"p99_ms\":%.3f"
           ",\"complete\":%s}\n",
           sz->stages[2] + n, total, n, pages, cap, sz->lookup_reps,
           (double)bench_quantile(lat, sz->lookup_reps, 0.5) / 1e6,
           (double)bench_quantile(lat, sz->lookup_reps, 0.99) / 1e6, ok ? "true" : "false");
    fflush(stdout);
    free(items);
    free(lat);
}

/* -------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    const sizes *sz = &FULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            sz = &QUICK;
        } else {
            fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
            return 2;
        }
    }
    g_base = bench_utc(2025, 6, 2, 12, 0);
    uint64_t overhead = bench_timer_overhead_ns();
    fprintf(stderr, "bench_engine: timer overhead %" PRIu64 " ns, %s sizes\n", overhead,
            sz == &QUICK ? "quick" : "full");

    size_t rss0 = bench_rss_bytes();
    kw_engine *eng = NULL;
    kw_err e = kw_engine_new(NULL, &eng);
    if (e != KW_OK)
        bench_die("kw_engine_new", e);
    size_t mem_empty = kw_engine_memory(eng);

    fprintf(stderr, "bench_engine: %" PRIu32 " resources\n", sz->nres);
    build_resources(eng, sz);
    size_t mem_res = kw_engine_memory(eng);
    size_t rss_res = bench_rss_bytes();

    uint32_t maxg = sz->stages[2];
    uint32_t *gres = malloc((size_t)maxg * sizeof *gres);
    uint32_t *guser = malloc((size_t)maxg * sizeof *guser);
    query *q = malloc((size_t)sz->nqueries * sizeof *q);
    uint64_t *lat = malloc((size_t)sz->nqueries * sizeof *lat);
    if (!gres || !guser || !q || !lat)
        bench_die("malloc", KW_NOMEM);

    bench_rng gr = { 0x4B6579776179ull };   /* grants */
    bench_rng qr = { 0x636865636Bull };     /* queries */
    uint32_t have = 0;
    size_t mem_prev = mem_res, rss_prev = rss_res;
    for (int s = 0; s < 3; s++) {
        uint32_t want = sz->stages[s];
        fprintf(stderr, "bench_engine: growing to %" PRIu32 " grants\n", want);
        double secs = add_grants(eng, sz, &gr, have, want, gres, guser);
        printf("{\"bench\":\"engine.setup\",\"what\":\"grant_create\",\"grants\":%" PRIu32
               ",\"added\":%" PRIu32 ",\"per_s\":%.4g}\n",
               want, want - have, (double)(want - have) / secs);
        size_t mem = kw_engine_memory(eng);
        size_t rss = bench_rss_bytes();
        if (s > 0) {
            /* Marginal cost of the grants added in this stage. */
            double added = (double)(want - have);
            printf("{\"bench\":\"engine.mem\",\"grants\":%" PRIu32 ",\"resources\":%" PRIu32
                   ",\"bytes_per_grant\":%.1f,\"rss_bytes_per_grant\":%.1f"
                   ",\"bytes_per_grant_avg\":%.1f,\"bytes_per_resource\":%.1f"
                   ",\"engine_bytes\":%zu,\"rss_bytes\":%zu,\"stage_added\":%" PRIu32 "}\n",
                   want, sz->nres, ((double)mem - (double)mem_prev) / added,
                   ((double)rss - (double)rss_prev) / added,
                   ((double)mem - (double)mem_res) / (double)want,
                   ((double)mem_res - (double)mem_empty) / (double)sz->nres, mem,
                   rss > rss0 ? rss - rss0 : 0, want - have);
        }
        have = want;
        mem_prev = mem;
        rss_prev = rss;

        make_queries(sz, &qr, have, gres, guser, q, sz->nqueries);
        check_stats st;
        measure_checks(eng, sz, q, sz->nqueries, overhead, lat, &st);
        printf("{\"bench\":\"engine.check\",\"grants\":%" PRIu32 ",\"resources\":%" PRIu32
               ",\"queries\":%" PRIu32 ",\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
               ",\"p999_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64 ",\"ops_per_s\":%.4g"
               ",\"allowed_frac\":%.3f,\"errors\":%" PRIu64 ",\"timer_ns\":%" PRIu64 "}\n",
               have, sz->nres, sz->nqueries, st.p50, st.p99, st.p999, st.max, st.ops_per_s,
               st.allowed_frac, st.errors, overhead);
        fflush(stdout);
        if (st.errors)
            fprintf(stderr, "bench_engine: %" PRIu64 " checks failed or denied an owner\n",
                    st.errors);
    }
    free(q);
    free(lat);
    free(gres);
    free(guser);

    fprintf(stderr, "bench_engine: lookup\n");
    bench_lookup(eng, sz);
    fprintf(stderr, "bench_engine: use\n");
    bench_use(eng, sz, overhead);

    kw_engine_free(eng);
    return 0;
}
