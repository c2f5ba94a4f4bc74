/*
 * tests/unit/test_query.c — reverse queries (REQUIREMENTS §2 "Queries by
 * role", §8 API lists): complete, cursor-paginated, cursors bound to tenant
 * and query, limit bounds, grants with remaining uses.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

/* carol: owner of r_own; sharer of r_sh (owner alice); grantee of g1..g7
 * (owner alice, one grant each, counted 3); nothing on r_none. */
static void world(fx *f) {
    static const char *const UNLOCK[] = { "unlock" };
    CHECK_OK(fx_owned(f, FX_T, "r_own", "carol", NULL));
    CHECK_OK(fx_owned(f, FX_T, "r_sh", "alice", NULL));
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "r_sh", "carol", UNLOCK, 1, NOW));
    CHECK_OK(fx_owned(f, FX_T, "r_none", "alice", NULL));
    kw_cond c = { .flags = KW_COND_COUNT, .max_total = 3 };
    for (int i = 1; i <= 7; i++) {
        char id[16];
        snprintf(id, sizeof id, "g%d", i);
        CHECK_OK(fx_owned(f, FX_T, id, "alice", NULL));
        CHECK_OK(fx_grant(f, FX_T, "alice", id, "carol", "unlock", &c, NOW, NULL));
    }
}

/* Page through kw_list_user_resources with `limit`, into names. */
static void page_user_resources(fx *f, const char *tenant, const char *user, uint32_t roles,
                                const char *fn, size_t limit, char names[][KW_ID_MAX],
                                uint32_t *roles_out, size_t cap, size_t *n) {
    char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
    *n = 0;
    for (int pages = 0; pages < 1000; pages++) {
        kw_user_resource items[16];
        size_t got = 99;
        CHECK(limit <= 16);
        CHECK_OK(kw_list_user_resources(f->eng, tenant, user, roles, fn, NOW, limit, cursor, items,
                                        &got, next));
        CHECK(got <= limit);
        for (size_t i = 0; i < got; i++) {
            CHECK(*n < cap);
            snprintf(names[*n], KW_ID_MAX, "%.127s", items[i].resource);
            if (roles_out) roles_out[*n] = items[i].roles;
            (*n)++;
        }
        if (!next[0]) return;
        snprintf(cursor, sizeof cursor, "%s", next);
    }
    CHECK_MSG(0, "pages never ended");
}

FX_TEST(query_user_resources_by_role) {
    KW_CALL(world(f));
    char names[16][KW_ID_MAX];
    uint32_t roles[16];
    size_t n;
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_ALL, NULL, 16, names, roles, 16, &n));
    static const char *const want[] = { "g1", "g2", "g3", "g4", "g5", "g6", "g7", "r_own", "r_sh" };
    CHECK_EQ(n, 9);
    for (size_t i = 0; i < 9; i++) CHECK_STR(names[i], want[i]);
    CHECK_EQ(roles[0], KW_ROLE_USER);
    CHECK_EQ(roles[7], KW_ROLE_OWNER);
    CHECK_EQ(roles[8], KW_ROLE_SHARER);
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_OWNER, NULL, 16, names, roles, 16, &n));
    CHECK_EQ(n, 1);
    CHECK_STR(names[0], "r_own");
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_SHARER | KW_ROLE_OWNER, NULL, 16, names,
                                roles, 16, &n));
    CHECK_EQ(n, 2);
    /* function filter: only r_own allows photo */
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_ALL, "photo", 16, names, roles, 16, &n));
    CHECK_EQ(n, 1);
    CHECK_STR(names[0], "r_own");
    /* functions now allowed */
    kw_user_resource items[16];
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, 16, NULL, items,
                                    &n, next));
    CHECK_EQ(items[7].functions, 7u);
    CHECK_EQ(items[8].functions, 1u);
    /* unknown user: empty, no error */
    KW_CALL(page_user_resources(f, FX_T, "nobody", KW_ROLE_ALL, NULL, 16, names, roles, 16, &n));
    CHECK_EQ(n, 0);
    CHECK_ERR(kw_list_user_resources(f->eng, FX_T, "carol", 0, NULL, NOW, 10, NULL, items, &n,
                                     next), KW_INVAL);
}

