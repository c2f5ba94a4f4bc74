/*
 * tests/unit/test_enterprise.c — the enterprise level (REQUIREMENTS §3, §8):
 * organisation trees, disabling, propagation, bindings with validity and
 * conditions, node admins and each of their powers, batch registration.
 *
 * The tree every test starts from (org "acme"):
 *
 *   acme ─┬─ hq ─┬─ f1 ── r101
 *         │      └─ f2
 *         └─ plant
 *
 * Types: door (up 1, down 1), gate (up -1, down -1), safe (up 0, down 0),
 * office (up -1, down -1, default condition daily 08:00–18:00).
 * Resources: door d_<node> at every node, gate g_acme and g_r101, safe s_f1,
 * office o_hq.
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()   /* Wed 2026-04-01 00:00 UTC */
#define NOON (NOW + 12 * FX_HOUR)

static const char *const DOOR_FN[] = { "open", "log" };
static const char *const OPEN[] = { "open" };

static void make_type(fx *f, const char *id, int32_t up, int32_t down, const kw_cond *dflt) {
    kw_type_def td = { .id = id, .nfunctions = 2, .functions = DOOR_FN, .up = up, .down = down };
    if (dflt) td.default_cond = *dflt;
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
}

static kw_err reg(fx *f, const char *actor, const char *node, const char *id, const char *type) {
    kw_resource_def d = { .id = id, .type = type };
    return kw_resource_register(f->eng, FX_T, actor, node, &d, 1, NULL, NOW);
}

static void org_setup(fx *f) {
    kw_cond office = { .flags = KW_COND_DAILY, .day_from = 8 * 60, .day_until = 18 * 60 };
    KW_CALL(make_type(f, "door", 1, 1, NULL));
    KW_CALL(make_type(f, "gate", -1, -1, NULL));
    KW_CALL(make_type(f, "safe", 0, 0, NULL));
    KW_CALL(make_type(f, "office", -1, -1, &office));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "acme", "hq", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "hq", "f1", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "f1", "r101", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "hq", "f2", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "acme", "plant", NOW));
    static const char *const nodes[] = { "acme", "hq", "f1", "r101", "f2", "plant" };
    for (size_t i = 0; i < 6; i++) {
        char id[32];
        snprintf(id, sizeof id, "d_%s", nodes[i]);
        CHECK_OK(reg(f, NULL, nodes[i], id, "door"));
    }
    CHECK_OK(reg(f, NULL, "acme", "g_acme", "gate"));
    CHECK_OK(reg(f, NULL, "r101", "g_r101", "gate"));
    CHECK_OK(reg(f, NULL, "f1", "s_f1", "safe"));
    CHECK_OK(reg(f, NULL, "hq", "o_hq", "office"));
    static const char *const users[] = { "u1", "u2", "u3", "adm", "adm2", "boss" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 6, NULL, NOW));
}

static kw_err bind_at(fx *f, const char *actor, const char *node, const char *user) {
    return kw_member_bind(f->eng, FX_T, actor, node, user, 0, 0, NULL, NOW);
}

static kw_err admin(fx *f, const char *node, const char *user, uint32_t powers) {
    return kw_admin_put(f->eng, FX_T, NULL, node, user, powers, NULL, NOW);
}

/* ------------------------------------------------------------ tree */

FX_TEST(org_tree_root_has_org_id) {
    KW_CALL(org_setup(f));
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "acme", &ni));
    CHECK_STR(ni.org, "acme");
    CHECK_STR(ni.parent, "");
    CHECK_EQ(ni.depth, 0);
    CHECK_EQ(ni.nchildren, 2);
    CHECK_OK(kw_node_get(f->eng, FX_T, "r101", &ni));
    CHECK_STR(ni.org, "acme");
    CHECK_STR(ni.parent, "f1");
    CHECK_EQ(ni.depth, 3);
    CHECK(ni.enabled && ni.effective);
    CHECK_EQ(ni.nresources, 2);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "d_f1", &ri));
    CHECK_STR(ri.org, "acme");
    CHECK_STR(ri.node, "f1");
    CHECK_STR(ri.type, "door");
    CHECK_EQ(ri.nfunctions, 2);
    CHECK_STR(ri.functions[0], "open");
    CHECK_STR(ri.owner, "");
    /* node ids are unique per tenant, also across organisations */
    CHECK_ERR(kw_node_create(f->eng, FX_T, NULL, "acme", "hq", NOW), KW_EXISTS);
    CHECK_ERR(kw_org_create(f->eng, FX_T, NULL, "hq", NOW), KW_EXISTS);
    CHECK_ERR(kw_org_create(f->eng, FX_T, NULL, "acme", NOW), KW_EXISTS);
    CHECK_ERR(kw_node_create(f->eng, FX_T, NULL, "nowhere", "x", NOW), KW_UNKNOWN_NODE);
}

FX_TEST(org_create_only_by_tenant) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_ALL));
    CHECK_ERR(kw_org_create(f->eng, FX_T, "adm", "other", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_org_set_enabled(f->eng, FX_T, "adm", "acme", false, NOW), KW_FORBIDDEN);
    kw_node_info ni;
    CHECK_ERR(kw_node_get(f->eng, FX_T, "other", &ni), KW_UNKNOWN_NODE);
}

