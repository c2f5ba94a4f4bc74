/*
 * tests/unit/test_oom.c — out of memory at every step loses nothing.
 *
 * For each mutation we make its 1st, 2nd, 3rd … allocation fail (through the
 * engine's test-only countdown) until the call succeeds. Every time it
 * answers out_of_memory, a digest of everything observable through the
 * public API (resources, owners, sharers, grants with counters, decisions,
 * nodes, bindings, admins, plans, users, usage) must equal the digest taken
 * before the call: no half-applied change. The successful run must change
 * the digest (the operation really did something).
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "test.h"

#define OT "t1"
#define OM(h, m) ((kw_time)(h) * 3600 * KW_US_PER_SEC + (kw_time)(m) * KW_US_PER_MIN)

static kw_time ot_now(void) { return (kw_time)kw_days_from_civil(2026, 4, 6) * 86400 * KW_US_PER_SEC + OM(10, 0); }

static const char *const ot_users[] = { "alice", "bob", "carol", "dave", "erin" };
static const char *const ot_res[] = { "r1", "r2", "r3", "d1", "d2", "d3", "v1" };
static const char *const ot_nodes[] = { "acme", "hq", "f1", "f2", "beta" };
static const char *const ot_funcs[] = { "unlock", "photo", "open", "approve", "buy" };

static uint64_t mix(uint64_t h, uint64_t v) { return kw__hash_u64(h ^ (v + 0x9e3779b97f4a7c15u)); }
static uint64_t mix_str(uint64_t h, const char *s) { return mix(h, kw__hash_str(s)); }

static uint64_t digest_grants(kw_engine *e, const char *user, uint64_t h) {
    char cur[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
    for (int page = 0; page < 100; page++) {
        kw_grant_info g[8];
        size_t n = 0;
        kw_err err = kw_list_user_grants(e, OT, user, ot_now(), 8, cur, g, &n, next);
        h = mix(h, (uint64_t)err);
        for (size_t i = 0; i < n; i++) {
            h = mix(h, g[i].id);
            h = mix_str(h, g[i].resource);
            h = mix_str(h, g[i].issuer);
            h = mix(h, g[i].functions ^ (g[i].effective << 1));
            h = mix(h, (uint64_t)g[i].cond.flags ^ ((uint64_t)g[i].cond.max_total << 8));
            h = mix(h, (uint64_t)g[i].enabled ^ ((uint64_t)g[i].state << 4));
            h = mix(h, (uint64_t)g[i].used_total ^ ((uint64_t)g[i].used_today << 32));
        }
        if (!next[0]) break;
        memcpy(cur, next, sizeof cur);
    }
    return h;
}

/* Everything observable about the fixture's universe. */
static uint64_t digest(kw_engine *e) {
    uint64_t h = 1;
    h = mix(h, (uint64_t)kw_tenant_exists(e, OT));
    h = mix(h, (uint64_t)kw_tenant_exists(e, "t2"));
    kw_type_info ti;
    h = mix(h, (uint64_t)kw_type_get(e, OT, "door", &ti));
    h = mix(h, (uint64_t)kw_type_get(e, OT, "erp", &ti));
    kw_plan_info pi;
    kw_err pe = kw_plan_get(e, OT, "gold", &pi);
    h = mix(h, (uint64_t)pe);
    if (!pe) h = mix(h, pi.functions ^ ((uint64_t)pi.norgs << 40));
    for (size_t r = 0; r < sizeof ot_res / sizeof *ot_res; r++) {
        kw_resource_info ri;
        kw_err err = kw_resource_get(e, OT, ot_res[r], &ri);
        h = mix(h, (uint64_t)err);
        if (err) continue;
        h = mix_str(h, ri.owner);
        h = mix_str(h, ri.node);
        h = mix(h, ri.version ^ ((uint64_t)ri.nsharers << 32) ^ (ri.ngrants << 48));
        kw_sharer_info sh[8];
        size_t ns = 0;
        h = mix(h, (uint64_t)kw_sharer_list(e, OT, ot_res[r], sh, 8, &ns));
        for (size_t i = 0; i < ns && i < 8; i++)
            h = mix(mix_str(h, sh[i].user), sh[i].functions ^ ((uint64_t)sh[i].enabled << 63));
        for (size_t u = 0; u < sizeof ot_users / sizeof *ot_users; u++)
            for (size_t f = 0; f < sizeof ot_funcs / sizeof *ot_funcs; f++) {
                kw_decision d;
                h = mix(h, (uint64_t)kw_check(e, OT, ot_users[u], ot_res[r], ot_funcs[f], ot_now(), &d));
                h = mix(h, (uint64_t)d.allowed ^ ((uint64_t)d.reason << 1) ^ (d.grant << 8) ^
                               ((uint64_t)d.remaining << 40));
            }
    }
    for (size_t u = 0; u < sizeof ot_users / sizeof *ot_users; u++) {
        h = mix(h, (uint64_t)kw_user_exists(e, OT, ot_users[u]));
        h = digest_grants(e, ot_users[u], h);
        for (size_t n = 0; n < sizeof ot_nodes / sizeof *ot_nodes; n++) {
            kw_binding_info bi;
            kw_admin_info ai;
            kw_err be = kw_member_get(e, OT, ot_nodes[n], ot_users[u], &bi);
            kw_err ae = kw_admin_get(e, OT, ot_nodes[n], ot_users[u], &ai);
            h = mix(h, (uint64_t)be ^ ((uint64_t)ae << 16));
            if (!be) h = mix(h, (uint64_t)bi.from ^ (uint64_t)bi.until);
            if (!ae) h = mix(h, ai.powers);
        }
    }
    for (size_t n = 0; n < sizeof ot_nodes / sizeof *ot_nodes; n++) {
        kw_node_info ni;
        kw_err err = kw_node_get(e, OT, ot_nodes[n], &ni);
        h = mix(h, (uint64_t)err);
        if (!err)
            h = mix(mix_str(h, ni.parent), (uint64_t)ni.enabled ^ ((uint64_t)ni.depth << 8) ^
                                               ((uint64_t)ni.nresources << 16) ^ ((uint64_t)ni.nbindings << 32));
    }
    kw_usage_row rows[16];
    size_t nrows = 0;
    char next[KW_CURSOR_MAX];
    h = mix(h, (uint64_t)kw_usage_query(e, OT, NULL, "acme", NULL, 0, 3000000, 16, NULL, rows, &nrows, next, ot_now()));
    for (size_t i = 0; i < nrows; i++) h = mix(mix_str(h, rows[i].function), rows[i].uses);
    return h;
}

