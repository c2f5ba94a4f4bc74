/*
 * tests/unit/test_personal.c — the personal level (REQUIREMENTS §2, §8):
 * bind/unbind, sharers and their life cycle, usage grants and who may
 * manage them, batches, and tenant isolation.
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

static const char *const UNLOCK[] = { "unlock" };
static const char *const PHOTO[] = { "photo" };
static const char *const UNLOCK_PHOTO[] = { "unlock", "photo" };

/* ------------------------------------------------------------ bind */

FX_TEST(personal_first_binder_becomes_owner) {
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_OK(kw_bind(f->eng, FX_T, "alice", "lock1", "alice", NOW));
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "alice");
    /* the owner holds every function, and owner uses never consume */
    FX_ALLOW(fx_check(f, "alice", "lock1", "unlock", NOW), "owner");
    FX_ALLOW(fx_check(f, "alice", "lock1", "lock", NOW), "owner");
    FX_ALLOW(fx_check(f, "alice", "lock1", "photo", NOW), "owner");
    kw_decision d = fx_use(f, "alice", "lock1", "photo", NOW);
    FX_ALLOW(d, "owner");
    CHECK_EQ(d.grant, 0);
    CHECK_EQ(d.remaining, -1);
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", NOW), "no_grant");
}

FX_TEST(personal_binding_owned_resource_conflicts) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_ERR(kw_bind(f->eng, FX_T, "bob", "lock1", "bob", NOW), KW_ALREADY_OWNED);
    CHECK_ERR(kw_bind(f->eng, FX_T, NULL, "lock1", "bob", NOW), KW_ALREADY_OWNED);
    CHECK_ERR(kw_bind(f->eng, FX_T, "alice", "lock1", "alice", NOW), KW_ALREADY_OWNED);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "alice");
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", NOW), "no_grant");
}

FX_TEST(personal_bind_actor_must_be_the_user_or_super_admin) {
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_ERR(kw_bind(f->eng, FX_T, "mallory", "lock1", "alice", NOW), KW_FORBIDDEN);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "");
    CHECK_OK(kw_bind(f->eng, FX_T, NULL, "lock1", "alice", NOW));
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "alice");
}

FX_TEST(personal_bind_unknown_resource) {
    CHECK_ERR(kw_bind(f->eng, FX_T, "alice", "nope", "alice", NOW), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_bind(f->eng, "nosuchtenant", "alice", "nope", "alice", NOW), KW_UNKNOWN_TENANT);
}

/* ------------------------------------------------------------ unbind */

FX_TEST(unbind_only_owner_or_super_admin) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, NULL));
    CHECK_ERR(kw_unbind(f->eng, FX_T, "bob", "lock1", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_unbind(f->eng, FX_T, "carol", "lock1", NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_unbind(f->eng, FX_T, "mallory", "lock1", NOW), KW_FORBIDDEN);
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    CHECK_OK(kw_unbind(f->eng, FX_T, "alice", "lock1", NOW));
    CHECK_ERR(kw_unbind(f->eng, FX_T, "alice", "lock1", NOW), KW_NOT_BOUND);
    CHECK_ERR(kw_unbind(f->eng, FX_T, NULL, "lock1", NOW), KW_NOT_BOUND);
    /* the super-admin may unbind too */
    CHECK_OK(kw_bind(f->eng, FX_T, "dave", "lock1", "dave", NOW));
    CHECK_OK(kw_unbind(f->eng, FX_T, NULL, "lock1", NOW));
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "");
}

