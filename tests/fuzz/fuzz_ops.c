/*
 * tests/fuzz/fuzz_ops.c — fuzz target for the engine's operation surface.
 *
 * The input is a program: each operation is one opcode byte followed by
 * small-integer argument bytes (missing bytes read as 0), run on a fresh
 * engine per input. Arguments index fixed vocabularies of ids, function
 * keys, zones, times and conditions that include malformed ids, oversized
 * strings, NULL where the API allows it, unknown objects and out-of-range or
 * unaligned times. After every operation these invariants must hold (else
 * abort):
 *   - every call returns a known kw_err; decisions have a known reason,
 *     allowed exactly for the ALLOWED_* reasons, remaining >= -1, and an
 *     allowed counted use names its grant;
 *   - a use never takes a grant past its counts (checked with grant_get
 *     after every allowed use), and check never changes a counter;
 *   - a grant just created can be read back with its user and functions;
 *     any grant read has remaining >= -1 and used_total within max_total;
 *   - lists return at most `limit` items, and paging ends.
 * The engine is freed at the end of each input, so leaks show under ASan.
 *
 * `make fuzz` runs it under libFuzzer; `make test` replays the seed corpus
 * in tests/fuzz/corpus/fuzz_ops/ through tests/fuzz/standalone.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyway/keyway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond) do { if (!(cond)) { \
        fprintf(stderr, "fuzz_ops: invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

#define FZ_T "t"
#define FZ_DAY (INT64_C(1440) * KW_US_PER_MIN)

/* ---------------------------------------------------------------- input */

typedef struct { const uint8_t *p; size_t n, i; } fz_in;

static unsigned fz_byte(fz_in *in) { return in->i < in->n ? in->p[in->i++] : 0u; }
static unsigned fz_pick(fz_in *in, unsigned n) { return fz_byte(in) % n; }

/* ---------------------------------------------------------------- vocabularies */

static char fz_long_id[KW_ID_MAX + 40];
static char fz_long_key[KW_KEY_MAX + 10];

static const char *fz_user(fz_in *in) {
    static const char *const v[] = { "u0", "u1", "u2", "u3", "u4", NULL, "bad id", "", "u\xc3\xa9" };
    unsigned k = fz_pick(in, 10);
    return k == 9 ? fz_long_id : v[k];
}
static const char *fz_actor(fz_in *in) { return fz_user(in); }
static const char *fz_res(fz_in *in) {
    static const char *const v[] = { "r0", "r1", "r2", "r3", "r4", "bad/id", "" };
    unsigned k = fz_pick(in, 8);
    return k == 7 ? fz_long_id : v[k];
}
static const char *const fz_fn_v[] = { "f0", "f1", "f2", "f3", "zz", "bad key", "" };
static const char *fz_fn(fz_in *in) {
    unsigned k = fz_pick(in, 8);
    return k == 7 ? fz_long_key : fz_fn_v[k];
}
static const char *fz_node(fz_in *in) {
    static const char *const v[] = { "o0", "o1", "n1", "n2", "n3", "n4", "bad id" };
    unsigned k = fz_pick(in, 8);
    return k == 7 ? fz_long_id : v[k];
}
static const char *fz_zone(fz_in *in) {
    static const char *const v[] = { NULL, "UTC", "Europe/Berlin", "America/New_York",
                                     "Nope/Zone", "../etc/passwd", "", "right/UTC" };
    return v[fz_pick(in, 8)];
}
static const char *fz_type(fz_in *in) {
    static const char *const v[] = { NULL, "T0", "T1", "T9", "bad id" };
    return v[fz_pick(in, 5)];
}

/* An instant near `now`, or an out-of-range / unaligned one. */
static kw_time fz_time(fz_in *in, kw_time now) {
    unsigned k = fz_byte(in);
    switch (k % 16) {
    case 0: return -1;
    case 1: return KW_TIME_MAX + 1;
    case 2: return INT64_MAX;
    case 3: return now + 1;                              /* not minute-aligned */
    case 4: return 0;
    default: {
        kw_time base = now - now % KW_US_PER_MIN;
        return base + ((kw_time)(int8_t)fz_byte(in)) * 30 * KW_US_PER_MIN;
    }
    }
}