/* The universe every operation starts from. */
static kw_err setup(kw_engine *e) {
    kw_time now = ot_now();
    const char *lockf[] = { "unlock", "photo" };
    const char *doorf[] = { "open" };
    const char *erpf[] = { "approve", "buy" };
    const char *free_f[] = { "buy" };
    kw_err err = kw_tenant_create(e, OT, now);
    kw_resource_def r1 = { .id = "r1", .nfunctions = 2, .functions = lockf, .tz = "Europe/Berlin" };
    kw_resource_def r2 = { .id = "r2", .nfunctions = 2, .functions = lockf };
    kw_type_def door = { .id = "door", .nfunctions = 1, .functions = doorf, .up = 1, .down = 0 };
    kw_type_def erp = { .id = "erp", .nfunctions = 2, .functions = erpf, .nfree = 1,
                        .free_functions = free_f, .up = 0, .down = -1 };
    kw_resource_def d1 = { .id = "d1", .type = "door" };
    kw_resource_def v1 = { .id = "v1", .type = "erp" };
    const char *people[] = { "alice", "bob", "carol", "dave" };
    const char *bob[] = { "bob" }, *carol[] = { "carol" }, *unlock[] = { "unlock" };
    kw_cond counted = { .flags = KW_COND_COUNT, .max_total = 3 };
    kw_decision d;
    if (!err) err = kw_resource_create(e, OT, &r1, now);
    if (!err) err = kw_resource_create(e, OT, &r2, now);
    if (!err) err = kw_bind(e, OT, NULL, "r1", "alice", now);
    if (!err) err = kw_sharer_put(e, OT, "alice", "r1", "bob", lockf, 2, now);
    if (!err) err = kw_grant_create(e, OT, "bob", "r1", carol, 1, unlock, 1, &counted, NULL, NULL, now);
    if (!err) err = kw_grant_create(e, OT, "alice", "r1", bob, 1, unlock, 1, &counted, NULL, NULL, now);
    if (!err) err = kw_use(e, OT, "carol", "r1", "unlock", "k0", now, &d);
    if (!err) err = kw_type_create(e, OT, &door, now);
    if (!err) err = kw_type_create(e, OT, &erp, now);
    if (!err) err = kw_user_create(e, OT, NULL, people, 4, NULL, now);
    if (!err) err = kw_org_create(e, OT, NULL, "acme", now);
    if (!err) err = kw_node_create(e, OT, NULL, "acme", "hq", now);
    if (!err) err = kw_node_create(e, OT, NULL, "hq", "f1", now);
    if (!err) err = kw_resource_register(e, OT, NULL, "f1", &d1, 1, NULL, now);
    if (!err) err = kw_resource_register(e, OT, NULL, "acme", &v1, 1, NULL, now);
    if (!err) err = kw_member_bind(e, OT, NULL, "hq", "carol", 0, 0, NULL, now);
    if (!err) err = kw_admin_put(e, OT, NULL, "acme", "dave", KW_POW_ALL, NULL, now);
    if (!err) err = kw_plan_put(e, OT, NULL, "gold", "erp", erpf, 1, now);
    if (!err) err = kw_assign(e, OT, NULL, "v1", "bob", erpf, 2, now);
    if (!err) err = kw_use(e, OT, "bob", "v1", "approve", NULL, now, &d);
    return err;
}