FX_TEST(unbind_leaves_nothing_behind) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK_PHOTO, 2, NOW));
    kw_cond two = { .flags = KW_COND_COUNT, .max_total = 2 };
    uint64_t g1, g2;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &two, NOW, &g1));
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "dave", "photo", NULL, NOW, &g2));
    FX_ALLOW(fx_use(f, "carol", "lock1", "unlock", NOW), "grant");   /* counter at 1 */

    CHECK_OK(kw_unbind(f->eng, FX_T, "alice", "lock1", NOW + FX_MIN));
    kw_time t = NOW + 2 * FX_MIN;

    /* no decision survives */
    FX_DENY(fx_check(f, "alice", "lock1", "unlock", t), "no_grant");
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", t), "no_grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", t), "no_grant");
    FX_DENY(fx_check(f, "dave", "lock1", "photo", t), "no_grant");
    /* no relation survives */
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "");
    CHECK_EQ(ri.nsharers, 0);
    CHECK_EQ(ri.ngrants, 0);
    size_t n = 99;
    kw_sharer_info si[4];
    CHECK_OK(kw_sharer_list(f->eng, FX_T, "lock1", si, 4, &n));
    CHECK_EQ(n, 0);
    kw_grant_info gi;
    CHECK_ERR(kw_grant_get(f->eng, FX_T, g1, t, &gi), KW_UNKNOWN_GRANT);
    CHECK_ERR(kw_grant_get(f->eng, FX_T, g2, t, &gi), KW_UNKNOWN_GRANT);
    char next[KW_CURSOR_MAX];
    kw_grant_info gl[4];
    CHECK_OK(kw_list_resource_grants(f->eng, FX_T, "lock1", t, 10, NULL, gl, &n, next));
    CHECK_EQ(n, 0);
    CHECK_OK(kw_list_user_grants(f->eng, FX_T, "carol", t, 10, NULL, gl, &n, next));
    CHECK_EQ(n, 0);
    CHECK_OK(kw_list_user_grants(f->eng, FX_T, "dave", t, 10, NULL, gl, &n, next));
    CHECK_EQ(n, 0);
    kw_user_resource ur[4];
    const char *who[] = { "alice", "bob", "carol", "dave" };
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(kw_list_user_resources(f->eng, FX_T, who[i], KW_ROLE_ALL, NULL, t, 10, NULL, ur,
                                        &n, next));
        CHECK_MSG(n == 0, "%s still lists %zu resource(s)", who[i], n);
    }
    kw_resource_user ru[4];
    CHECK_OK(kw_list_resource_users(f->eng, FX_T, "lock1", NULL, t, 10, NULL, ru, &n, next));
    CHECK_EQ(n, 0);
    /* old grant ids cannot be managed */
    CHECK_ERR(fx_grant_op(f, FX_T, NULL, g1, KW_GRANT_ENABLE, t), KW_UNKNOWN_GRANT);

    /* a re-bind by another user starts clean */
    CHECK_OK(kw_bind(f->eng, FX_T, "eve", "lock1", "eve", t));
    FX_ALLOW(fx_check(f, "eve", "lock1", "unlock", t), "owner");
    FX_DENY(fx_check(f, "alice", "lock1", "unlock", t), "no_grant");
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", t), "no_grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", t), "no_grant");
    CHECK_OK(kw_sharer_list(f->eng, FX_T, "lock1", si, 4, &n));
    CHECK_EQ(n, 0);
    uint64_t g3;
    CHECK_OK(fx_grant(f, FX_T, "eve", "lock1", "carol", "unlock", &two, t, &g3));
    CHECK(g3 > g1 && g3 > g2);
    kw_decision d = fx_check(f, "carol", "lock1", "unlock", t);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.grant, g3);
    CHECK_EQ(d.remaining, 2);            /* counters did not survive */
    CHECK_ERR(kw_grant_get(f->eng, FX_T, g1, t, &gi), KW_UNKNOWN_GRANT);
    CHECK_ERR(kw_grant_get(f->eng, FX_T, g2, t, &gi), KW_UNKNOWN_GRANT);
    CHECK_OK(kw_list_user_grants(f->eng, FX_T, "carol", t, 10, NULL, gl, &n, next));
    CHECK_EQ(n, 1);
    CHECK_EQ(gl[0].id, g3);
    CHECK_EQ(gl[0].used_total, 0);
}

/* ------------------------------------------------------------ sharers */

FX_TEST(sharer_uses_the_functions_it_was_given) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    kw_decision d = fx_use(f, "bob", "lock1", "unlock", NOW);
    FX_ALLOW(d, "sharer");
    CHECK_EQ(d.remaining, -1);
    FX_DENY(fx_check(f, "bob", "lock1", "photo", NOW), "no_grant");
    size_t n = 0;
    kw_sharer_info si[2];
    CHECK_OK(kw_sharer_list(f->eng, FX_T, "lock1", si, 2, &n));
    CHECK_EQ(n, 1);
    CHECK_STR(si[0].user, "bob");
    CHECK(si[0].enabled);
    CHECK_EQ(si[0].functions, 1u);      /* unlock is function 0 */
}

