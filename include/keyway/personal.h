/*
 * keyway/personal.h — the personal level: owners, sharers, usage grants.
 *
 * The first user to bind an unowned personal resource becomes its owner and
 * holds every function. The owner makes sharers (managers) by giving each a
 * subset of functions. Owner and enabled sharers give ordinary users usage
 * grants within their own functions under a condition.
 *
 * A grant issued by a sharer is derived: it applies only while its issuer is
 * an enabled sharer still holding the granted functions (a grant issued by
 * the owner or the super-admin needs nothing more). Disabling a sharer
 * suspends its grants; narrowing its functions suspends the grants for the
 * removed functions; deleting it deletes the grants it issued.
 *
 * Grant ids are assigned by the engine, increasing per tenant, starting at 1.
 * The owner and every enabled sharer may modify, enable, disable and delete
 * any usage grant on the resource whose functions they all hold; so may the
 * super-admin. Grants on enterprise resources are issued by the super-admin
 * or by admins with the resource-management power over the resource's node.
 */
#ifndef KEYWAY_PERSONAL_H
#define KEYWAY_PERSONAL_H

#include <stdbool.h>

#include "keyway/model.h"

/* Make `user` the owner of the unowned personal resource `resource`. The
 * actor must be `user` itself or NULL (super-admin binding on its behalf).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE,
 * KW_ENTERPRISE_RESOURCE, KW_ALREADY_OWNED, KW_FORBIDDEN, KW_NOMEM. */
kw_err kw_bind(kw_engine *eng, const char *tenant, const char *actor,
               const char *resource, const char *user, kw_time now);

/* Remove the owner and every relation on the resource: sharers, usage
 * grants and their counters. Actor: the owner or NULL.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE, KW_NOT_BOUND,
 * KW_ENTERPRISE_RESOURCE, KW_FORBIDDEN. */
kw_err kw_unbind(kw_engine *eng, const char *tenant, const char *actor,
                 const char *resource, kw_time now);

/* Make `user` a sharer with functions `functions[0..n)` or, if it is one
 * already, replace its function set (narrowing suspends grants it issued for
 * the removed functions; widening revives them). A new sharer starts
 * enabled. Actor: the owner or NULL. The owner cannot be a sharer.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE, KW_NOT_BOUND,
 * KW_UNKNOWN_FUNCTION, KW_DUP_FUNCTION, KW_INVAL (n == 0 or user is the
 * owner), KW_FORBIDDEN, KW_NOMEM. */
kw_err kw_sharer_put(kw_engine *eng, const char *tenant, const char *actor,
                     const char *resource, const char *user,
                     const char *const *functions, size_t n, kw_time now);

/* Enable or disable a sharer. Errors: as kw_sharer_put, KW_UNKNOWN_SHARER. */
kw_err kw_sharer_set_enabled(kw_engine *eng, const char *tenant, const char *actor,
                             const char *resource, const char *user, bool enabled,
                             kw_time now);

/* Delete a sharer and every grant it issued. Errors: as above. */
kw_err kw_sharer_delete(kw_engine *eng, const char *tenant, const char *actor,
                        const char *resource, const char *user, kw_time now);

typedef struct kw_sharer_info {
    char     user[KW_ID_MAX];
    uint64_t functions;               /* bit i = resource function i */
    bool     enabled;
    kw_time  since;
} kw_sharer_info;

/* List the sharers of a resource, sorted by user id, at most `cap` into
 * out[]; *n receives the total number of sharers (may exceed cap).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE. */
kw_err kw_sharer_list(kw_engine *eng, const char *tenant, const char *resource,
                      kw_sharer_info *out, size_t cap, size_t *n);

/* Create one grant per user in users[0..nusers) on `resource` for the given
 * functions under `cond`, issued by `actor`. All-or-nothing: on any error
 * nothing is created and item_errs[i] (if not NULL, nusers entries) says
 * which users failed. On success ids[i] (if not NULL) receives each id.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE,
 * KW_UNKNOWN_FUNCTION, KW_DUP_FUNCTION, KW_BAD_COND, KW_BAD_TIME, KW_INVAL
 * (no users, no functions, NULL cond: pass a zeroed kw_cond for
 * permanent), KW_NOT_BOUND (personal resource without owner),
 * KW_FORBIDDEN (actor is not owner/enabled sharer/super-admin/qualified
 * admin), KW_FUNCTION_NOT_HELD (sharer lacks a function), KW_ORG_DISABLED,
 * KW_NOMEM. */
kw_err kw_grant_create(kw_engine *eng, const char *tenant, const char *actor,
                       const char *resource, const char *const *users, size_t nusers,
                       const char *const *functions, size_t nfunctions,
                       const kw_cond *cond, uint64_t *ids, kw_err *item_errs,
                       kw_time now);

/* What a batch does to each grant. */
typedef enum kw_grant_op {
    KW_GRANT_ENABLE = 1,
    KW_GRANT_DISABLE,
    KW_GRANT_DELETE,
    KW_GRANT_MODIFY      /* replace functions and/or condition; counters kept */
} kw_grant_op;

typedef struct kw_grant_change {
    kw_grant_op  op;
    /* KW_GRANT_MODIFY only: */
    size_t       nfunctions;          /* 0 = keep functions */
    const char *const *functions;
    const kw_cond *cond;              /* NULL = keep condition */
} kw_grant_change;

/* Apply `change` to every grant in ids[0..n), all-or-nothing: every id must
 * exist in the tenant and the actor must be allowed to manage each one (and,
 * for MODIFY, hold the new functions) or nothing changes; item_errs[i] (if
 * not NULL) reports each id. Grants of different resources may be mixed.
 * Errors: KW_INVAL (n == 0, bad op, repeated id), KW_UNKNOWN_GRANT,
 * KW_FORBIDDEN, KW_FUNCTION_NOT_HELD, KW_UNKNOWN_FUNCTION, KW_BAD_COND,
 * KW_BAD_TIME, KW_ORG_DISABLED, KW_NOMEM. */
kw_err kw_grant_batch(kw_engine *eng, const char *tenant, const char *actor,
                      const uint64_t *ids, size_t n, const kw_grant_change *change,
                      kw_err *item_errs, kw_time now);

typedef enum kw_grant_state {
    KW_GRANT_ACTIVE = 1,     /* enabled, issuer valid */
    KW_GRANT_DISABLED,       /* disabled by a manager */
    KW_GRANT_SUSPENDED       /* issuer disabled or no longer holds a function */
} kw_grant_state;

typedef struct kw_grant_info {
    uint64_t id;
    char     resource[KW_ID_MAX];
    char     user[KW_ID_MAX];
    char     issuer[KW_ID_MAX];       /* "" = super-admin */
    uint64_t functions;               /* bit i = resource function i */
    uint64_t effective;               /* functions the issuer still backs */
    kw_cond  cond;
    kw_time  granted_at;
    bool     enabled;
    kw_grant_state state;
    uint32_t used_total;
    uint32_t used_today;              /* uses on the day `today` */
    kw_date  today;                   /* local day of the last use */
    int64_t  remaining;               /* uses left now (min of total and per
                                         day at the `now` given); -1 = uncounted */
} kw_grant_info;

/* Read grant `id` as of `now` (which decides `remaining`).
 * Errors: KW_UNKNOWN_TENANT, KW_UNKNOWN_GRANT, KW_BAD_ID. */
kw_err kw_grant_get(kw_engine *eng, const char *tenant, uint64_t id, kw_time now,
                    kw_grant_info *out);

#endif