static kw_cond fz_cond(fz_in *in, kw_time now) {
    kw_cond c;
    memset(&c, 0, sizeof c);
    c.flags = fz_byte(in) & 0x7f;                        /* bit 6 is invalid */
    if (c.flags & KW_COND_WINDOW) { c.from = fz_time(in, now); c.until = fz_time(in, now); }
    if (c.flags & KW_COND_COUNT) c.max_total = fz_byte(in) % 6;
    if (c.flags & KW_COND_PER_DAY) c.max_per_day = fz_byte(in) % 4;
    if (c.flags & KW_COND_WEEKDAYS) c.weekdays = (uint8_t)fz_byte(in);
    if (c.flags & KW_COND_DAILY) {
        c.day_from = (uint16_t)(fz_byte(in) * 6);
        c.day_until = (uint16_t)(fz_byte(in) * 6);
    }
    if (c.flags & KW_COND_DATES) {
        kw_date today = (kw_date)(now / FZ_DAY);
        c.date_from = today + (int8_t)fz_byte(in);
        c.date_until = c.date_from + (int8_t)fz_byte(in);
        if (fz_byte(in) == 0xff) c.date_until = INT32_MAX;
    }
    return c;
}

/* ---------------------------------------------------------------- invariants */

static void fz_decision(const kw_decision *d) {
    FZ_CHECK((unsigned)d->reason < (unsigned)KW__REASON_COUNT);
    FZ_CHECK(d->allowed == (kw_reason_allows(d->reason) != 0));
    FZ_CHECK(d->remaining >= -1);
    if (d->allowed && d->remaining >= 0) FZ_CHECK(d->grant != 0 && d->reason == KW_R_ALLOWED_GRANT);
    if (d->allowed && d->reason != KW_R_ALLOWED_GRANT) FZ_CHECK(d->remaining == -1);
}

static void fz_err(kw_err e) { FZ_CHECK((unsigned)e < (unsigned)KW__ERR_COUNT); }

static void fz_grant(const kw_grant_info *g) {
    FZ_CHECK(g->remaining >= -1);
    FZ_CHECK((g->remaining == -1) == ((g->cond.flags & KW_COND_COUNTED) == 0));
    if (g->cond.flags & KW_COND_COUNT) {
        FZ_CHECK(g->used_total <= g->cond.max_total);
        FZ_CHECK(g->remaining <= (int64_t)(g->cond.max_total - g->used_total));
    }
    FZ_CHECK(g->state >= KW_GRANT_ACTIVE && g->state <= KW_GRANT_SUSPENDED);
    FZ_CHECK((g->state == KW_GRANT_DISABLED) == !g->enabled);
    FZ_CHECK((g->effective & ~g->functions) == 0);
    FZ_CHECK(g->functions != 0);
    FZ_CHECK(memchr(g->user, 0, sizeof g->user) && memchr(g->resource, 0, sizeof g->resource));
}

#define FZ_MAXG 64

typedef struct {
    kw_engine *eng;
    kw_time    now;
    uint64_t   ids[FZ_MAXG];
    size_t     nids;
} fz_state;

static uint64_t fz_grant_id(fz_in *in, const fz_state *s) {
    unsigned k = fz_byte(in);
    if (s->nids && k < 200) return s->ids[k % s->nids];
    return k % 8;                                        /* 0 and unknown ids */
}

static void fz_remember(fz_state *s, uint64_t id) {
    if (s->nids < FZ_MAXG) s->ids[s->nids++] = id;
    else s->ids[id % FZ_MAXG] = id;
}

static void fz_check_grant(fz_state *s, uint64_t id) {
    kw_grant_info gi;
    kw_err e = kw_grant_get(s->eng, FZ_T, id, s->now, &gi);
    FZ_CHECK(e == KW_OK || e == KW_UNKNOWN_GRANT);
    if (e == KW_OK) {
        FZ_CHECK(gi.id == id);
        fz_grant(&gi);
    }
}

