/*
 * tests/unit/test_hooks.c — the change hook (engine.h): one record per
 * mutation with the right kind and ids, strictly increasing `seq`, and a
 * permission version that strictly grows on every resource a change
 * affects; consumption records carry the grant id.
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

static const char *const UNLOCK[] = { "unlock" };

/* The last record must be of `kind` on `object` and list `res` with its
 * current version, which must exceed `before`. */
static void expect_bump(fx *f, kw_change_kind kind, const char *res, uint64_t before) {
    CHECK(f->nrecs > 0);
    const fx_rec *r = &f->recs[f->nrecs - 1];
    CHECK_STR(kw_change_kind_name(r->kind), kw_change_kind_name(kind));
    uint64_t now_v = fx_version(f, FX_T, res);
    CHECK_MSG(now_v > before, "%s: version of %s did not grow (%llu)", kw_change_kind_name(kind),
              res, (unsigned long long)now_v);
    CHECK_MSG(fx_rec_version(r, res) == now_v, "%s: record lists %s at %llu, resource at %llu",
              kw_change_kind_name(kind), res, (unsigned long long)fx_rec_version(r, res),
              (unsigned long long)now_v);
}

FX_TEST(hooks_personal_mutations_recorded_with_ids_and_versions) {
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_EQ(f->recs[f->nrecs - 1].kind, KW_CH_RESOURCE_CREATE);
    CHECK_STR(f->recs[f->nrecs - 1].object, "lock1");
    uint64_t v = fx_version(f, FX_T, "lock1");

    CHECK_OK(kw_bind(f->eng, FX_T, "alice", "lock1", "alice", NOW + 1));
    KW_CALL(expect_bump(f, KW_CH_BIND, "lock1", v));
    const fx_rec *r = &f->recs[f->nrecs - 1];
    CHECK_STR(r->tenant, FX_T);
    CHECK_STR(r->object, "lock1");
    CHECK_STR(r->subject, "alice");
    CHECK_STR(r->actor, "alice");
    CHECK_EQ(r->at, NOW + 1);
    v = fx_version(f, FX_T, "lock1");

    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    KW_CALL(expect_bump(f, KW_CH_SHARER_PUT, "lock1", v));
    CHECK_STR(f->recs[f->nrecs - 1].subject, "bob");
    v = fx_version(f, FX_T, "lock1");

    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &id));
    KW_CALL(expect_bump(f, KW_CH_GRANT_CREATE, "lock1", v));
    r = &f->recs[f->nrecs - 1];
    CHECK_EQ(r->grant_id, id);
    CHECK_STR(r->actor, "bob");
    CHECK_STR(r->subject, "carol");
    v = fx_version(f, FX_T, "lock1");

    static const struct { kw_grant_op op; kw_change_kind kind; } ops[] = {
        { KW_GRANT_DISABLE, KW_CH_GRANT_DISABLE }, { KW_GRANT_ENABLE, KW_CH_GRANT_ENABLE },
        { KW_GRANT_MODIFY, KW_CH_GRANT_MODIFY },
    };
    for (size_t i = 0; i < 3; i++) {
        kw_grant_change ch = { .op = ops[i].op };
        CHECK_OK(kw_grant_batch(f->eng, FX_T, NULL, &id, 1, &ch, NULL, NOW));
        KW_CALL(expect_bump(f, ops[i].kind, "lock1", v));
        CHECK_EQ(f->recs[f->nrecs - 1].grant_id, id);
        CHECK(!f->recs[f->nrecs - 1].has_actor);
        v = fx_version(f, FX_T, "lock1");
    }
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "bob", false, NOW));
    KW_CALL(expect_bump(f, KW_CH_SHARER_DISABLE, "lock1", v));
    v = fx_version(f, FX_T, "lock1");
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "bob", true, NOW));
    KW_CALL(expect_bump(f, KW_CH_SHARER_ENABLE, "lock1", v));
    v = fx_version(f, FX_T, "lock1");
    CHECK_OK(kw_sharer_delete(f->eng, FX_T, "alice", "lock1", "bob", NOW));
    KW_CALL(expect_bump(f, KW_CH_SHARER_DELETE, "lock1", v));
    v = fx_version(f, FX_T, "lock1");
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    v = fx_version(f, FX_T, "lock1");
    CHECK_OK(fx_grant_op(f, FX_T, "alice", id, KW_GRANT_DELETE, NOW));
    KW_CALL(expect_bump(f, KW_CH_GRANT_DELETE, "lock1", v));
    CHECK_EQ(f->recs[f->nrecs - 1].grant_id, id);
    v = fx_version(f, FX_T, "lock1");
    CHECK_OK(kw_unbind(f->eng, FX_T, "alice", "lock1", NOW));
    KW_CALL(expect_bump(f, KW_CH_UNBIND, "lock1", v));
    CHECK_STR(f->recs[f->nrecs - 1].object, "lock1");
    CHECK_EQ(f->dropped, 0);
}