FX_TEST(sharer_only_owner_or_super_admin_manages_sharers) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, "bob", "lock1", "carol", UNLOCK, 1, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_sharer_set_enabled(f->eng, FX_T, "bob", "lock1", "bob", false, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_sharer_delete(f->eng, FX_T, "carol", "lock1", "bob", NOW), KW_FORBIDDEN);
    CHECK_OK(kw_sharer_put(f->eng, FX_T, NULL, "lock1", "carol", PHOTO, 1, NOW));
    FX_ALLOW(fx_check(f, "carol", "lock1", "photo", NOW), "sharer");
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "alice", UNLOCK, 1, NOW), KW_INVAL);
    CHECK_ERR(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "zed", false, NOW),
              KW_UNKNOWN_SHARER);
    CHECK_ERR(kw_sharer_delete(f->eng, FX_T, "alice", "lock1", "zed", NOW), KW_UNKNOWN_SHARER);
}

FX_TEST(sharer_on_unbound_resource_refused) {
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, NULL, "lock1", "bob", UNLOCK, 1, NOW), KW_NOT_BOUND);
}

FX_TEST(sharer_granting_function_not_held) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    CHECK_ERR(fx_grant(f, FX_T, "bob", "lock1", "carol", "photo", NULL, NOW, NULL),
              KW_FUNCTION_NOT_HELD);
    const char *users[] = { "carol" };
    CHECK_ERR(kw_grant_create(f->eng, FX_T, "bob", "lock1", users, 1, UNLOCK_PHOTO, 2,
                              &(kw_cond){ 0 }, NULL, NULL, NOW), KW_FUNCTION_NOT_HELD);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.ngrants, 0);
    FX_DENY(fx_check(f, "carol", "lock1", "photo", NOW), "no_grant");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
    /* within its functions it may grant */
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &id));
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_STR(gi.issuer, "bob");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
}

FX_TEST(sharer_disable_suspends_its_grants) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    uint64_t by_bob, by_alice;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &by_bob));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "dave", "unlock", NULL, NOW, &by_alice));
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "bob", false, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "suspended");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", NOW), "suspended");
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", NOW), "disabled");
    FX_ALLOW(fx_check(f, "dave", "lock1", "unlock", NOW), "grant");
    kw_grant_info gi = fx_grant_info(f, FX_T, by_bob, NOW);
    CHECK_EQ(gi.id, by_bob);
    CHECK_EQ(gi.state, KW_GRANT_SUSPENDED);
    CHECK(gi.enabled);
    CHECK_EQ(gi.effective, 0);
    /* a disabled sharer cannot grant */
    CHECK_ERR(fx_grant(f, FX_T, "bob", "lock1", "eve", "unlock", NULL, NOW, NULL), KW_FORBIDDEN);
    /* re-enabling revives the grants */
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "bob", true, NOW));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    CHECK_EQ(fx_grant_info(f, FX_T, by_bob, NOW).state, KW_GRANT_ACTIVE);
}

FX_TEST(sharer_narrowing_suspends_only_removed_functions) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK_PHOTO, 2, NOW));
    uint64_t g_unlock, g_photo, g_both;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &g_unlock));
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "dave", "photo", NULL, NOW, &g_photo));
    const char *users[] = { "erin" };
    CHECK_OK(kw_grant_create(f->eng, FX_T, "bob", "lock1", users, 1, UNLOCK_PHOTO, 2,
                             &(kw_cond){ 0 }, &g_both, NULL, NOW));
    /* narrow bob to unlock */
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    FX_DENY(fx_check(f, "dave", "lock1", "photo", NOW), "suspended");
    FX_ALLOW(fx_check(f, "erin", "lock1", "unlock", NOW), "grant");
    FX_DENY(fx_check(f, "erin", "lock1", "photo", NOW), "suspended");
    FX_DENY(fx_check(f, "bob", "lock1", "photo", NOW), "no_grant");
    CHECK_EQ(fx_grant_info(f, FX_T, g_unlock, NOW).state, KW_GRANT_ACTIVE);
    CHECK_EQ(fx_grant_info(f, FX_T, g_photo, NOW).state, KW_GRANT_SUSPENDED);
    kw_grant_info both = fx_grant_info(f, FX_T, g_both, NOW);
    CHECK_EQ(both.state, KW_GRANT_SUSPENDED);
    CHECK_EQ(both.effective, 1u);        /* only unlock is still backed */
    /* widening revives them */
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK_PHOTO, 2, NOW));
    FX_ALLOW(fx_check(f, "dave", "lock1", "photo", NOW), "grant");
    FX_ALLOW(fx_check(f, "erin", "lock1", "photo", NOW), "grant");
}

