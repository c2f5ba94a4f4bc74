/*
 * src/core/query.c — reverse queries, cursor-paginated.
 *
 * Each query gathers the candidates that could possibly qualify (through
 * the indexes: owned, shared, granted, assigned, administered, bound), sorts
 * them by id, skips past the cursor and then decides each candidate with the
 * same evaluator as kw_check, so a list never disagrees with a check. A
 * cursor carries the last id returned and a hash of tenant and query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

typedef struct named { const char *id; uint32_t idx; } named;

typedef struct nset {
    named   *v;
    size_t   n, cap;
    bool     oom;
    const char *after;   /* candidates <= after are dropped at once */
} nset;

static void nset_add(nset *s, const char *id, uint32_t idx) {
    if (s->oom || (*s->after && strcmp(id, s->after) <= 0)) return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        named *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) { s->oom = true; return; }
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = (named){ id, idx };
}

static int named_cmp(const void *a, const void *b) {
    return strcmp(((const named *)a)->id, ((const named *)b)->id);
}

/* Sort and drop duplicates. */
static void nset_finish(nset *s) {
    if (s->n > 1) qsort(s->v, s->n, sizeof *s->v, named_cmp);
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (m && strcmp(s->v[m - 1].id, s->v[i].id) == 0) continue;
        s->v[m++] = s->v[i];
    }
    s->n = m;
}

static void add_node_res(const kw__tenant *t, nset *s, uint32_t n) {
    const kw__node *nd = &t->nodes[n];
    for (uint32_t k = 0; k < nd->nres; k++) nset_add(s, t->res[nd->res[k]].id, nd->res[k]);
}

static kw_err begin(kw_engine *eng, const char *tenant, size_t limit, const char *cursor,
                    uint64_t qh, char *after, const kw__tenant **t) {
    (void)eng;
    if (limit < 1 || limit > 1000) return KW_BAD_LIMIT;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    *t = kw__tenant_find(eng, tenant);
    if (!*t) return KW_UNKNOWN_TENANT;
    after[0] = '\0';
    if (cursor && *cursor) return kw__cursor_parse(cursor, tenant, qh, after, KW_CURSOR_MAX);
    return KW_OK;
}

kw_err kw_list_user_resources(kw_engine *eng, const char *tenant, const char *user, uint32_t roles,
                              const char *function, kw_time now, size_t limit, const char *cursor,
                              kw_user_resource *items, size_t *nitems, char *next_cursor) {
    if (!eng || !items || !nitems || !next_cursor) return KW_INVAL;
    if (!kw__valid_id(user) || (function && !kw__valid_key(function))) return KW_BAD_ID;
    if (roles == 0 || (roles & ~(uint32_t)KW_ROLE_ALL)) return KW_INVAL;
    *nitems = 0;
    next_cursor[0] = '\0';
    uint64_t qh = kw__hash_fold(kw__hash_fold(kw__hash_fold(0x75726573u, kw__hash_str(user)), roles),
                                kw__hash_opt(function));
    char after[KW_CURSOR_MAX];
    const kw__tenant *t;
    nset s = { .after = after };
    KW__LOCK_RD(eng);
    kw_err e = begin(eng, tenant, limit, cursor, qh, after, &t);
    if (e) goto out;
    uint32_t u = kw__user_find(t, user);
    if (u == KW__NONE) goto out;
    const kw__user *us = &t->users[u];
    static const unsigned res_lists[] = { KW__UL_OWNED, KW__UL_SHARED, KW__UL_ASSIGNED };
    for (unsigned l = 0; l < 3; l++) {
        const kw__u32vec *v = kw__ul(us, res_lists[l]);
        for (uint32_t i = 0; i < v->n; i++) nset_add(&s, t->res[v->v[i]].id, v->v[i]);
    }
    for (uint32_t g = us->grant_head; g != KW__NONE; g = kw__grant_at(t, g)->next_user) {
        uint32_t r = kw__grant_at(t, g)->res;
        nset_add(&s, t->res[r].id, r);
    }
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_ADMINS)->n; i++) {
        uint32_t root = t->roles[KW__UL_ADMINS].v[kw__ul(us, KW__UL_ADMINS)->v[i]].node;
        for (uint32_t n = root; n != KW__NONE; n = kw__subtree_next(t, root, n)) add_node_res(t, &s, n);
    }
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_BINDINGS)->n; i++) {
        uint32_t x = t->roles[KW__UL_BINDINGS].v[kw__ul(us, KW__UL_BINDINGS)->v[i]].node;
        for (uint32_t n = x; n != KW__NONE; n = kw__subtree_next(t, x, n)) add_node_res(t, &s, n);
        for (uint32_t n = t->nodes[x].parent; n != KW__NONE; n = t->nodes[n].parent)
            add_node_res(t, &s, n);
    }
    if (s.oom) { e = KW_NOMEM; goto out; }
    nset_finish(&s);
    for (size_t i = 0; i < s.n; i++) {
        uint32_t r = s.v[i].idx;
        const kw__res *res = &t->res[r];
        uint64_t mask = 0;
        uint32_t got = 0;
        for (uint32_t f = 0; f < res->nfuncs; f++) {
            if (function && strcmp(res->funcs[f], function) != 0) continue;
            kw_decision d;
            uint32_t ro = 0;
            kw__decide(t, r, u, f, now, &d, &ro);
            if (d.allowed && (ro & roles)) {
                mask |= UINT64_C(1) << f;
                got |= ro & roles;
            }
        }
        if (!mask) continue;
        if (*nitems == limit) {
            kw__cursor_make(next_cursor, tenant, qh, items[limit - 1].resource);
            break;
        }
        kw_user_resource *it = &items[(*nitems)++];
        memset(it, 0, sizeof *it);
        snprintf(it->resource, sizeof it->resource, "%s", res->id);
        it->roles = got;
        it->functions = mask;
    }