FX_TEST(hooks_batch_grant_one_record_per_grant) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    size_t before = f->nrecs;
    const char *users[] = { "u1", "u2", "u3" };
    uint64_t ids[3];
    CHECK_OK(kw_grant_create(f->eng, FX_T, "alice", "lock1", users, 3, UNLOCK, 1, &(kw_cond){ 0 },
                             ids, NULL, NOW));
    CHECK_EQ(f->nrecs - before, 3);
    for (size_t i = 0; i < 3; i++) {
        const fx_rec *r = &f->recs[before + i];
        CHECK_EQ(r->kind, KW_CH_GRANT_CREATE);
        CHECK_EQ(r->grant_id, ids[i]);
        CHECK_STR(r->subject, users[i]);
    }
    /* a failed batch records nothing */
    before = f->nrecs;
    uint64_t bad[2] = { ids[0], 4242 };
    kw_grant_change del = { .op = KW_GRANT_DELETE };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "alice", bad, 2, &del, NULL, NOW), KW_UNKNOWN_GRANT);
    CHECK_EQ(f->nrecs, before);
    CHECK_ERR(kw_bind(f->eng, FX_T, "bob", "lock1", "bob", NOW), KW_ALREADY_OWNED);
    CHECK_ERR(fx_grant(f, FX_T, "mallory", "lock1", "x", "unlock", NULL, NOW, NULL), KW_FORBIDDEN);
    CHECK_EQ(f->nrecs, before);
}

FX_TEST(hooks_seq_strictly_increasing) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = 5 };
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, NULL));
    for (int i = 0; i < 3; i++) FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", NOW), "grant");
    CHECK_OK(kw_unbind(f->eng, FX_T, NULL, "lock1", NOW));
    CHECK_OK(fx_owned(f, FX_T2, "lock1", "zed", NULL));
    CHECK(f->nrecs >= 10);
    for (size_t i = 1; i < f->nrecs; i++)
        CHECK_MSG(f->recs[i].seq > f->recs[i - 1].seq, "seq %llu after %llu",
                  (unsigned long long)f->recs[i].seq, (unsigned long long)f->recs[i - 1].seq);
}

FX_TEST(hooks_consumption_record_carries_grant_id) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = 2 };
    uint64_t id, perm;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &c, NOW, &id));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "dave", "unlock", NULL, NOW, &perm));
    uint64_t v = fx_version(f, FX_T, "lock1");
    size_t before = f->nrecs;
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", NOW + 5), "grant");
    CHECK_EQ(f->nrecs, before + 1);
    const fx_rec *r = &f->recs[before];
    CHECK_EQ(r->kind, KW_CH_CONSUME);
    CHECK_EQ(r->grant_id, id);
    CHECK_EQ(r->at, NOW + 5);
    CHECK_STR(r->object, "lock1");
    CHECK_EQ(r->nresources, 1);
    CHECK_STR(r->res[0], "lock1");
    CHECK_EQ(r->ver[0], v);                              /* counts are not policy */
    CHECK_EQ(fx_version(f, FX_T, "lock1"), v);
    /* no record for checks, uncounted uses, owner uses, denials */
    (void)fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_ALLOW(fx_use(f, "dave", "lock1", "unlock", NOW), "grant");
    FX_ALLOW(fx_use(f, "alice", "lock1", "unlock", NOW), "owner");
    FX_DENY(fx_use(f, "erin", "lock1", "unlock", NOW), "no_grant");
    CHECK_EQ(f->nrecs, before + 1);
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", NOW), "grant");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", NOW), "exhausted");
    CHECK_EQ(f->nrecs, before + 2);
}

static void ent_setup(fx *f) {
    kw_type_def td = { .id = "door", .nfunctions = 1, .functions = (const char *const[]){ "open" },
                       .up = -1, .down = -1 };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "acme", "hq", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "hq", "f1", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "acme", "plant", NOW));
    kw_resource_def defs[4] = { { .id = "d_acme", .type = "door" }, { .id = "d_hq", .type = "door" },
                                { .id = "d_f1", .type = "door" }, { .id = "d_plant", .type = "door" } };
    static const char *const at[4] = { "acme", "hq", "f1", "plant" };
    for (size_t i = 0; i < 4; i++)
        CHECK_OK(kw_resource_register(f->eng, FX_T, NULL, at[i], &defs[i], 1, NULL, NOW));
    const char *users[] = { "u1", "adm" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 2, NULL, NOW));
}

FX_TEST(hooks_node_disable_bumps_every_resource_in_subtree) {
    KW_CALL(ent_setup(f));
    uint64_t vhq = fx_version(f, FX_T, "d_hq"), vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, NULL, "hq", false, NOW));
    const fx_rec *r = &f->recs[f->nrecs - 1];
    CHECK_EQ(r->kind, KW_CH_NODE_DISABLE);
    CHECK_STR(r->object, "hq");
    CHECK(fx_version(f, FX_T, "d_hq") > vhq);
    CHECK(fx_version(f, FX_T, "d_f1") > vf1);
    CHECK_EQ(fx_rec_version(r, "d_hq"), fx_version(f, FX_T, "d_hq"));
    CHECK_EQ(fx_rec_version(r, "d_f1"), fx_version(f, FX_T, "d_f1"));
    vhq = fx_version(f, FX_T, "d_hq");
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, NULL, "hq", true, NOW));
    KW_CALL(expect_bump(f, KW_CH_NODE_ENABLE, "d_hq", vhq));
}