FX_TEST(org_move_creating_cycle_refused) {
    KW_CALL(org_setup(f));
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "hq", "r101", NOW), KW_CYCLE);
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "hq", "f1", NOW), KW_CYCLE);
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "hq", "hq", NOW), KW_CYCLE);
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "acme", "plant", NOW), KW_ROOT_NODE);
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK_STR(ni.parent, "acme");
    CHECK_OK(kw_node_get(f->eng, FX_T, "r101", &ni));
    CHECK_STR(ni.parent, "f1");
    CHECK_EQ(ni.depth, 3);
}

FX_TEST(org_move_subtree_changes_reach) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "plant", "u1"));
    FX_DENY(fx_check(f, "u1", "d_f1", "open", NOW), "no_grant");
    CHECK_OK(kw_node_move(f->eng, FX_T, NULL, "f1", "plant", NOW));
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "f1", &ni));
    CHECK_STR(ni.parent, "plant");
    CHECK_EQ(ni.depth, 2);
    CHECK_OK(kw_node_get(f->eng, FX_T, "r101", &ni));
    CHECK_EQ(ni.depth, 3);
    FX_ALLOW(fx_check(f, "u1", "d_f1", "open", NOW), "binding");   /* 1 level below now */
    FX_DENY(fx_check(f, "u1", "d_r101", "open", NOW), "no_grant");  /* 2 levels: beyond up 1 */
    /* moving to another organisation is refused */
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "other", NOW));
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "f1", "other", NOW), KW_INVAL);
}

FX_TEST(org_disabled_refuses_writes_reads_work) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "hq", "u1"));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_ALL));
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", false, NOW));
    /* writes, by super-admin and admin alike */
    CHECK_ERR(kw_node_create(f->eng, FX_T, NULL, "hq", "f3", NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_node_create(f->eng, FX_T, "adm", "hq", "f3", NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_node_delete(f->eng, FX_T, NULL, "f2", NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_node_move(f->eng, FX_T, NULL, "f2", "plant", NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_node_set_enabled(f->eng, FX_T, NULL, "f2", false, NOW), KW_ORG_DISABLED);
    CHECK_ERR(bind_at(f, NULL, "hq", "u2"), KW_ORG_DISABLED);
    CHECK_ERR(bind_at(f, "adm", "hq", "u2"), KW_ORG_DISABLED);
    CHECK_ERR(kw_member_unbind(f->eng, FX_T, NULL, "hq", "u1", NOW), KW_ORG_DISABLED);
    CHECK_ERR(admin(f, "hq", "adm2", KW_POW_DEFAULT), KW_ORG_DISABLED);
    CHECK_ERR(kw_admin_delete(f->eng, FX_T, NULL, "acme", "adm", NOW), KW_ORG_DISABLED);
    kw_resource_def d = { .id = "d_new", .type = "door" };
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "hq", &d, 1, NULL, NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_resource_delete(f->eng, FX_T, NULL, "d_hq", NOW), KW_ORG_DISABLED);
    CHECK_ERR(fx_grant(f, FX_T, NULL, "d_hq", "u2", "open", NULL, NOW, NULL), KW_ORG_DISABLED);
    CHECK_ERR(kw_assign(f->eng, FX_T, NULL, "d_hq", "u2", OPEN, 1, NOW), KW_ORG_DISABLED);
    CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_USERS, NOW), KW_ORG_DISABLED);
    /* reads */
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK(ni.enabled);
    CHECK(!ni.effective);
    kw_binding_info bi;
    CHECK_OK(kw_member_get(f->eng, FX_T, "hq", "u1", &bi));
    kw_admin_info ai;
    CHECK_OK(kw_admin_get(f->eng, FX_T, "acme", "adm", &ai));
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "d_hq", &ri));
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "d_new", &ri), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_node_get(f->eng, FX_T, "f3", &ni), KW_UNKNOWN_NODE);
    /* re-enabling restores writes */
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", true, NOW));
    CHECK_OK(bind_at(f, "adm", "hq", "u2"));
}

FX_TEST(org_disabled_denies_access) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "hq", "u1"));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_DEFAULT));
    CHECK_OK(kw_assign(f->eng, FX_T, NULL, "d_f2", "u2", OPEN, 1, NOW));
    CHECK_OK(fx_grant(f, FX_T, NULL, "d_plant", "u3", "open", NULL, NOW, NULL));
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "adm", "d_r101", "open", NOW), "admin");
    FX_ALLOW(fx_check(f, "u2", "d_f2", "open", NOW), "assignment");
    FX_ALLOW(fx_check(f, "u3", "d_plant", "open", NOW), "grant");
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", false, NOW));
    FX_DENY(fx_check(f, "u1", "d_hq", "open", NOW), "org_disabled");
    FX_DENY(fx_use(f, "adm", "d_r101", "open", NOW), "org_disabled");
    FX_DENY(fx_check(f, "u2", "d_f2", "open", NOW), "org_disabled");
    FX_DENY(fx_check(f, "u3", "d_plant", "open", NOW), "org_disabled");
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", true, NOW));
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", NOW), "binding");
}