FX_TEST(sharer_delete_removes_its_grants) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    uint64_t by_bob, by_alice;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &by_bob));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "photo", NULL, NOW, &by_alice));
    CHECK_OK(kw_sharer_delete(f->eng, FX_T, "alice", "lock1", "bob", NOW));
    kw_grant_info gi;
    CHECK_ERR(kw_grant_get(f->eng, FX_T, by_bob, NOW, &gi), KW_UNKNOWN_GRANT);
    CHECK_OK(kw_grant_get(f->eng, FX_T, by_alice, NOW, &gi));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "photo", NOW), "grant");
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", NOW), "no_grant");
    size_t n = 9;
    kw_sharer_info si[2];
    CHECK_OK(kw_sharer_list(f->eng, FX_T, "lock1", si, 2, &n));
    CHECK_EQ(n, 0);
    /* making bob a sharer again does not bring the grant back */
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
}

FX_TEST(sharer_and_grantee_roles_are_independent) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "bob", "photo", NULL, NOW, NULL));
    FX_ALLOW(fx_check(f, "bob", "lock1", "unlock", NOW), "sharer");
    FX_ALLOW(fx_check(f, "bob", "lock1", "photo", NOW), "grant");
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "bob", false, NOW));
    FX_DENY(fx_check(f, "bob", "lock1", "unlock", NOW), "disabled");
    FX_ALLOW(fx_check(f, "bob", "lock1", "photo", NOW), "grant");
    CHECK_OK(kw_sharer_delete(f->eng, FX_T, "alice", "lock1", "bob", NOW));
    FX_ALLOW(fx_check(f, "bob", "lock1", "photo", NOW), "grant");
}

/* ------------------------------------------------------------ grant management */

FX_TEST(grant_managers_may_manage_any_grant_whose_functions_they_hold) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "sam", PHOTO, 1, NOW));
    uint64_t by_alice, by_bob, by_sam;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &by_alice));
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "dave", "unlock", NULL, NOW, &by_bob));
    CHECK_OK(fx_grant(f, FX_T, "sam", "lock1", "dave", "photo", NULL, NOW, &by_sam));
    /* a sharer manages the owner's grant when it holds its functions */
    CHECK_OK(fx_grant_op(f, FX_T, "bob", by_alice, KW_GRANT_DISABLE, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "disabled");
    CHECK_EQ(fx_grant_info(f, FX_T, by_alice, NOW).state, KW_GRANT_DISABLED);
    /* …but not when it lacks them */
    CHECK_ERR(fx_grant_op(f, FX_T, "sam", by_alice, KW_GRANT_ENABLE, NOW), KW_FORBIDDEN);
    CHECK_ERR(fx_grant_op(f, FX_T, "sam", by_bob, KW_GRANT_DELETE, NOW), KW_FORBIDDEN);
    /* the owner manages a sharer's grant */
    CHECK_OK(fx_grant_op(f, FX_T, "alice", by_sam, KW_GRANT_DISABLE, NOW));
    FX_DENY(fx_check(f, "dave", "lock1", "photo", NOW), "disabled");
    /* the super-admin manages any grant */
    CHECK_OK(fx_grant_op(f, FX_T, NULL, by_alice, KW_GRANT_ENABLE, NOW));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    /* one sharer manages another sharer's grant within its functions */
    CHECK_OK(fx_grant_op(f, FX_T, "sam", by_sam, KW_GRANT_ENABLE, NOW));
    CHECK_OK(fx_grant_op(f, FX_T, "bob", by_bob, KW_GRANT_DELETE, NOW));
    FX_DENY(fx_check(f, "dave", "lock1", "unlock", NOW), "no_grant");
    /* a disabled sharer manages nothing */
    CHECK_OK(kw_sharer_set_enabled(f->eng, FX_T, "alice", "lock1", "sam", false, NOW));
    CHECK_OK(fx_grant_op(f, FX_T, "alice", by_sam, KW_GRANT_ENABLE, NOW));
    CHECK_ERR(fx_grant_op(f, FX_T, "sam", by_sam, KW_GRANT_DISABLE, NOW), KW_FORBIDDEN);
}

