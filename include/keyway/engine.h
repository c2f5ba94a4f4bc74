/*
 * keyway/engine.h — the permission engine handle, its life cycle, its
 * locking model and its change hook.
 *
 * All engine state lives in a kw_engine; the library has no globals and does
 * no I/O (time zones arrive through a loader callback, time through the
 * `now` argument of every call that needs it).
 *
 * Strings. Every id (tenant, resource, type, user, org, node, plan) is
 * 1..KW_ID_MAX-1 bytes of [A-Za-z0-9_.:@+-]; function keys are
 * 1..KW_KEY_MAX-1 bytes of the same set. Anything else is KW_BAD_ID. The
 * engine copies every string it keeps; callers keep ownership of theirs.
 *
 * Actors. Management calls take `actor`: the end user acting, or NULL for
 * the tenant super-admin (the tenant's API key with no user). The engine
 * decides whether the actor may do what it asks (KW_FORBIDDEN otherwise).
 *
 * Locking model. One engine may be used from any number of threads.
 *  - A reader/writer lock guards the model. Checks, queries and getters take
 *    it shared; every management mutation takes it exclusive. Readers count
 *    themselves on per-thread-hashed cache lines, so concurrent decisions do
 *    not contend; a waiting writer holds new readers back (no starvation).
 *  - kw_use takes the model lock shared and consumes counts under the
 *    grant's own one-byte lock, re-validating the counters after taking it,
 *    so a grant of N uses is consumed exactly N times however many threads
 *    race. A use carrying an idempotency key additionally holds
 *    the key's stripe of the idempotency table for the whole decision, so
 *    concurrent retries of one key consume at most once.
 *  - The change hook is called with the model lock held (exclusive for
 *    mutations, shared for consumption); it must not call back into the
 *    engine. Consumption records may therefore arrive from several threads
 *    at once; `seq` orders all records totally.
 */
#ifndef KEYWAY_ENGINE_H
#define KEYWAY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyway/cond.h"
#include "keyway/error.h"
#include "keyway/tz.h"

#define KW_ID_MAX     128   /* buffer size for an id, NUL included */
#define KW_KEY_MAX    64    /* buffer size for a function key, NUL included */
#define KW_MAX_FUNCS  64    /* functions per resource type / resource */

typedef struct kw_engine kw_engine;

/* True if `s` is a well-formed id (1..KW_ID_MAX-1 bytes of
 * [A-Za-z0-9_.:@+-]); the check every call makes, for edges to reuse. */
bool kw_id_valid(const char *s);
/* True if `s` is a well-formed function key (1..KW_KEY_MAX-1 bytes, same set). */
bool kw_key_valid(const char *s);

/* What a change record describes. Values are stable (stored by the store). */
typedef enum kw_change_kind {
    KW_CH_TENANT_CREATE = 1, KW_CH_TENANT_DELETE,
    KW_CH_TYPE_CREATE, KW_CH_TYPE_DELETE,
    KW_CH_RESOURCE_CREATE, KW_CH_RESOURCE_DELETE,
    KW_CH_USER_CREATE, KW_CH_USER_DELETE,
    KW_CH_BIND, KW_CH_UNBIND,
    KW_CH_SHARER_PUT, KW_CH_SHARER_ENABLE, KW_CH_SHARER_DISABLE, KW_CH_SHARER_DELETE,
    KW_CH_GRANT_CREATE, KW_CH_GRANT_MODIFY, KW_CH_GRANT_ENABLE, KW_CH_GRANT_DISABLE,
    KW_CH_GRANT_DELETE,
    KW_CH_CONSUME,
    KW_CH_ORG_CREATE, KW_CH_ORG_ENABLE, KW_CH_ORG_DISABLE, KW_CH_ORG_DELETE,
    KW_CH_NODE_CREATE, KW_CH_NODE_DELETE, KW_CH_NODE_MOVE, KW_CH_NODE_ENABLE,
    KW_CH_NODE_DISABLE,
    KW_CH_MEMBER_BIND, KW_CH_MEMBER_UNBIND,
    KW_CH_ADMIN_PUT, KW_CH_ADMIN_DELETE,
    KW_CH_PLAN_PUT, KW_CH_ORG_SET_PLAN, KW_CH_ASSIGN
} kw_change_kind;

/* Name of a change kind ("grant_create"); "unknown" for bad values. */
const char *kw_change_kind_name(kw_change_kind k);

/* One change record. Every pointer is valid only during the callback.
 * `resources[i]` is a resource whose permission version changed to
 * `versions[i]` (a superset of the truly affected resources is allowed;
 * never a subset). For KW_CH_CONSUME no version changes (counts are
 * runtime state, not policy): nresources is 1 and versions[0] is the
 * resource's current version. If the engine could not list the affected
 * resources (out of memory), `all_resources` is true, nresources is 0 and
 * every resource of the tenant got a new version. */
typedef struct kw_change {
    uint64_t       seq;        /* strictly increasing over the engine's life */
    kw_change_kind kind;
    kw_time        at;         /* the `now` of the call */
    const char    *tenant;
    const char    *actor;      /* NULL = tenant super-admin */
    const char    *object;     /* main object id (resource, org, node, user…) or NULL */
    const char    *subject;    /* second id (user of a sharer/binding/admin) or NULL */
    uint64_t       grant_id;   /* grant concerned, 0 if none */
    size_t         nresources;
    const char *const *resources;
    const uint64_t    *versions;
    bool           all_resources;  /* every resource of the tenant changed */
} kw_change;

typedef void (*kw_change_fn)(void *ctx, const kw_change *change);

typedef struct kw_engine_config {
    kw_tz_loader tz_load;     /* NULL: only "UTC" is known */
    void        *tz_ctx;
    kw_change_fn on_change;   /* NULL: no hook */
    void        *change_ctx;
} kw_engine_config;

/* Create an engine. `cfg` may be NULL (UTC only, no hook); it is copied.
 * Errors: KW_INVAL (out NULL), KW_NOMEM. */
kw_err kw_engine_new(const kw_engine_config *cfg, kw_engine **out);

/* Destroy an engine and everything it holds. NULL is a no-op. No other call
 * may be running on it. */
void kw_engine_free(kw_engine *eng);

/* Bytes of heap the engine holds now (its own accounting of every
 * allocation it made, including hash-table slack). */
size_t kw_engine_memory(const kw_engine *eng);

/* ---------------------------------------------------------------- tenants */

/* Create tenant `tenant`. Errors: KW_BAD_ID, KW_EXISTS, KW_NOMEM. */
kw_err kw_tenant_create(kw_engine *eng, const char *tenant, kw_time now);

/* Delete a tenant and every object it owns (tenant data deletion).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT. */
kw_err kw_tenant_delete(kw_engine *eng, const char *tenant, kw_time now);

/* KW_OK if the tenant exists, else KW_UNKNOWN_TENANT or KW_BAD_ID. */
kw_err kw_tenant_exists(kw_engine *eng, const char *tenant);

#endif
