/*
 * src/api/json_in.h — decoding JSON request bodies at the edge.
 *
 * Every JSON body that reaches Keyway (HTTP API, CLI imports) goes through
 * here once: the raw bytes are checked (size, valid UTF-8, no NUL, nesting
 * depth) before cJSON parses them, and handlers then read fields with typed
 * getters that validate ids, integers, RFC 3339 times and conditions. A
 * handler names the fields each object may have; anything else is refused
 * with the field's name. Errors carry a stable kw_err code, the path of the
 * offending field ("condition.daily.from") and a message, ready for
 * {"error":{"code","message","field"}}.
 *
 * cJSON is used only inside this module and its callers' getters.
 */
#ifndef KEYWAY_API_JSON_IN_H
#define KEYWAY_API_JSON_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "keyway/keyway.h"

#define KW__JIN_MAX_BODY  (1024u * 1024u)   /* larger bodies: KW_TOO_LARGE */
#define KW__JIN_MAX_DEPTH 32u               /* deeper nesting: KW_JSON_TOO_DEEP */

/* Why a body or field was refused. `field` is a dotted path ("" for the
 * body itself); `message` is English for people. */
typedef struct kw__jin_error {
    kw_err code;
    char   field[128];
    char   message[192];
} kw__jin_error;

/* Parse body[0..len) (need not be NUL-terminated). The top level must be an
 * object. On success *root owns the tree (free with cJSON_Delete).
 * Errors: KW_TOO_LARGE, KW_BAD_JSON (syntax, invalid UTF-8, a NUL byte or
 * \u0000, not an object), KW_JSON_TOO_DEEP, KW_NOMEM; `err` (may be NULL)
 * is filled on failure. */
kw_err kw__jin_parse(const char *body, size_t len, cJSON **root, kw__jin_error *err);

/* Refuse fields of object `obj` (at path `at`) that are not in
 * allowed[0..n), and keys that appear twice.
 * Errors: KW_UNKNOWN_FIELD (path of the first such field), KW_BAD_FIELD
 * (duplicate key, or obj is not an object). */
kw_err kw__jin_fields(const cJSON *obj, const char *at, const char *const *allowed, size_t n,
                      kw__jin_error *err);

/* Typed getters for member `name` of object `obj` at path `at`. With
 * `required` false a missing (or null) member leaves *out untouched and
 * returns KW_OK with *present (may be NULL) false.
 * Errors: KW_MISSING_FIELD, KW_BAD_FIELD (wrong type, out of range, bad
 * syntax), KW_BAD_ID (ids/keys), KW_BAD_TIME (times). */
kw_err kw__jin_string(const cJSON *obj, const char *at, const char *name, bool required,
                      size_t maxlen, const char **out, bool *present, kw__jin_error *err);
kw_err kw__jin_id(const cJSON *obj, const char *at, const char *name, bool required,
                  const char **out, bool *present, kw__jin_error *err);
kw_err kw__jin_int(const cJSON *obj, const char *at, const char *name, bool required,
                   int64_t min, int64_t max, int64_t *out, bool *present, kw__jin_error *err);
kw_err kw__jin_bool(const cJSON *obj, const char *at, const char *name, bool required,
                    bool *out, bool *present, kw__jin_error *err);
kw_err kw__jin_time(const cJSON *obj, const char *at, const char *name, bool required,
                    kw_time *out, bool *present, kw__jin_error *err);

/* An array member of ids (keys = false) or function keys (keys = true):
 * 1..max distinct strings. `out` must hold `max` pointers (into the tree);
 * *n receives the count. Distinctness is checked pairwise (O(max²)): keep
 * max to what one request may carry (a few thousand). */
kw_err kw__jin_names(const cJSON *obj, const char *at, const char *name, bool required,
                     bool keys, size_t max, const char **out, size_t *n, bool *present,
                     kw__jin_error *err);

/* A condition object:
 *   { "window":   { "from": RFC 3339, "until": RFC 3339 },
 *     "count":    { "total": 1.., "per_day": 1.. },          (either or both)
 *     "weekdays": [ "mon" … "sun" ],
 *     "daily":    { "from": "HH:MM", "until": "HH:MM" },     (until may be "24:00")
 *     "dates":    { "from": "YYYY-MM-DD", "until": "YYYY-MM-DD" } }
 * Every part optional; {} is permanent. Validated with kw_cond_validate.
 * A missing member with required == false yields a permanent condition. */
kw_err kw__jin_cond(const cJSON *obj, const char *at, const char *name, bool required,
                    kw_cond *out, kw__jin_error *err);

#endif
