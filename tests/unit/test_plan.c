/*
 * tests/unit/test_plan.c — plans for virtual resources (REQUIREMENTS §3
 * "Plans"): tiers, free features, upgrades and downgrades on the next
 * check, employee assignments and per-employee usage per function per day.
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

static const char *const ERP_FN[] = { "purchase", "approve", "finance", "report" };
static const char *const FREE_FN[] = { "report" };
static const char *const BASIC[] = { "purchase" };
static const char *const PRO[] = { "purchase", "approve", "finance" };

/* Type erp (report free), plans basic and pro, org cust with resource erp1
 * at its root, employees e1, e2, root admin boss (default + OWN_USERS). */
static void erp_setup(fx *f) {
    kw_type_def td = { .id = "erp", .nfunctions = 4, .functions = ERP_FN, .nfree = 1,
                       .free_functions = FREE_FN, .up = 0, .down = 0 };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "basic", "erp", BASIC, 1, NOW));
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "pro", "erp", PRO, 3, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "cust", NOW));
    kw_resource_def d = { .id = "erp1", .type = "erp" };
    CHECK_OK(kw_resource_register(f->eng, FX_T, NULL, "cust", &d, 1, NULL, NOW));
    const char *users[] = { "e1", "e2", "boss" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 3, NULL, NOW));
    CHECK_OK(kw_admin_put(f->eng, FX_T, NULL, "cust", "boss", KW_POW_DEFAULT | KW_POW_OWN_USERS,
                          NULL, NOW));
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "basic", NULL, NOW));
}

static kw_err assign(fx *f, const char *actor, const char *user, const char *const *fns, size_t n) {
    return kw_assign(f->eng, FX_T, actor, "erp1", user, fns, n, NOW);
}

FX_TEST(plan_tier_limits_functions) {
    KW_CALL(erp_setup(f));
    CHECK_OK(assign(f, "boss", "e1", ERP_FN, 4));
    FX_ALLOW(fx_check(f, "e1", "erp1", "purchase", NOW), "assignment");
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "not_in_plan");
    FX_DENY(fx_check(f, "e1", "erp1", "finance", NOW), "not_in_plan");
    FX_DENY(fx_use(f, "e1", "erp1", "approve", NOW), "not_in_plan");
    kw_plan_info pi;
    CHECK_OK(kw_plan_get(f->eng, FX_T, "basic", &pi));
    CHECK_STR(pi.type, "erp");
    CHECK_EQ(pi.functions, 1u);
    CHECK_EQ(pi.norgs, 1);
}

FX_TEST(plan_free_feature_available_to_every_customer) {
    KW_CALL(erp_setup(f));
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "empty", "erp", NULL, 0, NOW));
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "empty", NULL, NOW));
    CHECK_OK(assign(f, NULL, "e1", ERP_FN, 4));
    FX_ALLOW(fx_check(f, "e1", "erp1", "report", NOW), "assignment");
    FX_DENY(fx_check(f, "e1", "erp1", "purchase", NOW), "not_in_plan");
    kw_type_info ti;
    CHECK_OK(kw_type_get(f->eng, FX_T, "erp", &ti));
    CHECK_EQ(ti.free_mask, 8u);
}

FX_TEST(plan_upgrade_and_downgrade_take_effect_on_next_check) {
    KW_CALL(erp_setup(f));
    CHECK_OK(assign(f, NULL, "e1", PRO, 3));
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "not_in_plan");
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "pro", NULL, NOW));
    FX_ALLOW(fx_check(f, "e1", "erp1", "approve", NOW), "assignment");
    FX_ALLOW(fx_use(f, "e1", "erp1", "finance", NOW), "assignment");
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "basic", NULL, NOW));
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "not_in_plan");
    FX_ALLOW(fx_check(f, "e1", "erp1", "purchase", NOW), "assignment");
    /* changing the plan itself also applies at once */
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "basic", "erp", PRO, 3, NOW));
    FX_ALLOW(fx_check(f, "e1", "erp1", "approve", NOW), "assignment");
    CHECK_OK(kw_plan_put(f->eng, FX_T, NULL, "basic", "erp", NULL, 0, NOW));
    FX_DENY(fx_check(f, "e1", "erp1", "purchase", NOW), "not_in_plan");
    /* removing the org's plan lifts the restriction */
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", NULL, "erp", NOW));
    FX_ALLOW(fx_check(f, "e1", "erp1", "approve", NOW), "assignment");
}

