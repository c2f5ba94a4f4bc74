/*
 * src/core/engine.c — engine life cycle, tenants, lookups, time zones,
 * change records and cursors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* ------------------------------------------------------------ lookups */

static bool tenant_eq(const void *ctx, const void *key, uint32_t i) {
    const kw_engine *e = ctx;
    return e->tenants[i] && strcmp(e->tenants[i]->id, key) == 0;
}
static uint64_t tenant_hash(const void *ctx, uint32_t i) {
    return kw__hash_str(((const kw_engine *)ctx)->tenants[i]->id);
}

kw__tenant *kw__tenant_find(const kw_engine *eng, const char *id) {
    uint32_t i = kw__idx_find(&eng->tenant_idx, kw__hash_str(id), tenant_eq, eng, id, NULL);
    return i == KW__NONE ? NULL : eng->tenants[i];
}

#define KW__FINDER(fn, arr, field)                                                 \
    static bool fn##_eq(const void *ctx, const void *key, uint32_t i) {            \
        return strcmp(((const kw__tenant *)ctx)->arr[i].field, key) == 0;          \
    }                                                                              \
    static uint64_t fn##_hash(const void *ctx, uint32_t i) {                       \
        return kw__hash_str(((const kw__tenant *)ctx)->arr[i].field);             \
    }                                                                              \
    uint32_t kw__##fn##_find(const kw__tenant *t, const char *id) {                \
        return kw__idx_find(&t->arr##_idx, kw__hash_str(id), fn##_eq, t, id, NULL); \
    }

KW__FINDER(user, users, id)
KW__FINDER(type, types, id)
KW__FINDER(res, res, id)
KW__FINDER(node, nodes, id)
KW__FINDER(plan, plans, id)

/* Insert helpers used by the modules creating objects. */

kw_err kw__user_index(kw_engine *eng, kw__tenant *t, uint32_t i) {
    return kw__idx_insert(eng, &t->users_idx, kw__hash_str(t->users[i].id), i, user_hash, t);
}
kw_err kw__type_index(kw_engine *eng, kw__tenant *t, uint32_t i) {
    return kw__idx_insert(eng, &t->types_idx, kw__hash_str(t->types[i].id), i, type_hash, t);
}
kw_err kw__res_index(kw_engine *eng, kw__tenant *t, uint32_t i) {
    return kw__idx_insert(eng, &t->res_idx, kw__hash_str(t->res[i].id), i, res_hash, t);
}
kw_err kw__node_index(kw_engine *eng, kw__tenant *t, uint32_t i) {
    return kw__idx_insert(eng, &t->nodes_idx, kw__hash_str(t->nodes[i].id), i, node_hash, t);
}
kw_err kw__plan_index(kw_engine *eng, kw__tenant *t, uint32_t i) {
    return kw__idx_insert(eng, &t->plans_idx, kw__hash_str(t->plans[i].id), i, plan_hash, t);
}
void kw__res_unindex(kw__tenant *t, const char *id) {
    uint32_t slot;
    if (kw__idx_find(&t->res_idx, kw__hash_str(id), res_eq, t, id, &slot) != KW__NONE)
        kw__idx_remove_slot(&t->res_idx, slot);
}
void kw__type_unindex(kw__tenant *t, const char *id) {
    uint32_t slot;
    if (kw__idx_find(&t->types_idx, kw__hash_str(id), type_eq, t, id, &slot) != KW__NONE)
        kw__idx_remove_slot(&t->types_idx, slot);
}
void kw__node_unindex(kw__tenant *t, const char *id) {
    uint32_t slot;
    if (kw__idx_find(&t->nodes_idx, kw__hash_str(id), node_eq, t, id, &slot) != KW__NONE)
        kw__idx_remove_slot(&t->nodes_idx, slot);
}

kw_err kw__user_intern(kw_engine *eng, kw__tenant *t, const char *id, uint32_t *out) {
    uint32_t u = kw__user_find(t, id);
    if (u != KW__NONE) { *out = u; return KW_OK; }
    kw_err e = kw__grow(eng, (void **)&t->users, &t->capusers, t->nusers + 1u, sizeof *t->users);
    if (e) return e;
    kw__user *nu = &t->users[t->nusers];
    memset(nu, 0, sizeof *nu);
    nu->id = kw__strdup(eng, id);
    if (!nu->id) return KW_NOMEM;
    nu->grant_head = KW__NONE;
    e = kw__user_index(eng, t, t->nusers);
    if (e) { kw__free(eng, nu->id); return e; }
    *out = t->nusers++;
    return KW_OK;
}

