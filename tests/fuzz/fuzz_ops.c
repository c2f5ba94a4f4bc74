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
 * Opcode bytes below 210 select the first 21 operations (byte % 21, as
 * before); bytes 210..255 select the later ones (plans, assignments, usage
 * reports, deletions of users / tenants / types / deep subtrees, getters,
 * kw_admin_may, time going backwards, reverse queries). Their invariants:
 *   - paging a reverse query to its end gives strictly increasing ids with
 *     no duplicates, and (for every relation) exactly the functions kw_check
 *     allows at the same `now`, for every user / resource the fuzzer knows;
 *     grant lists agree with kw_grant_get and resource_get's ngrants;
 *   - a cursor is refused for another tenant or other query arguments, and
 *     garbage cursors are refused;
 *   - a deleted user / tenant / node / type leaves nothing behind: getters
 *     answer the unknown_* error, grant lists are empty, checks deny;
 *   - node trees stay trees (parent, depth, nchildren, effective agree);
 *   - usage reports are sorted, within their day range, and never count
 *     more uses than the allowed kw_use calls made;
 *   - every string the engine returns is NUL-terminated in its buffer.
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
#define FZ_T2 "t2"
#define FZ_STR(a) FZ_CHECK(memchr((a), 0, sizeof(a)) != NULL)
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
    bool       dead;        /* tenant FZ_T deleted (and not yet recreated) */
    uint64_t   uses;        /* allowed kw_use answers so far (upper bound of usage) */
    int        orgplan[2][2]; /* plan index of org o0/o1 for type T0/T1, -1 = none */
    kw_type_info tyscratch;
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
    FZ_CHECK(e == KW_OK || e == KW_UNKNOWN_GRANT || (s->dead && e == KW_UNKNOWN_TENANT));
    FZ_CHECK(!s->dead || e == KW_UNKNOWN_TENANT);
    if (e == KW_OK) {
        FZ_CHECK(gi.id == id);
        FZ_STR(gi.issuer);
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

static void fz_op2(fz_in *in, fz_state *s, unsigned op);

static void fz_op(fz_in *in, fz_state *s) {
    kw_err e = KW_OK;
    unsigned ob = fz_byte(in);
    if (ob >= 210) { fz_op2(in, s, ob - 210); return; }
    unsigned op = ob % 21;
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
                if (d.allowed) s->uses++;
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
        if (!e && k == 3) {                              /* a deleted org forgets its plans */
            if (!strcmp(o, "o0")) s->orgplan[0][0] = s->orgplan[0][1] = -1;
            if (!strcmp(o, "o1")) s->orgplan[1][0] = s->orgplan[1][1] = -1;
        }
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
            if (d.allowed) s->uses++;
            if (d.grant) fz_check_grant(s, d.grant);
        }
        break;
    }
    }
    fz_err(e);
}

/* ================================================================ later operations */

#define FZ_NK(a) (sizeof(a) / sizeof((a)[0]))
static const char *const fz_known_users[] = { "u0", "u1", "u2", "u3", "u4", "u9" };
static const char *const fz_known_res[] = { "r0", "r1", "r2", "r3", "r4" };
static const char *const fz_all_nodes[] = { "o0", "o1", "n1", "n2", "n3", "n4", "d0", "d1", "d2", "d3", "d4", "d5" };
static const char *const fz_plans[] = { "p0", "p1", "p2" };

static bool fz_known_skip(void) {           /* FZ_SKIP_KNOWN=1: skip checks of reported bugs */
    static int v = -1;
    if (v < 0) v = getenv("FZ_SKIP_KNOWN") != NULL;
    return v != 0;
}

static const char *fz_anynode(fz_in *in) {
    unsigned k = fz_pick(in, FZ_NK(fz_all_nodes) + 1);
    return k < FZ_NK(fz_all_nodes) ? fz_all_nodes[k] : "bad id";
}
static const char *fz_plan(fz_in *in) {
    unsigned k = fz_pick(in, 5);
    return k < 3 ? fz_plans[k] : k == 3 ? "bad id" : fz_long_id;
}
static const char *fz_mgr(fz_in *in) { return fz_byte(in) & 3 ? NULL : fz_actor(in); }

static uint64_t fz_low_mask(uint32_t n) { return n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1u; }

/* kw_resource_get, with its strings checked. false when the resource is unknown. */
static bool fz_res_get(fz_state *s, const char *id, kw_resource_info *ri) {
    kw_err e = kw_resource_get(s->eng, FZ_T, id, ri);
    fz_err(e);
    if (s->dead) { FZ_CHECK(e != KW_OK); return false; }
    if (e) { FZ_CHECK(e == KW_UNKNOWN_RESOURCE || e == KW_BAD_ID); return false; }
    FZ_STR(ri->id); FZ_STR(ri->type); FZ_STR(ri->tz); FZ_STR(ri->owner); FZ_STR(ri->org); FZ_STR(ri->node);
    FZ_CHECK(strcmp(ri->id, id) == 0);
    FZ_CHECK(ri->nfunctions >= 1 && ri->nfunctions <= KW_MAX_FUNCS);
    for (uint32_t i = 0; i < ri->nfunctions; i++) FZ_STR(ri->functions[i]);
    FZ_CHECK(!ri->owner[0] || !ri->org[0]);
    FZ_CHECK(!ri->org[0] == !ri->node[0]);
    return true;
}

static int fz_res_func(const kw_resource_info *ri, const char *f) {
    for (uint32_t i = 0; i < ri->nfunctions; i++) if (strcmp(ri->functions[i], f) == 0) return (int)i;
    return -1;
}

/* Functions of `ri` that kw_check allows `user` at s->now. */
static uint64_t fz_allowed(fz_state *s, const char *user, const kw_resource_info *ri) {
    uint64_t m = 0;
    for (uint32_t f = 0; f < ri->nfunctions; f++) {
        kw_decision d;
        FZ_CHECK(kw_check(s->eng, FZ_T, user, ri->id, ri->functions[f], s->now, &d) == KW_OK);
        fz_decision(&d);
        if (d.allowed) m |= UINT64_C(1) << f;
    }
    return m;
}

