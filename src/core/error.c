/*
 * src/core/error.c — names and messages of error, reason and change codes.
 */
#include "core/internal.h"

static const struct { const char *code, *msg; int http; } kw__errs[] = {
#define KW__ERR_ROW(name, code, http, msg) { code, msg, http },
    KW_ERRORS(KW__ERR_ROW)
#undef KW__ERR_ROW
};

const char *kw_err_code(kw_err e) {
    return (unsigned)e < KW__ERR_COUNT ? kw__errs[e].code : "unknown_error";
}

const char *kw_strerror(kw_err e) {
    return (unsigned)e < KW__ERR_COUNT ? kw__errs[e].msg : "unknown error";
}

int kw_err_http_status(kw_err e) {
    return (unsigned)e < KW__ERR_COUNT ? kw__errs[e].http : 500;
}

static const char *const kw__reasons[] = {
#define KW__REASON_ROW(name, code) code,
    KW_REASONS(KW__REASON_ROW)
#undef KW__REASON_ROW
};

const char *kw_reason_code(kw_reason r) {
    return (unsigned)r < KW__REASON_COUNT ? kw__reasons[r] : "unknown";
}

int kw_reason_allows(kw_reason r) {
    return r >= KW_R_ALLOWED_OWNER && r <= KW_R_ALLOWED_ASSIGNMENT;
}

const char *kw_change_kind_name(kw_change_kind k) {
    static const char *const names[] = {
        "", "tenant_create", "tenant_delete", "type_create", "type_delete",
        "resource_create", "resource_delete", "user_create", "user_delete",
        "bind", "unbind", "sharer_put", "sharer_enable", "sharer_disable", "sharer_delete",
        "grant_create", "grant_modify", "grant_enable", "grant_disable", "grant_delete",
        "consume", "org_create", "org_enable", "org_disable", "org_delete",
        "node_create", "node_delete", "node_move", "node_enable", "node_disable",
        "member_bind", "member_unbind", "admin_put", "admin_delete",
        "plan_put", "org_set_plan", "assign"
    };
    if ((unsigned)k == 0 || (unsigned)k >= sizeof names / sizeof names[0]) return "unknown";
    return names[k];
}