FX_TEST(grant_ordinary_user_cannot_manage_grants) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    CHECK_ERR(fx_grant(f, FX_T, "carol", "lock1", "dave", "unlock", NULL, NOW, NULL), KW_FORBIDDEN);
    CHECK_ERR(fx_grant(f, FX_T, "mallory", "lock1", "dave", "unlock", NULL, NOW, NULL),
              KW_FORBIDDEN);
    CHECK_ERR(fx_grant_op(f, FX_T, "carol", id, KW_GRANT_DISABLE, NOW), KW_FORBIDDEN);
    CHECK_ERR(fx_grant_op(f, FX_T, "carol", id, KW_GRANT_DELETE, NOW), KW_FORBIDDEN);
    kw_cond more = { .flags = KW_COND_COUNT, .max_total = 100 };
    kw_grant_change ch = { .op = KW_GRANT_MODIFY, .cond = &more };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "carol", &id, 1, &ch, NULL, NOW), KW_FORBIDDEN);
    CHECK_ERR(fx_grant_op(f, FX_T, "mallory", id, KW_GRANT_DELETE, NOW), KW_FORBIDDEN);
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_EQ(gi.id, id);
    CHECK(gi.enabled);
    CHECK_EQ(gi.cond.flags, 0);
    FX_DENY(fx_check(f, "dave", "lock1", "unlock", NOW), "no_grant");
}

FX_TEST(grant_on_unbound_resource_refused) {
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_ERR(fx_grant(f, FX_T, NULL, "lock1", "carol", "unlock", NULL, NOW, NULL), KW_NOT_BOUND);
}

FX_TEST(grant_disable_enable_delete) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    CHECK_OK(fx_grant_op(f, FX_T, "alice", id, KW_GRANT_DISABLE, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "disabled");
    FX_DENY(fx_use(f, "carol", "lock1", "unlock", NOW), "disabled");
    CHECK_OK(fx_grant_op(f, FX_T, "alice", id, KW_GRANT_ENABLE, NOW));
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    CHECK_OK(fx_grant_op(f, FX_T, "alice", id, KW_GRANT_DELETE, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
    kw_grant_info gi;
    CHECK_ERR(kw_grant_get(f->eng, FX_T, id, NOW, &gi), KW_UNKNOWN_GRANT);
    CHECK_ERR(fx_grant_op(f, FX_T, "alice", id, KW_GRANT_DELETE, NOW), KW_UNKNOWN_GRANT);
}

FX_TEST(grant_modify_replaces_functions_and_condition_keeps_counters) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_cond three = { .flags = KW_COND_COUNT, .max_total = 3 };
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &three, NOW, &id));
    kw_decision d = fx_use(f, "carol", "lock1", "unlock", NOW);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 2);
    kw_cond five = { .flags = KW_COND_COUNT, .max_total = 5 };
    kw_grant_change ch = { .op = KW_GRANT_MODIFY, .cond = &five };
    CHECK_OK(kw_grant_batch(f->eng, FX_T, "alice", &id, 1, &ch, NULL, NOW));
    d = fx_check(f, "carol", "lock1", "unlock", NOW);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 4);            /* 5 - the one use already made */
    kw_grant_change fns = { .op = KW_GRANT_MODIFY, .nfunctions = 1, .functions = PHOTO };
    CHECK_OK(kw_grant_batch(f->eng, FX_T, "alice", &id, 1, &fns, NULL, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
    d = fx_check(f, "carol", "lock1", "photo", NOW);
    FX_ALLOW(d, "grant");
    CHECK_EQ(d.remaining, 4);
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_EQ(gi.functions, 4u);          /* photo is function 2 */
    CHECK_EQ(gi.cond.max_total, 5);
    CHECK_EQ(gi.used_total, 1);
}

FX_TEST(grant_modify_by_sharer_needs_new_functions) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "bob", "lock1", "carol", "unlock", NULL, NOW, &id));
    kw_grant_change ch = { .op = KW_GRANT_MODIFY, .nfunctions = 2, .functions = UNLOCK_PHOTO };
    kw_err ie = KW_OK;
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "bob", &id, 1, &ch, &ie, NOW), KW_FUNCTION_NOT_HELD);
    CHECK_ERR(ie, KW_FUNCTION_NOT_HELD);
    CHECK_EQ(fx_grant_info(f, FX_T, id, NOW).functions, 1u);
}

