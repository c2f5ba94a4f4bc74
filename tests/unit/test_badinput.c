/*
 * tests/unit/test_badinput.c — bad input gives the specific error of the
 * headers, never a crash and never a half-applied change (STYLE: "strict
 * input validation with clear errors").
 */
#include <string.h>

#include "fixture.h"

#define NOW fx_now()

static const char *const UNLOCK[] = { "unlock" };

/* An id of `len` bytes of 'a'. */
static const char *long_id(char *buf, size_t len) {
    memset(buf, 'a', len);
    buf[len] = '\0';
    return buf;
}

KW_TEST(badinput_null_engine_and_pointers) {
    kw_decision d;
    kw_grant_info gi;
    kw_resource_info ri;
    CHECK_ERR(kw_engine_new(NULL, NULL), KW_INVAL);
    kw_engine_free(NULL);
    CHECK_ERR(kw_tenant_create(NULL, "t", 0), KW_INVAL);
    CHECK_ERR(kw_check(NULL, "t", "u", "r", "f", 0, &d), KW_INVAL);
    CHECK_ERR(kw_use(NULL, "t", "u", "r", "f", NULL, 0, &d), KW_INVAL);
    CHECK_ERR(kw_bind(NULL, "t", NULL, "r", "u", 0), KW_INVAL);
    CHECK_ERR(kw_grant_get(NULL, "t", 1, 0, &gi), KW_INVAL);
    CHECK_ERR(kw_cond_validate(NULL), KW_INVAL);
    kw_engine *eng = NULL;
    CHECK_OK(kw_engine_new(NULL, &eng));
    kw_err e1 = kw_check(eng, "t", "u", "r", "f", 0, NULL);
    kw_err e2 = kw_use(eng, "t", "u", "r", "f", NULL, 0, NULL);
    kw_err e3 = kw_grant_get(eng, "t", 1, 0, NULL);
    kw_err e4 = kw_tenant_create(eng, NULL, 0);
    kw_err e5 = kw_resource_create(eng, "t", NULL, 0);
    kw_err e6 = kw_resource_get(eng, "t", "r", &ri);
    kw_engine_free(eng);
    CHECK_ERR(e1, KW_INVAL);
    CHECK_ERR(e2, KW_INVAL);
    CHECK_ERR(e3, KW_INVAL);
    CHECK_ERR(e4, KW_BAD_ID);
    CHECK_ERR(e5, KW_INVAL);
    CHECK_ERR(e6, KW_UNKNOWN_TENANT);
}

