/*
 * src/core/plan.c — plans for virtual resources, assignments and usage
 * counts per employee, function and local day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static kw_err open_tenant(kw_engine *eng, const char *tenant, const char *actor, kw__tenant **t) {
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    *t = kw__tenant_find(eng, tenant);
    return *t ? KW_OK : KW_UNKNOWN_TENANT;
}

static void touch_orgs_on_plan(kw_engine *eng, const kw__tenant *t, uint32_t plan) {
    for (uint32_t o = 0; o < t->norgs; o++) {
        const kw__org *org = &t->orgs[o];
        for (uint32_t i = 0; org->live && i < org->nplans; i++)
            if (org->plans[i].plan == plan) (void)kw__touch_org(eng, t, o);
    }
}

kw_err kw_plan_put(kw_engine *eng, const char *tenant, const char *actor, const char *plan,
                   const char *type, const char *const *functions, size_t n, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(plan) || !kw__valid_id(type)) return KW_BAD_ID;
    kw__tenant *t;
    uint64_t mask = 0;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &t);
    if (e) goto out;
    if (actor) { e = KW_FORBIDDEN; goto out; }
    uint32_t ty = kw__type_find(t, type);
    if (ty == KW__NONE || !t->types[ty].live) { e = KW_UNKNOWN_TYPE; goto out; }
    if (n) {
        e = kw__func_mask(t->types[ty].funcs, t->types[ty].nfuncs, functions, n, &mask);
        if (e) goto out;
    }
    uint32_t p = kw__plan_find(t, plan);
    if (p != KW__NONE) {
        if (t->plans[p].type != ty) { e = KW_INVAL; goto out; }
    } else {
        e = kw__grow(eng, (void **)&t->plans, &t->capplans, t->nplans + 1u, sizeof *t->plans);
        if (e) goto out;
        kw__plan *pl = &t->plans[t->nplans];
        memset(pl, 0, sizeof *pl);
        pl->id = kw__strdup(eng, plan);
        if (!pl->id) { e = KW_NOMEM; goto out; }
        pl->type = ty;
        e = kw__plan_index(eng, t, t->nplans);
        if (e) { kw__free(eng, pl->id); goto out; }
        p = t->nplans++;
    }
    t->plans[p].funcs = mask;
    kw__touch_reset(eng);
    touch_orgs_on_plan(eng, t, p);
    kw__emit(eng, t, KW_CH_PLAN_PUT, actor, plan, type, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_plan_get(kw_engine *eng, const char *tenant, const char *plan, kw_plan_info *out) {
    if (!eng || !out) return KW_INVAL;
    if (!kw__valid_id(plan)) return KW_BAD_ID;
    kw__tenant *t;
    KW__LOCK_RD(eng);
    kw_err e = open_tenant(eng, tenant, NULL, &t);
    if (e) goto out;
    uint32_t p = kw__plan_find(t, plan);
    if (p == KW__NONE) { e = KW_UNKNOWN_PLAN; goto out; }
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", t->plans[p].id);
    snprintf(out->type, sizeof out->type, "%s", t->types[t->plans[p].type].id);
    out->functions = t->plans[p].funcs;
    out->norgs = t->plans[p].norgs;
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_org_set_plan(kw_engine *eng, const char *tenant, const char *actor, const char *org,
                       const char *plan, const char *type, kw_time now) {
    if (!eng) return KW_INVAL;
    kw__tenant *t;
    uint32_t o, p = KW__NONE, ty;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &t);
    if (!e) e = kw__org_find(t, org, &o);
    if (e) goto out;
    if (actor) { e = KW_FORBIDDEN; goto out; }
    if (plan) {
        if (!kw__valid_id(plan)) { e = KW_BAD_ID; goto out; }
        p = kw__plan_find(t, plan);
        if (p == KW__NONE) { e = KW_UNKNOWN_PLAN; goto out; }
        ty = t->plans[p].type;
    } else {
        if (!kw__valid_id(type)) { e = KW_BAD_ID; goto out; }
        ty = kw__type_find(t, type);
        if (ty == KW__NONE) { e = KW_UNKNOWN_TYPE; goto out; }
    }
    kw__org *og = &t->orgs[o];
    kw__planref *ref = (kw__planref *)kw__org_plan(t, o, ty);
    if (p != KW__NONE) {
        if (!ref) {
            e = kw__grow(eng, (void **)&og->plans, &og->capplans, og->nplans + 1u, sizeof *og->plans);
            if (e) goto out;
            ref = &og->plans[og->nplans++];
            ref->type = ty;
        } else {
            t->plans[ref->plan].norgs--;
        }
        ref->plan = p;
        t->plans[p].norgs++;
    } else if (ref) {
        t->plans[ref->plan].norgs--;
        *ref = og->plans[--og->nplans];
    }
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, t, o);
    kw__emit(eng, t, KW_CH_ORG_SET_PLAN, actor, org, plan, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_assign(kw_engine *eng, const char *tenant, const char *actor, const char *resource,
                 const char *user, const char *const *functions, size_t n, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(resource) || !kw__valid_id(user)) return KW_BAD_ID;
    kw__tenant *t;
    uint64_t mask = 0;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &t);
    if (e) goto out;
    uint32_t r = kw__res_find(t, resource);
    if (r == KW__NONE) { e = KW_UNKNOWN_RESOURCE; goto out; }
    kw__res *res = &t->res[r];
    if (res->node == KW__NONE) { e = KW_PERSONAL_RESOURCE; goto out; }
    uint32_t u = kw__user_find(t, user);
    if (u == KW__NONE || !t->users[u].created) { e = KW_UNKNOWN_USER; goto out; }
    if (n) {
        e = kw__func_mask(res->funcs, res->nfuncs, functions, n, &mask);
        if (e) goto out;
    }
    uint32_t a = KW__NONE;
    if (actor) {
        a = kw__user_find(t, actor);
        if (a == KW__NONE) { e = KW_FORBIDDEN; goto out; }
    }
    e = kw__org_may(t, a, res->node, KW_ACT_USERS, now);
    if (e) goto out;
    uint32_t i = 0;
    while (i < res->nassigns && res->assigns[i].user != u) i++;
    kw__user *us = &t->users[u];
    if (mask == 0) {
        if (i < res->nassigns) {
            res->assigns[i] = res->assigns[--res->nassigns];
            kw__ul_remove(us, KW__UL_ASSIGNED, r);
        }
    } else if (i < res->nassigns) {
        res->assigns[i].funcs = mask;
    } else {
        e = kw__grow(eng, (void **)&res->assigns, &res->capassigns, res->nassigns + 1u,
                     sizeof *res->assigns);
        if (!e) e = kw__ul_push(eng, us, KW__UL_ASSIGNED, r);
        if (e) goto out;
        res->assigns[res->nassigns++] = (kw__assign){ .user = u, .funcs = mask };
    }
    kw__emit_one(eng, t, r, KW_CH_ASSIGN, actor, resource, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ usage */

