/*
 * keyway/model.h — resource types, resources and users of a tenant.
 *
 * A resource type is a template: function keys, a propagation rule for
 * organisations (`up` levels towards the root, `down` levels towards the
 * leaves; -1 = unlimited) and a default usage condition (permanent, window
 * or recurring — never counted). A resource created with a type takes its
 * functions, rule and default condition; a personal resource may instead
 * list its own functions. Every resource has an IANA time zone (default
 * "UTC") in which its conditions are evaluated, and a permission version
 * that grows with every change affecting who may do what on it.
 */
#ifndef KEYWAY_MODEL_H
#define KEYWAY_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyway/engine.h"

typedef struct kw_type_def {
    const char  *id;
    size_t       nfunctions;          /* 1..KW_MAX_FUNCS */
    const char *const *functions;     /* distinct keys */
    size_t       nfree;               /* functions free in every plan */
    const char *const *free_functions;/* subset of functions; may be NULL if nfree == 0 */
    int32_t      up, down;            /* >= -1; -1 = unlimited */
    kw_cond      default_cond;        /* no COUNT / PER_DAY parts */
} kw_type_def;

typedef struct kw_type_info {
    char     id[KW_ID_MAX];
    uint32_t nfunctions;
    char     functions[KW_MAX_FUNCS][KW_KEY_MAX];
    uint64_t free_mask;               /* bit i = functions[i] is free */
    int32_t  up, down;
    kw_cond  default_cond;
    uint64_t nresources;              /* resources currently of this type */
} kw_type_info;

/* Create a resource type (tenant super-admin only: no actor).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_INVAL (up/down < -1, bad counts),
 * KW_TOO_MANY_FUNCTIONS, KW_DUP_FUNCTION, KW_UNKNOWN_FUNCTION (free key not
 * among functions), KW_BAD_COND (counted default), KW_EXISTS, KW_NOMEM. */
kw_err kw_type_create(kw_engine *eng, const char *tenant, const kw_type_def *def, kw_time now);

/* Delete a type no resource or plan uses; its id may then be defined again.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_TYPE, KW_IN_USE. */
kw_err kw_type_delete(kw_engine *eng, const char *tenant, const char *type, kw_time now);

/* Read a type into *out. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_TYPE. */
kw_err kw_type_get(kw_engine *eng, const char *tenant, const char *type, kw_type_info *out);

typedef struct kw_resource_def {
    const char  *id;
    const char  *type;                /* NULL: personal resource with own functions */
    size_t       nfunctions;          /* used when type == NULL: 1..KW_MAX_FUNCS */
    const char *const *functions;
    const char  *tz;                  /* IANA name; NULL = "UTC" */
} kw_resource_def;

typedef struct kw_resource_info {
    char     id[KW_ID_MAX];
    char     type[KW_ID_MAX];         /* "" when untyped */
    char     tz[KW_TZ_NAME_MAX];
    uint32_t nfunctions;
    char     functions[KW_MAX_FUNCS][KW_KEY_MAX];
    char     owner[KW_ID_MAX];        /* "" when unbound or enterprise */
    char     org[KW_ID_MAX];          /* "" for personal resources */
    char     node[KW_ID_MAX];
    uint64_t version;                 /* permission version */
    uint32_t nsharers;
    uint64_t ngrants;
} kw_resource_info;

/* Create a personal resource (tenant super-admin only). It starts unowned.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_TYPE, KW_BAD_TZ,
 * KW_TOO_MANY_FUNCTIONS, KW_DUP_FUNCTION, KW_INVAL (no functions and no
 * type), KW_EXISTS, KW_NOMEM. */
kw_err kw_resource_create(kw_engine *eng, const char *tenant, const kw_resource_def *def, kw_time now);

/* Delete a resource and everything attached to it. Personal resources: the
 * tenant super-admin only. Enterprise resources: the super-admin or an
 * admin with the resource-management power over its node.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE, KW_FORBIDDEN,
 * KW_ORG_DISABLED. */
kw_err kw_resource_delete(kw_engine *eng, const char *tenant, const char *actor,
                          const char *resource, kw_time now);

/* Read a resource into *out. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT,
 * KW_UNKNOWN_RESOURCE. */
kw_err kw_resource_get(kw_engine *eng, const char *tenant, const char *resource,
                       kw_resource_info *out);

/* Users. Personal-level calls accept any well-formed user id; enterprise
 * bindings, admins and assignments need a created user. Creating users
 * needs the super-admin or an admin holding a user-management power
 * somewhere. A batch is all-or-nothing: on failure nothing is created and
 * item_errs[i] (if not NULL, n entries) holds each item's error or KW_OK.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_FORBIDDEN, KW_EXISTS (also for an
 * id repeated in the batch), KW_NOMEM. */
kw_err kw_user_create(kw_engine *eng, const char *tenant, const char *actor,
                      const char *const *users, size_t n, kw_err *item_errs, kw_time now);

/* Delete a user: removes its bindings, admin roles, assignments, sharer
 * roles and usage grants (grants it issued as a sharer go with them).
 * Owned resources become unowned. Super-admin only.
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_USER, KW_FORBIDDEN. */
kw_err kw_user_delete(kw_engine *eng, const char *tenant, const char *actor,
                      const char *user, kw_time now);

/* KW_OK if the user was created, else KW_UNKNOWN_USER (or id errors). */
kw_err kw_user_exists(kw_engine *eng, const char *tenant, const char *user);

#endif