FX_TEST(badinput_null_arguments_in_calls) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_decision d;
    CHECK_ERR(kw_check(f->eng, NULL, "u", "lock1", "unlock", NOW, &d), KW_BAD_ID);
    CHECK_ERR(kw_check(f->eng, FX_T, NULL, "lock1", "unlock", NOW, &d), KW_BAD_ID);
    CHECK_ERR(kw_check(f->eng, FX_T, "u", NULL, "unlock", NOW, &d), KW_BAD_ID);
    CHECK_ERR(kw_check(f->eng, FX_T, "u", "lock1", NULL, NOW, &d), KW_BAD_ID);
    CHECK_ERR(kw_bind(f->eng, FX_T, NULL, "lock1", NULL, NOW), KW_BAD_ID);
    const char *users[] = { "u" };
    CHECK_ERR(kw_grant_create(f->eng, FX_T, NULL, "lock1", users, 1, UNLOCK, 1, NULL, NULL, NULL,
                              NOW), KW_INVAL);
    CHECK_ERR(kw_grant_create(f->eng, FX_T, NULL, "lock1", NULL, 1, UNLOCK, 1, &(kw_cond){ 0 },
                              NULL, NULL, NOW), KW_INVAL);
    CHECK_ERR(kw_grant_create(f->eng, FX_T, NULL, "lock1", users, 0, UNLOCK, 1, &(kw_cond){ 0 },
                              NULL, NULL, NOW), KW_INVAL);
    CHECK_ERR(kw_grant_create(f->eng, FX_T, NULL, "lock1", users, 1, UNLOCK, 0, &(kw_cond){ 0 },
                              NULL, NULL, NOW), KW_INVAL);
    kw_grant_change ch = { .op = KW_GRANT_DISABLE };
    uint64_t id = 1;
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, NULL, NULL, 1, &ch, NULL, NOW), KW_INVAL);
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, NULL, &id, 0, &ch, NULL, NOW), KW_INVAL);
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, NULL, &id, 1, NULL, NULL, NOW), KW_INVAL);
    kw_grant_change badop = { .op = (kw_grant_op)99 };
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, NULL, &id, 1, &badop, NULL, NOW), KW_INVAL);
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, NULL, "lock1", "bob", NULL, 1, NOW), KW_INVAL);
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, NULL, "lock1", "bob", UNLOCK, 0, NOW), KW_INVAL);
    size_t n;
    char next[KW_CURSOR_MAX];
    kw_grant_info gi[1];
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "u", NOW, 1, NULL, NULL, &n, next), KW_INVAL);
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "u", NOW, 1, NULL, gi, NULL, next), KW_INVAL);
    CHECK_ERR(kw_list_user_grants(f->eng, FX_T, "u", NOW, 1, NULL, gi, &n, NULL), KW_INVAL);
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "x", NULL, 1, NULL, NOW), KW_INVAL);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.ngrants, 0);
    CHECK_EQ(ri.nsharers, 0);
}

FX_TEST(badinput_ids_empty_overlong_bad_characters) {
    char buf[300];
    const char *bad[] = { "", "has space", "a/b", "semi;colon", "quote\"", "caf\xc3\xa9", "tab\t",
                          "new\nline", long_id(buf, KW_ID_MAX) };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(kw_tenant_create(f->eng, bad[i], NOW) == KW_BAD_ID, "tenant id %zu", i);
        CHECK_MSG(fx_res(f, FX_T, bad[i], NULL) == KW_BAD_ID, "resource id %zu", i);
        kw_decision d;
        CHECK_MSG(kw_check(f->eng, FX_T, bad[i], "x", "unlock", NOW, &d) == KW_BAD_ID, "user %zu", i);
        CHECK_MSG(kw_org_create(f->eng, FX_T, NULL, bad[i], NOW) == KW_BAD_ID, "org %zu", i);
        const char *u[] = { bad[i] };
        CHECK_MSG(kw_user_create(f->eng, FX_T, NULL, u, 1, NULL, NOW) == KW_BAD_ID, "user %zu", i);
    }
    /* every allowed character, and the longest id */
    CHECK_OK(fx_res(f, FX_T, "AZaz09_.:@+-", NULL));
    char maxid[KW_ID_MAX];
    CHECK_OK(fx_res(f, FX_T, long_id(maxid, KW_ID_MAX - 1), NULL));
    CHECK_OK(kw_bind(f->eng, FX_T, NULL, maxid, "AZaz09_.:@+-", NOW));
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, maxid, &ri));
    CHECK_STR(ri.id, maxid);
    CHECK_STR(ri.owner, "AZaz09_.:@+-");
    /* an idempotency key may not be empty */
    kw_decision d;
    CHECK_ERR(kw_use(f->eng, FX_T, "u", maxid, "unlock", "", NOW, &d), KW_BAD_ID);
}