FX_TEST(org_delete_only_by_tenant_removes_everything) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_ALL));
    CHECK_OK(bind_at(f, NULL, "f1", "u1"));
    CHECK_ERR(kw_org_delete(f->eng, FX_T, "adm", "acme", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_org_delete(f->eng, FX_T, "u1", "acme", NOW), KW_FORBIDDEN);
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "acme", &ni));
    CHECK_OK(kw_org_delete(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_ERR(kw_node_get(f->eng, FX_T, "acme", &ni), KW_UNKNOWN_NODE);
    CHECK_ERR(kw_node_get(f->eng, FX_T, "r101", &ni), KW_UNKNOWN_NODE);
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "d_f1", &ri), KW_UNKNOWN_RESOURCE);
    FX_DENY(fx_check(f, "u1", "d_f1", "open", NOW), "unknown_resource");
    kw_binding_info bi;
    CHECK(kw_member_get(f->eng, FX_T, "f1", "u1", &bi) != KW_OK);
    CHECK_ERR(kw_org_delete(f->eng, FX_T, NULL, "acme", NOW), KW_UNKNOWN_ORG);
    /* the ids are free again */
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, NULL, "acme", "f1", NOW));
    CHECK_ERR(kw_admin_get(f->eng, FX_T, "acme", "adm", &(kw_admin_info){ 0 }), KW_UNKNOWN_ADMIN);
}

FX_TEST(org_delete_disabled_org_allowed) {
    KW_CALL(org_setup(f));
    CHECK_OK(kw_org_set_enabled(f->eng, FX_T, NULL, "acme", false, NOW));
    CHECK_OK(kw_org_delete(f->eng, FX_T, NULL, "acme", NOW));
    kw_node_info ni;
    CHECK_ERR(kw_node_get(f->eng, FX_T, "hq", &ni), KW_UNKNOWN_NODE);
}

FX_TEST(node_disabled_disables_subtree) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "r101", "u1"));
    CHECK_OK(bind_at(f, NULL, "plant", "u2"));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_DEFAULT));
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, NULL, "hq", false, NOW));
    FX_DENY(fx_check(f, "u1", "d_r101", "open", NOW), "node_disabled");
    FX_DENY(fx_check(f, "adm", "d_f1", "open", NOW), "node_disabled");
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "node_disabled");
    FX_ALLOW(fx_check(f, "adm", "d_plant", "open", NOW), "admin");
    FX_ALLOW(fx_check(f, "u2", "d_plant", "open", NOW), "binding");
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "r101", &ni));
    CHECK(ni.enabled);
    CHECK(!ni.effective);
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK(!ni.enabled);
    /* a user bound inside a disabled node cannot reach up through it */
    CHECK_OK(bind_at(f, NULL, "f2", "u3"));
    FX_DENY(fx_check(f, "u3", "g_acme", "open", NOW), "node_disabled");
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, NULL, "hq", true, NOW));
    FX_ALLOW(fx_check(f, "u1", "d_r101", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "u3", "g_acme", "open", NOW), "binding");
    CHECK_ERR(kw_node_set_enabled(f->eng, FX_T, NULL, "acme", false, NOW), KW_ROOT_NODE);
}

FX_TEST(node_delete_removes_subtree) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "r101", "u1"));
    CHECK_OK(kw_node_delete(f->eng, FX_T, NULL, "f1", NOW));
    kw_node_info ni;
    CHECK_ERR(kw_node_get(f->eng, FX_T, "f1", &ni), KW_UNKNOWN_NODE);
    CHECK_ERR(kw_node_get(f->eng, FX_T, "r101", &ni), KW_UNKNOWN_NODE);
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "d_r101", &ri), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "s_f1", &ri), KW_UNKNOWN_RESOURCE);
    FX_DENY(fx_check(f, "u1", "d_hq", "open", NOW), "no_grant");
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK_EQ(ni.nchildren, 1);
    CHECK_ERR(kw_node_delete(f->eng, FX_T, NULL, "acme", NOW), KW_ROOT_NODE);
}

/* ------------------------------------------------------------ propagation */

FX_TEST(propagation_up_reaches_resources_below_within_limit) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "hq", "u1"));
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "u1", "d_f1", "open", NOW), "binding");     /* 1 below */
    FX_ALLOW(fx_check(f, "u1", "d_f2", "open", NOW), "binding");
    FX_DENY(fx_check(f, "u1", "d_r101", "open", NOW), "no_grant");   /* 2 below > up 1 */
    FX_DENY(fx_check(f, "u1", "d_plant", "open", NOW), "no_grant");  /* not on a path */
}

FX_TEST(propagation_down_reaches_resources_above_within_limit) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "r101", "u1"));
    FX_ALLOW(fx_check(f, "u1", "d_r101", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "u1", "d_f1", "open", NOW), "binding");     /* 1 above */
    FX_DENY(fx_check(f, "u1", "d_hq", "open", NOW), "no_grant");     /* 2 above > down 1 */
    FX_DENY(fx_check(f, "u1", "d_f2", "open", NOW), "no_grant");     /* cousin */
}

FX_TEST(propagation_unlimited_with_minus_one) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "acme", "u1"));
    CHECK_OK(bind_at(f, NULL, "r101", "u2"));
    CHECK_OK(bind_at(f, NULL, "plant", "u3"));
    FX_ALLOW(fx_check(f, "u1", "g_r101", "open", NOW), "binding");   /* 3 below */
    FX_ALLOW(fx_check(f, "u2", "g_acme", "open", NOW), "binding");   /* 3 above */
    FX_DENY(fx_check(f, "u3", "g_r101", "open", NOW), "no_grant");   /* sibling branch */
    FX_ALLOW(fx_check(f, "u3", "g_acme", "open", NOW), "binding");
}

