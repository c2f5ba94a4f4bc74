/*
 * src/api/json_in.c — request-body decoding (see json_in.h).
 *
 * The pre-scan exists because cJSON is lenient where an edge must not be:
 * it does not check UTF-8, it turns "\u0000" into a NUL that silently cuts
 * a C string (an id "a\u0000b" would become "a"), and its nesting limit is
 * a compile-time 1000. One linear pass over the bytes settles all three
 * before cJSON allocates anything.
 */
#include <string.h>

#include "api/json_in.h"

/* dst = a "." b (either may be empty or NULL), cut to fit cap: field paths
 * are short, and a cut path still names the place. */
static void join(char *dst, size_t cap, const char *a, const char *b) {
    size_t n = 0;
    const char *parts[3] = { a, (a && *a && b && *b) ? "." : NULL, b };
    for (int i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        size_t len = strlen(parts[i]);
        if (len > cap - 1 - n) len = cap - 1 - n;
        memcpy(dst + n, parts[i], len);
        n += len;
    }
    dst[n] = '\0';
}

static kw_err fail(kw__jin_error *err, kw_err code, const char *at, const char *name,
                   const char *message) {
    if (err) {
        err->code = code;
        join(err->field, sizeof err->field, at, name);
        join(err->message, sizeof err->message, message, NULL);
    }
    return code;
}

/* Length of the UTF-8 sequence at b[0..left), or 0 if it is not valid
 * (overlong forms, surrogates and code points above U+10FFFF refused). */
static size_t utf8_len(const unsigned char *b, size_t left) {
    unsigned char c = b[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1fu; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0fu; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07u; }
    else return 0;
    if (left < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((b[i] & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (b[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static kw_err prescan(const unsigned char *b, size_t len, kw__jin_error *err) {
    unsigned depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = b[i];
        if (c == 0) return fail(err, KW_BAD_JSON, "", NULL, "request body contains a NUL byte");
        size_t n = utf8_len(b + i, len - i);
        if (n == 0) return fail(err, KW_BAD_JSON, "", NULL, "request body is not valid UTF-8");
        if (n > 1) { i += n; continue; }
        if (in_string) {
            if (c == '\\' && i + 1 < len) {
                if (b[i + 1] == 'u' && i + 5 < len && b[i + 2] == '0' && b[i + 3] == '0' &&
                    b[i + 4] == '0' && b[i + 5] == '0')
                    return fail(err, KW_BAD_JSON, "", NULL, "strings may not contain \\u0000");
                i += 2;   /* the escaped character cannot end the string */
                continue;
            }
            if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > KW__JIN_MAX_DEPTH)
                return fail(err, KW_JSON_TOO_DEEP, "", NULL, "JSON is nested deeper than 32 levels");
        } else if ((c == '}' || c == ']') && depth) {
            depth--;
        }
        i++;
    }
    return KW_OK;
}

kw_err kw__jin_parse(const char *body, size_t len, cJSON **root, kw__jin_error *err) {
    if (!root || (!body && len)) return fail(err, KW_INVAL, "", NULL, "no body");
    *root = NULL;
    if (len > KW__JIN_MAX_BODY)
        return fail(err, KW_TOO_LARGE, "", NULL, "request body is larger than 1 MiB");
    if (len == 0) return fail(err, KW_BAD_JSON, "", NULL, "request body is empty");
    kw_err e = prescan((const unsigned char *)body, len, err);
    if (e) return e;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!j) return fail(err, KW_BAD_JSON, "", NULL, "request body is not valid JSON");
    for (; end && end < body + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            cJSON_Delete(j);
            return fail(err, KW_BAD_JSON, "", NULL, "unexpected text after the JSON value");
        }
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return fail(err, KW_BAD_JSON, "", NULL, "request body must be a JSON object");
    }
    *root = j;
    return KW_OK;
}

kw_err kw__jin_fields(const cJSON *obj, const char *at, const char *const *allowed, size_t n,
                      kw__jin_error *err) {
    if (!cJSON_IsObject(obj)) return fail(err, KW_BAD_FIELD, at, NULL, "must be an object");
    for (const cJSON *m = obj->child; m; m = m->next) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++) ok = strcmp(m->string, allowed[i]) == 0;
        if (!ok) return fail(err, KW_UNKNOWN_FIELD, at, m->string, "this field is not accepted here");
        for (const cJSON *o = obj->child; o != m; o = o->next)
            if (strcmp(o->string, m->string) == 0)
                return fail(err, KW_BAD_FIELD, at, m->string, "field appears twice");
    }
    return KW_OK;
}

/* The member, or NULL when absent or null; KW_MISSING_FIELD if required. */
static kw_err member(const cJSON *obj, const char *at, const char *name, bool required,
                     const cJSON **out, bool *present, kw__jin_error *err) {
    const cJSON *m = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
    if (m && cJSON_IsNull(m)) m = NULL;
    if (present) *present = m != NULL;
    *out = m;
    if (!m && required) return fail(err, KW_MISSING_FIELD, at, name, "this field is required");
    return KW_OK;
}