FX_TEST(badinput_function_keys) {
    char key[KW_KEY_MAX + 1];
    const char *fns64[] = { long_id(key, KW_KEY_MAX) };
    kw_resource_def d = { .id = "r", .nfunctions = 1, .functions = fns64 };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &d, NOW), KW_BAD_ID);
    const char *fns63[] = { long_id(key, KW_KEY_MAX - 1) };
    d.functions = fns63;
    CHECK_OK(kw_resource_create(f->eng, FX_T, &d, NOW));
    const char *spaced[] = { "un lock" };
    kw_resource_def d2 = { .id = "r2", .nfunctions = 1, .functions = spaced };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &d2, NOW), KW_BAD_ID);
    kw_decision dec;
    CHECK_ERR(kw_check(f->eng, FX_T, "u", "r", "un lock", NOW, &dec), KW_BAD_ID);
}

FX_TEST(badinput_unknown_function_keys) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    CHECK_ERR(fx_grant(f, FX_T, "alice", "lock1", "carol", "fly", NULL, NOW, NULL),
              KW_UNKNOWN_FUNCTION);
    static const char *const FLY[] = { "fly" };
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", FLY, 1, NOW), KW_UNKNOWN_FUNCTION);
    uint64_t id;
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", NULL, NOW, &id));
    kw_grant_change ch = { .op = KW_GRANT_MODIFY, .nfunctions = 1, .functions = FLY };
    kw_err ie;
    CHECK_ERR(kw_grant_batch(f->eng, FX_T, "alice", &id, 1, &ch, &ie, NOW), KW_UNKNOWN_FUNCTION);
    CHECK_ERR(ie, KW_UNKNOWN_FUNCTION);
    FX_DENY(fx_check(f, "carol", "lock1", "fly", NOW), "unknown_function");
    FX_DENY(fx_use(f, "carol", "lock1", "fly", NOW), "unknown_function");
    FX_DENY(fx_check(f, "carol", "nolock", "unlock", NOW), "unknown_resource");
    kw_decision d;
    CHECK_OK(kw_check(f->eng, "notenant", "carol", "lock1", "unlock", NOW, &d));
    CHECK(!d.allowed);
    CHECK_STR(kw_reason_code(d.reason), "unknown_tenant");
    FX_ALLOW(fx_check(f, "carol", "lock1", "unlock", NOW), "grant");
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.nsharers, 0);
    CHECK_EQ(ri.ngrants, 1);
}

FX_TEST(badinput_too_many_functions) {
    static char keys[KW_MAX_FUNCS + 1][8];
    const char *fns[KW_MAX_FUNCS + 1];
    for (size_t i = 0; i <= KW_MAX_FUNCS; i++) {
        snprintf(keys[i], sizeof keys[i], "f%zu", i);
        fns[i] = keys[i];
    }
    kw_resource_def d = { .id = "r65", .nfunctions = KW_MAX_FUNCS + 1, .functions = fns };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &d, NOW), KW_TOO_MANY_FUNCTIONS);
    kw_type_def td = { .id = "t65", .nfunctions = KW_MAX_FUNCS + 1, .functions = fns };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_TOO_MANY_FUNCTIONS);
    kw_resource_info ri;
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "r65", &ri), KW_UNKNOWN_RESOURCE);
    d.id = "r64";
    d.nfunctions = KW_MAX_FUNCS;
    CHECK_OK(kw_resource_create(f->eng, FX_T, &d, NOW));
    CHECK_OK(kw_bind(f->eng, FX_T, NULL, "r64", "alice", NOW));
    FX_ALLOW(fx_check(f, "alice", "r64", "f63", NOW), "owner");
    CHECK_OK(fx_grant(f, FX_T, NULL, "r64", "bob", "f63", NULL, NOW, NULL));
    FX_ALLOW(fx_check(f, "bob", "r64", "f63", NOW), "grant");
    FX_DENY(fx_check(f, "bob", "r64", "f62", NOW), "no_grant");
    kw_resource_def none = { .id = "r0", .nfunctions = 0, .functions = fns };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &none, NOW), KW_INVAL);
}