FX_TEST(propagation_zero_only_same_node) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "f1", "u1"));
    CHECK_OK(bind_at(f, NULL, "hq", "u2"));
    CHECK_OK(bind_at(f, NULL, "r101", "u3"));
    FX_ALLOW(fx_check(f, "u1", "s_f1", "open", NOW), "binding");
    FX_DENY(fx_check(f, "u2", "s_f1", "open", NOW), "no_grant");
    FX_DENY(fx_check(f, "u3", "s_f1", "open", NOW), "no_grant");
}

/* ------------------------------------------------------------ bindings */

FX_TEST(binding_validity_period) {
    KW_CALL(org_setup(f));
    kw_time from = NOW + FX_DAY, until = NOW + 2 * FX_DAY;
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", from, until, NULL, NOW));
    FX_DENY(fx_check(f, "u1", "d_hq", "open", from - 1), "not_yet_valid");
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", from), "binding");
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", until - 1), "binding");
    FX_DENY(fx_check(f, "u1", "d_hq", "open", until), "binding_expired");
    kw_binding_info bi;
    CHECK_OK(kw_member_get(f->eng, FX_T, "hq", "u1", &bi));
    CHECK_EQ(bi.from, from);
    CHECK_EQ(bi.until, until);
    CHECK(!bi.has_cond);
    /* rebinding replaces the period */
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", 0, 0, NULL, NOW));
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", until + FX_DAY), "binding");
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", NOW), "binding");
}

FX_TEST(binding_condition_and_type_default_condition_both_apply) {
    KW_CALL(org_setup(f));
    /* o_hq is an office (daily 08:00–18:00); the binding adds Mon–Fri */
    kw_cond weekdays = { .flags = KW_COND_WEEKDAYS,
                         .weekdays = KW_MON | KW_TUE | KW_WED | KW_THU | KW_FRI };
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", 0, 0, &weekdays, NOW));
    CHECK_OK(bind_at(f, NULL, "hq", "u2"));
    kw_time mon10 = fx_utc(2026, 4, 6, 10, 0), mon07 = fx_utc(2026, 4, 6, 7, 0),
            sat10 = fx_utc(2026, 4, 11, 10, 0);
    FX_ALLOW(fx_check(f, "u1", "o_hq", "open", mon10), "binding");
    FX_DENY(fx_check(f, "u1", "o_hq", "open", mon07), "outside_schedule");  /* type default */
    FX_DENY(fx_check(f, "u1", "o_hq", "open", sat10), "outside_schedule");  /* binding cond */
    FX_ALLOW(fx_check(f, "u2", "o_hq", "open", sat10), "binding");
    FX_DENY(fx_check(f, "u2", "o_hq", "open", mon07), "outside_schedule");
    /* the binding condition applies to door resources too (no type default) */
    FX_DENY(fx_check(f, "u1", "d_hq", "open", sat10), "outside_schedule");
    kw_binding_info bi;
    CHECK_OK(kw_member_get(f->eng, FX_T, "hq", "u1", &bi));
    CHECK(bi.has_cond);
    CHECK_EQ(bi.cond.weekdays, weekdays.weekdays);
}

FX_TEST(binding_refuses_counted_condition_and_bad_period) {
    KW_CALL(org_setup(f));
    kw_cond cnt = { .flags = KW_COND_COUNT, .max_total = 3 };
    CHECK_ERR(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", 0, 0, &cnt, NOW), KW_BAD_COND);
    CHECK_ERR(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", NOW + FX_DAY, NOW, NULL, NOW),
              KW_BAD_TIME);
    CHECK_ERR(kw_member_bind(f->eng, FX_T, NULL, "hq", "u1", NOW, NOW, NULL, NOW), KW_BAD_TIME);
    CHECK_ERR(kw_member_bind(f->eng, FX_T, NULL, "hq", "ghost", 0, 0, NULL, NOW), KW_UNKNOWN_USER);
    kw_binding_info bi;
    CHECK_ERR(kw_member_get(f->eng, FX_T, "hq", "u1", &bi), KW_UNKNOWN_BINDING);
}

FX_TEST(user_bound_to_several_nodes) {
    KW_CALL(org_setup(f));
    CHECK_OK(bind_at(f, NULL, "f1", "u1"));
    CHECK_OK(bind_at(f, NULL, "plant", "u1"));
    FX_ALLOW(fx_check(f, "u1", "d_f1", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "u1", "d_plant", "open", NOW), "binding");
    FX_ALLOW(fx_check(f, "u1", "s_f1", "open", NOW), "binding");
    CHECK_OK(kw_member_unbind(f->eng, FX_T, NULL, "f1", "u1", NOW));
    FX_DENY(fx_check(f, "u1", "d_f1", "open", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "u1", "d_plant", "open", NOW), "binding");
    CHECK_ERR(kw_member_unbind(f->eng, FX_T, NULL, "f1", "u1", NOW), KW_UNKNOWN_BINDING);
}

FX_TEST(binding_needs_created_user_batch_create) {
    KW_CALL(org_setup(f));
    const char *batch[] = { "n1", "n2", "n1" };
    kw_err ie[3];
    CHECK_ERR(kw_user_create(f->eng, FX_T, NULL, batch, 3, ie, NOW), KW_EXISTS);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[2], KW_EXISTS);
    CHECK_ERR(kw_user_exists(f->eng, FX_T, "n1"), KW_UNKNOWN_USER);
    CHECK_ERR(kw_user_exists(f->eng, FX_T, "n2"), KW_UNKNOWN_USER);
    const char *batch2[] = { "n1", "u1" };
    CHECK_ERR(kw_user_create(f->eng, FX_T, NULL, batch2, 2, ie, NOW), KW_EXISTS);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_EXISTS);
    CHECK_ERR(kw_user_exists(f->eng, FX_T, "n1"), KW_UNKNOWN_USER);
    const char *batch3[] = { "n1", "n2" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, batch3, 2, ie, NOW));
    CHECK_OK(kw_user_exists(f->eng, FX_T, "n2"));
    CHECK_OK(bind_at(f, NULL, "hq", "n2"));
    /* an ordinary user may not create users */
    const char *one[] = { "n3" };
    CHECK_ERR(kw_user_create(f->eng, FX_T, "u1", one, 1, NULL, NOW), KW_FORBIDDEN);
}