FX_TEST(grant_batch_all_or_nothing) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(fx_owned(f, FX_T, "lock2", "zoe", NULL));
    uint64_t a, b, other;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &a));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "dave", "unlock", NULL, NOW, &b));
    CHECK_OK(fx_grant(f, FX_T, "zoe", "lock2", "carol", "unlock", NULL, NOW, &other));
    /* one unknown id: nothing changes, item_errs points at it */
    uint64_t ids[3] = { a, 999999, b };
    kw_err ie[3] = { KW_NOMEM, KW_NOMEM, KW_NOMEM };
    kw_grant_change del = { .op = KW_GRANT_DELETE };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "alice", ids, 3, &del, ie, NOW), KW_UNKNOWN_GRANT);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_UNKNOWN_GRANT);
    CHECK_ERR(ie[2], KW_OK);
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    FX_ALLOW(fx_check(f, "dave", "lock1", "unlock", NOW), "grant");
    /* one grant the actor may not manage: nothing changes */
    uint64_t ids2[3] = { a, other, b };
    kw_grant_change dis = { .op = KW_GRANT_DISABLE };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "alice", ids2, 3, &dis, ie, NOW), KW_FORBIDDEN);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_FORBIDDEN);
    CHECK_ERR(ie[2], KW_OK);
    CHECK(fx_grant_info(f, FX_T, a, NOW).enabled);
    CHECK(fx_grant_info(f, FX_T, b, NOW).enabled);
    /* a repeated id is refused */
    uint64_t ids3[2] = { a, a };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "alice", ids3, 2, &del, NULL, NOW), KW_INVAL);
    CHECK_OK(kw_grant_get(f->eng, FX_T, a, NOW, &(kw_grant_info){ 0 }));
    /* the super-admin may batch across resources */
    CHECK_OK(kw_grant_batch(f->eng, FX_T, NULL, ids2, 3, &dis, ie, NOW));
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "disabled");
    FX_DENY(fx_check(f, "carol", "lock2", "unlock", NOW), "disabled");
    FX_DENY(fx_check(f, "dave", "lock1", "unlock", NOW), "disabled");
}

FX_TEST(grant_batch_to_many_users) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    const char *users[] = { "u1", "u2", "u3", "u4", "u5" };
    uint64_t ids[5] = { 0 };
    kw_cond two = { .flags = KW_COND_COUNT, .max_total = 2 };
    CHECK_OK(kw_grant_create(f->eng, FX_T, "alice", "lock1", users, 5, UNLOCK, 1, &two, ids, NULL,
                             NOW));
    for (size_t i = 0; i < 5; i++) {
        CHECK(ids[i] != 0);
        if (i) CHECK(ids[i] > ids[i - 1]);
        kw_decision d = fx_check(f, users[i], "lock1", "unlock", NOW);
        FX_ALLOW(d, "grant");
        CHECK_EQ(d.grant, ids[i]);
        CHECK_EQ(d.remaining, 2);
        kw_grant_info gi = fx_grant_info(f, FX_T, ids[i], NOW);
        CHECK_STR(gi.user, users[i]);
    }
    /* a batch with one bad user id creates nothing */
    const char *bad[] = { "v1", "not valid", "v3" };
    kw_err ie[3] = { KW_NOMEM, KW_NOMEM, KW_NOMEM };
    CHECK_ERR(kw_grant_create(f->eng, FX_T, "alice", "lock1", bad, 3, UNLOCK, 1, &two, NULL, ie,
                              NOW), KW_BAD_ID);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_BAD_ID);
    CHECK_ERR(ie[2], KW_OK);
    FX_DENY(fx_check(f, "v1", "lock1", "unlock", NOW), "no_grant");
    FX_DENY(fx_check(f, "v3", "lock1", "unlock", NOW), "no_grant");
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.ngrants, 5);
    /* a batch operation over all of them */
    kw_grant_change dis = { .op = KW_GRANT_DISABLE };
    CHECK_OK(kw_grant_batch(f->eng, FX_T, "alice", ids, 5, &dis, NULL, NOW));
    for (size_t i = 0; i < 5; i++) FX_DENY(fx_check(f, users[i], "lock1", "unlock", NOW), "disabled");
}