uint32_t kw__res_func(const kw__res *r, const char *key) {
    for (uint32_t i = 0; i < r->nfuncs; i++)
        if (strcmp(r->funcs[i], key) == 0) return i;
    return KW__NONE;
}

kw_err kw__func_mask(char *const *names, uint32_t nnames, const char *const *functions,
                     size_t n, uint64_t *mask) {
    uint64_t m = 0;
    if (n && !functions) return KW_INVAL;
    for (size_t i = 0; i < n; i++) {
        if (!kw__valid_key(functions[i])) return KW_BAD_ID;
        uint32_t f = KW__NONE;
        for (uint32_t j = 0; j < nnames; j++)
            if (strcmp(names[j], functions[i]) == 0) { f = j; break; }
        if (f == KW__NONE) return KW_UNKNOWN_FUNCTION;
        if (m & (UINT64_C(1) << f)) return KW_DUP_FUNCTION;
        m |= UINT64_C(1) << f;
    }
    *mask = m;
    return KW_OK;
}

kw__grant *kw__grant_by_id(const kw__tenant *t, uint64_t id) {
    if (id == 0 || id > t->nslots) return NULL;
    uint32_t slot = (uint32_t)(id - 1u);
    kw__chunk *c = t->chunks[slot >> KW__CHUNK_BITS];
    if (!c) return NULL;
    kw__grant *g = &c->g[slot & (KW__CHUNK - 1u)];
    return (g->flags & KW__LIVE) ? g : NULL;
}

/* ------------------------------------------------------------ zones */

static bool zone_eq(const void *ctx, const void *key, uint32_t i) {
    return strcmp(((const kw_engine *)ctx)->zones[i].name, key) == 0;
}
static uint64_t zone_hash(const void *ctx, uint32_t i) {
    return kw__hash_str(((const kw_engine *)ctx)->zones[i].name);
}

kw_err kw__zone_get(kw_engine *eng, const char *name, const kw_tz **out) {
    if (!name || strcmp(name, "UTC") == 0) { *out = eng->utc; return KW_OK; }
    size_t len = strnlen(name, KW_TZ_NAME_MAX);
    if (len == 0 || len >= KW_TZ_NAME_MAX) return KW_BAD_TZ;
    uint32_t i = kw__idx_find(&eng->zone_idx, kw__hash_str(name), zone_eq, eng, name, NULL);
    if (i != KW__NONE) { *out = eng->zones[i].tz; return KW_OK; }
    if (!eng->cfg.tz_load) return KW_BAD_TZ;
    kw_tz *tz = NULL;
    kw_err e = eng->cfg.tz_load(eng->cfg.tz_ctx, name, &tz);
    if (e) return e == KW_NOMEM ? KW_NOMEM : KW_BAD_TZ;
    e = kw__grow(eng, (void **)&eng->zones, &eng->capzones, eng->nzones + 1u, sizeof *eng->zones);
    if (e) goto fail;
    eng->zones[eng->nzones].name = kw__strdup(eng, name);
    eng->zones[eng->nzones].tz = tz;
    if (!eng->zones[eng->nzones].name) { e = KW_NOMEM; goto fail; }
    e = kw__idx_insert(eng, &eng->zone_idx, kw__hash_str(name), eng->nzones, zone_hash, eng);
    if (e) { kw__free(eng, eng->zones[eng->nzones].name); goto fail; }
    eng->nzones++;
    *out = tz;
    return KW_OK;
fail:
    kw_tz_free(tz);
    return e;
}

/* ------------------------------------------------------------ engine */

kw_err kw_engine_new(const kw_engine_config *cfg, kw_engine **out) {
    if (!out) return KW_INVAL;
    *out = NULL;
    kw_engine *eng = calloc(1, sizeof *eng);
    if (!eng) return KW_NOMEM;
    if (cfg) eng->cfg = *cfg;
    atomic_init(&eng->mem, sizeof *eng);
    atomic_init(&eng->seq, 0);
    if (kw_tz_utc(&eng->utc) != KW_OK) { free(eng); return KW_NOMEM; }
    if (kw__lock_init(&eng->lock) != KW_OK) {
        kw_tz_free(eng->utc);
        free(eng);
        return KW_NOMEM;
    }
    *out = eng;
    return KW_OK;
}

