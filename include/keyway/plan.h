/*
 * keyway/plan.h — plans (service tiers) for virtual resources, employee
 * function assignments and per-employee usage counts (the ERP scenario).
 *
 * A plan is a set of functions of one resource type. An organisation may be
 * on one plan per type; then every path to a function of a resource of that
 * type in the organisation (admin, binding, grant, assignment) also needs
 * the function to be in the plan or marked free in the type. Changing a
 * plan or an organisation's plan takes effect on the next decision.
 *
 * An assignment gives a created user functions of one enterprise resource;
 * it is an uncounted path, valid while the organisation and the resource's
 * node are enabled. Every allowed use of an enterprise resource is counted
 * per (user, function, local day of the resource) for usage reports.
 */
#ifndef KEYWAY_PLAN_H
#define KEYWAY_PLAN_H

#include "keyway/model.h"

/* Create or replace plan `plan` over type `type` with functions
 * functions[0..n) (n may be 0: only free functions). Super-admin only.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_TYPE,
 * KW_UNKNOWN_FUNCTION, KW_DUP_FUNCTION, KW_INVAL (other type than the
 * existing plan's), KW_FORBIDDEN, KW_NOMEM. */
kw_err kw_plan_put(kw_engine *eng, const char *tenant, const char *actor,
                   const char *plan, const char *type,
                   const char *const *functions, size_t n, kw_time now);

typedef struct kw_plan_info {
    char     id[KW_ID_MAX];
    char     type[KW_ID_MAX];
    uint64_t functions;               /* bit i = type function i */
    uint32_t norgs;                   /* organisations on this plan */
} kw_plan_info;

/* Read a plan. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_PLAN. */
kw_err kw_plan_get(kw_engine *eng, const char *tenant, const char *plan, kw_plan_info *out);

/* Put organisation `org` on `plan` (replacing its plan for that type), or,
 * with plan == NULL, remove its plan for `type` (then `type` is required;
 * otherwise it is ignored). Super-admin only.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_ORG, KW_UNKNOWN_PLAN,
 * KW_UNKNOWN_TYPE, KW_FORBIDDEN, KW_NOMEM. */
kw_err kw_org_set_plan(kw_engine *eng, const char *tenant, const char *actor,
                       const char *org, const char *plan, const char *type, kw_time now);

/* Assign functions[0..n) of enterprise resource `resource` to created user
 * `user`, replacing any earlier assignment (n == 0 removes it). Actor: NULL
 * or an admin with the user-management action over the resource's node.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE,
 * KW_PERSONAL_RESOURCE, KW_UNKNOWN_USER, KW_UNKNOWN_FUNCTION,
 * KW_DUP_FUNCTION, KW_FORBIDDEN, KW_ORG_DISABLED, KW_NOMEM. */
kw_err kw_assign(kw_engine *eng, const char *tenant, const char *actor,
                 const char *resource, const char *user,
                 const char *const *functions, size_t n, kw_time now);

typedef struct kw_usage_row {
    char     user[KW_ID_MAX];
    char     resource[KW_ID_MAX];
    char     function[KW_KEY_MAX];
    kw_date  day;
    uint64_t uses;
} kw_usage_row;

/* Usage of organisation `org` on local days [day_from, day_until], sorted
 * by (user, resource, function, day), paginated: at most `limit` rows
 * (1..1000) after `cursor` (NULL or "" = start); `next_cursor`
 * (KW_CURSOR_MAX bytes) receives the cursor of the next page or "" at the
 * end. `user` (may be NULL) restricts to one employee. Actor: NULL or an
 * admin of the org's root node holding OWN_USERS.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_ORG, KW_BAD_LIMIT,
 * KW_BAD_CURSOR, KW_INVAL, KW_FORBIDDEN, KW_NOMEM. */
kw_err kw_usage_query(kw_engine *eng, const char *tenant, const char *actor,
                      const char *org, const char *user, kw_date day_from, kw_date day_until,
                      size_t limit, const char *cursor, kw_usage_row *rows, size_t *nrows,
                      char *next_cursor, kw_time now);

#endif