typedef struct usage_key { uint32_t user, res, day, func; } usage_key;

static uint64_t usage_hash_of(uint32_t user, uint32_t res, uint32_t day, uint32_t func) {
    return kw__hash_u64(((uint64_t)user << 32 | res) ^ kw__hash_u64((uint64_t)day << 16 | func));
}
static bool usage_eq(const void *ctx, const void *key, uint32_t i) {
    const kw__usage *u = &((const kw__org *)ctx)->usage[i];
    const usage_key *k = key;
    return u->user == k->user && u->res == k->res && u->day == k->day && u->func == k->func;
}
static uint64_t usage_hash(const void *ctx, uint32_t i) {
    const kw__usage *u = &((const kw__org *)ctx)->usage[i];
    return usage_hash_of(u->user, u->res, u->day, u->func);
}

void kw__usage_count(kw_engine *eng, kw__tenant *t, uint32_t r, uint32_t user, uint32_t func,
                     kw_time now) {
    if (user == KW__NONE) return;
    const kw__res *res = &t->res[r];
    kw__org *o = &t->orgs[t->nodes[res->node].org];
    uint32_t day = (uint32_t)kw__local_day(res->tz, now);
    usage_key k = { user, r, day, func };
    uint64_t h = usage_hash_of(user, r, day, func);
    pthread_mutex_lock(&t->usage_lock);
    uint32_t i = kw__idx_find(&o->usage_idx, h, usage_eq, o, &k, NULL);
    if (i != KW__NONE) {
        o->usage[i].uses++;
    } else if (kw__grow(eng, (void **)&o->usage, &o->capusage, o->nusage + 1u, sizeof *o->usage) == KW_OK) {
        o->usage[o->nusage] = (kw__usage){ .user = user, .res = r, .day = day,
                                           .func = (uint16_t)func, .uses = 1 };
        if (kw__idx_insert(eng, &o->usage_idx, h, o->nusage, usage_hash, o) == KW_OK) o->nusage++;
    }
    /* a failed allocation loses one report count, never a decision */
    pthread_mutex_unlock(&t->usage_lock);
}

/* Copy a cursor part that must fit (no silent truncation). */
static bool copy_part(char *dst, size_t cap, const char *src) {
    size_t n = strnlen(src, cap);
    if (n >= cap) return false;
    memcpy(dst, src, n + 1);
    return true;
}

typedef struct usage_sort { const kw__tenant *t; const kw__org *o; } usage_sort;

static int usage_cmp_rows(const kw_usage_row *a, const kw_usage_row *b) {
    int c = strcmp(a->user, b->user);
    if (!c) c = strcmp(a->resource, b->resource);
    if (!c) c = strcmp(a->function, b->function);
    if (!c) c = (a->day > b->day) - (a->day < b->day);
    return c;
}
static int usage_qcmp(const void *a, const void *b) { return usage_cmp_rows(a, b); }