/* Is function f (a name) of resource ri within its organisation's plan (or free)? */
static bool fz_in_plan(fz_state *s, const kw_resource_info *ri, const char *f) {
    if (!ri->org[0] || !ri->type[0]) return true;
    int oi = strcmp(ri->org, "o0") == 0 ? 0 : strcmp(ri->org, "o1") == 0 ? 1 : -1;
    int ti = strcmp(ri->type, "T0") == 0 ? 0 : strcmp(ri->type, "T1") == 0 ? 1 : -1;
    if (oi < 0 || ti < 0 || s->orgplan[oi][ti] < 0) return true;
    kw_type_info *ty = &s->tyscratch;
    kw_plan_info pl;
    FZ_CHECK(kw_type_get(s->eng, FZ_T, ri->type, ty) == KW_OK);
    FZ_CHECK(kw_plan_get(s->eng, FZ_T, fz_plans[s->orgplan[oi][ti]], &pl) == KW_OK);
    FZ_CHECK(strcmp(pl.type, ri->type) == 0);
    for (uint32_t i = 0; i < ty->nfunctions; i++)
        if (strcmp(ty->functions[i], f) == 0)
            return ((pl.functions | ty->free_mask) >> i) & 1u;
    return false;
}

/* Every allowed function of an enterprise resource is within its org's plan. */
static void fz_plan_respected(fz_state *s, const kw_resource_info *ri, uint64_t allowed) {
    for (uint32_t f = 0; f < ri->nfunctions; f++)
        if ((allowed >> f) & 1u) FZ_CHECK(fz_in_plan(s, ri, ri->functions[f]));
}

static void fz_grant_same(fz_state *s, const kw_grant_info *g) {
    kw_grant_info gi;
    fz_grant(g);
    FZ_STR(g->issuer);
    FZ_CHECK(kw_grant_get(s->eng, FZ_T, g->id, s->now, &gi) == KW_OK);
    FZ_CHECK(strcmp(gi.user, g->user) == 0 && strcmp(gi.resource, g->resource) == 0 &&
             strcmp(gi.issuer, g->issuer) == 0 && gi.functions == g->functions &&
             gi.used_total == g->used_total && gi.remaining == g->remaining && gi.state == g->state);
}

static kw_err fz_list_call(fz_state *s, unsigned which, const char *tenant, const char *user,
                           const char *res, uint32_t roles, const char *fn, size_t limit,
                           const char *cursor, size_t *n, char *next) {
    static kw_user_resource ur[1000];
    static kw_resource_user ru[1000];
    static kw_grant_info gi[1000];
    switch (which) {
    case 0: return kw_list_user_resources(s->eng, tenant, user, roles, fn, s->now, limit, cursor, ur, n, next);
    case 1: return kw_list_resource_users(s->eng, tenant, res, fn, s->now, limit, cursor, ru, n, next);
    case 2: return kw_list_user_grants(s->eng, tenant, user, s->now, limit, cursor, gi, n, next);
    default: return kw_list_resource_grants(s->eng, tenant, res, s->now, limit, cursor, gi, n, next);
    }
}