FX_TEST(query_user_resources_follow_check) {
    KW_CALL(world(f));
    /* exhaust g1, disable g2: "can use now" is decided as kw_check decides */
    for (int i = 0; i < 3; i++) FX_ALLOW(fx_use(f, "carol", "g1", "unlock", NOW), "grant");
    CHECK_OK(fx_grant_op(f, FX_T, NULL, 2, KW_GRANT_DISABLE, NOW));
    char names[16][KW_ID_MAX];
    size_t n;
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_USER, NULL, 16, names, NULL, 16, &n));
    CHECK_EQ(n, 5);
    CHECK_STR(names[0], "g3");
}

FX_TEST(query_pagination_complete_for_every_limit) {
    KW_CALL(world(f));
    char all[16][KW_ID_MAX];
    size_t nall;
    KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_ALL, NULL, 16, all, NULL, 16, &nall));
    CHECK_EQ(nall, 9);
    for (size_t limit = 1; limit <= 3; limit++) {
        char got[16][KW_ID_MAX];
        size_t n;
        KW_CALL(page_user_resources(f, FX_T, "carol", KW_ROLE_ALL, NULL, limit, got, NULL, 16, &n));
        CHECK_MSG(n == nall, "limit %zu: %zu items, want %zu", limit, n, nall);
        for (size_t i = 0; i < n; i++) CHECK_STR(got[i], all[i]);
    }
    /* the last page of an exact multiple ends with an empty cursor eventually */
    kw_user_resource items[9];
    size_t n;
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, 9, NULL, items,
                                    &n, next));
    CHECK_EQ(n, 9);
    if (next[0]) {
        CHECK_OK(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, 9, next,
                                        items, &n, next));
        CHECK_EQ(n, 0);
        CHECK_STR(next, "");
    }
}

FX_TEST(query_resource_users_paginated) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    static const char *const UNLOCK[] = { "unlock" };
    CHECK_OK(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", UNLOCK, 1, NOW));
    const char *users[] = { "u5", "u3", "u1", "u4", "u2" };
    CHECK_OK(kw_grant_create(f->eng, FX_T, "alice", "lock1", users, 5, UNLOCK, 1, &(kw_cond){ 0 },
                             NULL, NULL, NOW));
    static const char *const want[] = { "alice", "bob", "u1", "u2", "u3", "u4", "u5" };
    for (size_t limit = 1; limit <= 3; limit++) {
        char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
        size_t total = 0;
        for (int pages = 0; pages < 20; pages++) {
            kw_resource_user items[4];
            size_t got;
            CHECK_OK(kw_list_resource_users(f->eng, FX_T, "lock1", NULL, NOW, limit, cursor, items,
                                            &got, next));
            for (size_t i = 0; i < got; i++) {
                CHECK(total < 7);
                CHECK_STR(items[i].user, want[total]);
                total++;
            }
            if (!next[0]) break;
            snprintf(cursor, sizeof cursor, "%s", next);
        }
        CHECK_MSG(total == 7, "limit %zu: %zu users", limit, total);
    }
    kw_resource_user items[8];
    size_t n;
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_resource_users(f->eng, FX_T, "lock1", "photo", NOW, 10, NULL, items, &n, next));
    CHECK_EQ(n, 1);
    CHECK_STR(items[0].user, "alice");
    CHECK_EQ(items[0].roles, KW_ROLE_OWNER);
    CHECK_ERR(kw_list_resource_users(f->eng, FX_T, "lock1", "nope", NOW, 10, NULL, items, &n, next),
              KW_UNKNOWN_FUNCTION);
    CHECK_ERR(kw_list_resource_users(f->eng, FX_T, "nolock", NULL, NOW, 10, NULL, items, &n, next),
              KW_UNKNOWN_RESOURCE);
}

