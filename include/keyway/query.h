/*
 * keyway/query.h — reverse queries, complete and cursor-paginated.
 *
 * Every list answers at most `limit` items (1..1000) that follow `cursor`
 * (NULL or "" = from the start) in a stable order, and writes into
 * `next_cursor` (a buffer of KW_CURSOR_MAX bytes) the cursor of the next
 * page, or "" when the list is complete. A cursor is bound to its tenant and
 * query: reusing it with another tenant or other query arguments fails with
 * KW_BAD_CURSOR. Lists are never silently truncated: paging until
 * next_cursor is "" yields every item exactly once when nothing changes in
 * between (items added or removed meanwhile appear at most once).
 *
 * "Can use" is decided exactly as kw_check would decide at `now`.
 */
#ifndef KEYWAY_QUERY_H
#define KEYWAY_QUERY_H

#include "keyway/model.h"
#include "keyway/personal.h"

#define KW_CURSOR_MAX 512

/* Relations through which a user reaches a resource. */
enum {
    KW_ROLE_OWNER      = 1u << 0,
    KW_ROLE_SHARER     = 1u << 1,
    KW_ROLE_USER       = 1u << 2,   /* usage grant */
    KW_ROLE_MEMBER     = 1u << 3,   /* organisation binding */
    KW_ROLE_ADMIN      = 1u << 4,   /* node admin opening power */
    KW_ROLE_ASSIGNEE   = 1u << 5,   /* plan assignment */
    KW_ROLE_ALL        = (1u << 6) - 1u
};

typedef struct kw_user_resource {
    char     resource[KW_ID_MAX];
    uint32_t roles;       /* KW_ROLE_* paths that allow at least one function now */
    uint64_t functions;   /* functions allowed now (bit i = resource function i) */
} kw_user_resource;

/* Resources `user` can use now through any of the relations in `roles`
 * (KW_ROLE_ALL for all), restricted to those where `function` (may be NULL)
 * is allowed. Sorted by resource id. Answers an empty list for an unknown
 * user. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_INVAL (roles 0),
 * KW_BAD_LIMIT, KW_BAD_CURSOR, KW_NOMEM. */
kw_err kw_list_user_resources(kw_engine *eng, const char *tenant, const char *user,
                              uint32_t roles, const char *function, kw_time now,
                              size_t limit, const char *cursor,
                              kw_user_resource *items, size_t *nitems, char *next_cursor);

typedef struct kw_resource_user {
    char     user[KW_ID_MAX];
    uint32_t roles;
    uint64_t functions;
} kw_resource_user;

/* Users who can use `resource` now (for `function` only, when not NULL),
 * sorted by user id. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT,
 * KW_UNKNOWN_RESOURCE, KW_UNKNOWN_FUNCTION, KW_BAD_LIMIT, KW_BAD_CURSOR,
 * KW_NOMEM. */
kw_err kw_list_resource_users(kw_engine *eng, const char *tenant, const char *resource,
                              const char *function, kw_time now,
                              size_t limit, const char *cursor,
                              kw_resource_user *items, size_t *nitems, char *next_cursor);

/* Every usage grant held by `user` (in any state), sorted by grant id, with
 * remaining uses as of `now`. Errors: KW_BAD_ID, KW_UNKNOWN_TENANT,
 * KW_BAD_LIMIT, KW_BAD_CURSOR, KW_NOMEM. */
kw_err kw_list_user_grants(kw_engine *eng, const char *tenant, const char *user,
                           kw_time now, size_t limit, const char *cursor,
                           kw_grant_info *items, size_t *nitems, char *next_cursor);

/* Every usage grant on `resource`, sorted by grant id (for owners and
 * sharers listing the users of their resource and their grants).
 * Errors: KW_BAD_ID, KW_UNKNOWN_TENANT, KW_UNKNOWN_RESOURCE, KW_BAD_LIMIT,
 * KW_BAD_CURSOR, KW_NOMEM. */
kw_err kw_list_resource_grants(kw_engine *eng, const char *tenant, const char *resource,
                               kw_time now, size_t limit, const char *cursor,
                               kw_grant_info *items, size_t *nitems, char *next_cursor);

#endif