kw_err kw__jin_string(const cJSON *obj, const char *at, const char *name, bool required,
                      size_t maxlen, const char **out, bool *present, kw__jin_error *err) {
    const cJSON *m;
    kw_err e = member(obj, at, name, required, &m, present, err);
    if (e || !m) return e;
    if (!cJSON_IsString(m)) return fail(err, KW_BAD_FIELD, at, name, "must be a string");
    if (strnlen(m->valuestring, maxlen + 1) > maxlen)
        return fail(err, KW_BAD_FIELD, at, name, "is too long");
    *out = m->valuestring;
    return KW_OK;
}

kw_err kw__jin_id(const cJSON *obj, const char *at, const char *name, bool required,
                  const char **out, bool *present, kw__jin_error *err) {
    const char *s = NULL;
    kw_err e = kw__jin_string(obj, at, name, required, KW_ID_MAX, &s, present, err);
    if (e || !s) return e;
    if (!kw_id_valid(s))
        return fail(err, KW_BAD_ID, at, name, "ids are 1-127 characters of A-Z a-z 0-9 _ . : @ + -");
    *out = s;
    return KW_OK;
}

kw_err kw__jin_int(const cJSON *obj, const char *at, const char *name, bool required, int64_t min,
                   int64_t max, int64_t *out, bool *present, kw__jin_error *err) {
    const cJSON *m;
    kw_err e = member(obj, at, name, required, &m, present, err);
    if (e || !m) return e;
    if (!cJSON_IsNumber(m)) return fail(err, KW_BAD_FIELD, at, name, "must be a number");
    double d = m->valuedouble;
    /* compare as doubles first: converting an out-of-range double is undefined */
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
        return fail(err, KW_BAD_FIELD, at, name, "must be an integer (at most 2^53)");
    int64_t v = (int64_t)d;
    if (v < min || v > max) return fail(err, KW_BAD_FIELD, at, name, "is out of range");
    *out = v;
    return KW_OK;
}

kw_err kw__jin_bool(const cJSON *obj, const char *at, const char *name, bool required, bool *out,
                    bool *present, kw__jin_error *err) {
    const cJSON *m;
    kw_err e = member(obj, at, name, required, &m, present, err);
    if (e || !m) return e;
    if (!cJSON_IsBool(m)) return fail(err, KW_BAD_FIELD, at, name, "must be true or false");
    *out = cJSON_IsTrue(m);
    return KW_OK;
}

kw_err kw__jin_time(const cJSON *obj, const char *at, const char *name, bool required,
                    kw_time *out, bool *present, kw__jin_error *err) {
    const char *s = NULL;
    kw_err e = kw__jin_string(obj, at, name, required, 64, &s, present, err);
    if (e || !s) return e;
    if (kw_time_parse(s, strlen(s), out) != KW_OK)
        return fail(err, KW_BAD_TIME, at, name, "must be an RFC 3339 time between 1970 and 9999");
    return KW_OK;
}

kw_err kw__jin_names(const cJSON *obj, const char *at, const char *name, bool required, bool keys,
                     size_t max, const char **out, size_t *n, bool *present, kw__jin_error *err) {
    const cJSON *m;
    *n = 0;
    kw_err e = member(obj, at, name, required, &m, present, err);
    if (e || !m) return e;
    if (!cJSON_IsArray(m)) return fail(err, KW_BAD_FIELD, at, name, "must be an array of strings");
    size_t count = 0;
    for (const cJSON *x = m->child; x; x = x->next) {
        if (count == max) return fail(err, KW_BAD_FIELD, at, name, "has too many entries");
        if (!cJSON_IsString(x) || !(keys ? kw_key_valid(x->valuestring) : kw_id_valid(x->valuestring)))
            return fail(err, KW_BAD_ID, at, name,
                        keys ? "entries must be function keys" : "entries must be ids");
        for (size_t i = 0; i < count; i++)
            if (strcmp(out[i], x->valuestring) == 0)
                return fail(err, KW_BAD_FIELD, at, name, "lists an entry twice");
        out[count++] = x->valuestring;
    }
    if (count == 0) return fail(err, KW_BAD_FIELD, at, name, "must not be empty");
    *n = count;
    return KW_OK;
}

/* "HH:MM" → minutes; `until` also accepts "24:00". */
static bool parse_hhmm(const char *s, bool until, uint16_t *out) {
    if (strlen(s) != 5 || s[2] != ':') return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return false;
    unsigned h = (unsigned)(s[0] - '0') * 10u + (unsigned)(s[1] - '0');
    unsigned m = (unsigned)(s[3] - '0') * 10u + (unsigned)(s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && (!until || m != 0))) return false;
    *out = (uint16_t)(h * 60u + m);
    return true;
}

