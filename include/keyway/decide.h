/*
 * keyway/decide.h — decisions: check (no side effects) and use (decide,
 * consume and record atomically).
 *
 * Paths to an allow, for user u, resource r, function f, at instant `now`:
 *   owner of r; enabled sharer of r holding f; a usage grant on r for u
 *   covering f whose issuer still backs f and whose condition holds; for an
 *   enterprise resource at node Y in organisation O: an admin of Y or an
 *   ancestor with the opening power (own node / lower nodes) whose condition
 *   holds; a binding of u at node X within the type's propagation (X == Y, X
 *   an ancestor at most `up` levels above Y, or a descendant at most `down`
 *   levels below) whose period, own condition and the type's default
 *   condition hold; an assignment of f to u on r. Enterprise paths also need
 *   O enabled, Y and X (and all their ancestors) enabled, and f within O's
 *   plan (or free) when O has a plan for r's type.
 *
 * Consumption. If any allowing path is uncounted (owner, sharer, admin,
 * binding, assignment, or a grant without count parts) nothing is consumed.
 * Otherwise the counted grant that ends soonest (window `until`, else the end
 * of the last local day of its date range, else never) is consumed; ties go
 * to the one granted first, then the lowest id.
 *
 * Reasons for a deny: the reason of the candidate that the consumption order
 * would pick were all candidates valid (uncounted paths before counted
 * grants); `no_grant` when there is no candidate at all.
 */
#ifndef KEYWAY_DECIDE_H
#define KEYWAY_DECIDE_H

#include <stdbool.h>

#include "keyway/model.h"

typedef struct kw_decision {
    bool      allowed;
    kw_reason reason;
    uint64_t  grant;       /* grant used (or that would be used); 0 if none */
    int64_t   remaining;   /* check: uses left before; use: after; -1 = uncounted/none */
} kw_decision;

/* Decide whether `user` may use `function` on `resource` at `now`; change
 * nothing. Unknown tenant/resource/function are answered as denials with
 * reasons unknown_tenant/unknown_resource/unknown_function (KW_OK returned).
 * Errors: KW_INVAL (NULL out), KW_BAD_ID (malformed id or key), KW_BAD_TIME
 * (`now` outside KW_TIME_MIN..KW_TIME_MAX). */
kw_err kw_check(kw_engine *eng, const char *tenant, const char *user,
                const char *resource, const char *function, kw_time now,
                kw_decision *out);

/* Decide and, if allowed, consume one use following the consumption order,
 * atomically with respect to every other use. `idem_key` (may be NULL) makes
 * the call idempotent per tenant: a repeat with the same key and the same
 * user/resource/function replays the first answer without consuming (even if
 * the grant is exhausted or gone since); with different arguments it fails
 * with KW_IDEMPOTENCY_MISMATCH. Keys are kept at least 24 h after first use.
 * Errors: KW_INVAL, KW_BAD_ID, KW_BAD_TIME (as kw_check), KW_IDEMPOTENCY_MISMATCH,
 * KW_NOMEM. */
kw_err kw_use(kw_engine *eng, const char *tenant, const char *user,
              const char *resource, const char *function, const char *idem_key,
              kw_time now, kw_decision *out);

#endif