/* Page through a list to its end with small limits. */
static void fz_lists(fz_in *in, fz_state *s) {
    const char *user = fz_user(in), *res = fz_res(in);
    size_t limit = fz_pick(in, 6);                       /* 0 is invalid */
    unsigned which = fz_pick(in, 4);
    char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
    if (fz_byte(in) == 0x42) snprintf(cursor, sizeof cursor, "garbage-%u", fz_byte(in));
    for (int page = 0; page < 200; page++) {
        size_t n = 99;
        kw_err e;
        memset(next, 'x', sizeof next);
        if (which == 0) {
            kw_user_resource items[5];
            e = kw_list_user_resources(s->eng, FZ_T, user, (uint32_t)fz_pick(in, 64), fz_byte(in) & 1 ? NULL : "f0",
                                       s->now, limit, cursor, items, &n, next);
        } else if (which == 1) {
            kw_resource_user items[5];
            e = kw_list_resource_users(s->eng, FZ_T, res, fz_byte(in) & 1 ? NULL : "f1", s->now, limit, cursor,
                                       items, &n, next);
        } else if (which == 2) {
            kw_grant_info items[5];
            e = kw_list_user_grants(s->eng, FZ_T, user, s->now, limit, cursor, items, &n, next);
            for (size_t i = 0; !e && i < n; i++) fz_grant(&items[i]);
        } else {
            kw_grant_info items[5];
            e = kw_list_resource_grants(s->eng, FZ_T, res, s->now, limit, cursor, items, &n, next);
            for (size_t i = 0; !e && i < n; i++) fz_grant(&items[i]);
        }
        fz_err(e);
        if (e) return;
        FZ_CHECK(limit >= 1 && n <= limit);
        FZ_CHECK(memchr(next, 0, sizeof next) != NULL);
        if (!next[0]) return;
        snprintf(cursor, sizeof cursor, "%s", next);
    }
    FZ_CHECK(0 && "paging did not end");
}