FX_TEST(hooks_org_disable_bumps_every_resource) {
    KW_CALL(ent_setup(f));
    static const char *const all[4] = { "d_acme", "d_hq", "d_f1", "d_plant" };
    uint64_t v[4];
    for (size_t i = 0; i < 4; i++) v[i] = fx_version(f, FX_T, all[i]);
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", false, NOW));
    for (size_t i = 0; i < 4; i++) KW_CALL(expect_bump(f, KW_CH_ORG_DISABLE, all[i], v[i]));
    CHECK_STR(f->recs[f->nrecs - 1].object, "acme");
    for (size_t i = 0; i < 4; i++) v[i] = fx_version(f, FX_T, all[i]);
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", true, NOW));
    for (size_t i = 0; i < 4; i++) KW_CALL(expect_bump(f, KW_CH_ORG_ENABLE, all[i], v[i]));
}

FX_TEST(hooks_enterprise_mutations_recorded) {
    KW_CALL(ent_setup(f));
    uint64_t vhq = fx_version(f, FX_T, "d_hq"), vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", 0, 0, NULL, NOW));
    KW_CALL(expect_bump(f, KW_CH_MEMBER_BIND, "d_hq", vhq));
    KW_CALL(expect_bump(f, KW_CH_MEMBER_BIND, "d_f1", vf1));
    CHECK_STR(f->recs[f->nrecs - 1].object, "hq");
    CHECK_STR(f->recs[f->nrecs - 1].subject, "u1");
    vhq = fx_version(f, FX_T, "d_hq");
    CHECK_OK(kw_member_unbind(f->eng, FX_T, NULL, "hq", "u1", NOW));
    KW_CALL(expect_bump(f, KW_CH_MEMBER_UNBIND, "d_hq", vhq));
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_admin_put(f->eng, FX_T, NULL, "hq", "adm", KW_POW_DEFAULT, NULL, NOW));
    KW_CALL(expect_bump(f, KW_CH_ADMIN_PUT, "d_f1", vf1));
    CHECK_STR(f->recs[f->nrecs - 1].subject, "adm");
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_admin_delete(f->eng, FX_T, NULL, "hq", "adm", NOW));
    KW_CALL(expect_bump(f, KW_CH_ADMIN_DELETE, "d_f1", vf1));
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_node_move(f->eng, FX_T, NULL, "f1", "plant", NOW));
    KW_CALL(expect_bump(f, KW_CH_NODE_MOVE, "d_f1", vf1));
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_assign(f->eng, FX_T, NULL, "d_f1", "u1", (const char *const[]){ "open" }, 1, NOW));
    KW_CALL(expect_bump(f, KW_CH_ASSIGN, "d_f1", vf1));
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "p", "door", NULL, 0, NOW));
    CHECK_EQ(f->recs[f->nrecs - 1].kind, KW_CH_PLAN_PUT);
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "acme", "p", NULL, NOW));
    KW_CALL(expect_bump(f, KW_CH_ORG_SET_PLAN, "d_f1", vf1));
    vf1 = fx_version(f, FX_T, "d_f1");
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "p", "door", (const char *const[]){ "open" }, 1, NOW));
    KW_CALL(expect_bump(f, KW_CH_PLAN_PUT, "d_f1", vf1));
    size_t n = f->nrecs;
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "hq", "f9", NOW));
    CHECK_EQ(f->nrecs, n + 1);
    CHECK_EQ(f->recs[n].kind, KW_CH_NODE_CREATE);
    CHECK_STR(f->recs[n].object, "f9");
    CHECK_OK(kw_node_delete(f->eng, FX_T, NULL, "f9", NOW));
    CHECK_EQ(f->recs[f->nrecs - 1].kind, KW_CH_NODE_DELETE);
    CHECK_OK(kw_resource_delete(f->eng, FX_T, NULL, "d_plant", NOW));
    CHECK_EQ(f->recs[f->nrecs - 1].kind, KW_CH_RESOURCE_DELETE);
    CHECK_STR(f->recs[f->nrecs - 1].object, "d_plant");
    CHECK_OK(kw_org_delete(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_EQ(f->recs[f->nrecs - 1].kind, KW_CH_ORG_DELETE);
    CHECK_STR(f->recs[f->nrecs - 1].object, "acme");
}

FX_TEST(hooks_change_kind_names) {
    CHECK_STR(kw_change_kind_name(KW_CH_GRANT_CREATE), "grant_create");
    CHECK_STR(kw_change_kind_name(KW_CH_CONSUME), "consume");
    CHECK_STR(kw_change_kind_name((kw_change_kind)9999), "unknown");
    CHECK_EQ(f->recs[0].kind, KW_CH_TENANT_CREATE);
    CHECK_STR(f->recs[0].object, FX_T);
}
