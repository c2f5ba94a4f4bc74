/*
 * src/core/model.c — resource types, resources and users of a tenant.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void kw__vec_remove_u32(uint32_t *v, uint32_t *n, uint32_t x) {
    for (uint32_t i = 0; i < *n; i++)
        if (v[i] == x) { v[i] = v[--*n]; return; }
}

kw_err kw__ul_push(kw_engine *eng, kw__user *u, unsigned which, uint32_t x) {
    if (!u->lists) {
        u->lists = kw__alloc(eng, KW__UL_COUNT * sizeof *u->lists);
        if (!u->lists) return KW_NOMEM;
    }
    kw__u32vec *l = &u->lists[which];
    return kw__vec_push_u32(eng, &l->v, &l->n, &l->cap, x);
}

void kw__ul_remove(kw__user *u, unsigned which, uint32_t x) {
    if (u->lists) kw__vec_remove_u32(u->lists[which].v, &u->lists[which].n, x);
}

kw_err kw__vec_push_u32(kw_engine *eng, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x) {
    kw_err e = kw__grow(eng, (void **)v, cap, *n + 1u, sizeof **v);
    if (e) return e;
    (*v)[(*n)++] = x;
    return KW_OK;
}

static kw_err check_functions(const char *const *functions, size_t n) {
    if (n == 0) return KW_INVAL;
    if (n > KW_MAX_FUNCS) return KW_TOO_MANY_FUNCTIONS;
    if (!functions) return KW_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (!kw__valid_key(functions[i])) return KW_BAD_ID;
        for (size_t j = 0; j < i; j++)
            if (strcmp(functions[i], functions[j]) == 0) return KW_DUP_FUNCTION;
    }
    return KW_OK;
}

static char **copy_functions(kw_engine *eng, const char *const *functions, size_t n) {
    char **f = kw__alloc(eng, n * sizeof *f);
    if (!f) return NULL;
    for (size_t i = 0; i < n; i++) {
        f[i] = kw__strdup(eng, functions[i]);
        if (!f[i]) {
            for (size_t j = 0; j < i; j++) kw__free(eng, f[j]);
            kw__free(eng, f);
            return NULL;
        }
    }
    return f;
}

static void free_functions(kw_engine *eng, char **f, uint32_t n) {
    if (!f) return;
    for (uint32_t i = 0; i < n; i++) kw__free(eng, f[i]);
    kw__free(eng, f);
}

/* ------------------------------------------------------------ function lists */

typedef struct flist_key { const char *const *funcs; size_t n; } flist_key;

static uint64_t flist_hash_of(const char *const *funcs, size_t n) {
    uint64_t h = n;
    for (size_t i = 0; i < n; i++) h = kw__hash_u64(h ^ kw__hash_str(funcs[i]));
    return h;
}
static bool flist_eq(const void *ctx, const void *key, uint32_t i) {
    const kw__flist *l = &((const kw__tenant *)ctx)->flists[i];
    const flist_key *k = key;
    if (l->nfuncs != k->n) return false;
    for (size_t j = 0; j < k->n; j++)
        if (strcmp(l->funcs[j], k->funcs[j]) != 0) return false;
    return true;
}
static uint64_t flist_hash(const void *ctx, uint32_t i) {
    const kw__flist *l = &((const kw__tenant *)ctx)->flists[i];
    return flist_hash_of((const char *const *)l->funcs, l->nfuncs);
}

/* The tenant's shared copy of functions[0..n) (validated by the caller).
 * Resources naming the same functions share one list, which keeps each
 * resource small and the names hot in cache for decisions. */
static kw_err flist_get(kw_engine *eng, kw__tenant *t, const char *const *functions, size_t n,
                        char ***out) {
    flist_key k = { functions, n };
    uint64_t h = flist_hash_of(functions, n);
    uint32_t i = kw__idx_find(&t->flists_idx, h, flist_eq, t, &k, NULL);
    if (i != KW__NONE) { *out = t->flists[i].funcs; return KW_OK; }
    kw_err e = kw__grow(eng, (void **)&t->flists, &t->capflists, t->nflists + 1u, sizeof *t->flists);
    if (e) return e;
    char **f = copy_functions(eng, functions, n);
    if (!f) return KW_NOMEM;
    t->flists[t->nflists] = (kw__flist){ f, (uint32_t)n };
    e = kw__idx_insert(eng, &t->flists_idx, h, t->nflists, flist_hash, t);
    if (e) { free_functions(eng, f, (uint32_t)n); return e; }
    t->nflists++;
    *out = f;
    return KW_OK;
}