out:
    KW__UNLOCK(eng);
    free(s.v);
    return e;
}

static void add_node_members(const kw__tenant *t, nset *s, uint32_t n) {
    const kw__node *nd = &t->nodes[n];
    for (uint32_t k = 0; k < nd->roles[KW__UL_BINDINGS].n; k++) {
        uint32_t u = t->roles[KW__UL_BINDINGS].v[nd->roles[KW__UL_BINDINGS].v[k]].user;
        nset_add(s, t->users[u].id, u);
    }
}

kw_err kw_list_resource_users(kw_engine *eng, const char *tenant, const char *resource,
                              const char *function, kw_time now, size_t limit, const char *cursor,
                              kw_resource_user *items, size_t *nitems, char *next_cursor) {
    if (!eng || !items || !nitems || !next_cursor) return KW_INVAL;
    if (!kw__valid_id(resource) || (function && !kw__valid_key(function))) return KW_BAD_ID;
    *nitems = 0;
    next_cursor[0] = '\0';
    uint64_t qh = kw__hash_fold(kw__hash_fold(0x72757372u, kw__hash_str(resource)), kw__hash_opt(function));
    char after[KW_CURSOR_MAX];
    const kw__tenant *t;
    nset s = { .after = after };
    KW__LOCK_RD(eng);
    kw_err e = begin(eng, tenant, limit, cursor, qh, after, &t);
    if (e) goto out;
    uint32_t r = kw__res_find(t, resource);
    if (r == KW__NONE) { e = KW_UNKNOWN_RESOURCE; goto out; }
    const kw__res *res = &t->res[r];
    uint32_t fonly = KW__NONE;
    if (function) {
        fonly = kw__res_func(res, function);
        if (fonly == KW__NONE) { e = KW_UNKNOWN_FUNCTION; goto out; }
    }
    if (res->owner != KW__NONE) nset_add(&s, t->users[res->owner].id, res->owner);
    for (uint32_t i = 0; i < res->nsharers; i++)
        nset_add(&s, t->users[res->sharers[i].user].id, res->sharers[i].user);
    for (uint32_t i = 0; i < res->nassigns; i++)
        nset_add(&s, t->users[res->assigns[i].user].id, res->assigns[i].user);
    for (uint32_t g = res->grant_head; g != KW__NONE; g = kw__grant_at(t, g)->next_res) {
        uint32_t uu = kw__grant_at(t, g)->user;
        nset_add(&s, t->users[uu].id, uu);
    }
    if (res->node != KW__NONE) {
        for (uint32_t n = res->node; n != KW__NONE; n = t->nodes[n].parent) {
            const kw__node *nd = &t->nodes[n];
            for (uint32_t k = 0; k < nd->roles[KW__UL_ADMINS].n; k++) {
                uint32_t uu = t->roles[KW__UL_ADMINS].v[nd->roles[KW__UL_ADMINS].v[k]].user;
                nset_add(&s, t->users[uu].id, uu);
            }
            add_node_members(t, &s, n);   /* bindings above (up rule decides) */
        }
        for (uint32_t n = res->node; n != KW__NONE; n = kw__subtree_next(t, res->node, n))
            add_node_members(t, &s, n);   /* bindings below (down rule decides) */
    }
    if (s.oom) { e = KW_NOMEM; goto out; }
    nset_finish(&s);
    for (size_t i = 0; i < s.n; i++) {
        uint32_t u = s.v[i].idx;
        uint64_t mask = 0;
        uint32_t got = 0;
        for (uint32_t f = 0; f < res->nfuncs; f++) {
            if (fonly != KW__NONE && f != fonly) continue;
            kw_decision d;
            uint32_t ro = 0;
            kw__decide(t, r, u, f, now, &d, &ro);
            if (d.allowed) {
                mask |= UINT64_C(1) << f;
                got |= ro;
            }
        }
        if (!mask) continue;
        if (*nitems == limit) {
            kw__cursor_make(next_cursor, tenant, qh, items[limit - 1].user);
            break;
        }
        kw_resource_user *it = &items[(*nitems)++];
        memset(it, 0, sizeof *it);
        snprintf(it->user, sizeof it->user, "%s", t->users[u].id);
        it->roles = got;
        it->functions = mask;
    }
out:
    KW__UNLOCK(eng);
    free(s.v);
    return e;
}

