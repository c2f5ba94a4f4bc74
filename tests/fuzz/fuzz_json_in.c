/*
 * tests/fuzz/fuzz_json_in.c — the request-body decoder: any bytes either
 * fail with a decoder error code or give an object whose fields the typed
 * getters read without crashing, leaking or reading past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/json_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size ? size : 1);   /* exactly `size` bytes: overreads are caught */
    if (!s) return 0;
    if (size) memcpy(s, data, size);
    cJSON *root = NULL;
    kw__jin_error err;
    kw_err e = kw__jin_parse(s, size, &root, &err);
    if (e != KW_OK) {
        if (root || (e != KW_BAD_JSON && e != KW_JSON_TOO_DEEP && e != KW_TOO_LARGE)) abort();
        if (!memchr(err.field, 0, sizeof err.field) || !memchr(err.message, 0, sizeof err.message)) abort();
        free(s);
        return 0;
    }
    static const char *const allowed[] = { "user", "resource", "function", "at", "n", "ids",
                                           "condition", "enabled" };
    (void)kw__jin_fields(root, "", allowed, 8, &err);
    const char *str = NULL;   /* getters leave it untouched when the field is absent */
    const char *names[16];
    size_t n;
    int64_t v;
    bool b;
    kw_time t = KW_TIME_MIN;   /* untouched when "at" is absent */
    kw_cond c;
    if (kw__jin_id(root, "", "user", false, &str, NULL, &err) == KW_OK && str && !kw_id_valid(str)) abort();
    str = NULL;
    if (kw__jin_string(root, "", "resource", false, 64, &str, NULL, &err) == KW_OK && str &&
        strlen(str) > 64)
        abort();
    (void)kw__jin_int(root, "", "n", false, -5, 5, &v, NULL, &err);
    (void)kw__jin_bool(root, "", "enabled", false, &b, NULL, &err);
    if (kw__jin_time(root, "", "at", false, &t, NULL, &err) == KW_OK && (t < KW_TIME_MIN || t > KW_TIME_MAX)) abort();
    if (kw__jin_names(root, "", "ids", false, false, 16, names, &n, NULL, &err) == KW_OK)
        for (size_t i = 0; i < n; i++) if (!kw_id_valid(names[i])) abort();
    if (kw__jin_cond(root, "", "condition", false, &c, &err) == KW_OK && kw_cond_validate(&c) != KW_OK) abort();
    cJSON_Delete(root);
    free(s);
    return 0;
}