/* "YYYY-MM-DD" → day number. */
static bool parse_date(const char *s, kw_date *out) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    int32_t v[3] = { 0, 0, 0 };
    const int at[3] = { 0, 5, 8 }, len[3] = { 4, 2, 2 };
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < len[k]; i++) {
            char c = s[at[k] + i];
            if (c < '0' || c > '9') return false;
            v[k] = v[k] * 10 + (c - '0');
        }
    if (!kw_civil_valid(v[0], (unsigned)v[1], (unsigned)v[2])) return false;
    *out = kw_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
    return true;
}

/* The "from"/"until" pair of a condition part, as strings. */
static kw_err pair(const cJSON *part, const char *at, const char **from, const char **until,
                   kw__jin_error *err) {
    static const char *const fields[] = { "from", "until" };
    kw_err e = kw__jin_fields(part, at, fields, 2, err);
    if (!e) e = kw__jin_string(part, at, "from", true, 64, from, NULL, err);
    if (!e) e = kw__jin_string(part, at, "until", true, 64, until, NULL, err);
    return e;
}

kw_err kw__jin_cond(const cJSON *obj, const char *at, const char *name, bool required, kw_cond *out,
                    kw__jin_error *err) {
    static const char *const parts[] = { "window", "count", "weekdays", "daily", "dates" };
    static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    static const char *const counts[] = { "total", "per_day" };
    const cJSON *c;
    kw_cond k = { 0 };
    kw_err e = member(obj, at, name, required, &c, NULL, err);
    if (e) return e;
    if (!c) { *out = k; return KW_OK; }
    char here[128], sub[128];
    join(here, sizeof here, at, name);
    e = kw__jin_fields(c, here, parts, 5, err);
    if (e) return e;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "window");
    if (p && !cJSON_IsNull(p)) {
        join(sub, sizeof sub, here, "window");
        e = kw__jin_fields(p, sub, (const char *const[]){ "from", "until" }, 2, err);
        if (!e) e = kw__jin_time(p, sub, "from", true, &k.from, NULL, err);
        if (!e) e = kw__jin_time(p, sub, "until", true, &k.until, NULL, err);
        if (e) return e;
        k.flags |= KW_COND_WINDOW;
    }
    p = cJSON_GetObjectItemCaseSensitive(c, "count");
    if (p && !cJSON_IsNull(p)) {
        int64_t v;
        bool has_total = false, has_day = false;
        join(sub, sizeof sub, here, "count");
        e = kw__jin_fields(p, sub, counts, 2, err);
        if (!e) e = kw__jin_int(p, sub, "total", false, 1, UINT32_MAX, &v, &has_total, err);
        if (e) return e;
        if (has_total) { k.flags |= KW_COND_COUNT; k.max_total = (uint32_t)v; }
        e = kw__jin_int(p, sub, "per_day", false, 1, UINT32_MAX, &v, &has_day, err);
        if (e) return e;
        if (has_day) { k.flags |= KW_COND_PER_DAY; k.max_per_day = (uint32_t)v; }
        if (!has_total && !has_day)
            return fail(err, KW_MISSING_FIELD, sub, "total", "give total, per_day or both");
    }
    p = cJSON_GetObjectItemCaseSensitive(c, "weekdays");
    if (p && !cJSON_IsNull(p)) {
        const char *names[7];
        size_t n;
        e = kw__jin_names(c, here, "weekdays", true, true, 7, names, &n, NULL, err);
        if (e) return e;
        for (size_t i = 0; i < n; i++) {
            unsigned d = 0;
            while (d < 7 && strcmp(names[i], days[d]) != 0) d++;
            if (d == 7) return fail(err, KW_BAD_FIELD, here, "weekdays", "days are mon tue wed thu fri sat sun");
            k.weekdays = (uint8_t)(k.weekdays | (1u << d));
        }
        k.flags |= KW_COND_WEEKDAYS;
    }
    p = cJSON_GetObjectItemCaseSensitive(c, "daily");
    if (p && !cJSON_IsNull(p)) {
        const char *from, *until;
        join(sub, sizeof sub, here, "daily");
        e = pair(p, sub, &from, &until, err);
        if (e) return e;
        if (!parse_hhmm(from, false, &k.day_from)) return fail(err, KW_BAD_FIELD, sub, "from", "must be HH:MM");
        if (!parse_hhmm(until, true, &k.day_until)) return fail(err, KW_BAD_FIELD, sub, "until", "must be HH:MM");
        k.flags |= KW_COND_DAILY;
    }
    p = cJSON_GetObjectItemCaseSensitive(c, "dates");
    if (p && !cJSON_IsNull(p)) {
        const char *from, *until;
        join(sub, sizeof sub, here, "dates");
        e = pair(p, sub, &from, &until, err);
        if (e) return e;
        if (!parse_date(from, &k.date_from)) return fail(err, KW_BAD_FIELD, sub, "from", "must be YYYY-MM-DD");
        if (!parse_date(until, &k.date_until)) return fail(err, KW_BAD_FIELD, sub, "until", "must be YYYY-MM-DD");
        k.flags |= KW_COND_DATES;
    }
    e = kw_cond_validate(&k);
    if (e) return fail(err, e, here, NULL, kw_strerror(e));
    *out = k;
    return KW_OK;
}