/* ------------------------------------------------------------ types */

kw_err kw_type_create(kw_engine *eng, const char *tenant, const kw_type_def *def, kw_time now) {
    if (!eng || !def) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(def->id)) return KW_BAD_ID;
    kw_err e = check_functions(def->functions, def->nfunctions);
    if (e) return e;
    if (def->up < -1 || def->down < -1) return KW_INVAL;
    e = kw_cond_validate(&def->default_cond);
    if (e) return e;
    if (def->default_cond.flags & KW_COND_COUNTED) return KW_BAD_COND;
    uint64_t free_mask = 0;
    if (def->nfree) {
        e = kw__func_mask((char *const *)def->functions, (uint32_t)def->nfunctions,
                          def->free_functions, def->nfree, &free_mask);
        if (e) return e;
    }
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    if (kw__type_find(t, def->id) != KW__NONE) { e = KW_EXISTS; goto out; }
    e = kw__grow(eng, (void **)&t->types, &t->captypes, t->ntypes + 1u, sizeof *t->types);
    if (e) goto out;
    kw__type *ty = &t->types[t->ntypes];
    memset(ty, 0, sizeof *ty);
    ty->id = kw__strdup(eng, def->id);
    ty->funcs = copy_functions(eng, def->functions, def->nfunctions);
    if (!ty->id || !ty->funcs) {
        kw__free(eng, ty->id);
        free_functions(eng, ty->funcs, (uint32_t)def->nfunctions);
        e = KW_NOMEM;
        goto out;
    }
    ty->nfuncs = (uint32_t)def->nfunctions;
    ty->free_mask = free_mask;
    ty->up = def->up;
    ty->down = def->down;
    kw__cond_pack(&ty->dflt, &def->default_cond);
    ty->live = true;
    e = kw__type_index(eng, t, t->ntypes);
    if (e) { kw__free(eng, ty->id); free_functions(eng, ty->funcs, ty->nfuncs); goto out; }
    t->ntypes++;
    kw__touch_reset(eng);
    kw__emit(eng, t, KW_CH_TYPE_CREATE, NULL, def->id, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_type_delete(kw_engine *eng, const char *tenant, const char *type, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(type)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    uint32_t ti = kw__type_find(t, type);
    if (ti == KW__NONE || !t->types[ti].live) { e = KW_UNKNOWN_TYPE; goto out; }
    kw__type *ty = &t->types[ti];
    if (ty->nres) { e = KW_IN_USE; goto out; }
    for (uint32_t p = 0; p < t->nplans; p++)
        if (t->plans[p].type == ti) { e = KW_IN_USE; goto out; }
    /* Nothing refers to it (no resource, no plan): release the id, so the
     * tenant may define the type again. The dead record stays (indices are
     * never reused). */
    ty->live = false;
    kw__type_unindex(t, type);
    kw__touch_reset(eng);
    kw__emit(eng, t, KW_CH_TYPE_DELETE, NULL, type, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_type_get(kw_engine *eng, const char *tenant, const char *type, kw_type_info *out) {
    if (!eng || !out) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(type)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_RD(eng);
    const kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    uint32_t ti = kw__type_find(t, type);
    if (ti == KW__NONE || !t->types[ti].live) { e = KW_UNKNOWN_TYPE; goto out; }
    const kw__type *ty = &t->types[ti];
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", ty->id);
    out->nfunctions = ty->nfuncs;
    for (uint32_t i = 0; i < ty->nfuncs; i++)
        snprintf(out->functions[i], sizeof out->functions[i], "%s", ty->funcs[i]);
    out->free_mask = ty->free_mask;
    out->up = ty->up;
    out->down = ty->down;
    kw__cond_unpack(&out->default_cond, &ty->dflt);
    out->nresources = ty->nres;
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ resources */

kw_err kw__res_prepare(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                       bool need_type, const kw_tz **tz, uint32_t *type) {
    if (!kw__valid_id(def->id)) return KW_BAD_ID;
    *type = KW__NONE;
    if (def->type) {
        if (!kw__valid_id(def->type)) return KW_BAD_ID;
        uint32_t ti = kw__type_find(t, def->type);
        if (ti == KW__NONE || !t->types[ti].live) return KW_UNKNOWN_TYPE;
        *type = ti;
    } else {
        if (need_type) return KW_INVAL;
        kw_err e = check_functions(def->functions, def->nfunctions);
        if (e) return e;
    }
    if (kw__res_find(t, def->id) != KW__NONE) return KW_EXISTS;
    return kw__zone_get(eng, def->tz, tz);
}

kw_err kw__res_commit(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                      const kw_tz *tz, uint32_t type, uint32_t node, uint32_t *out) {
    kw_err e = kw__grow(eng, (void **)&t->res, &t->capres, t->nres + 1u, sizeof *t->res);
    if (e) return e;
    kw__res *r = &t->res[t->nres];
    memset(r, 0, sizeof *r);
    r->id = kw__strdup(eng, def->id);
    if (!r->id) return KW_NOMEM;
    if (type != KW__NONE) {
        r->funcs = t->types[type].funcs;
        r->nfuncs = t->types[type].nfuncs;
    } else {
        e = flist_get(eng, t, def->functions, def->nfunctions, &r->funcs);
        if (e) { kw__free(eng, r->id); return e; }
        r->nfuncs = (uint32_t)def->nfunctions;
    }
    r->type = type;
    r->tz = tz;
    r->owner = KW__NONE;
    r->node = KW__NONE;
    r->grant_head = KW__NONE;
    r->version = 1;
    r->live = true;
    e = kw__res_index(eng, t, t->nres);
    if (e) {
        kw__free(eng, r->id);
        return e;
    }
    if (node != KW__NONE) {
        kw__node *nd = &t->nodes[node];
        e = kw__vec_push_u32(eng, &nd->res, &nd->nres, &nd->capres, t->nres);
        if (e) { kw__res_unindex(t, r->id); kw__free(eng, r->id); return e; }
        r->node = node;
        r->pos_in_node = nd->nres - 1u;
    }
    if (type != KW__NONE) t->types[type].nres++;
    *out = t->nres++;
    return KW_OK;
}

kw_err kw_resource_create(kw_engine *eng, const char *tenant, const kw_resource_def *def,
                          kw_time now) {
    if (!eng || !def) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    kw_err e;
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    const kw_tz *tz;
    uint32_t type, r;
    e = kw__res_prepare(eng, t, def, false, &tz, &type);
    if (e) goto out;
    e = kw__res_commit(eng, t, def, tz, type, KW__NONE, &r);
    if (e) goto out;
    kw__emit_one(eng, t, r, KW_CH_RESOURCE_CREATE, NULL, def->id, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

/* Remove every trace of resource r and mark it dead (write lock held). */
void kw__res_kill(kw_engine *eng, kw__tenant *t, uint32_t r) {
    kw__res *res = &t->res[r];
    kw__res_clear_personal(eng, t, r);
    for (uint32_t i = 0; i < res->nassigns; i++) {
        kw__user *u = &t->users[res->assigns[i].user];
        kw__ul_remove(u, KW__UL_ASSIGNED, r);
    }
    kw__free(eng, res->assigns);
    res->assigns = NULL;
    res->nassigns = res->capassigns = 0;
    if (res->node != KW__NONE) {
        kw__node *nd = &t->nodes[res->node];
        uint32_t pos = res->pos_in_node;
        nd->res[pos] = nd->res[--nd->nres];
        if (pos < nd->nres) t->res[nd->res[pos]].pos_in_node = pos;
    }
    if (res->type != KW__NONE) t->types[res->type].nres--;
    res->funcs = NULL;
    res->nfuncs = 0;
    kw__res_unindex(t, res->id);
    res->live = false;   /* id kept: usage rows still name it */
}

kw_err kw_resource_delete(kw_engine *eng, const char *tenant, const char *actor,
                          const char *resource, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(resource)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    uint32_t r = kw__res_find(t, resource);
    if (r == KW__NONE) { e = KW_UNKNOWN_RESOURCE; goto out; }
    if (t->res[r].node == KW__NONE) {
        if (actor) { e = KW_FORBIDDEN; goto out; }
    } else {
        uint32_t a = actor ? kw__user_find(t, actor) : KW__NONE;
        if (actor && a == KW__NONE) { e = KW_FORBIDDEN; goto out; }
        e = kw__org_may(t, a, t->res[r].node, KW_ACT_RESOURCES, now);
        if (e) goto out;
    }
    kw__emit_one(eng, t, r, KW_CH_RESOURCE_DELETE, actor, resource, NULL, 0, now);
    kw__res_kill(eng, t, r);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_resource_get(kw_engine *eng, const char *tenant, const char *resource,
                       kw_resource_info *out) {
    if (!eng || !out) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(resource)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_RD(eng);
    const kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    uint32_t ri = kw__res_find(t, resource);
    if (ri == KW__NONE) { e = KW_UNKNOWN_RESOURCE; goto out; }
    const kw__res *r = &t->res[ri];
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", r->id);
    if (r->type != KW__NONE) snprintf(out->type, sizeof out->type, "%s", t->types[r->type].id);
    snprintf(out->tz, sizeof out->tz, "%s", kw_tz_name(r->tz));
    out->nfunctions = r->nfuncs;
    for (uint32_t i = 0; i < r->nfuncs; i++)
        snprintf(out->functions[i], sizeof out->functions[i], "%s", r->funcs[i]);
    if (r->owner != KW__NONE) snprintf(out->owner, sizeof out->owner, "%s", t->users[r->owner].id);
    if (r->node != KW__NONE) {
        const kw__node *nd = &t->nodes[r->node];
        snprintf(out->node, sizeof out->node, "%s", nd->id);
        snprintf(out->org, sizeof out->org, "%s", t->nodes[t->orgs[nd->org].root].id);
    }
    out->version = r->version;
    out->nsharers = r->nsharers;
    out->ngrants = r->ngrants;
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ users */

/* Creating users needs a live admin role holding a user-management power
 * (own-node or lower-node users), in an enabled organisation. */
static bool may_create_users(const kw__tenant *t, uint32_t a, kw_time now) {
    if (a == KW__NONE) return false;
    const kw__u32vec *roles = kw__ul(&t->users[a], KW__UL_ADMINS);
    for (uint32_t i = 0; i < roles->n; i++) {
        const kw__role *ad = &t->roles[KW__UL_ADMINS].v[roles->v[i]];
        if (!(ad->powers & (KW_POW_OWN_USERS | KW_POW_LOWER_USERS))) continue;
        if (!kw__node_effective(t, ad->node)) continue;
        if (ad->has_cond && kw__cond_time(&ad->c, kw__utc_zone(t), now) != KW_R_ALLOWED_GRANT) continue;
        return true;
    }
    return false;
}

kw_err kw_user_create(kw_engine *eng, const char *tenant, const char *actor,
                      const char *const *users, size_t n, kw_err *item_errs, kw_time now) {
    if (!eng || !users || n == 0) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    if (n > UINT32_MAX / 2) return KW_LIMIT;
    kw_err e = KW_OK, first = KW_OK;
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    if (actor && !may_create_users(t, kw__user_find(t, actor), now)) { e = KW_FORBIDDEN; goto out; }
    for (size_t i = 0; i < n; i++) {
        kw_err ie = KW_OK;
        if (!kw__valid_id(users[i])) ie = KW_BAD_ID;
        else {
            uint32_t u = kw__user_find(t, users[i]);
            if (u != KW__NONE && t->users[u].created) ie = KW_EXISTS;
            for (size_t j = 0; j < i && !ie; j++)
                if (users[j] && strcmp(users[j], users[i]) == 0) ie = KW_EXISTS;
        }
        if (item_errs) item_errs[i] = ie;
        if (ie && !first) first = ie;
    }
    if (first) { e = first; goto out; }
    /* reserve so that interning cannot fail half-way on the array */
    e = kw__grow(eng, (void **)&t->users, &t->capusers, t->nusers + (uint32_t)n, sizeof *t->users);
    if (e) goto out;
    kw__touch_reset(eng);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        e = kw__user_intern(eng, t, users[i], &u);
        if (e) {
            for (size_t j = 0; j < i; j++) t->users[kw__user_find(t, users[j])].created = false;
            goto out;
        }
        t->users[u].created = true;
    }
    for (size_t i = 0; i < n; i++)
        kw__emit(eng, t, KW_CH_USER_CREATE, actor, users[i], NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_user_exists(kw_engine *eng, const char *tenant, const char *user) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(user)) return KW_BAD_ID;
    KW__LOCK_RD(eng);
    kw_err e = KW_OK;
    const kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) e = KW_UNKNOWN_TENANT;
    else {
        uint32_t u = kw__user_find(t, user);
        if (u == KW__NONE || !t->users[u].created) e = KW_UNKNOWN_USER;
    }
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ teardown */

void kw__tenant_free(kw_engine *eng, kw__tenant *t) {
    for (uint32_t i = 0; i < t->nusers; i++) {
        kw__user *u = &t->users[i];
        kw__free(eng, u->id);
        for (unsigned l = 0; u->lists && l < KW__UL_COUNT; l++) kw__free(eng, u->lists[l].v);
        kw__free(eng, u->lists);
    }
    kw__free(eng, t->users);
    kw__idx_free(eng, &t->users_idx);
    for (uint32_t i = 0; i < t->nres; i++) {
        kw__res *r = &t->res[i];
        kw__free(eng, r->id);
        kw__free(eng, r->sharers);
        kw__free(eng, r->assigns);
    }
    kw__free(eng, t->res);
    kw__idx_free(eng, &t->res_idx);
    for (uint32_t i = 0; i < t->ntypes; i++) {
        kw__free(eng, t->types[i].id);
        free_functions(eng, t->types[i].funcs, t->types[i].nfuncs);
    }
    kw__free(eng, t->types);
    kw__idx_free(eng, &t->types_idx);
    for (uint32_t i = 0; i < t->nflists; i++) free_functions(eng, t->flists[i].funcs, t->flists[i].nfuncs);
    kw__free(eng, t->flists);
    kw__idx_free(eng, &t->flists_idx);
    for (uint32_t i = 0; i < t->nchunks; i++) kw__free(eng, t->chunks[i]);
    kw__free(eng, t->chunks);
    kw__idx_free(eng, &t->pair_idx);
    for (uint32_t i = 0; i < t->norgs; i++) {
        kw__free(eng, t->orgs[i].plans);
        kw__free(eng, t->orgs[i].usage);
        kw__idx_free(eng, &t->orgs[i].usage_idx);
    }
    kw__free(eng, t->orgs);
    for (uint32_t i = 0; i < t->nnodes; i++) {
        kw__free(eng, t->nodes[i].id);
        kw__free(eng, t->nodes[i].res);
        for (unsigned k = 0; k < 2; k++) kw__free(eng, t->nodes[i].roles[k].v);
    }
    kw__free(eng, t->nodes);
    kw__idx_free(eng, &t->nodes_idx);
    for (unsigned k = 0; k < 2; k++) kw__free(eng, t->roles[k].v);
    for (uint32_t i = 0; i < t->nplans; i++) kw__free(eng, t->plans[i].id);
    kw__free(eng, t->plans);
    kw__idx_free(eng, &t->plans_idx);
    for (unsigned s = 0; s < KW__IDEM_STRIPES; s++) {
        kw__idem *m = &t->idem[s];
        for (uint32_t i = 0; i < m->ne; i++) kw__free(eng, m->e[i].key);
        kw__free(eng, m->e);
        kw__free(eng, m->free_list);
        kw__free(eng, m->fifo);
        kw__idx_free(eng, &m->idx);
        pthread_mutex_destroy(&m->lock);
    }
    pthread_mutex_destroy(&t->usage_lock);
    kw__free(eng, t->id);
    kw__free(eng, t);
}