FX_TEST(enterprise_resource_cannot_be_bound) {
    KW_CALL(org_setup(f));
    CHECK_ERR(kw_bind(f->eng, FX_T, "u1", "d_hq", "u1", NOW), KW_ENTERPRISE_RESOURCE);
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, NULL, "d_hq", "u1", OPEN, 1, NOW),
              KW_ENTERPRISE_RESOURCE);
}

/* ------------------------------------------------------------ admins */

FX_TEST(admin_default_powers_open_own_and_lower) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_DEFAULT));
    kw_admin_info ai;
    CHECK_OK(kw_admin_get(f->eng, FX_T, "hq", "adm", &ai));
    CHECK_EQ(ai.powers, KW_POW_OPEN_OWN | KW_POW_OPEN_LOWER);
    kw_decision d = fx_use(f, "adm", "d_hq", "open", NOW);
    FX_ALLOW(d, "admin");
    CHECK_EQ(d.remaining, -1);
    FX_ALLOW(fx_check(f, "adm", "d_f1", "open", NOW), "admin");
    FX_ALLOW(fx_check(f, "adm", "d_r101", "log", NOW), "admin");   /* beyond door's up 1 */
    FX_ALLOW(fx_check(f, "adm", "s_f1", "open", NOW), "admin");    /* safe: up 0 */
    FX_DENY(fx_check(f, "adm", "d_acme", "open", NOW), "no_grant");
    FX_DENY(fx_check(f, "adm", "d_plant", "open", NOW), "no_grant");
    /* and nothing else */
    CHECK_ERR(kw_node_create(f->eng, FX_T, "adm", "hq", "x", NOW), KW_FORBIDDEN);
    CHECK_ERR(bind_at(f, "adm", "hq", "u1"), KW_FORBIDDEN);
    CHECK_ERR(reg(f, "adm", "hq", "x", "door"), KW_FORBIDDEN);
}

FX_TEST(admin_opening_not_limited_by_type_default_condition) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_DEFAULT));
    CHECK_OK(bind_at(f, NULL, "hq", "u1"));
    kw_time night = fx_utc(2026, 4, 6, 22, 0);
    FX_ALLOW(fx_check(f, "adm", "o_hq", "open", night), "admin");
    FX_DENY(fx_check(f, "u1", "o_hq", "open", night), "outside_schedule");
}

FX_TEST(admin_condition_governs_its_powers) {
    KW_CALL(org_setup(f));
    kw_cond c = { .flags = KW_COND_WINDOW, .from = NOW + FX_DAY, .until = NOW + 2 * FX_DAY };
    CHECK_OK(kw_admin_put(f->eng, FX_T, NULL, "hq", "adm", KW_POW_DEFAULT | KW_POW_OWN_USERS, &c,
                          NOW));
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "not_yet_valid");
    FX_ALLOW(fx_check(f, "adm", "d_hq", "open", NOW + FX_DAY), "admin");
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW + 2 * FX_DAY), "outside_window");
    CHECK_ERR(kw_member_bind(f->eng, FX_T, "adm", "hq", "u1", 0, 0, NULL, NOW), KW_FORBIDDEN);
    CHECK_OK(kw_member_bind(f->eng, FX_T, "adm", "hq", "u1", 0, 0, NULL, NOW + FX_DAY));
    CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_USERS, NOW), KW_FORBIDDEN);
    CHECK_OK(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_USERS, NOW + FX_DAY));
    kw_cond counted = { .flags = KW_COND_COUNT, .max_total = 1 };
    CHECK_ERR(kw_admin_put(f->eng, FX_T, NULL, "hq", "adm2", KW_POW_DEFAULT, &counted, NOW),
              KW_BAD_COND);
}

FX_TEST(admin_not_limited_by_propagation) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "acme", "adm", KW_POW_OPEN_LOWER));
    FX_ALLOW(fx_check(f, "adm", "d_r101", "open", NOW), "admin");   /* 3 levels, door up 1 */
    FX_ALLOW(fx_check(f, "adm", "s_f1", "open", NOW), "admin");     /* safe up 0 */
    FX_DENY(fx_check(f, "adm", "d_acme", "open", NOW), "no_grant");  /* own node: not OPEN_OWN */
}

