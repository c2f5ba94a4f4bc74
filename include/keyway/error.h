/*
 * keyway/error.h — error codes returned by every Keyway call.
 *
 * Every fallible function returns a kw_err. KW_OK is zero; every other value
 * names one failure. Each code has a stable snake_case name (used in JSON
 * error bodies, CLI output and audit records — never renamed), the HTTP
 * status a server should answer with, and a short English message.
 */
#ifndef KEYWAY_ERROR_H
#define KEYWAY_ERROR_H

/* X(NAME, "code", http_status, "message") */
#define KW_ERRORS(X)                                                              \
    X(OK,                   "ok",                    200, "success")              \
    X(NOMEM,                "out_of_memory",         503, "out of memory")        \
    X(INVAL,                "invalid_argument",      400, "invalid argument")     \
    X(BAD_ID,               "invalid_id",            400, "id is empty, too long or has characters outside [A-Za-z0-9_.:@+-]") \
    X(BAD_COND,             "invalid_condition",     400, "condition is malformed") \
    X(BAD_TIME,             "invalid_time",          400, "time is out of range or not minute-aligned") \
    X(BAD_TZ,               "invalid_time_zone",     400, "unknown or malformed time zone") \
    X(BAD_CURSOR,           "invalid_cursor",        400, "cursor is malformed or belongs to another query") \
    X(BAD_LIMIT,            "invalid_limit",         400, "limit must be between 1 and 1000") \
    X(TOO_MANY_FUNCTIONS,   "too_many_functions",    400, "a resource has at most 64 functions") \
    X(DUP_FUNCTION,         "duplicate_function",    400, "function key listed twice") \
    X(UNKNOWN_TENANT,       "unknown_tenant",        404, "no such tenant")       \
    X(UNKNOWN_TYPE,         "unknown_resource_type", 404, "no such resource type") \
    X(UNKNOWN_RESOURCE,     "unknown_resource",      404, "no such resource")     \
    X(UNKNOWN_FUNCTION,     "unknown_function",      404, "no such function on this resource") \
    X(UNKNOWN_USER,         "unknown_user",          404, "no such user")         \
    X(UNKNOWN_SHARER,       "unknown_sharer",        404, "user is not a sharer of this resource") \
    X(UNKNOWN_GRANT,        "unknown_grant",         404, "no such grant")        \
    X(UNKNOWN_ORG,          "unknown_org",           404, "no such organisation") \
    X(UNKNOWN_NODE,         "unknown_node",          404, "no such node")         \
    X(UNKNOWN_BINDING,      "unknown_binding",       404, "no such binding")      \
    X(UNKNOWN_ADMIN,        "unknown_admin",         404, "no such admin")        \
    X(UNKNOWN_PLAN,         "unknown_plan",          404, "no such plan")         \
    X(EXISTS,               "already_exists",        409, "an object with this id already exists") \
    X(ALREADY_OWNED,        "already_owned",         409, "resource already has an owner") \
    X(NOT_BOUND,            "not_bound",             409, "resource has no owner") \
    X(ENTERPRISE_RESOURCE,  "enterprise_resource",   409, "resource belongs to an organisation and cannot be bound") \
    X(PERSONAL_RESOURCE,    "personal_resource",     409, "resource is not registered in an organisation") \
    X(CYCLE,                "cycle",                 409, "move would create a cycle") \
    X(ROOT_NODE,            "root_node",             409, "the root node is the organisation itself") \
    X(IN_USE,               "in_use",                409, "object is still referenced") \
    X(FORBIDDEN,            "forbidden",             403, "actor may not do this") \
    X(FUNCTION_NOT_HELD,    "function_not_held",     403, "actor does not hold every function it tries to give") \
    X(ORG_DISABLED,         "org_disabled",          409, "organisation is disabled and read-only") \
    X(IDEMPOTENCY_MISMATCH, "idempotency_mismatch",  422, "idempotency key was used with a different request") \
    X(LIMIT,                "limit_exceeded",        422, "an engine capacity limit was reached") \
    X(BAD_JSON,             "invalid_json",          400, "request body is not valid JSON (UTF-8, no NUL)") \
    X(JSON_TOO_DEEP,        "json_too_deep",         400, "JSON nested deeper than 32 levels") \
    X(TOO_LARGE,            "payload_too_large",     413, "request body is larger than 1 MiB") \
    X(UNKNOWN_FIELD,        "unknown_field",         422, "request has a field this route does not take") \
    X(MISSING_FIELD,        "missing_field",         400, "a required field is missing") \
    X(BAD_FIELD,            "invalid_field",         400, "a field has the wrong type or value")

typedef enum kw_err {
#define KW__ERR_ENUM(name, code, http, msg) KW_##name,
    KW_ERRORS(KW__ERR_ENUM)
#undef KW__ERR_ENUM
    KW__ERR_COUNT
} kw_err;

/* Stable machine code of `e` ("unknown_grant"). Never NULL: unknown values
 * give "unknown_error". The string is static. */
const char *kw_err_code(kw_err e);

/* Human-readable message for `e`. Never NULL; static storage. */
const char *kw_strerror(kw_err e);

/* HTTP status a server should answer `e` with (500 for unknown values). */
int kw_err_http_status(kw_err e);

#endif