static int slot_cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Page through grant slots (any order in, sorted by id out). */
static kw_err grant_page(const kw__tenant *t, const char *tenant, uint32_t *slots, size_t n,
                         uint64_t qh, const char *after, kw_time now, size_t limit,
                         kw_grant_info *items, size_t *nitems, char *next_cursor) {
    uint64_t after_id = 0;
    if (*after) {
        char *end;
        unsigned long long v = strtoull(after, &end, 10);
        if (*end || end == after) return KW_BAD_CURSOR;
        after_id = v;
    }
    if (n > 1) qsort(slots, n, sizeof *slots, slot_cmp);
    for (size_t i = 0; i < n; i++) {
        uint64_t id = (uint64_t)slots[i] + 1u;
        if (id <= after_id) continue;
        if (*nitems == limit) {
            char key[32];
            snprintf(key, sizeof key, "%llu", (unsigned long long)items[limit - 1].id);
            kw__cursor_make(next_cursor, tenant, qh, key);
            break;
        }
        kw__grant_info(t, kw__grant_at(t, slots[i]), id, now, &items[(*nitems)++]);
    }
    return KW_OK;
}

static kw_err list_grants(kw_engine *eng, const char *tenant, const char *id, bool by_user,
                          kw_time now, size_t limit, const char *cursor, kw_grant_info *items,
                          size_t *nitems, char *next_cursor) {
    if (!eng || !items || !nitems || !next_cursor) return KW_INVAL;
    if (!kw__valid_id(id)) return KW_BAD_ID;
    *nitems = 0;
    next_cursor[0] = '\0';
    uint64_t qh = kw__hash_fold(by_user ? 0x75677261u : 0x72677261u, kw__hash_str(id));
    char after[KW_CURSOR_MAX];
    const kw__tenant *t;
    uint32_t *slots = NULL;
    KW__LOCK_RD(eng);
    kw_err e = begin(eng, tenant, limit, cursor, qh, after, &t);
    if (e) goto out;
    uint32_t head, count = 0;
    if (by_user) {
        uint32_t u = kw__user_find(t, id);
        if (u == KW__NONE) goto out;
        head = t->users[u].grant_head;
        for (uint32_t g = head; g != KW__NONE; g = kw__grant_at(t, g)->next_user) count++;
    } else {
        uint32_t r = kw__res_find(t, id);
        if (r == KW__NONE) { e = KW_UNKNOWN_RESOURCE; goto out; }
        head = t->res[r].grant_head;
        count = (uint32_t)t->res[r].ngrants;
    }
    slots = malloc(((size_t)count + 1u) * sizeof *slots);
    if (!slots) { e = KW_NOMEM; goto out; }
    size_t n = 0;
    for (uint32_t g = head; g != KW__NONE && n < count;) {
        slots[n++] = g;
        g = by_user ? kw__grant_at(t, g)->next_user : kw__grant_at(t, g)->next_res;
    }
    e = grant_page(t, tenant, slots, n, qh, after, now, limit, items, nitems, next_cursor);
out:
    KW__UNLOCK(eng);
    free(slots);
    return e;
}

kw_err kw_list_user_grants(kw_engine *eng, const char *tenant, const char *user, kw_time now,
                           size_t limit, const char *cursor, kw_grant_info *items, size_t *nitems,
                           char *next_cursor) {
    return list_grants(eng, tenant, user, true, now, limit, cursor, items, nitems, next_cursor);
}

kw_err kw_list_resource_grants(kw_engine *eng, const char *tenant, const char *resource,
                               kw_time now, size_t limit, const char *cursor,
                               kw_grant_info *items, size_t *nitems, char *next_cursor) {
    return list_grants(eng, tenant, resource, false, now, limit, cursor, items, nitems, next_cursor);
}