kw_err kw_usage_query(kw_engine *eng, const char *tenant, const char *actor, const char *org,
                      const char *user, kw_date day_from, kw_date day_until, size_t limit,
                      const char *cursor, kw_usage_row *rows, size_t *nrows, char *next_cursor,
                      kw_time now) {
    if (!eng || !rows || !nrows || !next_cursor) return KW_INVAL;
    if (limit < 1 || limit > 1000) return KW_BAD_LIMIT;
    if (user && !kw__valid_id(user)) return KW_BAD_ID;
    if (day_from > day_until) return KW_INVAL;
    kw__tenant *t;
    uint32_t o;
    kw_usage_row *all = NULL;
    *nrows = 0;
    next_cursor[0] = '\0';
    KW__LOCK_RD(eng);
    kw_err e = open_tenant(eng, tenant, actor, &t);
    if (!e) e = kw__org_find(t, org, &o);
    if (e) goto out;
    if (actor) {
        uint32_t a = kw__user_find(t, actor);
        if (a == KW__NONE) { e = KW_FORBIDDEN; goto out; }
        e = kw__org_may(t, a, t->orgs[o].root, KW_ACT_USERS, now);
        if (e == KW_ORG_DISABLED) e = KW_OK;   /* reads still work */
        else if (e) goto out;
    }
    uint64_t qh = kw__hash_fold(kw__hash_fold(kw__hash_fold(0x75736167u, kw__hash_str(org)),
                                              (uint64_t)(uint32_t)day_from << 32 | (uint32_t)day_until),
                                kw__hash_opt(user));
    char last[KW_CURSOR_MAX] = "";
    kw_usage_row lastrow;
    bool have_last = false;
    if (cursor && *cursor) {
        e = kw__cursor_parse(cursor, tenant, qh, last, sizeof last);
        if (e) goto out;
        /* last = user|resource|function|day */
        memset(&lastrow, 0, sizeof lastrow);
        char *p1 = strchr(last, '|'), *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
        char *p3 = p2 ? strchr(p2 + 1, '|') : NULL;
        if (!p3) { e = KW_BAD_CURSOR; goto out; }
        *p1 = *p2 = *p3 = '\0';
        if (!copy_part(lastrow.user, sizeof lastrow.user, last) ||
            !copy_part(lastrow.resource, sizeof lastrow.resource, p1 + 1) ||
            !copy_part(lastrow.function, sizeof lastrow.function, p2 + 1)) {
            e = KW_BAD_CURSOR;
            goto out;
        }
        char *end;
        long day = strtol(p3 + 1, &end, 10);
        if (*end || end == p3 + 1 || day < INT32_MIN || day > INT32_MAX) { e = KW_BAD_CURSOR; goto out; }
        lastrow.day = (kw_date)day;
        have_last = true;
    }
    const kw__org *og = &t->orgs[o];
    uint32_t ucheck = user ? kw__user_find(t, user) : KW__NONE;
    if (user && ucheck == KW__NONE) goto out;
    all = malloc(((size_t)og->nusage + 1u) * sizeof *all);
    if (!all) { e = KW_NOMEM; goto out; }
    size_t n = 0;
    for (uint32_t i = 0; i < og->nusage; i++) {
        const kw__usage *u = &og->usage[i];
        if ((kw_date)u->day < day_from || (kw_date)u->day > day_until) continue;
        if (user && u->user != ucheck) continue;
        const kw__res *r = &t->res[u->res];
        kw_usage_row *row = &all[n];
        snprintf(row->user, sizeof row->user, "%s", t->users[u->user].id);
        snprintf(row->resource, sizeof row->resource, "%s", r->id);
        if (r->live && u->func < r->nfuncs)
            snprintf(row->function, sizeof row->function, "%s", r->funcs[u->func]);
        else
            snprintf(row->function, sizeof row->function, "#%u", (unsigned)u->func);
        row->day = (kw_date)u->day;
        row->uses = u->uses;
        if (have_last && usage_cmp_rows(row, &lastrow) <= 0) continue;
        n++;
    }
    qsort(all, n, sizeof *all, usage_qcmp);
    size_t take = n < limit ? n : limit;
    memcpy(rows, all, take * sizeof *all);
    *nrows = take;
    if (take < n) {
        char key[KW_CURSOR_MAX];
        const kw_usage_row *lr = &rows[take - 1];
        snprintf(key, sizeof key, "%s|%s|%s|%d", lr->user, lr->resource, lr->function, (int)lr->day);
        kw__cursor_make(next_cursor, tenant, qh, key);
    }
out:
    KW__UNLOCK(eng);
    free(all);
    return e;
}
