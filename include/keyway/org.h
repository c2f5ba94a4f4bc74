/*
 * keyway/org.h — the enterprise level: organisation trees, resources
 * registered at nodes, user bindings, node admins.
 *
 * An organisation is a strict tree; its root node has the organisation's id
 * (node ids are unique per tenant). The tenant super-admin (actor NULL)
 * creates, enables, disables and deletes organisations; a disabled
 * organisation is read-only (every management write on it fails with
 * KW_ORG_DISABLED, every access is denied, reads work) and only the tenant
 * may enable or delete it. Disabling a node disables its whole subtree.
 *
 * Admin powers. An admin of node N acts within N's subtree only:
 *   OPEN_OWN        open resources registered at N           (default)
 *   OPEN_LOWER      open resources of every node below N      (default)
 *   OWN_RESOURCES   register/delete/grant on resources at N
 *   OWN_USERS       bind/unbind users at N
 *   ADMINS          manage admins of N and of every node below
 *   LOWER_NODES     add, delete, enable, disable, move nodes below N
 *   LOWER_USERS     bind/unbind users at nodes below N
 *   LOWER_RESOURCES register/delete/grant on resources below N
 *   OFFLINE_OPEN    be listed in devices' offline permission files
 * An admin's optional condition governs all its powers. An admin's opening
 * is not limited by the resource type's default condition nor by its
 * propagation rule; its subtree is its reach. Admins need no binding.
 */
#ifndef KEYWAY_ORG_H
#define KEYWAY_ORG_H

#include <stdbool.h>

#include "keyway/model.h"

enum {
    KW_POW_OPEN_OWN        = 1u << 0,
    KW_POW_OPEN_LOWER      = 1u << 1,
    KW_POW_OWN_RESOURCES   = 1u << 2,
    KW_POW_OWN_USERS       = 1u << 3,
    KW_POW_ADMINS          = 1u << 4,
    KW_POW_LOWER_NODES     = 1u << 5,
    KW_POW_LOWER_USERS     = 1u << 6,
    KW_POW_LOWER_RESOURCES = 1u << 7,
    KW_POW_OFFLINE_OPEN    = 1u << 8,
    KW_POW_ALL             = (1u << 9) - 1u,
    KW_POW_DEFAULT         = KW_POW_OPEN_OWN | KW_POW_OPEN_LOWER
};

/* Create an organisation (its root node has id `org`). Super-admin only.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_FORBIDDEN, KW_EXISTS (org or node
 * id taken), KW_NOMEM. */
kw_err kw_org_create(kw_engine *eng, const char *tenant, const char *actor,
                     const char *org, kw_time now);

/* Enable/disable an organisation. Super-admin only.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_ORG, KW_FORBIDDEN. */
kw_err kw_org_set_enabled(kw_engine *eng, const char *tenant, const char *actor,
                          const char *org, bool enabled, kw_time now);

/* Delete an organisation (enabled or not) with all its nodes, resources,
 * bindings, admins and assignments. Super-admin only. Errors: as above. */
kw_err kw_org_delete(kw_engine *eng, const char *tenant, const char *actor,
                     const char *org, kw_time now);

/* Add node `node` under `parent` (any node of an enabled organisation).
 * Actor: NULL or an admin with LOWER_NODES at `parent` or above.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE, KW_EXISTS,
 * KW_FORBIDDEN, KW_ORG_DISABLED, KW_NOMEM. */
kw_err kw_node_create(kw_engine *eng, const char *tenant, const char *actor,
                      const char *parent, const char *node, kw_time now);

/* Delete a non-root node and its subtree (resources, bindings, admins
 * there). Actor: NULL or an admin with LOWER_NODES strictly above it.
 * Errors: …, KW_ROOT_NODE, KW_FORBIDDEN, KW_ORG_DISABLED. */
kw_err kw_node_delete(kw_engine *eng, const char *tenant, const char *actor,
                      const char *node, kw_time now);

/* Move a non-root node (with its subtree) under `new_parent` in the same
 * organisation. Actor: NULL or an admin with LOWER_NODES strictly above the
 * node and at or above the new parent.
 * Errors: …, KW_CYCLE (new parent inside the subtree), KW_ROOT_NODE,
 * KW_INVAL (other organisation), KW_FORBIDDEN, KW_ORG_DISABLED. */
kw_err kw_node_move(kw_engine *eng, const char *tenant, const char *actor,
                    const char *node, const char *new_parent, kw_time now);

/* Enable/disable a non-root node (disabling covers its subtree). Actor: NULL
 * or an admin with LOWER_NODES strictly above it. Errors: as kw_node_delete. */
kw_err kw_node_set_enabled(kw_engine *eng, const char *tenant, const char *actor,
                           const char *node, bool enabled, kw_time now);

typedef struct kw_node_info {
    char     id[KW_ID_MAX];
    char     org[KW_ID_MAX];
    char     parent[KW_ID_MAX];        /* "" for the root */
    bool     enabled;                  /* this node's own flag */
    bool     effective;                /* org and every ancestor enabled too */
    uint32_t depth;                    /* root = 0 */
    uint32_t nchildren, nresources, nbindings, nadmins;
} kw_node_info;