FX_TEST(grant_ids_increase_per_tenant_from_one) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_OK(fx_owned(f, FX_T2, "lock1", "alice", NULL));
    uint64_t a1, a2, b1, a3;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &a1));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "dave", "unlock", NULL, NOW, &a2));
    CHECK_OK(fx_grant(f, FX_T2, "alice", "lock1", "carol", "unlock", NULL, NOW, &b1));
    CHECK_OK(fx_grant_op(f, FX_T, "alice", a2, KW_GRANT_DELETE, NOW));
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "erin", "unlock", NULL, NOW, &a3));
    CHECK_EQ(a1, 1);
    CHECK_EQ(a2, 2);
    CHECK_EQ(b1, 1);
    CHECK_EQ(a3, 3);                     /* a deleted id is never reused */
}

/* ------------------------------------------------------------ tenant isolation */

FX_TEST(tenant_isolation_objects_invisible_to_other_tenant) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    /* tenant B cannot see, check, use or modify tenant A's objects by id */
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T2, "lock1", &ri), KW_UNKNOWN_RESOURCE);
    kw_grant_info gi;
    CHECK_ERR(kw_grant_get(f->eng, FX_T2, id, NOW, &gi), KW_UNKNOWN_GRANT);
    kw_decision d;
    CHECK_OK(kw_check(f->eng, FX_T2, "carol", "lock1", "unlock", NOW, &d));
    CHECK(!d.allowed);
    CHECK_STR(kw_reason_code(d.reason), "unknown_resource");
    CHECK_OK(kw_use(f->eng, FX_T2, "alice", "lock1", "unlock", NULL, NOW, &d));
    CHECK(!d.allowed);
    CHECK_STR(kw_reason_code(d.reason), "unknown_resource");
    CHECK_ERR(fx_grant_op(f, FX_T2, NULL, id, KW_GRANT_DELETE, NOW), KW_UNKNOWN_GRANT);
    CHECK_ERR(kw_unbind(f->eng, FX_T2, NULL, "lock1", NOW), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_bind(f->eng, FX_T2, "mallory", "lock1", "mallory", NOW), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_sharer_put(f->eng, FX_T2, NULL, "lock1", "m", UNLOCK, 1, NOW),
              KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_resource_delete(f->eng, FX_T2, NULL, "lock1", NOW), KW_UNKNOWN_RESOURCE);
    size_t n = 9;
    char next[KW_CURSOR_MAX];
    kw_grant_info gl[2];
    CHECK_OK(kw_list_user_grants(f->eng, FX_T2, "carol", NOW, 10, NULL, gl, &n, next));
    CHECK_EQ(n, 0);
    kw_user_resource ur[2];
    CHECK_OK(kw_list_user_resources(f->eng, FX_T2, "alice", KW_ROLE_ALL, NULL, NOW, 10, NULL, ur,
                                    &n, next));
    CHECK_EQ(n, 0);
    /* the same ids in tenant B are independent objects */
    CHECK_OK(fx_res(f, FX_T2, "lock1", NULL));
    CHECK_OK(kw_bind(f->eng, FX_T2, "mallory", "lock1", "mallory", NOW));
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "alice");
    FX_DENY(fx_check(f, "mallory", "lock1", "unlock", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    /* deleting tenant B leaves tenant A intact */
    CHECK_OK(kw_tenant_delete(f->eng, FX_T2, NOW));
    CHECK_ERR(kw_tenant_exists(f->eng, FX_T2), KW_UNKNOWN_TENANT);
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
}

FX_TEST(resource_delete_personal_super_admin_only) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    CHECK_ERR(kw_resource_delete(f->eng, FX_T, "alice", "lock1", NOW), KW_FORBIDDEN);
    CHECK_OK(kw_resource_delete(f->eng, FX_T, NULL, "lock1", NOW));
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "lock1", &ri), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_grant_get(f->eng, FX_T, id, NOW, &(kw_grant_info){ 0 }), KW_UNKNOWN_GRANT);
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "unknown_resource");
    /* re-creating the id starts clean */
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_STR(ri.owner, "");
    FX_DENY(fx_check(f, "carol", "lock1", "unlock", NOW), "no_grant");
}