FX_TEST(admin_outside_subtree_forbidden) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_ALL));
    CHECK_ERR(kw_node_create(f->eng, FX_T, "adm", "plant", "x", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_create(f->eng, FX_T, "adm", "acme", "x", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_delete(f->eng, FX_T, "adm", "plant", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_delete(f->eng, FX_T, "adm", "hq", NOW), KW_FORBIDDEN);   /* not strictly above */
    CHECK_ERR(kw_node_set_enabled(f->eng, FX_T, "adm", "plant", false, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_move(f->eng, FX_T, "adm", "f1", "plant", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_move(f->eng, FX_T, "adm", "plant", "hq", NOW), KW_FORBIDDEN);
    CHECK_ERR(bind_at(f, "adm", "plant", "u1"), KW_FORBIDDEN);
    CHECK_ERR(bind_at(f, "adm", "acme", "u1"), KW_FORBIDDEN);
    CHECK_ERR(reg(f, "adm", "plant", "x", "door"), KW_FORBIDDEN);
    CHECK_ERR(kw_admin_put(f->eng, FX_T, "adm", "acme", "u1", KW_POW_DEFAULT, NULL, NOW),
              KW_FORBIDDEN);
    CHECK_ERR(kw_admin_put(f->eng, FX_T, "adm", "plant", "u1", KW_POW_DEFAULT, NULL, NOW),
              KW_FORBIDDEN);
    CHECK_ERR(kw_resource_delete(f->eng, FX_T, "adm", "d_plant", NOW), KW_FORBIDDEN);
    CHECK_ERR(fx_grant(f, FX_T, "adm", "d_plant", "u1", "open", NULL, NOW, NULL), KW_FORBIDDEN);
    CHECK_ERR(kw_assign(f->eng, FX_T, "adm", "d_plant", "u1", OPEN, 1, NOW), KW_FORBIDDEN);
    FX_DENY(fx_check(f, "adm", "d_plant", "open", NOW), "no_grant");
    FX_DENY(fx_check(f, "adm", "d_acme", "open", NOW), "no_grant");
    kw_node_info ni;
    CHECK_ERR(kw_node_get(f->eng, FX_T, "x", &ni), KW_UNKNOWN_NODE);
    /* inside its subtree everything works */
    CHECK_OK(kw_node_create(f->eng, FX_T, "adm", "f2", "x", NOW));
    CHECK_OK(bind_at(f, "adm", "x", "u1"));
}

FX_TEST(admin_power_open_own) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OPEN_OWN));
    FX_ALLOW(fx_check(f, "adm", "d_hq", "open", NOW), "admin");
    FX_DENY(fx_check(f, "adm", "d_f1", "open", NOW), "no_grant");
    CHECK_OK(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_OPEN, NOW));
    CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "f1", KW_ACT_OPEN, NOW), KW_FORBIDDEN);
}

FX_TEST(admin_power_open_lower) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OPEN_LOWER));
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "adm", "d_f1", "open", NOW), "admin");
    FX_ALLOW(fx_check(f, "adm", "g_r101", "open", NOW), "admin");
    CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_OPEN, NOW), KW_FORBIDDEN);
    CHECK_OK(kw_admin_may(f->eng, FX_T, "adm", "r101", KW_ACT_OPEN, NOW));
}

FX_TEST(admin_power_own_resources) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OWN_RESOURCES));
    CHECK_OK(reg(f, "adm", "hq", "d_new", "door"));
    CHECK_ERR(reg(f, "adm", "f1", "d_new2", "door"), KW_FORBIDDEN);
    CHECK_OK(fx_grant(f, FX_T, "adm", "d_hq", "u1", "open", NULL, NOW, NULL));
    FX_ALLOW(fx_check(f, "u1", "d_hq", "open", NOW), "grant");
    CHECK_ERR(fx_grant(f, FX_T, "adm", "d_f1", "u1", "open", NULL, NOW, NULL), KW_FORBIDDEN);
    CHECK_OK(kw_resource_delete(f->eng, FX_T, "adm", "d_new", NOW));
    CHECK_ERR(kw_resource_delete(f->eng, FX_T, "adm", "d_f1", NOW), KW_FORBIDDEN);
    CHECK_ERR(bind_at(f, "adm", "hq", "u2"), KW_FORBIDDEN);
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "no_grant");   /* managing is not opening */
}

FX_TEST(admin_power_lower_resources) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_LOWER_RESOURCES));
    CHECK_ERR(reg(f, "adm", "hq", "d_new", "door"), KW_FORBIDDEN);
    CHECK_OK(reg(f, "adm", "f1", "d_new", "door"));
    CHECK_OK(reg(f, "adm", "r101", "d_new2", "door"));
    CHECK_OK(kw_resource_delete(f->eng, FX_T, "adm", "d_r101", NOW));
    CHECK_ERR(kw_resource_delete(f->eng, FX_T, "adm", "d_hq", NOW), KW_FORBIDDEN);
    CHECK_OK(fx_grant(f, FX_T, "adm", "d_f2", "u1", "open", NULL, NOW, NULL));
    CHECK_ERR(bind_at(f, "adm", "f1", "u2"), KW_FORBIDDEN);
}

