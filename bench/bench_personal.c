/*
 * bench/bench_personal.c — Keyway's side of the peer comparison.
 *
 * Builds a personal-level data set (owners, sharers with function subsets,
 * usage grants with function subsets and time windows — some expired, some
 * not yet valid, some issued by sharers), asks kw_check a fixed list of
 * queries (owner / sharer / grant holder / outsider, allowed and denied),
 * prints
 *   {"bench":"engine.check.personal","p50_ns":…,"p99_ns":…,…}
 * and writes the whole data set, the query list and Keyway's answers to a
 * JSON file that bench/peers/{cedar,casbin}.js load, so the peers decide
 * exactly the same questions on exactly the same data and can be checked
 * against Keyway's answers.
 *
 * Usage: bench_personal [--quick] [--out PATH]
 *        (default PATH: build/bench/personal-dataset.json)
 *
 * Model restrictions that keep every peer exact (see docs/performance.md):
 * at most one usage grant per (user, resource); conditions are permanent or
 * a single window; no sharer is disabled or narrowed after issuing grants.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "keyway/keyway.h"

static const char *const FUNCS[3] = { "unlock", "photo", "config" };
#define NFUNCS   3u
#define MAXSH    2u
#define MAXGR    12u
#define NWIN     64u
#define PERM     (-1)

static const char TENANT[] = "t";
static volatile uint64_t g_sink;

typedef struct pgrant {
    uint32_t user;
    uint8_t  fns;       /* bit i = FUNCS[i] */
    int8_t   issuer;    /* -1 owner, else sharer index */
    int16_t  win;       /* PERM or index into the window pool */
} pgrant;

typedef struct pres {
    uint32_t owner;
    uint8_t  nsh, ng;
    uint32_t sh[MAXSH];
    uint8_t  shfns[MAXSH];
    pgrant   g[MAXGR];
} pres;

typedef struct pquery {
    char     user[16];
    char     res[16];
    uint8_t  fn;
    uint8_t  kind;     /* 0 owner, 1 sharer, 2 grant holder, 3 outsider */
    int64_t  now_s;
    kw_time  now;
    bool     allow;
    kw_reason reason;
} pquery;

typedef struct window {
    int64_t from_s, until_s;
} window;

static void res_id(char *b, size_t n, uint32_t i)  { snprintf(b, n, "r%05" PRIu32, i); }
static void user_id(char *b, size_t n, uint32_t i) { snprintf(b, n, "p%05" PRIu32, i); }

static size_t fn_list(uint8_t mask, const char **out)
{
    size_t n = 0;
    for (unsigned b = 0; b < NFUNCS; b++)
        if (mask & (1u << b))
            out[n++] = FUNCS[b];
    return n;
}

static bool used_on(const pres *r, uint32_t u)
{
    if (r->owner == u)
        return true;
    for (unsigned i = 0; i < r->ng; i++)
        if (r->g[i].user == u)
            return true;
    return false;
}

static void write_fns(FILE *f, uint8_t mask)
{
    const char *l[3];
    size_t n = fn_list(mask, l);
    fputc('[', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", l[i]);
    fputc(']', f);
}

/* mkdir -p of the directory part of `path` (errors surface at fopen). */
static void make_parent(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return;
    memcpy(buf, path, n + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            (void)mkdir(buf, 0777);
            *p = '/';
        }
    }
    (void)mkdir(buf, 0777);
}