typedef kw_err (*ot_op)(kw_engine *e);

/* Run `op` with its k-th allocation failing, for k = 1, 2, … until it
 * succeeds; check every failure left the digest unchanged. */
static void sweep(const char *name, ot_op op, unsigned *failures_seen) {
    *failures_seen = 0;
    for (long k = 1; k <= 400; k++) {
        kw_engine_config cfg = { .tz_load = kw_tz_system_load };
        kw_engine *e = NULL;
        CHECK_OK(kw_engine_new(&cfg, &e));
        kw_err se = setup(e);
        if (se) { kw_engine_free(e); CHECK_MSG(0, "%s: setup failed: %s", name, kw_err_code(se)); }
        uint64_t before = digest(e);
        kw__test_fail_alloc(e, k);
        kw_err err = op(e);
        kw__test_fail_alloc(e, 0);
        uint64_t after = digest(e);
        kw_engine_free(e);
        if (err == KW_NOMEM) {
            (*failures_seen)++;
            CHECK_MSG(after == before, "%s: out of memory at allocation %ld left a partial change", name, k);
            continue;
        }
        CHECK_MSG(err == KW_OK, "%s: allocation %ld: unexpected %s", name, k, kw_err_code(err));
        CHECK_MSG(after != before, "%s: succeeded but changed nothing observable", name);
        return;
    }
    CHECK_MSG(0, "%s: still failing after 400 allocations", name);
}

#define OT_OP(fn, ...) static kw_err fn(kw_engine *e) { kw_time now = ot_now(); (void)now; __VA_ARGS__ }