FX_TEST(admin_power_own_users) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OWN_USERS));
    CHECK_OK(bind_at(f, "adm", "hq", "u1"));
    CHECK_ERR(bind_at(f, "adm", "f1", "u1"), KW_FORBIDDEN);
    CHECK_OK(kw_member_unbind(f->eng, FX_T, "adm", "hq", "u1", NOW));
    CHECK_OK(bind_at(f, NULL, "f1", "u2"));
    CHECK_ERR(kw_member_unbind(f->eng, FX_T, "adm", "f1", "u2", NOW), KW_FORBIDDEN);
    CHECK_ERR(reg(f, "adm", "hq", "x", "door"), KW_FORBIDDEN);
    CHECK_ERR(kw_admin_put(f->eng, FX_T, "adm", "hq", "u3", KW_POW_OWN_USERS, NULL, NOW),
              KW_FORBIDDEN);
}

FX_TEST(admin_power_lower_users) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_LOWER_USERS));
    CHECK_ERR(bind_at(f, "adm", "hq", "u1"), KW_FORBIDDEN);
    CHECK_OK(bind_at(f, "adm", "f1", "u1"));
    CHECK_OK(bind_at(f, "adm", "r101", "u2"));
    CHECK_OK(kw_member_unbind(f->eng, FX_T, "adm", "r101", "u2", NOW));
    CHECK_ERR(bind_at(f, "adm", "plant", "u1"), KW_FORBIDDEN);
}

FX_TEST(admin_power_admins) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_ADMINS | KW_POW_DEFAULT));
    CHECK_OK(kw_admin_put(f->eng, FX_T, "adm", "hq", "u1", KW_POW_OPEN_OWN, NULL, NOW));
    CHECK_OK(kw_admin_put(f->eng, FX_T, "adm", "r101", "u2", KW_POW_DEFAULT, NULL, NOW));
    FX_ALLOW(fx_check(f, "u2", "d_r101", "open", NOW), "admin");
    /* it may not give powers it does not hold */
    CHECK_ERR(kw_admin_put(f->eng, FX_T, "adm", "f1", "u3", KW_POW_LOWER_NODES, NULL, NOW),
              KW_FORBIDDEN);
    CHECK_ERR(kw_admin_put(f->eng, FX_T, "adm", "acme", "u3", KW_POW_OPEN_OWN, NULL, NOW),
              KW_FORBIDDEN);
    CHECK_OK(kw_admin_delete(f->eng, FX_T, "adm", "r101", "u2", NOW));
    FX_DENY(fx_check(f, "u2", "d_r101", "open", NOW), "no_grant");
    CHECK_ERR(kw_admin_delete(f->eng, FX_T, "adm", "r101", "u2", NOW), KW_UNKNOWN_ADMIN);
    CHECK_ERR(bind_at(f, "adm", "hq", "u3"), KW_FORBIDDEN);
    CHECK_ERR(kw_admin_get(f->eng, FX_T, "f1", "u3", &(kw_admin_info){ 0 }), KW_UNKNOWN_ADMIN);
}

FX_TEST(admin_power_lower_nodes) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_LOWER_NODES));
    CHECK_OK(kw_node_create(f->eng, FX_T, "adm", "hq", "f3", NOW));
    CHECK_OK(kw_node_create(f->eng, FX_T, "adm", "f1", "r102", NOW));
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, "adm", "f1", false, NOW));
    CHECK_OK(kw_node_set_enabled(f->eng, FX_T, "adm", "f1", true, NOW));
    CHECK_OK(kw_node_move(f->eng, FX_T, "adm", "r101", "f2", NOW));
    CHECK_OK(kw_node_delete(f->eng, FX_T, "adm", "f3", NOW));
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "r101", &ni));
    CHECK_STR(ni.parent, "f2");
    CHECK_ERR(kw_node_get(f->eng, FX_T, "f3", &ni), KW_UNKNOWN_NODE);
    /* strictly above: not its own node */
    CHECK_ERR(kw_node_set_enabled(f->eng, FX_T, "adm", "hq", false, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_node_create(f->eng, FX_T, "adm", "plant", "p1", NOW), KW_FORBIDDEN);
    CHECK_ERR(bind_at(f, "adm", "f1", "u1"), KW_FORBIDDEN);
    CHECK_OK(kw_admin_may(f->eng, FX_T, "adm", "f1", KW_ACT_NODES, NOW));
    CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "hq", KW_ACT_NODES, NOW), KW_FORBIDDEN);
}

FX_TEST(admin_power_offline_open) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OFFLINE_OPEN));
    kw_admin_info ai;
    CHECK_OK(kw_admin_get(f->eng, FX_T, "hq", "adm", &ai));
    CHECK_EQ(ai.powers, KW_POW_OFFLINE_OPEN);
    /* it is the offline-file power alone: no online opening, no management */
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "no_grant");
    static const kw_org_action acts[] = { KW_ACT_OPEN, KW_ACT_RESOURCES, KW_ACT_USERS,
                                          KW_ACT_NODES, KW_ACT_ADMINS };
    for (size_t i = 0; i < 5; i++)
        CHECK_ERR(kw_admin_may(f->eng, FX_T, "adm", "f1", acts[i], NOW), KW_FORBIDDEN);
    CHECK_ERR(admin(f, "hq", "adm2", KW_POW_ALL + 1u), KW_INVAL);
}