/* Read a node (the org's root when `node` is an org id).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE. */
kw_err kw_node_get(kw_engine *eng, const char *tenant, const char *node, kw_node_info *out);

/* Register resources defs[0..n) (each needs a type) at `node`.
 * All-or-nothing with a per-item report in item_errs (n entries, may be
 * NULL). Actor: NULL, an admin with OWN_RESOURCES at `node`, or one with
 * LOWER_RESOURCES strictly above it.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE, KW_UNKNOWN_TYPE,
 * KW_INVAL (no type, n == 0), KW_BAD_TZ, KW_EXISTS, KW_FORBIDDEN,
 * KW_ORG_DISABLED, KW_NOMEM. */
kw_err kw_resource_register(kw_engine *eng, const char *tenant, const char *actor,
                            const char *node, const kw_resource_def *defs, size_t n,
                            kw_err *item_errs, kw_time now);

/* Bind a created user to a node for the period [from, until) (0 = open
 * end on either side) under an optional extra condition (NULL = none;
 * counted parts are refused). Rebinding the same user at the same node
 * replaces period and condition. Actor: NULL, an admin with OWN_USERS at
 * `node`, or one with LOWER_USERS strictly above it.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE, KW_UNKNOWN_USER,
 * KW_BAD_TIME (until <= from), KW_BAD_COND, KW_FORBIDDEN, KW_ORG_DISABLED,
 * KW_NOMEM. */
kw_err kw_member_bind(kw_engine *eng, const char *tenant, const char *actor,
                      const char *node, const char *user, kw_time from, kw_time until,
                      const kw_cond *cond, kw_time now);

/* Remove a user's binding at a node. Actor as kw_member_bind.
 * Errors: …, KW_UNKNOWN_BINDING. */
kw_err kw_member_unbind(kw_engine *eng, const char *tenant, const char *actor,
                        const char *node, const char *user, kw_time now);

typedef struct kw_binding_info {
    char    node[KW_ID_MAX];
    char    user[KW_ID_MAX];
    kw_time from, until;               /* 0 = open */
    bool    has_cond;
    kw_cond cond;
} kw_binding_info;

/* Read one binding. Errors: …, KW_UNKNOWN_BINDING. */
kw_err kw_member_get(kw_engine *eng, const char *tenant, const char *node,
                     const char *user, kw_binding_info *out);

/* Make a created user an admin of `node` with `powers` (KW_POW_*; pass
 * KW_POW_DEFAULT for the default) under an optional condition (NULL =
 * always; counted parts refused), or replace them if it is one already.
 * Actor: NULL or an admin with ADMINS at `node` or above who holds every
 * power it gives. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE,
 * KW_UNKNOWN_USER, KW_INVAL (unknown power bits), KW_BAD_COND, KW_FORBIDDEN,
 * KW_ORG_DISABLED, KW_NOMEM. */
kw_err kw_admin_put(kw_engine *eng, const char *tenant, const char *actor,
                    const char *node, const char *user, uint32_t powers,
                    const kw_cond *cond, kw_time now);

/* Remove an admin. Actor: NULL or an admin with ADMINS at `node` or above.
 * Errors: …, KW_UNKNOWN_ADMIN. */
kw_err kw_admin_delete(kw_engine *eng, const char *tenant, const char *actor,
                       const char *node, const char *user, kw_time now);

typedef struct kw_admin_info {
    char     node[KW_ID_MAX];
    char     user[KW_ID_MAX];
    uint32_t powers;
    bool     has_cond;
    kw_cond  cond;
} kw_admin_info;

/* Read one admin. Errors: …, KW_UNKNOWN_ADMIN. */
kw_err kw_admin_get(kw_engine *eng, const char *tenant, const char *node,
                    const char *user, kw_admin_info *out);

/* Management actions on a node, as the engine authorises them. */
typedef enum kw_org_action {
    KW_ACT_OPEN = 1,          /* OPEN_OWN at the node or OPEN_LOWER above it */
    KW_ACT_RESOURCES,         /* OWN_RESOURCES at it or LOWER_RESOURCES above */
    KW_ACT_USERS,             /* OWN_USERS at it or LOWER_USERS above */
    KW_ACT_NODES,             /* LOWER_NODES strictly above it */
    KW_ACT_ADMINS             /* ADMINS at it or above */
} kw_org_action;

/* KW_OK if `actor` may perform `action` on `node` at `now` (see the power
 * table above; the admin's condition must hold and the organisation be
 * enabled — a disabled organisation gives KW_ORG_DISABLED). NULL actor is
 * the super-admin and may do everything in an enabled organisation. Lets
 * other layers ask the engine the same question it asks itself.
 * Errors: KW_BAD_ID, KW_INVAL, KW_UNKNOWN_TENANT, KW_UNKNOWN_NODE,
 * KW_FORBIDDEN, KW_ORG_DISABLED. */
kw_err kw_admin_may(kw_engine *eng, const char *tenant, const char *actor,
                    const char *node, kw_org_action action, kw_time now);

#endif