FX_TEST(badinput_duplicate_functions) {
    static const char *const DUP[] = { "open", "close", "open" };
    kw_resource_def d = { .id = "r", .nfunctions = 3, .functions = DUP };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &d, NOW), KW_DUP_FUNCTION);
    kw_type_def td = { .id = "t", .nfunctions = 3, .functions = DUP };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_DUP_FUNCTION);
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    static const char *const DUP2[] = { "unlock", "unlock" };
    const char *users[] = { "carol" };
    CHECK_ERR(kw_grant_create(f->eng, FX_T, "alice", "lock1", users, 1, DUP2, 2, &(kw_cond){ 0 },
                              NULL, NULL, NOW), KW_DUP_FUNCTION);
    CHECK_ERR(kw_sharer_put(f->eng, FX_T, "alice", "lock1", "bob", DUP2, 2, NOW), KW_DUP_FUNCTION);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.ngrants, 0);
    CHECK_EQ(ri.nsharers, 0);
}

FX_TEST(badinput_type_definitions) {
    static const char *const FN[] = { "a", "b" };
    static const char *const NOTFN[] = { "c" };
    kw_type_def td = { .id = "t", .nfunctions = 2, .functions = FN, .up = -2 };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_INVAL);
    td.up = 0;
    td.down = -5;
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_INVAL);
    td.down = 0;
    td.nfree = 1;
    td.free_functions = NOTFN;
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_UNKNOWN_FUNCTION);
    td.nfree = 0;
    td.free_functions = NULL;
    td.default_cond = (kw_cond){ .flags = KW_COND_COUNT, .max_total = 3 };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_BAD_COND);
    td.default_cond = (kw_cond){ .flags = KW_COND_PER_DAY, .max_per_day = 3 };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_BAD_COND);
    td.default_cond = (kw_cond){ .flags = KW_COND_WEEKDAYS, .weekdays = 0 };
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_BAD_COND);
    kw_type_info ti;
    CHECK_ERR(kw_type_get(f->eng, FX_T, "t", &ti), KW_UNKNOWN_TYPE);
    td.default_cond = (kw_cond){ 0 };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_ERR(kw_type_create(f->eng, FX_T, &td, NOW), KW_EXISTS);
    kw_resource_def d = { .id = "r", .type = "nosuch" };
    CHECK_ERR(kw_resource_create(f->eng, FX_T, &d, NOW), KW_UNKNOWN_TYPE);
}

FX_TEST(badinput_time_zones) {
    static const char *const bad[] = { "Mars/Olympus", "../etc/passwd", "Europe/../UTC", "",
                                       "Europe/Berlin ", "/etc/localtime" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char id[16];
        snprintf(id, sizeof id, "r%zu", i);
        CHECK_MSG(fx_res(f, FX_T, id, bad[i]) == KW_BAD_TZ, "zone \"%s\": %s", bad[i],
                  kw_err_code(fx_res(f, FX_T, id, bad[i])));
    }
    kw_engine *utc_only = NULL;
    CHECK_OK(kw_engine_new(NULL, &utc_only));
    kw_err e1 = kw_tenant_create(utc_only, "t", NOW);
    static const char *const FN[] = { "a" };
    kw_resource_def d = { .id = "r", .nfunctions = 1, .functions = FN, .tz = "Europe/Berlin" };
    kw_err e2 = kw_resource_create(utc_only, "t", &d, NOW);
    d.tz = "UTC";
    kw_err e3 = kw_resource_create(utc_only, "t", &d, NOW);
    kw_engine_free(utc_only);
    CHECK_OK(e1);
    CHECK_ERR(e2, KW_BAD_TZ);
    CHECK_OK(e3);
}

/* Every malformed condition gives its error from kw_cond_validate, from
 * grant creation (creating nothing) and from grant modification (changing
 * nothing). */