/* A reverse query paged to its end; the result must agree with kw_check. */
static void fz_plist(fz_in *in, fz_state *s) {
    static kw_user_resource ur[1000];
    static kw_resource_user ru[1000];
    static kw_grant_info gl[1000];
    static char names[64][KW_ID_MAX];
    static uint64_t masks[64];
    static uint64_t gids[4096];
    size_t nnames = 0, ngids = 0;
    unsigned which = fz_pick(in, 4);
    const char *user = fz_known_users[fz_pick(in, FZ_NK(fz_known_users))];
    const char *res = fz_known_res[fz_pick(in, FZ_NK(fz_known_res))];
    unsigned fk = fz_pick(in, 5);
    const char *fn = fk < 4 ? fz_fn_v[fk] : NULL;
    uint32_t roles = fz_byte(in) & 1 ? (uint32_t)KW_ROLE_ALL : (uint32_t)(fz_byte(in) & KW_ROLE_ALL);
    static const size_t limits[] = { 1, 2, 3, 5, 1000 };
    size_t limit = limits[fz_pick(in, 5)];
    unsigned probe = fz_byte(in);
    char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX], bad[KW_CURSOR_MAX];
    kw_resource_info ri;
    bool have_ri = (which == 1 || which == 3) ? fz_res_get(s, res, &ri) : false;

    for (int page = 0;; page++) {
        FZ_CHECK(page < 5000);
        size_t n = 12345;
        memset(next, 'x', sizeof next);
        kw_err e;
        switch (which) {
        case 0: e = kw_list_user_resources(s->eng, FZ_T, user, roles, fn, s->now, limit, cursor, ur, &n, next); break;
        case 1: e = kw_list_resource_users(s->eng, FZ_T, res, fn, s->now, limit, cursor, ru, &n, next); break;
        case 2: e = kw_list_user_grants(s->eng, FZ_T, user, s->now, limit, cursor, gl, &n, next); break;
        default: e = kw_list_resource_grants(s->eng, FZ_T, res, s->now, limit, cursor, gl, &n, next); break;
        }
        fz_err(e);
        if (e) {
            FZ_CHECK(page == 0);
            if (which == 0 && roles == 0) FZ_CHECK(e == KW_INVAL);
            else if (s->dead) FZ_CHECK(e == KW_UNKNOWN_TENANT);
            else if (which == 1 || which == 3) {
                FZ_CHECK(e == (have_ri ? KW_UNKNOWN_FUNCTION : KW_UNKNOWN_RESOURCE));
                if (e == KW_UNKNOWN_FUNCTION) FZ_CHECK(which == 1 && fn && fz_res_func(&ri, fn) < 0);
            } else FZ_CHECK(0 && "unexpected list error");
            return;
        }
        FZ_CHECK(!s->dead && n <= limit);
        FZ_STR(next);
        for (size_t i = 0; i < n; i++) {
            if (which == 0 || which == 1) {
                const char *id = which == 0 ? ur[i].resource : ru[i].user;
                uint32_t ro = which == 0 ? ur[i].roles : ru[i].roles;
                uint64_t fm = which == 0 ? ur[i].functions : ru[i].functions;
                FZ_CHECK(memchr(id, 0, KW_ID_MAX) != NULL);
                FZ_CHECK(nnames == 0 || strcmp(names[nnames - 1], id) < 0);   /* strictly increasing */
                FZ_CHECK(fm != 0 && ro != 0 && (ro & ~(uint32_t)KW_ROLE_ALL) == 0);
                if (which == 0) FZ_CHECK((ro & ~roles) == 0);
                FZ_CHECK(nnames < 64);
                size_t idlen = strnlen(id, KW_ID_MAX - 1u);   /* NUL checked above */
                memcpy(names[nnames], id, idlen);
                names[nnames][idlen] = '\0';
                masks[nnames++] = fm;
            } else {
                FZ_CHECK(ngids == 0 || gids[ngids - 1] < gl[i].id);
                FZ_CHECK(strcmp(which == 2 ? gl[i].user : gl[i].resource, which == 2 ? user : res) == 0);
                fz_grant_same(s, &gl[i]);
                if (ngids < FZ_NK(gids)) gids[ngids++] = gl[i].id;
            }
        }
        if (!next[0]) break;
        FZ_CHECK(n == limit);
        if (probe & 1) {                 /* same query, other tenant */
            size_t m;
            e = fz_list_call(s, which, FZ_T2, user, res, roles, fn, limit, next, &m, bad);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        if (probe & 2) {                 /* other query arguments */
            size_t m;
            const char *ou = strcmp(user, "u0") ? "u0" : "u1", *orr = strcmp(res, "r0") ? "r0" : "r1";
            e = fz_list_call(s, which, FZ_T, ou, orr, roles, fn, limit, next, &m, bad);
            FZ_CHECK(e == KW_BAD_CURSOR);
            if (which == 0 && roles != KW_ROLE_ALL) {
                e = fz_list_call(s, which, FZ_T, user, res, KW_ROLE_ALL, fn, limit, next, &m, bad);
                FZ_CHECK(e == KW_BAD_CURSOR);
            }
            if (which <= 1) {
                e = fz_list_call(s, which, FZ_T, user, res, roles, fn ? NULL : "f0", limit, next, &m, bad);
                FZ_CHECK(e == KW_BAD_CURSOR);
            }
            /* (roles 0 is refused as KW_INVAL before the cursor is read) */
            e = fz_list_call(s, (which + 2) % 4, FZ_T, user, res, roles ? roles : (uint32_t)KW_ROLE_ALL, fn, limit,
                             next, &m, bad);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        if ((probe & 4) && fn && which <= 1 && !fz_known_skip()) {
            /* the same two strings in swapped roles are another query */
            size_t m;
            const char *id = which == 0 ? user : res;
            e = fz_list_call(s, which, FZ_T, fn, fn, roles, id, limit, next, &m, bad);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        if (probe & 8) {                 /* garbage: hash part changed, or no hash at all */
            size_t m;
            snprintf(bad, sizeof bad, "%s", next);
            bad[0] = bad[0] == '0' ? '1' : '0';
            e = fz_list_call(s, which, FZ_T, user, res, roles, fn, limit, bad, &m, cursor);
            FZ_CHECK(e == KW_BAD_CURSOR);
            static const char *const junk[] = { "garbage", "0000000000000000.r0", ".", "0000000000000000" };
            e = fz_list_call(s, which, FZ_T, user, res, roles, fn, limit, junk[probe >> 6], &m, cursor);
            FZ_CHECK(e == KW_BAD_CURSOR);
            memset(bad, 'a', sizeof bad - 1);
            bad[sizeof bad - 1] = 0;
            e = fz_list_call(s, which, FZ_T, user, res, roles, fn, limit, bad, &m, cursor);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        if (probe & 16) {                /* tampered tail: any answer, but a known one */
            size_t m;
            snprintf(bad, sizeof bad, "%s", next);
            size_t L = strlen(bad);
            bad[L - 1] = (char)(bad[L - 1] ^ 1);
            fz_err(fz_list_call(s, which, FZ_T, user, res, roles, fn, limit, bad, &m, cursor));
        }
        snprintf(cursor, sizeof cursor, "%s", next);
    }

    /* completeness and soundness against kw_check */
    if (which == 0) {
        for (size_t k = 0; k < FZ_NK(fz_known_res); k++) {
            kw_resource_info r;
            uint64_t listed = 0, a = 0;
            size_t j;
            for (j = 0; j < nnames && strcmp(names[j], fz_known_res[k]); j++) {}
            if (j < nnames) listed = masks[j];
            if (fz_res_get(s, fz_known_res[k], &r)) {
                a = fz_allowed(s, user, &r);
                fz_plan_respected(s, &r, a);
                if (fn) { int fi = fz_res_func(&r, fn); a = fi < 0 ? 0 : a & (UINT64_C(1) << fi); }
            }
            if (roles == KW_ROLE_ALL) FZ_CHECK(listed == a);
            else FZ_CHECK((listed & ~a) == 0);
        }
        for (size_t j = 0; j < nnames; j++) {
            size_t k;
            for (k = 0; k < FZ_NK(fz_known_res) && strcmp(names[j], fz_known_res[k]); k++) {}
            FZ_CHECK(k < FZ_NK(fz_known_res));
        }
    } else if (which == 1) {
        FZ_CHECK(have_ri);
        for (size_t k = 0; k < FZ_NK(fz_known_users); k++) {
            uint64_t listed = 0, a = fz_allowed(s, fz_known_users[k], &ri);
            fz_plan_respected(s, &ri, a);
            if (fn) { int fi = fz_res_func(&ri, fn); a = fi < 0 ? 0 : a & (UINT64_C(1) << fi); }
            for (size_t j = 0; j < nnames; j++) if (!strcmp(names[j], fz_known_users[k])) listed = masks[j];
            FZ_CHECK(listed == a);
        }
        for (size_t j = 0; j < nnames; j++) {
            uint64_t a = fz_allowed(s, names[j], &ri);
            if (fn) { int fi = fz_res_func(&ri, fn); a = fi < 0 ? 0 : a & (UINT64_C(1) << fi); }
            FZ_CHECK(masks[j] == a);
        }
    } else {
        if (which == 3) { FZ_CHECK(have_ri); FZ_CHECK(ngids == ri.ngrants || ngids == FZ_NK(gids)); }
        if (ngids < FZ_NK(gids)) {
            for (size_t i = 0; i < s->nids; i++) {
                kw_grant_info gi;
                if (kw_grant_get(s->eng, FZ_T, s->ids[i], s->now, &gi) != KW_OK) continue;
                if (strcmp(which == 2 ? gi.user : gi.resource, which == 2 ? user : res)) continue;
                size_t j;
                for (j = 0; j < ngids && gids[j] != s->ids[i]; j++) {}
                FZ_CHECK(j < ngids);
            }
        }
    }
}

/* Usage report paged to its end. */
static void fz_usage(fz_in *in, fz_state *s) {
    static kw_usage_row rows[1000];
    static const size_t limits[] = { 0, 1, 2, 3, 1000 };
    const char *org = fz_anynode(in), *actor = fz_mgr(in);
    unsigned uk = fz_pick(in, FZ_NK(fz_known_users) + 1);
    const char *user = uk < FZ_NK(fz_known_users) ? fz_known_users[uk] : NULL;
    kw_date today = (kw_date)(s->now / FZ_DAY);
    kw_date from = today - (kw_date)fz_pick(in, 16), until = from + (kw_date)((int)fz_pick(in, 20) - 2);
    size_t limit = limits[fz_pick(in, 5)];
    unsigned probe = fz_byte(in);
    char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX], bad[KW_CURSOR_MAX];
    kw_usage_row last;
    uint64_t sum = 0;
    bool have_last = false;
    for (int page = 0;; page++) {
        FZ_CHECK(page < 5000);
        size_t n = 12345;
        memset(next, 'x', sizeof next);
        kw_err e = kw_usage_query(s->eng, FZ_T, actor, org, user, from, until, limit, cursor, rows, &n, next, s->now);
        fz_err(e);
        if (e) {
            FZ_CHECK(page == 0);
            if (limit == 0) FZ_CHECK(e == KW_BAD_LIMIT);
            else if (from > until) FZ_CHECK(e == KW_INVAL);
            return;
        }
        FZ_CHECK(limit >= 1 && from <= until && !s->dead && n <= limit);
        FZ_STR(next);
        for (size_t i = 0; i < n; i++) {
            const kw_usage_row *r = &rows[i];
            FZ_STR(r->user); FZ_STR(r->resource); FZ_STR(r->function);
            FZ_CHECK(r->day >= from && r->day <= until && r->uses >= 1);
            if (user) FZ_CHECK(strcmp(r->user, user) == 0);
            if (have_last) {
                int c = strcmp(last.user, r->user);
                if (!c) c = strcmp(last.resource, r->resource);
                if (!c) c = strcmp(last.function, r->function);
                if (!c) c = (last.day > r->day) - (last.day < r->day);
                FZ_CHECK(c < 0);
            }
            last = *r;
            have_last = true;
            sum += r->uses;
        }
        if (!next[0]) break;
        FZ_CHECK(n == limit);
        if (probe & 1) {
            size_t m;
            e = kw_usage_query(s->eng, FZ_T2, actor, org, user, from, until, limit, next, rows, &m, bad, s->now);
            FZ_CHECK(e == KW_BAD_CURSOR || e == KW_UNKNOWN_ORG || e == KW_FORBIDDEN);
            e = kw_usage_query(s->eng, FZ_T, actor, org, user, from, until + 1, limit, next, rows, &m, bad, s->now);
            FZ_CHECK(e == KW_BAD_CURSOR);
            e = kw_usage_query(s->eng, FZ_T, actor, org, user ? NULL : "u0", from, until, limit, next, rows, &m, bad, s->now);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        if (probe & 2) {
            size_t m;
            snprintf(bad, sizeof bad, "%s", next);
            bad[0] = bad[0] == '0' ? '1' : '0';
            e = kw_usage_query(s->eng, FZ_T, actor, org, user, from, until, limit, bad, rows, &m, cursor, s->now);
            FZ_CHECK(e == KW_BAD_CURSOR);
            snprintf(bad, sizeof bad, "%.17s%s", next, (probe & 4) ? "a|b" : "u0|r0|f0|x");
            e = kw_usage_query(s->eng, FZ_T, actor, org, user, from, until, limit, bad, rows, &m, cursor, s->now);
            FZ_CHECK(e == KW_BAD_CURSOR);
        }
        snprintf(cursor, sizeof cursor, "%s", next);
    }
    FZ_CHECK(sum <= s->uses);
}

/* Node trees: parent, depth, org, effective, children/resources/bindings/admins counts. */
static void fz_tree(fz_state *s) {
    static kw_node_info ni[FZ_NK(fz_all_nodes)];
    bool ok[FZ_NK(fz_all_nodes)];
    kw_resource_info ri;
    char rnode[FZ_NK(fz_known_res)][KW_ID_MAX];
    for (size_t r = 0; r < FZ_NK(fz_known_res); r++) {
        rnode[r][0] = 0;
        if (fz_res_get(s, fz_known_res[r], &ri)) snprintf(rnode[r], KW_ID_MAX, "%s", ri.node);
    }
    for (size_t i = 0; i < FZ_NK(fz_all_nodes); i++) {
        kw_err e = kw_node_get(s->eng, FZ_T, fz_all_nodes[i], &ni[i]);
        ok[i] = e == KW_OK;
        FZ_CHECK(e == KW_OK || e == (s->dead ? KW_UNKNOWN_TENANT : KW_UNKNOWN_NODE));
        if (!ok[i]) continue;
        FZ_STR(ni[i].id); FZ_STR(ni[i].org); FZ_STR(ni[i].parent);
        FZ_CHECK(strcmp(ni[i].id, fz_all_nodes[i]) == 0);
    }
    for (size_t i = 0; i < FZ_NK(fz_all_nodes); i++) {
        if (!ok[i]) continue;
        const kw_node_info *n = &ni[i];
        if (!n->parent[0]) {
            FZ_CHECK(n->depth == 0 && strcmp(n->org, n->id) == 0);
            if (n->effective) FZ_CHECK(n->enabled);
        } else {
            size_t p;
            for (p = 0; p < FZ_NK(fz_all_nodes) && strcmp(fz_all_nodes[p], n->parent); p++) {}
            FZ_CHECK(p < FZ_NK(fz_all_nodes) && ok[p]);
            FZ_CHECK(n->depth == ni[p].depth + 1 && strcmp(n->org, ni[p].org) == 0);
            FZ_CHECK(n->effective == (n->enabled && ni[p].effective));
        }
        uint32_t kids = 0, nres = 0, nb = 0, na = 0;
        for (size_t j = 0; j < FZ_NK(fz_all_nodes); j++) if (ok[j] && !strcmp(ni[j].parent, n->id)) kids++;
        for (size_t r = 0; r < FZ_NK(fz_known_res); r++) if (!strcmp(rnode[r], n->id)) nres++;
        for (size_t u = 0; u < FZ_NK(fz_known_users); u++) {
            kw_binding_info bi;
            kw_admin_info ai;
            kw_err e = kw_member_get(s->eng, FZ_T, n->id, fz_known_users[u], &bi);
            fz_err(e);
            if (!e) {
                nb++;
                FZ_STR(bi.node); FZ_STR(bi.user);
                FZ_CHECK(!strcmp(bi.node, n->id) && !strcmp(bi.user, fz_known_users[u]));
                FZ_CHECK(!bi.from || !bi.until || bi.from < bi.until);
            }
            e = kw_admin_get(s->eng, FZ_T, n->id, fz_known_users[u], &ai);
            fz_err(e);
            if (!e) {
                na++;
                FZ_STR(ai.node); FZ_STR(ai.user);
                FZ_CHECK(!strcmp(ai.node, n->id) && !strcmp(ai.user, fz_known_users[u]));
                FZ_CHECK((ai.powers & ~(uint32_t)KW_POW_ALL) == 0);
            }
        }
        FZ_CHECK(n->nchildren == kids && n->nresources == nres && n->nbindings == nb && n->nadmins == na);
    }
}

/* Everything of a deleted user is gone. */
static void fz_user_gone(fz_state *s, const char *u) {
    static kw_grant_info gl[4];
    static kw_user_resource ur[4];
    char next[KW_CURSOR_MAX];
    size_t n;
    FZ_CHECK(kw_user_exists(s->eng, FZ_T, u) == KW_UNKNOWN_USER);
    FZ_CHECK(kw_list_user_grants(s->eng, FZ_T, u, s->now, 4, NULL, gl, &n, next) == KW_OK && n == 0 && !next[0]);
    FZ_CHECK(kw_list_user_resources(s->eng, FZ_T, u, KW_ROLE_ALL, NULL, s->now, 4, NULL, ur, &n, next) == KW_OK &&
             n == 0 && !next[0]);
    for (size_t k = 0; k < FZ_NK(fz_known_res); k++) {
        kw_resource_info ri;
        kw_sharer_info sh[8];
        if (!fz_res_get(s, fz_known_res[k], &ri)) continue;
        FZ_CHECK(fz_allowed(s, u, &ri) == 0);
        FZ_CHECK(strcmp(ri.owner, u) != 0);
        FZ_CHECK(kw_sharer_list(s->eng, FZ_T, ri.id, sh, 8, &n) == KW_OK);
        for (size_t i = 0; i < n && i < 8; i++) FZ_CHECK(strcmp(sh[i].user, u) != 0);
    }
    for (size_t k = 0; k < FZ_NK(fz_all_nodes); k++) {
        kw_binding_info bi;
        kw_admin_info ai;
        FZ_CHECK(kw_member_get(s->eng, FZ_T, fz_all_nodes[k], u, &bi) != KW_OK);
        FZ_CHECK(kw_admin_get(s->eng, FZ_T, fz_all_nodes[k], u, &ai) != KW_OK);
    }
    for (size_t i = 0; i < s->nids; i++) {
        kw_grant_info gi;
        if (kw_grant_get(s->eng, FZ_T, s->ids[i], s->now, &gi) == KW_OK) FZ_CHECK(strcmp(gi.user, u) != 0);
    }
}

/* Tenant FZ_T2 is never touched by anything done to FZ_T. */
static void fz_t2_intact(fz_state *s, uint64_t g2) {
    kw_grant_info gi;
    kw_decision d;
    FZ_CHECK(kw_grant_get(s->eng, FZ_T2, g2, s->now, &gi) == KW_OK && strcmp(gi.user, "u1") == 0);
    FZ_CHECK(kw_check(s->eng, FZ_T2, "u0", "r0", "f2", s->now, &d) == KW_OK && d.allowed);
}

static void fz_op2(fz_in *in, fz_state *s, unsigned op) {
    kw_err e = KW_OK;
    switch (op % 14) {
    case 0: {                                            /* plan_put / plan_get */
        const char *a = fz_byte(in) & 7 ? NULL : fz_actor(in), *p = fz_plan(in), *ty = fz_type(in);
        const char *fns[4];
        size_t nf = fz_pick(in, 5);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        if (!ty) ty = "T0";
        e = kw_plan_put(s->eng, FZ_T, a, p, ty, fns, nf, s->now);
        if (!e) {
            kw_plan_info pl;
            FZ_CHECK(!a && !s->dead);
            FZ_CHECK(kw_plan_get(s->eng, FZ_T, p, &pl) == KW_OK);
            FZ_STR(pl.id); FZ_STR(pl.type);
            FZ_CHECK(!strcmp(pl.id, p) && !strcmp(pl.type, ty));
            FZ_CHECK((size_t)__builtin_popcountll(pl.functions) <= nf);
        }
        break;
    }
    case 1: {                                            /* org_set_plan */
        static const char *const orgs[] = { "o0", "o1", "n1", "bad id" };
        const char *a = fz_byte(in) & 7 ? NULL : fz_actor(in), *o = orgs[fz_pick(in, 4)];
        unsigned pk = fz_pick(in, 4);
        const char *p = pk < 3 ? fz_plans[pk] : NULL, *ty = fz_type(in);
        e = kw_org_set_plan(s->eng, FZ_T, a, o, p, ty, s->now);
        if (!e) {
            FZ_CHECK(!a && !s->dead);
            int oi = strcmp(o, "o0") == 0 ? 0 : strcmp(o, "o1") == 0 ? 1 : -1;
            FZ_CHECK(oi >= 0);
            const char *tname = ty;
            if (p) {
                kw_plan_info pl;
                FZ_CHECK(kw_plan_get(s->eng, FZ_T, p, &pl) == KW_OK && pl.norgs >= 1);
                int ti = strcmp(pl.type, "T0") == 0 ? 0 : strcmp(pl.type, "T1") == 0 ? 1 : -1;
                if (ti >= 0) s->orgplan[oi][ti] = (int)pk;
            } else {
                int ti = tname && strcmp(tname, "T0") == 0 ? 0 : tname && strcmp(tname, "T1") == 0 ? 1 : -1;
                if (ti >= 0) s->orgplan[oi][ti] = -1;
            }
        }
        break;
    }
    case 2: {                                            /* assign */
        const char *a = fz_mgr(in), *r = fz_res(in), *u = fz_user(in);
        const char *fns[4];
        size_t nf = fz_pick(in, 4);
        for (size_t i = 0; i < nf; i++) fns[i] = fz_fn(in);
        e = kw_assign(s->eng, FZ_T, a, r, u, fns, nf, s->now);
        if (!e) {
            kw_resource_info ri;
            kw_node_info ni;
            FZ_CHECK(fz_res_get(s, r, &ri) && ri.org[0]);
            FZ_CHECK(kw_node_get(s->eng, FZ_T, ri.node, &ni) == KW_OK);
            for (size_t i = 0; i < nf; i++) {
                kw_decision d;
                FZ_CHECK(kw_check(s->eng, FZ_T, u, r, fns[i], s->now, &d) == KW_OK);
                fz_decision(&d);
                if (!d.allowed) FZ_CHECK(!ni.effective || !fz_in_plan(s, &ri, fns[i]));
            }
        }
        break;
    }
    case 3: fz_usage(in, s); break;
    case 4: {                                            /* user_delete */
        const char *a = fz_byte(in) & 3 ? NULL : fz_actor(in), *u = fz_user(in);
        e = kw_user_delete(s->eng, FZ_T, a, u, s->now);
        if (!e) { FZ_CHECK(!a); fz_user_gone(s, u); }
        break;
    }
    case 5: {                                            /* tenant delete / recreate */
        if (!s->dead && (fz_byte(in) & 3) == 0) {
            FZ_CHECK(kw_tenant_create(s->eng, FZ_T, s->now) == KW_EXISTS);
            break;
        }
        if (!s->dead) {
            kw_decision d;
            kw_grant_info gl[2];
            kw_node_info ni;
            kw_plan_info pl;
            char next[KW_CURSOR_MAX];
            size_t n;
            FZ_CHECK(kw_tenant_delete(s->eng, FZ_T, s->now) == KW_OK);
            s->dead = true;
            FZ_CHECK(kw_tenant_exists(s->eng, FZ_T) == KW_UNKNOWN_TENANT);
            FZ_CHECK(kw_tenant_delete(s->eng, FZ_T, s->now) == KW_UNKNOWN_TENANT);
            FZ_CHECK(kw_check(s->eng, FZ_T, "u0", "r0", "f0", s->now, &d) == KW_OK);
            FZ_CHECK(!d.allowed && d.reason == KW_R_UNKNOWN_TENANT);
            FZ_CHECK(kw_list_user_grants(s->eng, FZ_T, "u0", s->now, 2, NULL, gl, &n, next) == KW_UNKNOWN_TENANT);
            FZ_CHECK(kw_node_get(s->eng, FZ_T, "o0", &ni) == KW_UNKNOWN_TENANT);
            FZ_CHECK(kw_plan_get(s->eng, FZ_T, "p0", &pl) == KW_UNKNOWN_TENANT);
            FZ_CHECK(kw_user_exists(s->eng, FZ_T, "u0") == KW_UNKNOWN_TENANT);
            for (size_t i = 0; i < s->nids; i++) fz_check_grant(s, s->ids[i]);
            memset(s->orgplan, 0xff, sizeof s->orgplan);
        } else {
            kw_decision d;
            kw_node_info ni;
            kw_plan_info pl;
            FZ_CHECK(kw_tenant_create(s->eng, FZ_T, s->now) == KW_OK);
            s->dead = false;
            FZ_CHECK(kw_check(s->eng, FZ_T, "u0", "r0", "f0", s->now, &d) == KW_OK);
            FZ_CHECK(!d.allowed && d.reason == KW_R_UNKNOWN_RESOURCE);
            FZ_CHECK(kw_node_get(s->eng, FZ_T, "o0", &ni) == KW_UNKNOWN_NODE);
            FZ_CHECK(kw_plan_get(s->eng, FZ_T, "p0", &pl) == KW_UNKNOWN_PLAN);
            FZ_CHECK(kw_type_get(s->eng, FZ_T, "T0", &s->tyscratch) == KW_UNKNOWN_TYPE);
            for (size_t k = 0; k < FZ_NK(fz_known_users); k++) {
                kw_grant_info gl[2];
                char next[KW_CURSOR_MAX];
                size_t n;
                FZ_CHECK(kw_user_exists(s->eng, FZ_T, fz_known_users[k]) == KW_UNKNOWN_USER);
                FZ_CHECK(kw_list_user_grants(s->eng, FZ_T, fz_known_users[k], s->now, 2, NULL, gl, &n, next) ==
                         KW_OK && n == 0);
            }
            for (size_t i = 0; i < s->nids; i++) {
                kw_grant_info gi;
                FZ_CHECK(kw_grant_get(s->eng, FZ_T, s->ids[i], s->now, &gi) == KW_UNKNOWN_GRANT);
            }
            fz_tree(s);
        }
        break;
    }
    case 6: {                                            /* type_get / type_delete */
        const char *ty = fz_type(in);
        if (!ty) ty = "T1";
        kw_type_info *ti = &s->tyscratch;
        kw_err g = kw_type_get(s->eng, FZ_T, ty, ti);
        fz_err(g);
        if (!g) {
            FZ_STR(ti->id);
            FZ_CHECK(ti->nfunctions >= 1 && ti->nfunctions <= KW_MAX_FUNCS);
            for (uint32_t i = 0; i < ti->nfunctions; i++) FZ_STR(ti->functions[i]);
            FZ_CHECK((ti->free_mask & ~fz_low_mask(ti->nfunctions)) == 0);
            FZ_CHECK(ti->up >= -1 && ti->down >= -1);
        }
        if (fz_byte(in) & 1) {
            uint64_t nres = g ? 0 : ti->nresources;
            e = kw_type_delete(s->eng, FZ_T, ty, s->now);
            if (g == KW_UNKNOWN_TYPE || g == KW_UNKNOWN_TENANT) FZ_CHECK(e == g);
            if (!g && nres) FZ_CHECK(e == KW_IN_USE);
            if (!e) {
                const char *fns[] = { "f0" };
                kw_resource_def def = { .id = "r4", .type = ty };
                FZ_CHECK(kw_type_get(s->eng, FZ_T, ty, ti) == KW_UNKNOWN_TYPE);
                FZ_CHECK(kw_type_delete(s->eng, FZ_T, ty, s->now) == KW_UNKNOWN_TYPE);
                FZ_CHECK(kw_resource_create(s->eng, FZ_T, &def, s->now) == KW_UNKNOWN_TYPE);
                FZ_CHECK(kw_plan_put(s->eng, FZ_T, NULL, "p0", ty, fns, 1, s->now) == KW_UNKNOWN_TYPE);
            }
        }
        break;
    }
    case 7: {                                            /* deep trees */
        const char *a = fz_byte(in) & 3 ? NULL : fz_actor(in);
        unsigned k = fz_pick(in, 4);
        if (k == 0) {
            const char *parent = fz_anynode(in);
            unsigned cnt = 1 + fz_pick(in, 6);
            for (unsigned i = 0; i < cnt; i++) {
                const char *nd = fz_all_nodes[6 + fz_pick(in, 6)];
                e = kw_node_create(s->eng, FZ_T, a, parent, nd, s->now);
                fz_err(e);
                if (!e) parent = nd;
            }
            e = KW_OK;
        } else if (k == 1) {
            const char *x = fz_anynode(in), *y = fz_anynode(in);
            e = kw_node_move(s->eng, FZ_T, a, x, y, s->now);
            if (!e) {
                kw_node_info ni;
                FZ_CHECK(kw_node_get(s->eng, FZ_T, x, &ni) == KW_OK && strcmp(ni.parent, y) == 0);
            }
        } else {
            /* snapshot the subtree, delete (or disable) it, compare */
            const char *x = fz_anynode(in);
            bool in_sub[FZ_NK(fz_all_nodes)], exists[FZ_NK(fz_all_nodes)], rin[FZ_NK(fz_known_res)], rex[FZ_NK(fz_known_res)];
            for (size_t i = 0; i < FZ_NK(fz_all_nodes); i++) {
                kw_node_info ni;
                const char *cur = fz_all_nodes[i];
                in_sub[i] = false;
                exists[i] = kw_node_get(s->eng, FZ_T, cur, &ni) == KW_OK;
                for (int step = 0; exists[i] && step < 64; step++) {
                    if (!strcmp(ni.id, x)) { in_sub[i] = true; break; }
                    if (!ni.parent[0]) break;
                    char par[KW_ID_MAX];
                    snprintf(par, sizeof par, "%s", ni.parent);
                    FZ_CHECK(kw_node_get(s->eng, FZ_T, par, &ni) == KW_OK);
                }
            }
            for (size_t r = 0; r < FZ_NK(fz_known_res); r++) {
                kw_resource_info ri;
                rex[r] = fz_res_get(s, fz_known_res[r], &ri);
                rin[r] = false;
                for (size_t i = 0; rex[r] && i < FZ_NK(fz_all_nodes); i++)
                    if (in_sub[i] && !strcmp(ri.node, fz_all_nodes[i])) rin[r] = true;
            }
            if (k == 2) {
                e = kw_node_delete(s->eng, FZ_T, a, x, s->now);
                if (!e) {
                    for (size_t i = 0; i < FZ_NK(fz_all_nodes); i++) {
                        kw_node_info ni;
                        FZ_CHECK((kw_node_get(s->eng, FZ_T, fz_all_nodes[i], &ni) == KW_OK) == (exists[i] && !in_sub[i]));
                    }
                    for (size_t r = 0; r < FZ_NK(fz_known_res); r++) {
                        kw_resource_info ri;
                        FZ_CHECK(fz_res_get(s, fz_known_res[r], &ri) == (rex[r] && !rin[r]));
                    }
                }
            } else {
                e = kw_node_set_enabled(s->eng, FZ_T, a, x, false, s->now);
                if (!e) {
                    /* nothing below a disabled node opens through the org */
                    for (size_t r = 0; r < FZ_NK(fz_known_res); r++) {
                        kw_resource_info ri;
                        if (!rin[r] || !fz_res_get(s, fz_known_res[r], &ri)) continue;
                        for (size_t u = 0; u < FZ_NK(fz_known_users); u++)
                            FZ_CHECK(fz_allowed(s, fz_known_users[u], &ri) == 0);
                    }
                }
            }
        }
        fz_tree(s);
        break;
    }
    case 8: {                                            /* getters */
        kw_resource_info ri;
        const char *r = fz_res(in);
        size_t cap = fz_pick(in, 4), n = 999;
        kw_sharer_info sh[4];
        memset(sh, 0x5a, sizeof sh);
        e = kw_sharer_list(s->eng, FZ_T, r, cap || fz_known_skip() ? sh : NULL, cap, &n);   /* NULL: count only */
        fz_err(e);
        if (fz_res_get(s, r, &ri)) {
            FZ_CHECK(e == KW_OK && n == ri.nsharers);
            for (size_t i = 0; i < n && i < cap; i++) {
                FZ_STR(sh[i].user);
                FZ_CHECK((sh[i].functions & ~fz_low_mask(ri.nfunctions)) == 0 && sh[i].functions);
                if (i) FZ_CHECK(strcmp(sh[i - 1].user, sh[i].user) < 0);
                FZ_CHECK(strcmp(sh[i].user, ri.owner) != 0);
            }
            for (size_t i = n < cap ? n : cap; i < 4; i++) FZ_CHECK(sh[i].since == (kw_time)0x5a5a5a5a5a5a5a5a);
        } else FZ_CHECK(e != KW_OK);
        e = KW_OK;
        const char *nd = fz_node(in), *u = fz_user(in);
        kw_binding_info bi;
        kw_admin_info ai;
        kw_node_info ni;
        e = kw_member_get(s->eng, FZ_T, nd, u, &bi);
        fz_err(e);
        if (!e) { FZ_STR(bi.node); FZ_STR(bi.user); FZ_CHECK(!strcmp(bi.node, nd) && !strcmp(bi.user, u)); }
        e = kw_admin_get(s->eng, FZ_T, nd, u, &ai);
        fz_err(e);
        if (!e) { FZ_STR(ai.node); FZ_STR(ai.user); FZ_CHECK(!strcmp(ai.node, nd) && !strcmp(ai.user, u)); }
        e = kw_node_get(s->eng, FZ_T, nd, &ni);
        fz_err(e);
        if (!e) { FZ_STR(ni.id); FZ_STR(ni.org); FZ_STR(ni.parent); }
        kw_plan_info pl;
        const char *p = fz_plan(in);
        if (p) {
            e = kw_plan_get(s->eng, FZ_T, p, &pl);
            fz_err(e);
            if (!e) { FZ_STR(pl.id); FZ_STR(pl.type); FZ_CHECK(!strcmp(pl.id, p)); }
        }
        e = KW_OK;
        break;
    }
    case 9: {                                            /* admin_may */
        const char *a = fz_byte(in) & 1 ? NULL : fz_actor(in), *nd = fz_anynode(in);
        unsigned act = fz_pick(in, 7);
        kw_node_info ni;
        kw_err g = kw_node_get(s->eng, FZ_T, nd, &ni);
        e = kw_admin_may(s->eng, FZ_T, a, nd, (kw_org_action)act, s->now);
        fz_err(e);
        if (act == 0 || act == 6 || g) FZ_CHECK(e != KW_OK);
        if (!a && !g && act >= 1 && act <= 5) FZ_CHECK(e == KW_OK || e == KW_ORG_DISABLED);
        if (a && !e) {
            /* the actor is an admin at the node or above */
            bool found = false;
            char cur[KW_ID_MAX];
            snprintf(cur, sizeof cur, "%s", nd);
            for (int step = 0; step < 64 && cur[0] && !found; step++) {
                kw_admin_info ai;
                found = kw_admin_get(s->eng, FZ_T, cur, a, &ai) == KW_OK;
                FZ_CHECK(kw_node_get(s->eng, FZ_T, cur, &ni) == KW_OK);
                snprintf(cur, sizeof cur, "%s", ni.parent);
            }
            FZ_CHECK(found);
        }
        e = KW_OK;
        break;
    }
    case 10: {                                           /* time goes backwards */
        static const kw_time steps[] = { 1, KW_US_PER_MIN, 60 * KW_US_PER_MIN, FZ_DAY, 7 * FZ_DAY };
        s->now -= steps[fz_pick(in, 5)] * (kw_time)(1 + fz_pick(in, 4));
        if (s->now < (kw_time)20000 * FZ_DAY) s->now = (kw_time)20000 * FZ_DAY;
        break;
    }
    case 11: fz_plist(in, s); break;
    case 12: fz_tree(s); break;
    default: {                                           /* a use, counted for the usage bound */
        const char *u = fz_user(in), *r = fz_res(in), *f = fz_fn(in);
        kw_decision d;
        e = kw_use(s->eng, FZ_T, u, r, f, NULL, s->now, &d);
        if (!e) {
            fz_decision(&d);
            if (d.allowed) s->uses++;
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
    memset(s.orgplan, 0xff, sizeof s.orgplan);
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
    /* a second tenant that nothing may disturb */
    FZ_CHECK(kw_tenant_create(s.eng, FZ_T2, s.now) == KW_OK);
    FZ_CHECK(kw_resource_create(s.eng, FZ_T2, &def, s.now) == KW_OK);
    kw_cond perm;
    memset(&perm, 0, sizeof perm);
    uint64_t g2 = 0;
    FZ_CHECK(kw_bind(s.eng, FZ_T2, NULL, "r0", "u0", s.now) == KW_OK);
    FZ_CHECK(kw_grant_create(s.eng, FZ_T2, NULL, "r0", users + 1, 1, fns, 1, &perm, &g2, NULL, s.now) == KW_OK);
    for (int ops = 0; in.i < in.n && ops < 200; ops++) fz_op(&in, &s);
    /* every grant the input made is still readable or gone, never corrupt */
    for (size_t i = 0; i < s.nids; i++) fz_check_grant(&s, s.ids[i]);
    fz_t2_intact(&s, g2);
    kw_engine_free(s.eng);
    return 0;
}