FX_TEST(query_grants_with_remaining) {
    KW_CALL(world(f));
    /* one use on g3, one grant disabled: every grant is listed in any state */
    FX_ALLOW(fx_use(f, "carol", "g3", "unlock", NOW), "grant");
    CHECK_OK(fx_grant_op(f, FX_T, NULL, 5, KW_GRANT_DISABLE, NOW));
    for (size_t limit = 1; limit <= 3; limit++) {
        char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
        uint64_t last = 0;
        size_t total = 0;
        for (int pages = 0; pages < 20; pages++) {
            kw_grant_info items[4];
            size_t got;
            CHECK_OK(kw_list_user_grants(f->eng, FX_T, "carol", NOW, limit, cursor, items, &got,
                                         next));
            for (size_t i = 0; i < got; i++) {
                CHECK(items[i].id > last);
                last = items[i].id;
                CHECK_STR(items[i].user, "carol");
                CHECK_EQ(items[i].remaining, items[i].id == 3 ? 2 : 3);
                CHECK_EQ(items[i].state, items[i].id == 5 ? KW_GRANT_DISABLED : KW_GRANT_ACTIVE);
                total++;
            }
            if (!next[0]) break;
            snprintf(cursor, sizeof cursor, "%s", next);
        }
        CHECK_MSG(total == 7, "limit %zu: %zu grants", limit, total);
    }
    kw_grant_info items[4];
    size_t n;
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_resource_grants(f->eng, FX_T, "g3", NOW, 10, NULL, items, &n, next));
    CHECK_EQ(n, 1);
    CHECK_EQ(items[0].id, 3);
    CHECK_EQ(items[0].used_total, 1);
    CHECK_EQ(items[0].remaining, 2);
    CHECK_STR(next, "");
}

FX_TEST(query_resource_grants_paginated) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t ids[6];
    for (int i = 0; i < 6; i++) {
        char u[8];
        snprintf(u, sizeof u, "u%d", 6 - i);
        CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", u, "unlock", NULL, NOW, &ids[i]));
    }
    for (size_t limit = 1; limit <= 3; limit++) {
        char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
        size_t total = 0;
        for (int pages = 0; pages < 20; pages++) {
            kw_grant_info items[4];
            size_t got;
            CHECK_OK(kw_list_resource_grants(f->eng, FX_T, "lock1", NOW, limit, cursor, items, &got,
                                             next));
            for (size_t i = 0; i < got; i++) {
                CHECK(total < 6);
                CHECK_EQ(items[i].id, ids[total]);
                total++;
            }
            if (!next[0]) break;
            snprintf(cursor, sizeof cursor, "%s", next);
        }
        CHECK_EQ(total, 6);
    }
}

FX_TEST(query_cursor_bound_to_tenant_and_query) {
    KW_CALL(world(f));
    CHECK_OK(fx_owned(f, FX_T2, "g1", "alice", NULL));
    CHECK_OK(fx_grant(f, FX_T2, "alice", "g1", "carol", "unlock", NULL, NOW, NULL));
    kw_user_resource items[4];
    kw_grant_info gi[4];
    kw_resource_user ru[4];
    size_t n;
    char cur[KW_CURSOR_MAX], next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, 2, NULL, items,
                                    &n, cur));
    CHECK(cur[0] != '\0');
    /* same query in the same tenant works */
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, 2, cur, items,
                                    &n, next));
    CHECK_STR(items[0].resource, "g3");
    /* same query, other tenant */
    CHECK_ERR(kw_list_user_resources(f->eng, FX_T2, "carol", KW_ROLE_ALL, NULL, NOW, 2, cur, items,
                                     &n, next), KW_BAD_CURSOR);
    /* other arguments */
    CHECK_ERR(kw_list_user_resources(f->eng, FX_T, "alice", KW_ROLE_ALL, NULL, NOW, 2, cur, items,
                                     &n, next), KW_BAD_CURSOR);
    CHECK_ERR(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_USER, NULL, NOW, 2, cur, items,
                                     &n, next), KW_BAD_CURSOR);
    CHECK_ERR(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, "unlock", NOW, 2, cur,
                                     items, &n, next), KW_BAD_CURSOR);
    /* another list */
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "carol", NOW, 2, cur, gi, &n, next), KW_BAD_CURSOR);
    CHECK_ERR(kw_list_resource_users(f->eng, FX_T, "g1", NULL, NOW, 2, cur, ru, &n, next),
              KW_BAD_CURSOR);
    /* a grants cursor of one user for another user */
    CHECK_OK(kw_list_user_grants(f->eng, FX_T, "carol", NOW, 2, NULL, gi, &n, cur));
    CHECK(cur[0] != '\0');
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "alice", NOW, 2, cur, gi, &n, next), KW_BAD_CURSOR);
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T2, "carol", NOW, 2, cur, gi, &n, next), KW_BAD_CURSOR);
    CHECK_ERR(kw_list_resource_grants(f->eng, FX_T, "g1", NOW, 2, cur, gi, &n, next), KW_BAD_CURSOR);
    /* garbage */
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "carol", NOW, 2, "xyz", gi, &n, next),
              KW_BAD_CURSOR);
    char tampered[KW_CURSOR_MAX];
    snprintf(tampered, sizeof tampered, "%s", cur);
    tampered[0] = tampered[0] == '0' ? '1' : '0';
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "carol", NOW, 2, tampered, gi, &n, next),
              KW_BAD_CURSOR);
}