int main(int argc, char **argv)
{
    const char *out_path = "build/bench/personal-dataset.json";
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--quick] [--out PATH]\n", argv[0]);
            return 2;
        }
    }
    const uint32_t nres = quick ? 2000u : 10000u;
    const uint32_t nusers = quick ? 4000u : 20000u;
    const uint32_t nq = quick ? 5000u : 20000u;
    const unsigned passes = quick ? 2u : 5u;
    const double tput_s = quick ? 0.2 : 1.0;

    /* Query instants: a week from Monday 2025-06-02 00:00 UTC. */
    const int64_t base_s = bench_utc(2025, 6, 2, 0, 0) / KW_US_PER_SEC;
    const int64_t day_s = 86400;

    bench_rng rng = { 0x706572736F6E616Cull };

    /* Window pool: edges from 30 days before to 10 days after the query
     * week's start, 1–20 days long, minute-aligned: expired, current and
     * future windows, some with an edge inside the query week. */
    window win[NWIN];
    for (unsigned i = 0; i < NWIN; i++) {
        int64_t from_min = (base_s - 30 * day_s) / 60 + (int64_t)bench_below(&rng, 40 * 24 * 60);
        int64_t len_min = (int64_t)(1 + bench_below(&rng, 20)) * 24 * 60
                          + (int64_t)bench_below(&rng, 24 * 60);
        win[i].from_s = from_min * 60;
        win[i].until_s = (from_min + len_min) * 60;
    }

    pres *rs = calloc(nres, sizeof *rs);
    pquery *q = calloc(nq, sizeof *q);
    if (!rs || !q)
        bench_die("calloc", KW_NOMEM);

    uint64_t ngrants = 0, nsharers = 0;
    for (uint32_t i = 0; i < nres; i++) {
        pres *r = &rs[i];
        r->owner = bench_below(&rng, nusers);
        r->nsh = (uint8_t)(1 + bench_below(&rng, 2));
        for (unsigned s = 0; s < r->nsh; s++) {
            uint32_t u;
            unsigned guard = 0;
            do {
                u = bench_below(&rng, nusers);
            } while ((u == r->owner || (s == 1 && u == r->sh[0])) && ++guard < 100);
            r->sh[s] = u;
            r->shfns[s] = (uint8_t)(1 + bench_below(&rng, 7));
        }
        nsharers += r->nsh;
        r->ng = (uint8_t)(8 + bench_below(&rng, 5));
        for (unsigned k = 0; k < r->ng; k++) {
            pgrant *g = &r->g[k];
            uint32_t u;
            unsigned guard = 0;
            /* One in twenty grants goes to a sharer (independent relations). */
            if (bench_below(&rng, 20) == 0 && !used_on(r, r->sh[0]))
                u = r->sh[0];
            else
                do {
                    u = bench_below(&rng, nusers);
                } while (used_on(r, u) && ++guard < 100);
            g->user = u;
            bool to_sharer = false;
            for (unsigned s = 0; s < r->nsh; s++)
                to_sharer |= r->sh[s] == u;
            if (bench_below(&rng, 10) < 7 || to_sharer) {
                g->issuer = -1;
                g->fns = (uint8_t)(1 + bench_below(&rng, 7));
            } else {
                unsigned s = bench_below(&rng, r->nsh);
                g->issuer = (int8_t)s;
                uint8_t m = (uint8_t)((1 + bench_below(&rng, 7)) & r->shfns[s]);
                g->fns = m ? m : r->shfns[s];
            }
            g->win = bench_below(&rng, 10) < 3 ? (int16_t)PERM
                                               : (int16_t)bench_below(&rng, NWIN);
        }
        /* r->ng grants are all distinct users, none of them the owner */
        ngrants += r->ng;
    }

    for (uint32_t i = 0; i < nq; i++) {
        uint32_t ri = bench_below(&rng, nres);
        const pres *r = &rs[ri];
        uint32_t k = bench_below(&rng, 100), u;
        if (k < 15) {
            u = r->owner;
            q[i].kind = 0;
        } else if (k < 35) {
            u = r->sh[bench_below(&rng, r->nsh)];
            q[i].kind = 1;
        } else if (k < 80) {
            u = r->g[bench_below(&rng, r->ng)].user;
            q[i].kind = 2;
        } else {
            u = bench_below(&rng, nusers);
            q[i].kind = 3;
        }
        user_id(q[i].user, sizeof q[i].user, u);
        res_id(q[i].res, sizeof q[i].res, ri);
        q[i].fn = (uint8_t)bench_below(&rng, NFUNCS);
        q[i].now_s = base_s + (int64_t)bench_below(&rng, (uint32_t)(7 * day_s));
        q[i].now = q[i].now_s * KW_US_PER_SEC;
    }

    /* Build the engine through the public API. */
    kw_engine *eng = NULL;
    kw_err e = kw_engine_new(NULL, &eng);
    if (e != KW_OK)
        bench_die("kw_engine_new", e);
    const kw_time t0 = (base_s - 60 * day_s) * KW_US_PER_SEC;
    if ((e = kw_tenant_create(eng, TENANT, t0)) != KW_OK)
        bench_die("kw_tenant_create", e);
    uint64_t build0 = bench_now_ns();
    for (uint32_t i = 0; i < nres; i++) {
        const pres *r = &rs[i];
        char rid[16], oid[16], uid[16];
        const char *fl[3];
        res_id(rid, sizeof rid, i);
        user_id(oid, sizeof oid, r->owner);
        kw_resource_def def = { .id = rid, .nfunctions = NFUNCS, .functions = FUNCS };
        if ((e = kw_resource_create(eng, TENANT, &def, t0)) != KW_OK)
            bench_die("kw_resource_create", e);
        if ((e = kw_bind(eng, TENANT, oid, rid, oid, t0)) != KW_OK)
            bench_die("kw_bind", e);
        char shid[MAXSH][16];
        for (unsigned s = 0; s < r->nsh; s++) {
            user_id(shid[s], sizeof shid[s], r->sh[s]);
            size_t nf = fn_list(r->shfns[s], fl);
            if ((e = kw_sharer_put(eng, TENANT, oid, rid, shid[s], fl, nf, t0)) != KW_OK)
                bench_die("kw_sharer_put", e);
        }
        for (unsigned k = 0; k < r->ng; k++) {
            const pgrant *g = &r->g[k];
            user_id(uid, sizeof uid, g->user);
            size_t nf = fn_list(g->fns, fl);
            kw_cond c;
            memset(&c, 0, sizeof c);
            if (g->win != PERM) {
                c.flags = KW_COND_WINDOW;
                c.from = win[g->win].from_s * KW_US_PER_SEC;
                c.until = win[g->win].until_s * KW_US_PER_SEC;
            }
            const char *users[1] = { uid };
            const char *actor = g->issuer < 0 ? oid : shid[g->issuer];
            if ((e = kw_grant_create(eng, TENANT, actor, rid, users, 1, fl, nf, &c, NULL, NULL,
                                     t0)) != KW_OK)
                bench_die("kw_grant_create", e);
        }
    }
    double build_s = (double)(bench_now_ns() - build0) / 1e9;
    fprintf(stderr, "bench_personal: built %" PRIu32 " resources, %" PRIu64 " sharers, %" PRIu64
            " grants in %.2f s\n", nres, nsharers, ngrants, build_s);

    /* Answers, then a warm-up, then timed passes. */
    uint64_t allowed = 0, kind_allowed[4] = { 0, 0, 0, 0 }, kind_n[4] = { 0, 0, 0, 0 };
    for (uint32_t i = 0; i < nq; i++) {
        kw_decision d;
        if ((e = kw_check(eng, TENANT, q[i].user, q[i].res, FUNCS[q[i].fn], q[i].now, &d)) != KW_OK)
            bench_die("kw_check", e);
        q[i].allow = d.allowed;
        q[i].reason = d.reason;
        allowed += d.allowed;
        kind_n[q[i].kind]++;
        kind_allowed[q[i].kind] += d.allowed;
    }
    if (kind_allowed[0] != kind_n[0])
        fprintf(stderr, "bench_personal: ENGINE BUG: %" PRIu64 " of %" PRIu64
                " owner checks denied\n", kind_n[0] - kind_allowed[0], kind_n[0]);

    uint64_t overhead = bench_timer_overhead_ns();
    size_t nsamp = (size_t)nq * passes;
    uint64_t *lat = malloc(nsamp * sizeof *lat);
    if (!lat)
        bench_die("malloc", KW_NOMEM);
    uint64_t mismatches = 0;
    for (unsigned p = 0; p < passes; p++) {
        for (uint32_t i = 0; i < nq; i++) {
            kw_decision d;
            uint64_t a = bench_now_ns();
            (void)kw_check(eng, TENANT, q[i].user, q[i].res, FUNCS[q[i].fn], q[i].now, &d);
            uint64_t b = bench_now_ns();
            lat[(size_t)p * nq + i] = b - a;
            mismatches += d.allowed != q[i].allow;
        }
    }
    bench_finish_samples(lat, nsamp, overhead);
    uint64_t p50 = bench_quantile(lat, nsamp, 0.5), p99 = bench_quantile(lat, nsamp, 0.99);

    uint64_t ops = 0, sink = 0, ta = bench_now_ns(), tb = ta;
    for (unsigned p = 0; p < 100 && (double)(tb - ta) < tput_s * 1e9; p++) {
        for (uint32_t i = 0; i < nq; i++) {
            kw_decision d;
            (void)kw_check(eng, TENANT, q[i].user, q[i].res, FUNCS[q[i].fn], q[i].now, &d);
            sink += d.allowed;
        }
        ops += nq;
        tb = bench_now_ns();
    }
    g_sink += sink;
    double ops_per_s = (double)ops / ((double)(tb - ta) / 1e9);

    printf("{\"bench\":\"engine.check.personal\",\"resources\":%" PRIu32 ",\"sharers\":%" PRIu64
           ",\"grants\":%" PRIu64 ",\"queries\":%" PRIu32 ",\"samples\":%zu,\"p50_ns\":%" PRIu64
           ",\"p99_ns\":%" PRIu64 ",\"ops_per_s\":%.4g,\"allowed\":%" PRIu64
           ",\"allowed_by_kind\":{\"owner\":\"%" PRIu64 "/%" PRIu64 "\",\"sharer\":\"%" PRIu64
           "/%" PRIu64 "\",\"grant\":\"%" PRIu64 "/%" PRIu64 "\",\"outsider\":\"%" PRIu64 "/%" PRIu64
           "\"},\"unstable\":%" PRIu64 ",\"timer_ns\":%" PRIu64 ",\"dataset\":\"%s\"}\n",
           nres, nsharers, ngrants, nq, nsamp, p50, p99, ops_per_s, allowed,
           kind_allowed[0], kind_n[0], kind_allowed[1], kind_n[1], kind_allowed[2], kind_n[2],
           kind_allowed[3], kind_n[3], mismatches, overhead, out_path);
    fflush(stdout);

    /* The data set, the queries and Keyway's answers and figures. */
    make_parent(out_path);
    FILE *f = fopen(out_path, "w");
    if (!f) {
        fprintf(stderr, "bench_personal: cannot write %s\n", out_path);
        return 1;
    }
    const int64_t perm_until = KW_TIME_MAX / KW_US_PER_SEC + 1;   /* 9999-12-31T24:00 */
    fprintf(f, "{\"format\":1,\"quick\":%s,\"tenant\":\"%s\",\"functions\":[\"unlock\",\"photo\",\"config\"],\n"
               "\"time_unit\":\"s\",\"permanent\":{\"from\":0,\"until\":%" PRId64 "},\n"
               "\"keyway\":{\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64 ",\"ops_per_s\":%.4g,"
               "\"samples\":%zu,\"timer_ns\":%" PRIu64 "},\n\"resources\":[\n",
            quick ? "true" : "false", TENANT, perm_until, p50, p99, ops_per_s, nsamp, overhead);
    for (uint32_t i = 0; i < nres; i++) {
        const pres *r = &rs[i];
        char rid[16], u[16];
        res_id(rid, sizeof rid, i);
        user_id(u, sizeof u, r->owner);
        fprintf(f, "{\"id\":\"%s\",\"owner\":\"%s\",\"sharers\":[", rid, u);
        for (unsigned s = 0; s < r->nsh; s++) {
            user_id(u, sizeof u, r->sh[s]);
            fprintf(f, "%s{\"user\":\"%s\",\"fns\":", s ? "," : "", u);
            write_fns(f, r->shfns[s]);
            fputc('}', f);
        }
        fputs("],\"grants\":[", f);
        for (unsigned k = 0; k < r->ng; k++) {
            const pgrant *g = &r->g[k];
            char iss[16];
            user_id(u, sizeof u, g->user);
            user_id(iss, sizeof iss, g->issuer < 0 ? r->owner : r->sh[g->issuer]);
            fprintf(f, "%s{\"user\":\"%s\",\"issuer\":\"%s\",\"fns\":", k ? "," : "", u, iss);
            write_fns(f, g->fns);
            int64_t from = g->win == PERM ? 0 : win[g->win].from_s;
            int64_t until = g->win == PERM ? perm_until : win[g->win].until_s;
            fprintf(f, ",\"from\":%" PRId64 ",\"until\":%" PRId64 "}", from, until);
        }
        fprintf(f, "]}%s\n", i + 1 < nres ? "," : "");
    }
    fputs("],\n\"queries\":[\n", f);
    for (uint32_t i = 0; i < nq; i++)
        fprintf(f, "[\"%s\",\"%s\",\"%s\",%" PRId64 ",%d,\"%s\"]%s\n", q[i].user, q[i].res,
                FUNCS[q[i].fn], q[i].now_s, q[i].allow ? 1 : 0, kw_reason_code(q[i].reason),
                i + 1 < nq ? "," : "");
    fputs("]}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench_personal: error writing %s\n", out_path);
        return 1;
    }
    fprintf(stderr, "bench_personal: wrote %s\n", out_path);

    free(lat);
    free(q);
    free(rs);
    kw_engine_free(eng);
    return 0;
}
