/*
 * tests/unit/test_json_in.c — request-body decoding at the edge.
 */
#include <stdlib.h>
#include <string.h>

#include "api/json_in.h"
#include "test.h"

static kw_err parse(const char *s, cJSON **root, kw__jin_error *err) {
    return kw__jin_parse(s, strlen(s), root, err);
}

KW_TEST(json_in_accepts_an_object_and_refuses_everything_else) {
    cJSON *j = NULL;
    kw__jin_error err;
    CHECK_OK(parse(" {\"a\": 1} \n", &j, &err));
    cJSON_Delete(j);
    static const char *const bad[] = { "", "[]", "1", "\"s\"", "{", "{\"a\":1} x", "{\"a\":1}{}",
                                       "{'a':1}", "nul" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = NULL;
        CHECK_MSG(parse(bad[i], &j, &err) == KW_BAD_JSON, "accepted <%s>", bad[i]);
        CHECK(j == NULL);
    }
}

KW_TEST(json_in_caps_size_and_depth) {
    cJSON *j = NULL;
    kw__jin_error err;
    char deep[200] = "{\"a\":";
    size_t n = strlen(deep);
    for (int i = 0; i < 31; i++) deep[n++] = '[';      /* depth 32 in all: allowed */
    for (int i = 0; i < 31; i++) deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = 0;
    CHECK_OK(parse(deep, &j, &err));
    cJSON_Delete(j);
    char deeper[200] = "{\"a\":";
    n = strlen(deeper);
    for (int i = 0; i < 32; i++) deeper[n++] = '[';
    for (int i = 0; i < 32; i++) deeper[n++] = ']';
    deeper[n++] = '}';
    deeper[n] = 0;
    CHECK_ERR(parse(deeper, &j, &err), KW_JSON_TOO_DEEP);
    CHECK_STR(kw_err_code(err.code), "json_too_deep");
    /* brackets inside strings do not count */
    CHECK_OK(parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", &j, &err));
    cJSON_Delete(j);
    size_t big = KW__JIN_MAX_BODY + 1;
    char *b = malloc(big);
    CHECK(b != NULL);
    memset(b, ' ', big);
    b[0] = '{';
    b[big - 1] = '}';
    kw_err e = kw__jin_parse(b, big, &j, &err);
    free(b);
    CHECK_ERR(e, KW_TOO_LARGE);
    CHECK_EQ(kw_err_http_status(e), 413);
}

KW_TEST(json_in_refuses_bad_utf8_nul_and_escaped_nul) {
    cJSON *j = NULL;
    kw__jin_error err;
    const char nul[] = { '{', '"', 'a', '"', ':', '"', 'x', 0, 'y', '"', '}' };
    CHECK_ERR(kw__jin_parse(nul, sizeof nul, &j, &err), KW_BAD_JSON);
    CHECK_ERR(parse("{\"user\":\"ad\\u0000min\"}", &j, &err), KW_BAD_JSON);
    CHECK_ERR(parse("{\"a\":\"\xc3\x28\"}", &j, &err), KW_BAD_JSON);          /* bad continuation */
    CHECK_ERR(parse("{\"a\":\"\xc0\xaf\"}", &j, &err), KW_BAD_JSON);          /* overlong */
    CHECK_ERR(parse("{\"a\":\"\xed\xa0\x80\"}", &j, &err), KW_BAD_JSON);      /* surrogate */
    CHECK_ERR(parse("{\"a\":\"\xf4\x90\x80\x80\"}", &j, &err), KW_BAD_JSON);  /* > U+10FFFF */
    CHECK_OK(parse("{\"a\":\"caf\xc3\xa9 \xe6\x9d\xa5 \xf0\x9f\x94\x92\"}", &j, &err));
    cJSON_Delete(j);
    CHECK_OK(parse("{\"a\":\"\\\\u0000 is text here\"}", &j, &err));   /* escaped backslash */
    cJSON_Delete(j);
}

KW_TEST(json_in_unknown_and_duplicate_fields_are_named) {
    cJSON *j = NULL;
    kw__jin_error err;
    static const char *const allowed[] = { "user", "resource", "function" };
    CHECK_OK(parse("{\"user\":\"u\",\"resource\":\"r\",\"fn\":\"x\"}", &j, &err));
    CHECK_ERR(kw__jin_fields(j, "", allowed, 3, &err), KW_UNKNOWN_FIELD);
    CHECK_STR(err.field, "fn");
    CHECK_EQ(kw_err_http_status(err.code), 422);
    cJSON_Delete(j);
    CHECK_OK(parse("{\"user\":\"u\",\"user\":\"admin\"}", &j, &err));
    CHECK_ERR(kw__jin_fields(j, "", allowed, 3, &err), KW_BAD_FIELD);
    CHECK_STR(err.field, "user");
    cJSON_Delete(j);
}

KW_TEST(json_in_typed_getters_validate) {
    cJSON *j = NULL;
    kw__jin_error err;
    CHECK_OK(parse("{\"id\":\"lock-1\",\"bad\":\"a b\",\"n\":42,\"f\":1.5,\"huge\":1e300,"
                   "\"neg\":-3,\"b\":true,\"t\":\"2026-04-06T08:00:00+02:00\",\"tb\":\"2026-04-06\","
                   "\"fns\":[\"unlock\",\"photo\"],\"dup\":[\"a\",\"a\"],\"empty\":[],\"nul\":null}",
                   &j, &err));
    const char *s = NULL;
    bool present = true;
    CHECK_OK(kw__jin_id(j, "", "id", true, &s, NULL, &err));
    CHECK_STR(s, "lock-1");
    CHECK_ERR(kw__jin_id(j, "", "bad", true, &s, NULL, &err), KW_BAD_ID);
    CHECK_ERR(kw__jin_id(j, "", "n", true, &s, NULL, &err), KW_BAD_FIELD);
    CHECK_ERR(kw__jin_id(j, "", "missing", true, &s, NULL, &err), KW_MISSING_FIELD);
    CHECK_STR(err.field, "missing");
    CHECK_OK(kw__jin_id(j, "", "nul", false, &s, &present, &err));   /* null = absent */
    CHECK(!present);
    int64_t v = 0;
    CHECK_OK(kw__jin_int(j, "", "n", true, 0, 100, &v, NULL, &err));
    CHECK_EQ(v, 42);
    CHECK_ERR(kw__jin_int(j, "", "f", true, 0, 100, &v, NULL, &err), KW_BAD_FIELD);
    CHECK_ERR(kw__jin_int(j, "", "huge", true, 0, INT64_MAX, &v, NULL, &err), KW_BAD_FIELD);
    CHECK_ERR(kw__jin_int(j, "", "neg", true, 0, 100, &v, NULL, &err), KW_BAD_FIELD);
    bool b = false;
    CHECK_OK(kw__jin_bool(j, "", "b", true, &b, NULL, &err));
    CHECK(b);
    kw_time t = 0;
    CHECK_OK(kw__jin_time(j, "", "t", true, &t, NULL, &err));
    CHECK_EQ(t, INT64_C(1775455200) * KW_US_PER_SEC);
    CHECK_ERR(kw__jin_time(j, "", "tb", true, &t, NULL, &err), KW_BAD_TIME);
    const char *names[4];
    size_t n = 0;
    CHECK_OK(kw__jin_names(j, "", "fns", true, true, 4, names, &n, NULL, &err));
    CHECK_EQ(n, 2);
    CHECK_STR(names[1], "photo");
    CHECK_ERR(kw__jin_names(j, "", "fns", true, true, 1, names, &n, NULL, &err), KW_BAD_FIELD);
    CHECK_ERR(kw__jin_names(j, "", "dup", true, true, 4, names, &n, NULL, &err), KW_BAD_FIELD);
    CHECK_ERR(kw__jin_names(j, "", "empty", true, true, 4, names, &n, NULL, &err), KW_BAD_FIELD);
    cJSON_Delete(j);
}

KW_TEST(json_in_condition_cleaner_example_decodes) {
    cJSON *j = NULL;
    kw__jin_error err;
    CHECK_OK(parse("{\"condition\":{\"weekdays\":[\"mon\"],\"count\":{\"per_day\":1},"
                   "\"dates\":{\"from\":\"2026-04-01\",\"until\":\"2026-04-30\"},"
                   "\"daily\":{\"from\":\"22:00\",\"until\":\"06:00\"},"
                   "\"window\":{\"from\":\"2026-03-01T00:00:00Z\",\"until\":\"2026-06-01T00:00:00Z\"}}}",
                   &j, &err));
    kw_cond c;
    CHECK_OK(kw__jin_cond(j, "", "condition", true, &c, &err));
    CHECK_EQ(c.flags, KW_COND_WEEKDAYS | KW_COND_PER_DAY | KW_COND_DATES | KW_COND_DAILY | KW_COND_WINDOW);
    CHECK_EQ(c.weekdays, KW_MON);
    CHECK_EQ(c.max_per_day, 1);
    CHECK_EQ(c.date_from, kw_days_from_civil(2026, 4, 1));
    CHECK_EQ(c.date_until, kw_days_from_civil(2026, 4, 30));
    CHECK_EQ(c.day_from, 22 * 60);
    CHECK_EQ(c.day_until, 6 * 60);
    cJSON_Delete(j);
    /* absent = permanent */
    CHECK_OK(parse("{}", &j, &err));
    CHECK_OK(kw__jin_cond(j, "", "condition", false, &c, &err));
    CHECK_EQ(c.flags, 0);
    cJSON_Delete(j);
}

KW_TEST(json_in_condition_errors_name_the_field) {
    static const struct { const char *body; kw_err code; const char *field; } cases[] = {
        { "{\"c\":{\"weekdays\":[\"funday\"]}}", KW_BAD_FIELD, "c.weekdays" },
        { "{\"c\":{\"daily\":{\"from\":\"25:00\",\"until\":\"06:00\"}}}", KW_BAD_FIELD, "c.daily.from" },
        { "{\"c\":{\"daily\":{\"from\":\"24:00\",\"until\":\"06:00\"}}}", KW_BAD_FIELD, "c.daily.from" },
        { "{\"c\":{\"daily\":{\"from\":\"06:00\"}}}", KW_MISSING_FIELD, "c.daily.until" },
        { "{\"c\":{\"daily\":{\"from\":\"06:00\",\"until\":\"06:00\"}}}", KW_BAD_COND, "c" },
        { "{\"c\":{\"dates\":{\"from\":\"2026-02-30\",\"until\":\"2026-03-01\"}}}", KW_BAD_FIELD, "c.dates.from" },
        { "{\"c\":{\"dates\":{\"from\":\"2026-05-01\",\"until\":\"2026-04-01\"}}}", KW_BAD_COND, "c" },
        { "{\"c\":{\"count\":{}}}", KW_MISSING_FIELD, "c.count.total" },
        { "{\"c\":{\"count\":{\"total\":0}}}", KW_BAD_FIELD, "c.count.total" },
        { "{\"c\":{\"window\":{\"from\":\"2026-04-01T00:00:30Z\",\"until\":\"2026-04-02T00:00:00Z\"}}}", KW_BAD_TIME, "c" },
        { "{\"c\":{\"window\":{\"from\":\"2026-04-02T00:00:00Z\",\"until\":\"2026-04-01T00:00:00Z\"}}}", KW_BAD_COND, "c" },
        { "{\"c\":{\"every\":\"day\"}}", KW_UNKNOWN_FIELD, "c.every" },
        { "{\"c\":{\"window\":{\"from\":\"2026-04-02T00:00:00Z\",\"until\":\"2026-04-03T00:00:00Z\",\"x\":1}}}",
          KW_UNKNOWN_FIELD, "c.window.x" },
        { "{\"c\":[]}", KW_BAD_FIELD, "c" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *j = NULL;
        kw__jin_error err;
        CHECK_OK(parse(cases[i].body, &j, &err));
        kw_cond c;
        kw_err e = kw__jin_cond(j, "", "c", true, &c, &err);
        cJSON_Delete(j);
        CHECK_MSG(e == cases[i].code, "case %zu: got %s, want %s", i, kw_err_code(e), kw_err_code(cases[i].code));
        CHECK_MSG(strcmp(err.field, cases[i].field) == 0, "case %zu: field %s, want %s", i, err.field,
                  cases[i].field);
    }
}