FX_TEST(query_limit_bounds) {
    KW_CALL(world(f));
    kw_user_resource ur[1];
    kw_resource_user ru[1];
    kw_grant_info gi[1];
    size_t n;
    char next[KW_CURSOR_MAX];
    static const size_t bad[] = { 0, 1001 };
    for (size_t i = 0; i < 2; i++) {
        size_t l = bad[i];
        CHECK_ERR(kw_list_user_resources(f->eng, FX_T, "carol", KW_ROLE_ALL, NULL, NOW, l, NULL,
                                         ur, &n, next), KW_BAD_LIMIT);
        CHECK_ERR(kw_list_resource_users(f->eng, FX_T, "g1", NULL, NOW, l, NULL, ru, &n, next),
                  KW_BAD_LIMIT);
        CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "carol", NOW, l, NULL, gi, &n, next),
                  KW_BAD_LIMIT);
        CHECK_ERR(kw_list_resource_grants(f->eng, FX_T, "g1", NOW, l, NULL, gi, &n, next),
                  KW_BAD_LIMIT);
    }
    kw_grant_info *big = calloc(1000, sizeof *big);
    CHECK(big != NULL);
    kw_err e = kw_list_user_grants(f->eng, FX_T, "carol", NOW, 1000, NULL, big, &n, next);
    free(big);
    CHECK_OK(e);
    CHECK_EQ(n, 7);
    CHECK_STR(next, "");
    CHECK_OK(kw_list_user_grants(f->eng, FX_T, "carol", NOW, 1, NULL, gi, &n, next));
    CHECK_EQ(n, 1);
}

FX_TEST(query_unknown_tenant_refused) {
    kw_grant_info gi[1];
    size_t n;
    char next[KW_CURSOR_MAX];
    CHECK_ERR(kw_list_user_grants(f->eng, "nosuch", "carol", NOW, 10, NULL, gi, &n, next),
              KW_UNKNOWN_TENANT);
    CHECK_ERR(kw_list_resource_grants(f->eng, FX_T, "nolock", NOW, 10, NULL, gi, &n, next),
              KW_UNKNOWN_RESOURCE);
}

FX_TEST(query_enterprise_roles) {
    kw_type_def td = { .id = "door", .nfunctions = 1, .functions = (const char *const[]){ "open" },
                       .up = -1, .down = -1 };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    kw_resource_def d = { .id = "d1", .type = "door" };
    CHECK_OK(kw_resource_register(f->eng, FX_T, NULL, "acme", &d, 1, NULL, NOW));
    const char *users[] = { "m", "a", "s" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 3, NULL, NOW));
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "acme", "m", 0, 0, NULL, NOW));
    CHECK_OK(kw_admin_put(f->eng, FX_T, NULL, "acme", "a", KW_POW_DEFAULT, NULL, NOW));
    CHECK_OK(kw_assign(f->eng, FX_T, NULL, "d1", "s", (const char *const[]){ "open" }, 1, NOW));
    kw_resource_user ru[4];
    size_t n;
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_list_resource_users(f->eng, FX_T, "d1", NULL, NOW, 10, NULL, ru, &n, next));
    CHECK_EQ(n, 3);
    CHECK_STR(ru[0].user, "a");
    CHECK_EQ(ru[0].roles, KW_ROLE_ADMIN);
    CHECK_STR(ru[1].user, "m");
    CHECK_EQ(ru[1].roles, KW_ROLE_MEMBER);
    CHECK_STR(ru[2].user, "s");
    CHECK_EQ(ru[2].roles, KW_ROLE_ASSIGNEE);
    kw_user_resource ur[2];
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "m", KW_ROLE_MEMBER, NULL, NOW, 10, NULL, ur, &n,
                                    next));
    CHECK_EQ(n, 1);
    CHECK_STR(ur[0].resource, "d1");
    CHECK_OK(kw_list_user_resources(f->eng, FX_T, "m", KW_ROLE_ADMIN, NULL, NOW, 10, NULL, ur, &n,
                                    next));
    CHECK_EQ(n, 0);
}