FX_TEST(plan_applies_to_every_path) {
    KW_CALL(erp_setup(f));
    CHECK_OK(kw_member_bind(f->eng, FX_T, NULL, "cust", "e2", 0, 0, NULL, NOW));
    CHECK_OK(fx_grant(f, FX_T, NULL, "erp1", "e1", "approve", NULL, NOW, NULL));
    FX_DENY(fx_check(f, "boss", "erp1", "approve", NOW), "not_in_plan");
    FX_ALLOW(fx_check(f, "boss", "erp1", "purchase", NOW), "admin");
    FX_DENY(fx_check(f, "e2", "erp1", "approve", NOW), "not_in_plan");
    FX_ALLOW(fx_check(f, "e2", "erp1", "purchase", NOW), "binding");
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "not_in_plan");
}

FX_TEST(plan_assignment_replace_and_remove) {
    KW_CALL(erp_setup(f));
    CHECK_OK(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "pro", NULL, NOW));
    CHECK_OK(assign(f, "boss", "e1", BASIC, 1));
    FX_ALLOW(fx_check(f, "e1", "erp1", "purchase", NOW), "assignment");
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "no_grant");
    static const char *const APPROVE[] = { "approve" };
    CHECK_OK(assign(f, "boss", "e1", APPROVE, 1));
    FX_DENY(fx_check(f, "e1", "erp1", "purchase", NOW), "no_grant");
    FX_ALLOW(fx_check(f, "e1", "erp1", "approve", NOW), "assignment");
    CHECK_OK(assign(f, "boss", "e1", NULL, 0));
    FX_DENY(fx_check(f, "e1", "erp1", "approve", NOW), "no_grant");
    /* who may assign, and to whom */
    CHECK_ERR(assign(f, "e2", "e1", APPROVE, 1), KW_FORBIDDEN);
    CHECK_ERR(assign(f, "boss", "ghost", APPROVE, 1), KW_UNKNOWN_USER);
    static const char *const NOPE[] = { "nope" };
    CHECK_ERR(assign(f, "boss", "e1", NOPE, 1), KW_UNKNOWN_FUNCTION);
    static const char *const TWICE[] = { "approve", "approve" };
    CHECK_ERR(assign(f, "boss", "e1", TWICE, 2), KW_DUP_FUNCTION);
    CHECK_OK(fx_res(f, FX_T, "lock1", NULL));
    CHECK_ERR(kw_assign(f->eng, FX_T, NULL, "lock1", "e1", NOPE, 1, NOW), KW_PERSONAL_RESOURCE);
}