FX_TEST(badinput_malformed_conditions) {
    kw_time t0 = fx_utc(2026, 4, 1, 10, 0);
    struct { kw_cond c; kw_err want; const char *what; } cases[] = {
        { { .flags = KW_COND_WINDOW, .from = t0, .until = t0 }, KW_BAD_COND, "until == from" },
        { { .flags = KW_COND_WINDOW, .from = t0, .until = t0 - FX_MIN }, KW_BAD_COND, "until < from" },
        { { .flags = KW_COND_WINDOW, .from = t0 + 1, .until = t0 + FX_HOUR }, KW_BAD_TIME,
          "from not minute-aligned" },
        { { .flags = KW_COND_WINDOW, .from = t0, .until = t0 + 30 * KW_US_PER_SEC }, KW_BAD_TIME,
          "until not minute-aligned" },
        { { .flags = KW_COND_WINDOW, .from = -FX_MIN, .until = t0 }, KW_BAD_TIME, "before 1970" },
        { { .flags = KW_COND_WINDOW, .from = t0, .until = KW_TIME_MAX + 1 }, KW_BAD_TIME,
          "after 9999" },
        { { .flags = KW_COND_COUNT, .max_total = 0 }, KW_BAD_COND, "count 0" },
        { { .flags = KW_COND_PER_DAY, .max_per_day = 0 }, KW_BAD_COND, "per day 0" },
        { { .flags = KW_COND_WEEKDAYS, .weekdays = 0 }, KW_BAD_COND, "no weekdays" },
        { { .flags = KW_COND_WEEKDAYS, .weekdays = 0x80 }, KW_BAD_COND, "weekday bit 7" },
        { { .flags = KW_COND_DAILY, .day_from = 1440, .day_until = 60 }, KW_BAD_COND,
          "daily from 1440" },
        { { .flags = KW_COND_DAILY, .day_from = 60, .day_until = 0 }, KW_BAD_COND, "daily until 0" },
        { { .flags = KW_COND_DAILY, .day_from = 60, .day_until = 1441 }, KW_BAD_COND,
          "daily until 1441" },
        { { .flags = KW_COND_DAILY, .day_from = 600, .day_until = 600 }, KW_BAD_COND,
          "daily empty" },
        { { .flags = KW_COND_DATES, .date_from = 20000, .date_until = 19999 }, KW_BAD_COND,
          "dates reversed" },
        { { .flags = KW_COND_DATES, .date_from = -1, .date_until = 10 }, KW_BAD_TIME,
          "date before 1970" },
        { { .flags = KW_COND_DATES, .date_from = 0, .date_until = 2932897 }, KW_BAD_TIME,
          "date after 9999" },
        { { .flags = 1u << 6 }, KW_BAD_COND, "unknown part" },
    };
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    uint64_t id;
    kw_cond keep = { .flags = KW_COND_COUNT, .max_total = 7 };
    CHECK_OK(fx_grant(f, FX_T, "alice", "lock1", "carol", "unlock", &keep, NOW, &id));
    const char *users[] = { "dave" };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kw_err got = kw_cond_validate(&cases[i].c);
        CHECK_MSG(got == cases[i].want, "%s: validate gives %s, want %s", cases[i].what,
                  kw_err_code(got), kw_err_code(cases[i].want));
        got = kw_grant_create(f->eng, FX_T, "alice", "lock1", users, 1, UNLOCK, 1, &cases[i].c,
                              NULL, NULL, NOW);
        CHECK_MSG(got == cases[i].want, "%s: grant_create gives %s", cases[i].what,
                  kw_err_code(got));
        kw_grant_change ch = { .op = KW_GRANT_MODIFY, .cond = &cases[i].c };
        got = kw_grant_batch(f->eng, FX_T, "alice", &id, 1, &ch, NULL, NOW);
        CHECK_MSG(got == cases[i].want, "%s: grant_batch gives %s", cases[i].what,
                  kw_err_code(got));
    }
    FX_DENY(fx_check(f, "dave", "lock1", "unlock", NOW), "no_grant");
    kw_grant_info gi = fx_grant_info(f, FX_T, id, NOW);
    CHECK_EQ(gi.cond.flags, KW_COND_COUNT);
    CHECK_EQ(gi.cond.max_total, 7);
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "lock1", &ri));
    CHECK_EQ(ri.ngrants, 1);
}