OT_OP(op_bind, { return kw_bind(e, OT, "bob", "r2", "bob", now); })
OT_OP(op_unbind, { return kw_unbind(e, OT, "alice", "r1", now); })
OT_OP(op_sharer_new, {
    const char *f[] = { "photo" };
    return kw_sharer_put(e, OT, "alice", "r1", "dave", f, 1, now);
})
OT_OP(op_sharer_delete, { return kw_sharer_delete(e, OT, "alice", "r1", "bob", now); })
OT_OP(op_grant_batch_users, {
    const char *u[] = { "dave", "erin", "frank", "gina" }, *f[] = { "unlock", "photo" };
    kw_cond c = { .flags = KW_COND_PER_DAY | KW_COND_WEEKDAYS, .max_per_day = 1, .weekdays = KW_MON };
    return kw_grant_create(e, OT, "alice", "r1", u, 4, f, 2, &c, NULL, NULL, now);
})
OT_OP(op_grant_modify, {
    uint64_t ids[] = { 1, 2 };
    const char *f[] = { "unlock", "photo" };
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = 9 };
    kw_grant_change ch = { .op = KW_GRANT_MODIFY, .nfunctions = 2, .functions = f, .cond = &c };
    return kw_grant_batch(e, OT, "alice", ids, 2, &ch, NULL, now);
})
OT_OP(op_grant_delete, {
    uint64_t ids[] = { 2, 1 };
    kw_grant_change ch = { .op = KW_GRANT_DELETE };
    return kw_grant_batch(e, OT, NULL, ids, 2, &ch, NULL, now);
})
OT_OP(op_use_keyed, {
    kw_decision d;
    return kw_use(e, OT, "carol", "r1", "unlock", "fresh-key", now, &d);
})
OT_OP(op_use_enterprise_first_of_day, {
    kw_decision d;
    return kw_use(e, OT, "bob", "v1", "buy", NULL, now + 86400 * KW_US_PER_SEC, &d);
})
OT_OP(op_resource_create, {
    const char *f[] = { "unlock", "photo", "open" };
    kw_resource_def r = { .id = "r3", .nfunctions = 3, .functions = f, .tz = "America/New_York" };
    return kw_resource_create(e, OT, &r, now);
})
OT_OP(op_resource_delete, { return kw_resource_delete(e, OT, NULL, "r1", now); })
OT_OP(op_register_batch, {
    kw_resource_def d[] = { { .id = "d2", .type = "door", .tz = "Asia/Kolkata" }, { .id = "d3", .type = "door" } };
    return kw_resource_register(e, OT, "dave", "f1", d, 2, NULL, now);
})
OT_OP(op_org_create, { return kw_org_create(e, OT, NULL, "beta", now); })
OT_OP(op_node_create, { return kw_node_create(e, OT, "dave", "hq", "f2", now); })
OT_OP(op_node_move, { return kw_node_move(e, OT, "dave", "f1", "acme", now); })
OT_OP(op_node_delete, { return kw_node_delete(e, OT, NULL, "hq", now); })
OT_OP(op_org_delete, { return kw_org_delete(e, OT, NULL, "acme", now); })
OT_OP(op_member_bind, { return kw_member_bind(e, OT, "dave", "f1", "alice", 0, 0, NULL, now); })
OT_OP(op_member_unbind, { return kw_member_unbind(e, OT, NULL, "hq", "carol", now); })
OT_OP(op_admin_put, { return kw_admin_put(e, OT, "dave", "hq", "bob", KW_POW_DEFAULT, NULL, now); })
OT_OP(op_user_create, {
    const char *u[] = { "erin", "frank", "gina" };
    return kw_user_create(e, OT, NULL, u, 3, NULL, now);
})
OT_OP(op_user_delete, { return kw_user_delete(e, OT, NULL, "bob", now); })
OT_OP(op_plan_put_new, {
    const char *f[] = { "approve" };
    kw_err err = kw_plan_put(e, OT, NULL, "silver", "erp", f, 1, now);
    return err ? err : kw_org_set_plan(e, OT, NULL, "acme", "silver", NULL, now);
})
OT_OP(op_assign, {
    const char *f[] = { "buy" };
    return kw_assign(e, OT, "dave", "v1", "carol", f, 1, now);
})
OT_OP(op_tenant_create, { return kw_tenant_create(e, "t2", now); })
OT_OP(op_type_create, {
    const char *f[] = { "a", "b", "c" };
    kw_type_def d = { .id = "cam", .nfunctions = 3, .functions = f, .up = -1, .down = -1 };
    kw_err err = kw_type_create(e, OT, &d, now);
    kw_resource_def r = { .id = "r3", .type = "cam" };
    return err ? err : kw_resource_create(e, OT, &r, now);
})

#define OT_TEST(name, fn)                                            \
    KW_TEST(oom_##name##_loses_nothing) {                            \
        unsigned seen = 0;                                           \
        KW_CALL(sweep(#name, fn, &seen));                            \
    }

OT_TEST(bind, op_bind)
OT_TEST(unbind, op_unbind)
OT_TEST(sharer_put, op_sharer_new)
OT_TEST(sharer_delete, op_sharer_delete)
OT_TEST(grant_create_many_users, op_grant_batch_users)
OT_TEST(grant_batch_modify, op_grant_modify)
OT_TEST(grant_batch_delete, op_grant_delete)
OT_TEST(use_with_idempotency_key, op_use_keyed)
OT_TEST(use_counting_usage, op_use_enterprise_first_of_day)
OT_TEST(resource_create_with_zone, op_resource_create)
OT_TEST(resource_delete, op_resource_delete)
OT_TEST(resource_register_batch, op_register_batch)
OT_TEST(org_create, op_org_create)
OT_TEST(node_create, op_node_create)
OT_TEST(node_move, op_node_move)
OT_TEST(node_delete, op_node_delete)
OT_TEST(org_delete, op_org_delete)
OT_TEST(member_bind, op_member_bind)
OT_TEST(member_unbind, op_member_unbind)
OT_TEST(admin_put, op_admin_put)
OT_TEST(user_create_batch, op_user_create)
OT_TEST(user_delete, op_user_delete)
OT_TEST(plan_put_and_set, op_plan_put_new)
OT_TEST(assign, op_assign)
OT_TEST(tenant_create, op_tenant_create)
OT_TEST(type_and_typed_resource, op_type_create)

/* The sweep must really inject failures: a call that allocates (a batch of
 * new users' grants) must have failed at least once before succeeding. */
KW_TEST(oom_injection_reaches_the_engine) {
    unsigned seen = 0;
    KW_CALL(sweep("grant_create_many_users", op_grant_batch_users, &seen));
    CHECK_MSG(seen >= 3, "only %u injected failures were observed", seen);
}