FX_TEST(plan_management_super_admin_only) {
    KW_CALL(erp_setup(f));
    CHECK_ERR(kw_plan_put(f->eng, FX_T, "boss", "gold", "erp", PRO, 3, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_org_set_plan(f->eng, FX_T, "boss", "cust", "pro", NULL, NOW), KW_FORBIDDEN);
    CHECK_ERR(kw_org_set_plan(f->eng, FX_T, NULL, "cust", "gold", NULL, NOW), KW_UNKNOWN_PLAN);
    CHECK_ERR(kw_plan_put(f->eng, FX_T, NULL, "gold", "nosuch", PRO, 3, NOW), KW_UNKNOWN_TYPE);
    static const char *const BAD[] = { "purchase", "nope" };
    CHECK_ERR(kw_plan_put(f->eng, FX_T, NULL, "gold", "erp", BAD, 2, NOW), KW_UNKNOWN_FUNCTION);
    kw_plan_info pi;
    CHECK_ERR(kw_plan_get(f->eng, FX_T, "gold", &pi), KW_UNKNOWN_PLAN);
    /* a plan stays over its type */
    kw_type_def td = { .id = "erp2", .nfunctions = 4, .functions = ERP_FN };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_ERR(kw_plan_put(f->eng, FX_T, NULL, "basic", "erp2", BASIC, 1, NOW), KW_INVAL);
    CHECK_OK(kw_plan_get(f->eng, FX_T, "basic", &pi));
    CHECK_STR(pi.type, "erp");
}

/* Collect every usage row by paging with `limit`. */
static void usage_all(fx *f, const char *user, kw_date from, kw_date until, size_t limit,
                      kw_usage_row *out, size_t cap, size_t *n) {
    char cursor[KW_CURSOR_MAX] = "", next[KW_CURSOR_MAX];
    *n = 0;
    for (int pages = 0; pages < 100; pages++) {
        kw_usage_row rows[8];
        size_t got = 0;
        CHECK_OK(kw_usage_query(f->eng, FX_T, "boss", "cust", user, from, until, limit, cursor,
                                rows, &got, next, NOW));
        CHECK(got <= limit);
        for (size_t i = 0; i < got && *n < cap; i++) out[(*n)++] = rows[i];
        if (!next[0]) return;
        CHECK(got == limit);
        snprintf(cursor, sizeof cursor, "%s", next);
    }
    CHECK_MSG(0, "usage pages never ended");
}

FX_TEST(plan_usage_per_employee_per_function_per_day) {
    KW_CALL(erp_setup(f));
    CHECK_OK(assign(f, NULL, "e1", ERP_FN, 4));
    CHECK_OK(assign(f, NULL, "e2", ERP_FN, 4));
    kw_time d1 = fx_utc(2026, 4, 6, 9, 0), d2 = fx_utc(2026, 4, 7, 9, 0);
    for (int i = 0; i < 3; i++) FX_ALLOW(fx_use(f, "e1", "erp1", "purchase", d1), "assignment");
    FX_ALLOW(fx_use(f, "e1", "erp1", "report", d1), "assignment");
    FX_DENY(fx_use(f, "e1", "erp1", "approve", d1), "not_in_plan");   /* not counted */
    FX_ALLOW(fx_check(f, "e1", "erp1", "purchase", d1), "assignment"); /* checks not counted */
    for (int i = 0; i < 2; i++) FX_ALLOW(fx_use(f, "e2", "erp1", "purchase", d1), "assignment");
    FX_ALLOW(fx_use(f, "e1", "erp1", "purchase", d2), "assignment");
    FX_ALLOW(fx_use(f, "boss", "erp1", "purchase", d2), "admin");

    kw_usage_row rows[16];
    size_t n = 0;
    KW_CALL(usage_all(f, NULL, fx_date(2026, 4, 1), fx_date(2026, 4, 30), 100, rows, 16, &n));
    struct { const char *user, *fn; kw_date day; uint64_t uses; } want[] = {
        { "boss", "purchase", fx_date(2026, 4, 7), 1 },
        { "e1", "purchase", fx_date(2026, 4, 6), 3 },
        { "e1", "purchase", fx_date(2026, 4, 7), 1 },
        { "e1", "report", fx_date(2026, 4, 6), 1 },
        { "e2", "purchase", fx_date(2026, 4, 6), 2 },
    };
    CHECK_EQ(n, 5);
    for (size_t i = 0; i < 5; i++) {
        CHECK_STR(rows[i].user, want[i].user);
        CHECK_STR(rows[i].resource, "erp1");
        CHECK_STR(rows[i].function, want[i].fn);
        CHECK_EQ(rows[i].day, want[i].day);
        CHECK_EQ(rows[i].uses, want[i].uses);
    }
    /* one employee */
    KW_CALL(usage_all(f, "e2", fx_date(2026, 4, 1), fx_date(2026, 4, 30), 100, rows, 16, &n));
    CHECK_EQ(n, 1);
    CHECK_EQ(rows[0].uses, 2);
    /* one day (both ends included) */
    KW_CALL(usage_all(f, NULL, fx_date(2026, 4, 7), fx_date(2026, 4, 7), 100, rows, 16, &n));
    CHECK_EQ(n, 2);
    /* paged one row at a time gives the same rows */
    kw_usage_row paged[16];
    size_t np = 0;
    KW_CALL(usage_all(f, NULL, fx_date(2026, 4, 1), fx_date(2026, 4, 30), 1, paged, 16, &np));
    CHECK_EQ(np, 5);
    KW_CALL(usage_all(f, NULL, fx_date(2026, 4, 1), fx_date(2026, 4, 30), 2, paged, 16, &np));
    CHECK_EQ(np, 5);
    CHECK_STR(paged[4].user, "e2");
}

FX_TEST(plan_usage_counted_on_resource_local_day) {
    kw_type_def td = { .id = "erp", .nfunctions = 4, .functions = ERP_FN };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "cust", NOW));
    kw_resource_def d = { .id = "erp1", .type = "erp", .tz = "Asia/Tokyo" };
    CHECK_OK(kw_resource_register(f->eng, FX_T, NULL, "cust", &d, 1, NULL, NOW));
    const char *users[] = { "e1" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 1, NULL, NOW));
    CHECK_OK(kw_assign(f->eng, FX_T, NULL, "erp1", "e1", ERP_FN, 4, NOW));
    /* 2026-04-06 20:00 UTC is 04-07 05:00 in Tokyo */
    FX_ALLOW(fx_use(f, "e1", "erp1", "purchase", fx_utc(2026, 4, 6, 20, 0)), "assignment");
    kw_usage_row rows[4];
    size_t n = 0;
    char next[KW_CURSOR_MAX];
    CHECK_OK(kw_usage_query(f->eng, FX_T, NULL, "cust", NULL, fx_date(2026, 4, 1),
                            fx_date(2026, 4, 30), 10, NULL, rows, &n, next, NOW));
    CHECK_EQ(n, 1);
    CHECK_EQ(rows[0].day, fx_date(2026, 4, 7));
    CHECK_STR(next, "");
}