FX_TEST(badinput_enterprise_arguments) {
    static const char *const FN[] = { "open" };
    kw_type_def td = { .id = "door", .nfunctions = 1, .functions = FN };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    const char *users[] = { "u1" };
    CHECK_OK(kw_user_create(f->eng, FX_T, NULL, users, 1, NULL, NOW));
    CHECK_ERR(kw_admin_put(f->eng, FX_T, NULL, "acme", "u1", 1u << 12, NULL, NOW), KW_INVAL);
    kw_cond bad = { .flags = KW_COND_WINDOW, .from = 10, .until = 5 };
    CHECK_ERR(kw_admin_put(f->eng, FX_T, NULL, "acme", "u1", KW_POW_DEFAULT, &bad, NOW),
              KW_BAD_TIME);
    CHECK_ERR(kw_member_bind(f->eng, FX_T, NULL, "acme", "u1", 0, 0, &bad, NOW), KW_BAD_TIME);
    CHECK_ERR(kw_admin_get(f->eng, FX_T, "acme", "u1", &(kw_admin_info){ 0 }), KW_UNKNOWN_ADMIN);
    CHECK_ERR(kw_admin_may(f->eng, FX_T, NULL, "acme", (kw_org_action)77, NOW), KW_INVAL);
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "acme", &(kw_resource_def){ .id = "x",
              .type = "door" }, 0, NULL, NOW), KW_INVAL);
    kw_resource_def defs[2] = { { .id = "ok1", .type = "door" }, { .id = "bad id", .type = "door" } };
    kw_err ie[2];
    CHECK_ERR(kw_resource_register(f->eng, FX_T, NULL, "acme", defs, 2, ie, NOW), KW_BAD_ID);
    CHECK_ERR(ie[0], KW_OK);
    CHECK_ERR(ie[1], KW_BAD_ID);
    CHECK_ERR(kw_resource_get(f->eng, FX_T, "ok1", &(kw_resource_info){ 0 }), KW_UNKNOWN_RESOURCE);
    CHECK_ERR(kw_node_create(f->eng, FX_T, NULL, "acme", "", NOW), KW_BAD_ID);
}

/* plan.h: with plan == NULL "type is required"; its error list names
 * KW_BAD_ID (not KW_INVAL) for a missing or malformed id. */
FX_TEST(badinput_org_set_plan_remove_without_type) {
    static const char *const FN[] = { "open" };
    kw_type_def td = { .id = "door", .nfunctions = 1, .functions = FN };
    CHECK_OK(kw_type_create(f->eng, FX_T, &td, NOW));
    CHECK_OK(kw_org_create(f->eng, FX_T, NULL, "acme", NOW));
    CHECK_ERR(kw_org_set_plan(f->eng, FX_T, NULL, "acme", NULL, NULL, NOW), KW_BAD_ID);
    CHECK_ERR(kw_org_set_plan(f->eng, FX_T, NULL, "acme", NULL, "no such", NOW), KW_BAD_ID);
    CHECK_ERR(kw_org_set_plan(f->eng, FX_T, NULL, "acme", NULL, "nosuch", NOW), KW_UNKNOWN_TYPE);
}