FX_TEST(admin_multiple_per_node) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_DEFAULT));
    CHECK_OK(admin(f, "hq", "adm2", KW_POW_DEFAULT | KW_POW_OWN_USERS));
    FX_ALLOW(fx_check(f, "adm", "d_hq", "open", NOW), "admin");
    FX_ALLOW(fx_check(f, "adm2", "d_hq", "open", NOW), "admin");
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK_EQ(ni.nadmins, 2);
    CHECK_OK(kw_admin_delete(f->eng, FX_T, NULL, "hq", "adm", NOW));
    FX_DENY(fx_check(f, "adm", "d_hq", "open", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "adm2", "d_hq", "open", NOW), "admin");
    /* replacing powers */
    CHECK_OK(admin(f, "hq", "adm2", KW_POW_OPEN_LOWER));
    FX_DENY(fx_check(f, "adm2", "d_hq", "open", NOW), "no_grant");
    CHECK_ERR(bind_at(f, "adm2", "hq", "u1"), KW_FORBIDDEN);
}

FX_TEST(admin_needs_created_user) {
    KW_CALL(org_setup(f));
    CHECK_ERR(admin(f, "hq", "ghost", KW_POW_DEFAULT), KW_UNKNOWN_USER);
    CHECK_ERR(admin(f, "nowhere", "adm", KW_POW_DEFAULT), KW_UNKNOWN_NODE);
}

FX_TEST(enterprise_grant_by_admin_counts) {
    KW_CALL(org_setup(f));
    CHECK_OK(admin(f, "hq", "adm", KW_POW_OWN_RESOURCES));
    kw_cond once = { .flags = KW_COND_COUNT, .max_total = 1 };
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "adm", "d_hq", "u1", "open", &once, NOW, &id));
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_STR(gi.issuer, "adm");
    FX_ALLOW(fx_use(f, "u1", "d_hq", "open", NOW), "grant");
    FX_DENY(fx_use(f, "u1", "d_hq", "open", NOW), "exhausted");
    /* losing the power suspends the grants it issued */
    uint64_t id2;
    CHECK_OK(fx_grant(f, FX_T, "adm", "d_hq", "u2", "open", NULL, NOW, &id2));
    CHECK_OK(kw_admin_delete(f->eng, FX_T, NULL, "hq", "adm", NOW));
    FX_DENY(fx_check(f, "u2", "d_hq", "open", NOW), "suspended");
}

/* ------------------------------------------------------------ registration */

FX_TEST(resource_register_batch_all_or_nothing) {
    KW_CALL(org_setup(f));
    kw_resource_def defs[5] = {
        { .id = "b1", .type = "door" },
        { .id = "d_hq", .type = "door" },            /* exists */
        { .id = "b3", .type = "nosuchtype" },
        { .id = "b4", .type = "door", .tz = "Mars/Olympus" },
        { .id = "b5", .type = "gate", .tz = "Europe/Berlin" },
    };
    kw_err ie[5];
    for (int i = 0; i < 5; i++) ie[i] = KW_NOMEM;
    kw_err e = kw_resource_register(f->eng, FX_T, NULL, "hq", defs, 5, ie, NOW);
    CHECK(e != KW_OK);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_EXISTS);
    CHECK_ERR(ie[2], KW_UNKNOWN_TYPE);
    CHECK_ERR(ie[3], KW_BAD_TZ);
    CHECK_ERR(ie[4], KW_OK);
    CHECK_ERR(e, KW_EXISTS);             /* the first failing item's error */
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "b1", &ri), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "b5", &ri), KW_UNKNOWN_RESOURCE);
    kw_node_info ni;
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK_EQ(ni.nresources, 2);
    /* an id repeated inside the batch */
    kw_resource_def rep[2] = { { .id = "c1", .type = "door" }, { .id = "c1", .type = "door" } };
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "hq", rep, 2, ie, NOW), KW_EXISTS);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_EXISTS);
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "c1", &ri), KW_UNKNOWN_RESOURCE);
    /* a missing type */
    kw_resource_def untyped = { .id = "c2" };
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "hq", &untyped, 1, ie, NOW), KW_INVAL);
    /* the good ones alone go in together */
    kw_resource_def good[2] = { defs[0], defs[4] };
    CHECK_OK(kw_resource_register(f->eng, FX_T, NULL, "hq", good, 2, ie, NOW));
    CHECK_OK(kw_resource_get(f->eng, FX_T, "b5", &ri));
    CHECK_STR(ri.tz, "Europe/Berlin");
    CHECK_STR(ri.type, "gate");
    CHECK_OK(kw_node_get(f->eng, FX_T, "hq", &ni));
    CHECK_EQ(ni.nresources, 4);
}

FX_TEST(resource_type_inherited_by_resource) {
    KW_CALL(org_setup(f));
    kw_type_info ti;
    CHECK_OK(kw_type_get(f->eng, FX_T, "office", &ti));
    CHECK_EQ(ti.up, -1);
    CHECK_EQ(ti.default_cond.flags, KW_COND_DAILY);
    CHECK_EQ(ti.default_cond.day_from, 8 * 60);
    CHECK_EQ(ti.nresources, 1);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "o_hq", &ri));
    CHECK_EQ(ri.nfunctions, 2);
    CHECK_STR(ri.functions[1], "log");
    CHECK_ERR(kw_type_delete(f->eng, FX_T, "office", NOW), KW_IN_USE);
    CHECK_OK(kw_resource_delete(f->eng, FX_T, NULL, "o_hq", NOW));
    CHECK_OK(kw_type_delete(f->eng, FX_T, "office", NOW));
    CHECK_ERR(kw_type_get(f->eng, FX_T, "office", &ti), KW_UNKNOWN_TYPE);
}
