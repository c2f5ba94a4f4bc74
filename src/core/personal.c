/*
 * src/core/personal.c — owners, sharers and usage grants (management).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* Common prologue of personal-level writes: look up tenant and resource. */
static kw_err lookup(kw_engine *eng, const char *tenant, const char *actor, const char *resource,
                     kw__tenant **t, uint32_t *r) {
    if (!kw__valid_id(tenant) || !kw__valid_id(resource)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    *t = kw__tenant_find(eng, tenant);
    if (!*t) return KW_UNKNOWN_TENANT;
    *r = kw__res_find(*t, resource);
    if (*r == KW__NONE) return KW_UNKNOWN_RESOURCE;
    return KW_OK;
}

static kw__sharer *find_sharer(kw__res *r, uint32_t u) {
    for (uint32_t i = 0; i < r->nsharers; i++)
        if (r->sharers[i].user == u) return &r->sharers[i];
    return NULL;
}

/* Owner or super-admin of a personal resource (sharer management). */
static kw_err owner_only(const kw__tenant *t, const kw__res *r, const char *actor) {
    if (r->node != KW__NONE) return KW_ENTERPRISE_RESOURCE;
    if (r->owner == KW__NONE) return KW_NOT_BOUND;
    if (!actor) return KW_OK;
    uint32_t a = kw__user_find(t, actor);
    return (a != KW__NONE && a == r->owner) ? KW_OK : KW_FORBIDDEN;
}

kw_err kw_bind(kw_engine *eng, const char *tenant, const char *actor, const char *resource,
               const char *user, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(user)) return KW_BAD_ID;
    kw__tenant *t;
    uint32_t r, u;
    KW__LOCK_WR(eng);
    kw_err e = lookup(eng, tenant, actor, resource, &t, &r);
    if (e) goto out;
    kw__res *res = &t->res[r];
    if (res->node != KW__NONE) { e = KW_ENTERPRISE_RESOURCE; goto out; }
    if (actor && strcmp(actor, user) != 0) { e = KW_FORBIDDEN; goto out; }
    if (res->owner != KW__NONE) { e = KW_ALREADY_OWNED; goto out; }
    e = kw__user_intern(eng, t, user, &u);
    if (e) goto out;
    kw__user *us = &t->users[u];
    e = kw__ul_push(eng, us, KW__UL_OWNED, r);
    if (e) goto out;
    t->res[r].owner = u;
    kw__emit_one(eng, t, r, KW_CH_BIND, actor, resource, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_unbind(kw_engine *eng, const char *tenant, const char *actor, const char *resource,
                 kw_time now) {
    if (!eng) return KW_INVAL;
    kw__tenant *t;
    uint32_t r;
    KW__LOCK_WR(eng);
    kw_err e = lookup(eng, tenant, actor, resource, &t, &r);
    if (e) goto out;
    e = owner_only(t, &t->res[r], actor);
    if (e) goto out;
    kw__res_clear_personal(eng, t, r);
    kw__emit_one(eng, t, r, KW_CH_UNBIND, actor, resource, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_sharer_put(kw_engine *eng, const char *tenant, const char *actor, const char *resource,
                     const char *user, const char *const *functions, size_t n, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(user)) return KW_BAD_ID;
    if (n == 0 || !functions) return KW_INVAL;
    kw__tenant *t;
    uint32_t r, u;
    uint64_t mask;
    KW__LOCK_WR(eng);
    kw_err e = lookup(eng, tenant, actor, resource, &t, &r);
    if (e) goto out;
    kw__res *res = &t->res[r];
    e = owner_only(t, res, actor);
    if (e) goto out;
    e = kw__func_mask(res->funcs, res->nfuncs, functions, n, &mask);
    if (e) goto out;
    e = kw__user_intern(eng, t, user, &u);
    if (e) goto out;
    res = &t->res[r];
    if (u == res->owner) { e = KW_INVAL; goto out; }
    kw__sharer *s = find_sharer(res, u);
    if (s) {
        s->funcs = mask;
    } else {
        e = kw__grow(eng, (void **)&res->sharers, &res->capsharers, res->nsharers + 1u,
                     sizeof *res->sharers);
        if (e) goto out;
        kw__user *us = &t->users[u];
        e = kw__ul_push(eng, us, KW__UL_SHARED, r);
        if (e) goto out;
        res->sharers[res->nsharers++] = (kw__sharer){ .user = u, .enabled = true, .funcs = mask,
                                                      .since = now };
    }
    kw__emit_one(eng, t, r, KW_CH_SHARER_PUT, actor, resource, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

static kw_err sharer_lookup(kw_engine *eng, const char *tenant, const char *actor,
                            const char *resource, const char *user, kw__tenant **t, uint32_t *r,
                            uint32_t *si) {
    if (!kw__valid_id(user)) return KW_BAD_ID;
    kw_err e = lookup(eng, tenant, actor, resource, t, r);
    if (e) return e;
    kw__res *res = &(*t)->res[*r];
    e = owner_only(*t, res, actor);
    if (e) return e;
    uint32_t u = kw__user_find(*t, user);
    kw__sharer *s = u == KW__NONE ? NULL : find_sharer(res, u);
    if (!s) return KW_UNKNOWN_SHARER;
    *si = (uint32_t)(s - res->sharers);
    return KW_OK;
}

kw_err kw_sharer_set_enabled(kw_engine *eng, const char *tenant, const char *actor,
                             const char *resource, const char *user, bool enabled, kw_time now) {
    if (!eng) return KW_INVAL;
    kw__tenant *t;
    uint32_t r, si;
    KW__LOCK_WR(eng);
    kw_err e = sharer_lookup(eng, tenant, actor, resource, user, &t, &r, &si);
    if (e) goto out;
    t->res[r].sharers[si].enabled = enabled;
    kw__emit_one(eng, t, r, enabled ? KW_CH_SHARER_ENABLE : KW_CH_SHARER_DISABLE, actor, resource,
                 user,
             0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_sharer_delete(kw_engine *eng, const char *tenant, const char *actor,
                        const char *resource, const char *user, kw_time now) {
    if (!eng) return KW_INVAL;
    kw__tenant *t;
    uint32_t r, si;
    KW__LOCK_WR(eng);
    kw_err e = sharer_lookup(eng, tenant, actor, resource, user, &t, &r, &si);
    if (e) goto out;
    kw__res *res = &t->res[r];
    uint32_t u = res->sharers[si].user;
    /* grants it issued go with it */
    for (uint32_t s = res->grant_head; s != KW__NONE;) {
        kw__grant *g = kw__grant_at(t, s);
        uint32_t next = g->next_res;
        if (g->issuer_kind == KW__ISS_SHARER && g->issuer == u) kw__grant_delete(eng, t, s);
        s = next;
    }
    res->sharers[si] = res->sharers[--res->nsharers];
    kw__user *us = &t->users[u];
    kw__ul_remove(us, KW__UL_SHARED, r);
    kw__emit_one(eng, t, r, KW_CH_SHARER_DELETE, actor, resource, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

static int sharer_cmp(const void *a, const void *b) {
    return strcmp(((const kw_sharer_info *)a)->user, ((const kw_sharer_info *)b)->user);
}

kw_err kw_sharer_list(kw_engine *eng, const char *tenant, const char *resource,
                      kw_sharer_info *out, size_t cap, size_t *n) {
    if (!eng || !n || (cap && !out)) return KW_INVAL;
    kw__tenant *t;
    uint32_t r;
    kw_sharer_info *all = NULL;
    KW__LOCK_RD(eng);
    kw_err e = lookup(eng, tenant, NULL, resource, &t, &r);
    if (e) goto out;
    const kw__res *res = &t->res[r];
    *n = res->nsharers;
    if (!res->nsharers) goto out;
    all = malloc(res->nsharers * sizeof *all);
    if (!all) { e = KW_NOMEM; goto out; }
    for (uint32_t i = 0; i < res->nsharers; i++) {
        const kw__sharer *s = &res->sharers[i];
        memset(&all[i], 0, sizeof all[i]);
        snprintf(all[i].user, sizeof all[i].user, "%s", t->users[s->user].id);
        all[i].functions = s->funcs;
        all[i].enabled = s->enabled;
        all[i].since = s->since;
    }
    qsort(all, res->nsharers, sizeof *all, sharer_cmp);
    if (cap) memcpy(out, all, (cap < res->nsharers ? cap : res->nsharers) * sizeof *all);
out:
    KW__UNLOCK(eng);
    free(all);
    return e;
}

/* ------------------------------------------------------------ grants */

/* How `actor` may issue or manage grants on r: its issuer kind and the
 * functions it holds. KW_FORBIDDEN / KW_NOT_BOUND / KW_ORG_DISABLED. */
static kw_err issuer_of(const kw__tenant *t, const kw__res *r, const char *actor, kw_time now,
                        uint32_t *issuer, uint8_t *kind, uint64_t *held) {
    *issuer = KW__NONE;
    *kind = KW__ISS_SUPER;
    *held = UINT64_MAX;
    uint32_t a = actor ? kw__user_find(t, actor) : KW__NONE;
    if (r->node != KW__NONE) {
        if (actor && a == KW__NONE) return KW_FORBIDDEN;
        kw_err e = kw__org_may(t, a, r->node, KW_ACT_RESOURCES, now);
        if (e) return e;
        if (actor) { *issuer = a; *kind = KW__ISS_ADMIN; }
        return KW_OK;
    }
    if (r->owner == KW__NONE) return KW_NOT_BOUND;
    if (!actor) return KW_OK;
    if (a == KW__NONE) return KW_FORBIDDEN;
    if (a == r->owner) { *issuer = a; *kind = KW__ISS_OWNER; return KW_OK; }
    for (uint32_t i = 0; i < r->nsharers; i++) {
        if (r->sharers[i].user != a) continue;
        if (!r->sharers[i].enabled) return KW_FORBIDDEN;
        *issuer = a;
        *kind = KW__ISS_SHARER;
        *held = r->sharers[i].funcs;
        return KW_OK;
    }
    return KW_FORBIDDEN;
}

kw_err kw_grant_create(kw_engine *eng, const char *tenant, const char *actor,
                       const char *resource, const char *const *users, size_t nusers,
                       const char *const *functions, size_t nfunctions, const kw_cond *cond,
                       uint64_t *ids, kw_err *item_errs, kw_time now) {
    if (!eng || !users || nusers == 0 || nfunctions == 0 || !functions || !cond) return KW_INVAL;
    if (nusers > 100000) return KW_LIMIT;
    kw_err e = kw_cond_validate(cond);
    if (e) return e;
    kw__tenant *t;
    uint32_t r, issuer;
    uint8_t kind;
    uint64_t mask, held;
    kw__cond pc;
    kw__cond_pack(&pc, cond);
    KW__LOCK_WR(eng);
    e = lookup(eng, tenant, actor, resource, &t, &r);
    if (e) goto out;
    e = kw__func_mask(t->res[r].funcs, t->res[r].nfuncs, functions, nfunctions, &mask);
    if (e) goto out;
    e = issuer_of(t, &t->res[r], actor, now, &issuer, &kind, &held);
    if (e) goto out;
    if (mask & ~held) { e = KW_FUNCTION_NOT_HELD; goto out; }
    kw_err first = KW_OK;
    for (size_t i = 0; i < nusers; i++) {
        kw_err ie = kw__valid_id(users[i]) ? KW_OK : KW_BAD_ID;
        if (item_errs) item_errs[i] = ie;
        if (ie && !first) first = ie;
    }
    if (first) { e = first; goto out; }
    uint32_t start = t->nslots;
    for (size_t i = 0; i < nusers; i++) {
        uint32_t u, slot;
        e = kw__user_intern(eng, t, users[i], &u);
        if (!e) e = kw__grant_new(eng, t, r, u, issuer, kind, mask, &pc, now, &slot);
        if (e) {
            /* roll back the grants made so far: all-or-nothing */
            for (uint32_t s = start; s < t->nslots; s++)
                if (kw__grant_at(t, s)->flags & KW__LIVE) kw__grant_delete(eng, t, s);
            if (item_errs) item_errs[i] = e;
            goto out;
        }
        if (ids) ids[i] = (uint64_t)slot + 1u;
    }
    for (uint32_t s = start; s < t->nslots; s++) {
        kw__grant *g = kw__grant_at(t, s);
        kw__emit_one(eng, t, r, KW_CH_GRANT_CREATE, actor, resource, t->users[g->user].id,
                 (uint64_t)s + 1u, now);
    }
out:
    KW__UNLOCK(eng);
    return e;
}

/* May `actor` manage grant g (its functions all held)? */
static kw_err may_manage(const kw__tenant *t, const kw__grant *g, const char *actor, kw_time now,
                         uint64_t *held) {
    uint32_t issuer;
    uint8_t kind;
    kw_err e = issuer_of(t, &t->res[g->res], actor, now, &issuer, &kind, held);
    if (e == KW_NOT_BOUND) return KW_FORBIDDEN;
    if (e) return e;
    if (g->funcs & ~*held) return KW_FORBIDDEN;
    return KW_OK;
}

kw_err kw_grant_batch(kw_engine *eng, const char *tenant, const char *actor, const uint64_t *ids,
                      size_t n, const kw_grant_change *ch, kw_err *item_errs, kw_time now) {
    if (!eng || !ids || n == 0 || !ch) return KW_INVAL;
    if (ch->op < KW_GRANT_ENABLE || ch->op > KW_GRANT_MODIFY) return KW_INVAL;
    if (n > 100000) return KW_LIMIT;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    kw_err e = KW_OK;
    kw__cond pc;
    if (ch->op == KW_GRANT_MODIFY) {
        if (ch->nfunctions && !ch->functions) return KW_INVAL;
        if (ch->cond) {
            e = kw_cond_validate(ch->cond);
            if (e) return e;
            kw__cond_pack(&pc, ch->cond);
        }
    }
    uint64_t *masks = calloc(n, sizeof *masks);
    if (!masks) return KW_NOMEM;
    KW__LOCK_WR(eng);
    kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    kw_err first = KW_OK;
    for (size_t i = 0; i < n; i++) {
        kw_err ie = KW_OK;
        kw__grant *g = kw__grant_by_id(t, ids[i]);
        uint64_t held = 0;
        if (!g) ie = KW_UNKNOWN_GRANT;
        for (size_t j = 0; j < i && !ie; j++)
            if (ids[j] == ids[i]) ie = KW_INVAL;
        if (!ie) ie = may_manage(t, g, actor, now, &held);
        if (!ie && ch->op == KW_GRANT_MODIFY) {
            masks[i] = g->funcs;
            if (ch->nfunctions) {
                const kw__res *r = &t->res[g->res];
                ie = kw__func_mask(r->funcs, r->nfuncs, ch->functions, ch->nfunctions, &masks[i]);
                if (!ie && (masks[i] & ~held)) ie = KW_FUNCTION_NOT_HELD;
            }
        }
        if (item_errs) item_errs[i] = ie;
        if (ie && !first) first = ie;
    }
    if (first) { e = first; goto out; }
    static const kw_change_kind kinds[] = { 0, KW_CH_GRANT_ENABLE, KW_CH_GRANT_DISABLE,
                                            KW_CH_GRANT_DELETE, KW_CH_GRANT_MODIFY };
    for (size_t i = 0; i < n; i++) {
        kw__grant *g = kw__grant_by_id(t, ids[i]);
        uint32_t r = g->res;
        const char *user = t->users[g->user].id;
        switch (ch->op) {
        case KW_GRANT_ENABLE: g->flags |= KW__ENABLED; break;
        case KW_GRANT_DISABLE: g->flags &= (uint8_t)~KW__ENABLED; break;
        case KW_GRANT_DELETE: kw__grant_delete(eng, t, (uint32_t)(ids[i] - 1u)); break;
        case KW_GRANT_MODIFY:
            g->funcs = masks[i];
            if (ch->cond) g->c = pc;
            break;
        }
        kw__emit_one(eng, t, r, kinds[ch->op], actor, t->res[r].id, user, ids[i], now);
    }
out:
    KW__UNLOCK(eng);
    free(masks);
    return e;
}

/* Fill *out from grant g (read lock held). */
void kw__grant_info(const kw__tenant *t, const kw__grant *g, uint64_t id, kw_time now,
                    kw_grant_info *out) {
    const kw__res *r = &t->res[g->res];
    memset(out, 0, sizeof *out);
    out->id = id;
    snprintf(out->resource, sizeof out->resource, "%s", r->id);
    snprintf(out->user, sizeof out->user, "%s", t->users[g->user].id);
    if (g->issuer != KW__NONE) snprintf(out->issuer, sizeof out->issuer, "%s", t->users[g->issuer].id);
    out->functions = g->funcs;
    out->effective = kw__grant_effective(t, g, now);
    kw__cond_unpack(&out->cond, &g->c);
    out->granted_at = g->granted_at;
    out->enabled = (g->flags & KW__ENABLED) != 0;
    out->state = !out->enabled ? KW_GRANT_DISABLED
                 : out->effective != g->funcs ? KW_GRANT_SUSPENDED : KW_GRANT_ACTIVE;
    out->used_total = atomic_load_explicit(&((kw__grant *)g)->used_total, memory_order_relaxed);
    uint64_t du = atomic_load_explicit(&((kw__grant *)g)->day_used, memory_order_relaxed);
    out->today = (kw_date)(int32_t)(uint32_t)(du >> 32);
    out->used_today = (uint32_t)du;
    out->remaining = kw__grant_remaining(g, kw__local_day(r->tz, now));
}

kw_err kw_grant_get(kw_engine *eng, const char *tenant, uint64_t id, kw_time now,
                    kw_grant_info *out) {
    if (!eng || !out) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    kw_err e = KW_OK;
    KW__LOCK_RD(eng);
    const kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    const kw__grant *g = kw__grant_by_id(t, id);
    if (!g) { e = KW_UNKNOWN_GRANT; goto out; }
    kw__grant_info(t, g, id, now, out);
out:
    KW__UNLOCK(eng);
    return e;
}