void kw_engine_free(kw_engine *eng) {
    if (!eng) return;
    for (uint32_t i = 0; i < eng->ntenants; i++)
        if (eng->tenants[i]) kw__tenant_free(eng, eng->tenants[i]);
    kw__free(eng, eng->tenants);
    kw__idx_free(eng, &eng->tenant_idx);
    for (uint32_t i = 0; i < eng->nzones; i++) {
        kw__free(eng, eng->zones[i].name);
        kw_tz_free(eng->zones[i].tz);
    }
    kw__free(eng, eng->zones);
    kw__idx_free(eng, &eng->zone_idx);
    kw__free(eng, eng->scratch);
    kw__free(eng, (void *)eng->scratch_ids);
    kw__free(eng, eng->scratch_vers);
    kw_tz_free(eng->utc);
    kw__lock_destroy(&eng->lock);
    free(eng);
}

size_t kw_engine_memory(const kw_engine *eng) {
    return eng ? atomic_load_explicit(&((kw_engine *)eng)->mem, memory_order_relaxed) : 0;
}

/* ------------------------------------------------------------ tenants */

kw_err kw_tenant_create(kw_engine *eng, const char *tenant, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_WR(eng);
    if (kw__tenant_find(eng, tenant)) { e = KW_EXISTS; goto out; }
    e = kw__grow(eng, (void **)&eng->tenants, &eng->captenants, eng->ntenants + 1u,
                 sizeof *eng->tenants);
    if (e) goto out;
    kw__tenant *t = kw__alloc(eng, sizeof *t);
    if (!t) { e = KW_NOMEM; goto out; }
    t->id = kw__strdup(eng, tenant);
    if (!t->id) { kw__free(eng, t); e = KW_NOMEM; goto out; }
    t->index = eng->ntenants;
    t->utc = eng->utc;
    for (unsigned i = 0; i < KW__IDEM_STRIPES; i++) pthread_mutex_init(&t->idem[i].lock, NULL);
    pthread_mutex_init(&t->usage_lock, NULL);
    eng->tenants[eng->ntenants] = t;
    e = kw__idx_insert(eng, &eng->tenant_idx, kw__hash_str(tenant), eng->ntenants, tenant_hash, eng);
    if (e) { eng->tenants[eng->ntenants] = NULL; kw__tenant_free(eng, t); goto out; }
    eng->ntenants++;
    kw__touch_reset(eng);
    kw__emit(eng, t, KW_CH_TENANT_CREATE, NULL, tenant, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_tenant_delete(kw_engine *eng, const char *tenant, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_WR(eng);
    uint32_t slot;
    uint32_t i = kw__idx_find(&eng->tenant_idx, kw__hash_str(tenant), tenant_eq, eng, tenant, &slot);
    if (i == KW__NONE) { e = KW_UNKNOWN_TENANT; goto out; }
    kw__tenant *t = eng->tenants[i];
    /* every resource of the tenant loses its permissions */
    kw__touch_reset(eng);
    for (uint32_t r = 0; r < t->nres; r++)
        if (t->res[r].live) (void)kw__touch(eng, r);
    kw__emit(eng, t, KW_CH_TENANT_DELETE, NULL, tenant, NULL, 0, now);
    kw__idx_remove_slot(&eng->tenant_idx, slot);
    eng->tenants[i] = NULL;
    kw__tenant_free(eng, t);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_tenant_exists(kw_engine *eng, const char *tenant) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    KW__LOCK_RD(eng);
    kw_err e = kw__tenant_find(eng, tenant) ? KW_OK : KW_UNKNOWN_TENANT;
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ changes */

void kw__touch_reset(kw_engine *eng) {
    eng->nscratch = 0;
    eng->touch_failed = false;
}

kw_err kw__touch(kw_engine *eng, uint32_t res) {
    if (eng->nscratch == eng->capscratch) {
        /* Grow the three arrays together so emitting never allocates. A
         * partial failure leaves bigger arrays and the old capacity. */
        uint32_t ncap = eng->capscratch ? eng->capscratch * 2u : 64u;
        uint32_t *a = kw__realloc(eng, eng->scratch, (size_t)ncap * sizeof *a);
        if (!a) goto fail;
        eng->scratch = a;
        const char **b = kw__realloc(eng, (void *)eng->scratch_ids, (size_t)ncap * sizeof *b);
        if (!b) goto fail;
        eng->scratch_ids = b;
        uint64_t *c = kw__realloc(eng, eng->scratch_vers, (size_t)ncap * sizeof *c);
        if (!c) goto fail;
        eng->scratch_vers = c;
        eng->capscratch = ncap;
    }
    eng->scratch[eng->nscratch++] = res;
    return KW_OK;
fail:
    eng->touch_failed = true;
    return KW_NOMEM;
}

kw_err kw__touch_org(kw_engine *eng, const kw__tenant *t, uint32_t org) {
    for (uint32_t n = 0; n < t->nnodes; n++) {
        const kw__node *nd = &t->nodes[n];
        if (!nd->live || nd->org != org) continue;
        for (uint32_t k = 0; k < nd->nres; k++) {
            kw_err e = kw__touch(eng, nd->res[k]);
            if (e) return e;
        }
    }
    return KW_OK;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void kw__emit(kw_engine *eng, kw__tenant *t, kw_change_kind kind, const char *actor,
              const char *object, const char *subject, uint64_t grant, kw_time now) {
    uint32_t m = 0;
    bool all = eng->touch_failed;
    if (all) {
        /* We could not list what changed: say so, and change every version. */
        for (uint32_t r = 0; r < t->nres; r++)
            if (t->res[r].live) t->res[r].version++;
    } else {
        uint32_t n = eng->nscratch;
        if (n > 1) qsort(eng->scratch, n, sizeof *eng->scratch, cmp_u32);
        for (uint32_t i = 0; i < n; i++)
            if (m == 0 || eng->scratch[m - 1] != eng->scratch[i]) eng->scratch[m++] = eng->scratch[i];
        for (uint32_t i = 0; i < m; i++) {
            kw__res *r = &t->res[eng->scratch[i]];
            r->version++;
            eng->scratch_ids[i] = r->id;
            eng->scratch_vers[i] = r->version;
        }
    }
    kw__touch_reset(eng);
    uint64_t seq = atomic_fetch_add(&eng->seq, 1) + 1u;
    if (!eng->cfg.on_change) return;
    kw_change c = {
        .seq = seq, .kind = kind, .at = now, .tenant = t->id, .actor = actor,
        .object = object, .subject = subject, .grant_id = grant,
        .nresources = m, .resources = m ? eng->scratch_ids : NULL,
        .versions = m ? eng->scratch_vers : NULL, .all_resources = all,
    };
    eng->cfg.on_change(eng->cfg.change_ctx, &c);
}

void kw__emit_one(kw_engine *eng, kw__tenant *t, uint32_t res, kw_change_kind kind,
                  const char *actor, const char *object, const char *subject, uint64_t grant,
                  kw_time now) {
    kw__touch_reset(eng);
    (void)kw__touch(eng, res);   /* a failure is reported as all_resources */
    kw__emit(eng, t, kind, actor, object, subject, grant, now);
}

void kw__emit_consume(kw_engine *eng, const kw__tenant *t, uint32_t res, uint32_t user,
                      uint64_t grant, kw_time now) {
    /* Without a hook nobody sees seq; not touching the shared counter keeps
     * concurrent uses off one cache line. */
    if (!eng->cfg.on_change) return;
    uint64_t seq = atomic_fetch_add(&eng->seq, 1) + 1u;
    const char *ids[1] = { t->res[res].id };
    uint64_t vers[1] = { t->res[res].version };
    kw_change c = {
        .seq = seq, .kind = KW_CH_CONSUME, .at = now, .tenant = t->id,
        .actor = t->users[user].id, .object = t->res[res].id,
        .subject = t->users[user].id, .grant_id = grant,
        .nresources = 1, .resources = ids, .versions = vers,
    };
    eng->cfg.on_change(eng->cfg.change_ctx, &c);
}

/* ------------------------------------------------------------ cursors */

void kw__cursor_make(char *out, const char *tenant, uint64_t qhash, const char *last) {
    uint64_t h = kw__hash_u64(qhash ^ kw__hash_str(tenant));
    snprintf(out, KW_CURSOR_MAX, "%016llx.%s", (unsigned long long)h, last);
}

kw_err kw__cursor_parse(const char *cursor, const char *tenant, uint64_t qhash,
                        char *last, size_t lastcap) {
    size_t n = strnlen(cursor, KW_CURSOR_MAX);
    if (n >= KW_CURSOR_MAX || n < 18 || cursor[16] != '.') return KW_BAD_CURSOR;
    char want[17];
    snprintf(want, sizeof want, "%016llx",
             (unsigned long long)kw__hash_u64(qhash ^ kw__hash_str(tenant)));
    if (memcmp(cursor, want, 16) != 0) return KW_BAD_CURSOR;
    size_t ln = n - 17;
    if (ln + 1 > lastcap) return KW_BAD_CURSOR;
    memcpy(last, cursor + 17, ln + 1);
    return KW_OK;
}