static void fz_op(fz_in *in, fz_state *s) {
    kw_err e = KW_OK;
    unsigned op = fz_byte(in) % 21;
    switch (op) {
    case 0: {                                            /* resource_create */
        const char *fns[6];
        size_t nf = fz_pick(in, 5);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        kw_resource_def def = { .id = fz_res(in), .type = fz_type(in), .nfunctions = nf,
                                .functions = fz_byte(in) == 0xee ? NULL : fns, .tz = fz_zone(in) };
        e = kw_resource_create(s->eng, FZ_T, &def, s->now);
        break;
    }
    case 1: e = kw_bind(s->eng, FZ_T, fz_actor(in), fz_res(in), fz_user(in), s->now); break;
    case 2: e = kw_unbind(s->eng, FZ_T, fz_actor(in), fz_res(in), s->now); break;
    case 3: {
        const char *fns[4];
        size_t nf = fz_pick(in, 4);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        e = kw_sharer_put(s->eng, FZ_T, fz_actor(in), fz_res(in), fz_user(in), fns, nf, s->now);
        break;
    }
    case 4: {
        const char *a = fz_actor(in), *r = fz_res(in), *u = fz_user(in);
        unsigned k = fz_pick(in, 3);
        e = k == 2 ? kw_sharer_delete(s->eng, FZ_T, a, r, u, s->now)
                   : kw_sharer_set_enabled(s->eng, FZ_T, a, r, u, k == 1, s->now);
        break;
    }
    case 5: {                                            /* grant_create */
        const char *users[4], *fns[4];
        size_t nu = fz_pick(in, 4), nf = fz_pick(in, 4);
        for (size_t i = 0; i < nu; i++) users[i] = fz_user(in);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        kw_cond c = fz_cond(in, s->now);
        uint64_t ids[4] = { 0 };
        kw_err items[4];
        const char *a = fz_actor(in), *r = fz_res(in);
        e = kw_grant_create(s->eng, FZ_T, a, r, users, nu, fns, nf, fz_byte(in) == 0xee ? NULL : &c, ids, items,
                            s->now);
        if (e == KW_OK) {
            for (size_t i = 0; i < nu; i++) {
                kw_grant_info gi;
                FZ_CHECK(ids[i] != 0);
                FZ_CHECK(kw_grant_get(s->eng, FZ_T, ids[i], s->now, &gi) == KW_OK);
                FZ_CHECK(strcmp(gi.user, users[i]) == 0 && strcmp(gi.resource, r) == 0);
                FZ_CHECK((size_t)__builtin_popcountll(gi.functions) <= nf && gi.used_total == 0);
                fz_grant(&gi);
                fz_remember(s, ids[i]);
            }
        }
        break;
    }
    case 6: {                                            /* grant_batch */
        uint64_t ids[3];
        size_t n = fz_pick(in, 4);
        for (size_t i = 0; i < n; i++) ids[i] = fz_grant_id(in, s);
        const char *fns[3];
        size_t nf = fz_pick(in, 3);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        kw_cond c = fz_cond(in, s->now);
        kw_grant_change ch = { .op = (kw_grant_op)fz_pick(in, 6), .nfunctions = nf, .functions = fns,
                               .cond = fz_byte(in) & 1 ? &c : NULL };
        kw_err items[3];
        e = kw_grant_batch(s->eng, FZ_T, fz_actor(in), ids, n, &ch, items, s->now);
        for (size_t i = 0; i < n; i++) fz_check_grant(s, ids[i]);
        break;
    }
    case 7: case 8: {                                    /* check / use */
        const char *u = fz_user(in), *r = fz_res(in), *f = fz_fn(in);
        kw_time at = fz_byte(in) & 1 ? s->now : fz_time(in, s->now);
        kw_decision d, d2;
        memset(&d, 0, sizeof d);
        if (op == 7) {
            e = kw_check(s->eng, FZ_T, u, r, f, at, &d);
            if (!e) {
                fz_decision(&d);
                /* a check changes nothing: asking again gives the same answer */
                FZ_CHECK(kw_check(s->eng, FZ_T, u, r, f, at, &d2) == KW_OK);
                FZ_CHECK(d2.allowed == d.allowed && d2.reason == d.reason && d2.grant == d.grant &&
                         d2.remaining == d.remaining);
            }
        } else {
            static const char *const keys[] = { NULL, "k1", "k2", "bad key", "" };
            e = kw_use(s->eng, FZ_T, u, r, f, keys[fz_pick(in, 5)], at, &d);
            if (!e) {
                fz_decision(&d);
                if (d.grant) fz_check_grant(s, d.grant);
            }
        }
        break;
    }
    case 9: {                                            /* time passes */
        static const kw_time steps[] = { 1, KW_US_PER_MIN, 60 * KW_US_PER_MIN, FZ_DAY, 7 * FZ_DAY };
        s->now += steps[fz_pick(in, 5)] * (kw_time)(1 + fz_pick(in, 4));
        break;
    }
    case 10: {
        const char *a = fz_actor(in), *o = fz_node(in);
        unsigned k = fz_pick(in, 4);
        e = k == 0 ? kw_org_create(s->eng, FZ_T, a, o, s->now)
          : k == 3 ? kw_org_delete(s->eng, FZ_T, a, o, s->now)
                   : kw_org_set_enabled(s->eng, FZ_T, a, o, k == 1, s->now);
        break;
    }
    case 11: {
        const char *a = fz_actor(in), *n = fz_node(in), *m = fz_node(in);
        unsigned k = fz_pick(in, 5);
        e = k == 0 ? kw_node_create(s->eng, FZ_T, a, m, n, s->now)
          : k == 1 ? kw_node_move(s->eng, FZ_T, a, n, m, s->now)
          : k == 2 ? kw_node_delete(s->eng, FZ_T, a, n, s->now)
                   : kw_node_set_enabled(s->eng, FZ_T, a, n, k == 3, s->now);
        if (!e) {
            kw_node_info ni;
            e = kw_node_get(s->eng, FZ_T, n, &ni);
            FZ_CHECK(e == KW_OK || (k == 2 && e == KW_UNKNOWN_NODE));
            e = KW_OK;
        }
        break;
    }
    case 12: {
        kw_resource_def defs[2];
        size_t n = fz_pick(in, 3);
        for (size_t i = 0; i < n; i++)
            defs[i] = (kw_resource_def){ .id = fz_res(in), .type = fz_type(in), .tz = fz_zone(in) };
        kw_err items[2];
        const char *a = fz_actor(in), *nd = fz_node(in);
        e = kw_resource_register(s->eng, FZ_T, a, nd, defs, n, items, s->now);
        break;
    }
    case 13: {
        const char *users[3];
        size_t n = fz_pick(in, 4);
        for (size_t i = 0; i < n; i++) users[i] = fz_user(in);
        kw_err items[3];
        const char *a = fz_actor(in);
        for (size_t i = 0; i < n; i++) if (!users[i]) users[i] = "u9";
        e = kw_user_create(s->eng, FZ_T, a, users, n, items, s->now);
        break;
    }
    case 14: {
        const char *a = fz_actor(in), *n = fz_node(in), *u = fz_user(in);
        if (!u) u = "u0";
        if (fz_byte(in) & 1) {
            kw_time from = fz_byte(in) & 1 ? 0 : fz_time(in, s->now);
            kw_time until = fz_byte(in) & 1 ? 0 : fz_time(in, s->now);
            kw_cond c = fz_cond(in, s->now);
            e = kw_member_bind(s->eng, FZ_T, a, n, u, from, until, fz_byte(in) & 1 ? &c : NULL, s->now);
        } else {
            e = kw_member_unbind(s->eng, FZ_T, a, n, u, s->now);
        }
        break;
    }
    case 15: {
        const char *a = fz_actor(in), *n = fz_node(in), *u = fz_user(in);
        if (!u) u = "u1";
        if (fz_byte(in) & 1) {
            uint32_t hi = fz_byte(in), lo = fz_byte(in);
            uint32_t pw = (hi << 8 | lo) & 0x3ff;
            kw_cond c = fz_cond(in, s->now);
            e = kw_admin_put(s->eng, FZ_T, a, n, u, pw, fz_byte(in) & 1 ? &c : NULL, s->now);
        } else {
            e = kw_admin_delete(s->eng, FZ_T, a, n, u, s->now);
        }
        if (!e || e == KW_UNKNOWN_ADMIN) {
            kw_err m = kw_admin_may(s->eng, FZ_T, a, n, (kw_org_action)fz_pick(in, 7), s->now);
            fz_err(m);
        }
        break;
    }
    case 16: fz_lists(in, s); break;
    case 17: fz_check_grant(s, fz_grant_id(in, s)); break;
    case 18: {                                           /* type_create */
        static const char *const fns[] = { "f0", "f1", "f2", "f0" };
        kw_type_def def = { .id = fz_type(in), .nfunctions = fz_pick(in, 5), .functions = fns,
                            .nfree = fz_pick(in, 2), .free_functions = fns + 1,
                            .up = (int32_t)fz_pick(in, 5) - 2, .down = (int32_t)fz_pick(in, 5) - 2,
                            .default_cond = fz_cond(in, s->now) };
        if (!def.id) def.id = "T0";
        e = kw_type_create(s->eng, FZ_T, &def, s->now);
        break;
    }
    case 19: e = kw_resource_delete(s->eng, FZ_T, fz_actor(in), fz_res(in), s->now); break;
    default: {
        /* a counted grant used to exhaustion: never more than max_total */
        const char *u = fz_user(in), *r = fz_res(in), *f = fz_fn(in);
        unsigned tries = fz_pick(in, 12);
        for (unsigned i = 0; i < tries; i++) {
            kw_decision d;
            e = kw_use(s->eng, FZ_T, u, r, f, NULL, s->now, &d);
            if (e) break;
            fz_decision(&d);
            if (d.grant) fz_check_grant(s, d.grant);
        }
        break;
    }
    }
    fz_err(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fz_long_id[0]) {
        memset(fz_long_id, 'a', sizeof fz_long_id - 1);
        memset(fz_long_key, 'k', sizeof fz_long_key - 1);
    }
    fz_in in = { data, size, 0 };
    fz_state s;
    memset(&s, 0, sizeof s);
    s.now = (kw_time)20544 * FZ_DAY + (kw_time)fz_byte(&in) * 60 * KW_US_PER_MIN;
    kw_engine_config cfg = { .tz_load = kw_tz_system_load };
    if (kw_engine_new(&cfg, &s.eng) != KW_OK) return 0;
    FZ_CHECK(kw_tenant_create(s.eng, FZ_T, s.now) == KW_OK);
    /* a little fixed world so short inputs reach deep paths */
    const char *fns[] = { "f0", "f1", "f2" };
    kw_resource_def def = { .id = "r0", .nfunctions = 3, .functions = fns, .tz = "Europe/Berlin" };
    FZ_CHECK(kw_resource_create(s.eng, FZ_T, &def, s.now) == KW_OK);
    FZ_CHECK(kw_bind(s.eng, FZ_T, NULL, "r0", "u0", s.now) == KW_OK);
    const char *users[] = { "u0", "u1", "u2", "u3" };
    FZ_CHECK(kw_user_create(s.eng, FZ_T, NULL, users, 4, NULL, s.now) == KW_OK);
    kw_type_def t0 = { .id = "T0", .nfunctions = 3, .functions = fns, .up = 1, .down = -1 };
    FZ_CHECK(kw_type_create(s.eng, FZ_T, &t0, s.now) == KW_OK);
    FZ_CHECK(kw_org_create(s.eng, FZ_T, NULL, "o0", s.now) == KW_OK);
    FZ_CHECK(kw_node_create(s.eng, FZ_T, NULL, "o0", "n1", s.now) == KW_OK);
    for (int ops = 0; in.i < in.n && ops < 400; ops++) fz_op(&in, &s);
    /* every grant the input made is still readable or gone, never corrupt */
    for (size_t i = 0; i < s.nids; i++) fz_check_grant(&s, s.ids[i]);
    kw_engine_free(s.eng);
    return 0;
}