KW_TEST(badinput_error_and_reason_codes_stable) {
    CHECK_STR(kw_err_code(KW_OK), "ok");
    CHECK_STR(kw_err_code(KW_FUNCTION_NOT_HELD), "function_not_held");
    CHECK_STR(kw_err_code(KW_IDEMPOTENCY_MISMATCH), "idempotency_mismatch");
    CHECK_EQ(kw_err_http_status(KW_IDEMPOTENCY_MISMATCH), 422);
    CHECK_EQ(kw_err_http_status(KW_FORBIDDEN), 403);
    CHECK_STR(kw_err_code((kw_err)9999), "unknown_error");
    CHECK_EQ(kw_err_http_status((kw_err)9999), 500);
    CHECK(kw_strerror((kw_err)-1) != NULL);
    CHECK_STR(kw_reason_code(KW_R_EXHAUSTED_TODAY), "exhausted_today");
    CHECK_STR(kw_reason_code(KW_R_NOT_YET_VALID), "not_yet_valid");
    CHECK_STR(kw_reason_code((kw_reason)999), "unknown");
    CHECK(kw_reason_allows(KW_R_ALLOWED_ASSIGNMENT));
    CHECK(!kw_reason_allows(KW_R_NO_GRANT));
    CHECK(!kw_reason_allows((kw_reason)999));
}

/* Decisions refuse instants outside 1970..9999 instead of computing with
 * them (an out-of-range `now` once overflowed idempotency expiry). */
FX_TEST(badinput_decision_time_out_of_range) {
    CHECK_OK(fx_owned(f, FX_T, "lock1", "alice", NULL));
    kw_decision d;
    CHECK_ERR(kw_check(f->eng, FX_T, "alice", "lock1", "unlock", -1, &d), KW_BAD_TIME);
    CHECK_ERR(kw_check(f->eng, FX_T, "alice", "lock1", "unlock", KW_TIME_MAX + 1, &d), KW_BAD_TIME);
    CHECK_ERR(kw_use(f->eng, FX_T, "alice", "lock1", "unlock", "k1", INT64_MIN, &d), KW_BAD_TIME);
    CHECK_ERR(kw_use(f->eng, FX_T, "alice", "lock1", "unlock", "k1", INT64_MAX, &d), KW_BAD_TIME);
    /* the refused call stored nothing under the key */
    CHECK_OK(kw_use(f->eng, FX_T, "alice", "lock1", "unlock", "k1", KW_TIME_MAX, &d));
    CHECK(d.allowed);
    CHECK_OK(kw_check(f->eng, FX_T, "alice", "lock1", "unlock", KW_TIME_MIN, &d));
    CHECK(d.allowed);
}

/* A deleted resource type frees its id: it can be defined again, with other
 * functions, and resources of the new type use the new functions. */
FX_TEST(type_delete_releases_the_id) {
    const char *a[] = { "open" }, *b[] = { "open", "lock" };
    kw_type_def d1 = { .id = "gate", .nfunctions = 1, .functions = a };
    kw_type_def d2 = { .id = "gate", .nfunctions = 2, .functions = b };
    CHECK_OK(kw_type_create(f->eng, FX_T, &d1, NOW));
    CHECK_ERR(kw_type_create(f->eng, FX_T, &d1, NOW), KW_EXISTS);
    CHECK_OK(kw_type_delete(f->eng, FX_T, "gate", NOW));
    kw_type_info ti;
    CHECK_ERR(kw_type_get(f->eng, FX_T, "gate", &ti), KW_UNKNOWN_TYPE);
    CHECK_ERR(kw_type_delete(f->eng, FX_T, "gate", NOW), KW_UNKNOWN_TYPE);
    CHECK_OK(kw_type_create(f->eng, FX_T, &d2, NOW));
    CHECK_OK(kw_type_get(f->eng, FX_T, "gate", &ti));
    CHECK_EQ(ti.nfunctions, 2);
    kw_resource_def r = { .id = "g1", .type = "gate" };
    CHECK_OK(kw_resource_create(f->eng, FX_T, &r, NOW));
    kw_resource_info ri;
    CHECK_OK(kw_resource_get(f->eng, FX_T, "g1", &ri));
    CHECK_EQ(ri.nfunctions, 2);
    CHECK_STR(ri.functions[1], "lock");
    CHECK_ERR(kw_type_delete(f->eng, FX_T, "gate", NOW), KW_IN_USE);
}