FX_TEST(plan_usage_query_access_and_bounds) {
    KW_CALL(erp_setup(f));
    kw_usage_row rows[2];
    size_t n;
    char next[KW_CURSOR_MAX];
    kw_date a = fx_date(2026, 4, 1), b = fx_date(2026, 4, 30);
    CHECK_ERR(kw_usage_query(f->eng, FX_T, "e1", "cust", NULL, a, b, 2, NULL, rows, &n, next, NOW),
              KW_FORBIDDEN);
    CHECK_OK(kw_usage_query(f->eng, FX_T, "boss", "cust", NULL, a, b, 2, NULL, rows, &n, next, NOW));
    CHECK_EQ(n, 0);
    CHECK_STR(next, "");
    CHECK_ERR(kw_usage_query(f->eng, FX_T, NULL, "cust", NULL, a, b, 0, NULL, rows, &n, next, NOW),
              KW_BAD_LIMIT);
    CHECK_ERR(kw_usage_query(f->eng, FX_T, NULL, "cust", NULL, a, b, 1001, NULL, rows, &n, next,
                             NOW), KW_BAD_LIMIT);
    CHECK_ERR(kw_usage_query(f->eng, FX_T, NULL, "cust", NULL, a, b, 2, "garbage", rows, &n, next,
                             NOW), KW_BAD_CURSOR);
    CHECK_ERR(kw_usage_query(f->eng, FX_T, NULL, "nosuch", NULL, a, b, 2, NULL, rows, &n, next,
                             NOW), KW_UNKNOWN_ORG);
    CHECK_ERR(kw_usage_query(f->eng, FX_T, NULL, "cust", NULL, b, a, 2, NULL, rows, &n, next, NOW),
              KW_INVAL);
}
