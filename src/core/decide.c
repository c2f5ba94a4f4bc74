/*
 * src/core/decide.c — check and use.
 *
 * One evaluator serves check, use and the reverse queries. It walks every
 * path from a user to a function of a resource (owner, sharer, node admin,
 * assignment, bindings, usage grants), remembers
 *   - whether an uncounted path allows (then nothing is consumed),
 *   - the best valid counted grant in consumption order, and
 *   - the candidate the consumption order would pick were all valid, whose
 *     reason explains a deny.
 * Candidate order: owner, sharer, admin, assignment, binding (rank 0–4),
 * then uncounted grants (5), then counted grants (6); grants of one rank by
 * end, grant time, id.
 *
 * Use re-validates the chosen grant's counters under the grant's own lock and
 * re-evaluates if another thread took the last use meanwhile, so a grant of
 * N uses is consumed exactly N times.
 */
#include <sched.h>
#include <string.h>

#include "core/internal.h"

typedef struct ord {
    uint32_t rank;
    kw_time  end, granted;
    uint32_t slot;           /* KW__NONE for non-grant candidates */
} ord;

typedef struct eval {
    bool      allowed;
    kw_reason reason;
    uint32_t  roles;         /* KW_ROLE_* of allowing paths */
    bool      uncounted;     /* an uncounted path allows */
    bool      have_counted;
    ord       counted;       /* best valid counted grant */
    bool      have_deny;
    ord       deny;
    kw_reason deny_reason;
    int64_t   deny_remaining;
    uint32_t  free_slot;     /* best valid uncounted grant, or KW__NONE */
    ord       free_ord;
} eval;

static bool ord_less(const ord *a, const ord *b) {
    if (a->rank != b->rank) return a->rank < b->rank;
    if (a->end != b->end) return a->end < b->end;
    if (a->granted != b->granted) return a->granted < b->granted;
    return a->slot < b->slot;
}

static void deny_cand(eval *ev, ord o, kw_reason why, int64_t remaining) {
    if (!ev->have_deny || ord_less(&o, &ev->deny)) {
        ev->have_deny = true;
        ev->deny = o;
        ev->deny_reason = why;
        ev->deny_remaining = remaining;
    }
}

static void allow_path(eval *ev, kw_reason why, uint32_t role) {
    if (!ev->uncounted) ev->reason = why;
    ev->uncounted = true;
    ev->roles |= role;
}

/* Reason for an optional condition (time parts only). */
static kw_reason cond_reason(const kw__cond *c, const kw_tz *tz, kw_time now) {
    return c->flags ? kw__cond_time(c, tz, now) : KW_R_ALLOWED_GRANT;
}

/* Evaluate every path. With `all` false it stops at the first uncounted
 * allow (enough for check/use); with `all` true it collects every allowing
 * role (for queries). */
static void evaluate(const kw__tenant *t, uint32_t r, uint32_t u, uint32_t f, kw_time now,
                     bool all, eval *ev) {
    memset(ev, 0, sizeof *ev);
    ev->free_slot = KW__NONE;
    ev->deny_remaining = -1;
    const kw__res *res = &t->res[r];
    const uint64_t bit = UINT64_C(1) << f;
    const kw_tz *tz = res->tz;

    if (res->node != KW__NONE) {
        const kw__node *nd = &t->nodes[res->node];
        if (!t->orgs[nd->org].enabled) { ev->reason = KW_R_ORG_DISABLED; return; }
        if (!kw__node_effective(t, res->node)) { ev->reason = KW_R_NODE_DISABLED; return; }
        const kw__planref *p = kw__org_plan(t, nd->org, res->type);
        if (p && !((t->plans[p->plan].funcs | t->types[res->type].free_mask) & bit)) {
            ev->reason = KW_R_NOT_IN_PLAN;
            return;
        }
    }
    if (u == KW__NONE) { ev->reason = KW_R_NO_GRANT; return; }

    if (res->owner == u) {
        allow_path(ev, KW_R_ALLOWED_OWNER, KW_ROLE_OWNER);
        if (!all) goto done;
    }
    for (uint32_t i = 0; i < res->nsharers; i++) {
        const kw__sharer *s = &res->sharers[i];
        if (s->user != u || !(s->funcs & bit)) continue;
        if (s->enabled) {
            allow_path(ev, KW_R_ALLOWED_SHARER, KW_ROLE_SHARER);
            if (!all) goto done;
        } else {
            deny_cand(ev, (ord){ 1, 0, 0, KW__NONE }, KW_R_DISABLED, -1);
        }
    }
    const kw__user *us = &t->users[u];
    if (res->node != KW__NONE) {
        for (uint32_t i = 0; i < kw__ul(us, KW__UL_ADMINS)->n; i++) {
            const kw__role *ad = &t->roles[KW__UL_ADMINS].v[kw__ul(us, KW__UL_ADMINS)->v[i]];
            uint32_t need = ad->node == res->node ? KW_POW_OPEN_OWN : KW_POW_OPEN_LOWER;
            if (!(ad->powers & need) || !kw__node_is_ancestor(t, ad->node, res->node)) continue;
            kw_reason why = ad->has_cond ? cond_reason(&ad->c, tz, now) : KW_R_ALLOWED_GRANT;
            if (why == KW_R_ALLOWED_GRANT) {
                allow_path(ev, KW_R_ALLOWED_ADMIN, KW_ROLE_ADMIN);
                if (!all) goto done;
            } else {
                deny_cand(ev, (ord){ 2, 0, 0, KW__NONE }, why, -1);
            }
        }
        for (uint32_t i = 0; i < res->nassigns; i++) {
            if (res->assigns[i].user == u && (res->assigns[i].funcs & bit)) {
                allow_path(ev, KW_R_ALLOWED_ASSIGNMENT, KW_ROLE_ASSIGNEE);
                if (!all) goto done;
            }
        }
        const kw__type *ty = &t->types[res->type];
        const kw__node *y = &t->nodes[res->node];
        for (uint32_t i = 0; i < kw__ul(us, KW__UL_BINDINGS)->n; i++) {
            const kw__role *b = &t->roles[KW__UL_BINDINGS].v[kw__ul(us, KW__UL_BINDINGS)->v[i]];
            const kw__node *x = &t->nodes[b->node];
            if (x->org != y->org) continue;
            if (b->node != res->node) {
                if (kw__node_is_ancestor(t, b->node, res->node)) {
                    if (ty->up >= 0 && y->depth - x->depth > (uint32_t)ty->up) continue;
                } else if (kw__node_is_ancestor(t, res->node, b->node)) {
                    if (ty->down >= 0 && x->depth - y->depth > (uint32_t)ty->down) continue;
                } else {
                    continue;
                }
            }
            kw_reason why;
            if (!kw__node_effective(t, b->node)) why = KW_R_NODE_DISABLED;
            else if (b->from && now < b->from) why = KW_R_NOT_YET_VALID;
            else if (b->until && now >= b->until) why = KW_R_BINDING_EXPIRED;
            else {
                why = cond_reason(&ty->dflt, tz, now);
                if (why == KW_R_ALLOWED_GRANT && b->has_cond) why = cond_reason(&b->c, tz, now);
            }
            if (why == KW_R_ALLOWED_GRANT) {
                allow_path(ev, KW_R_ALLOWED_BINDING, KW_ROLE_MEMBER);
                if (!all) goto done;
            } else {
                deny_cand(ev, (ord){ 4, 0, 0, KW__NONE }, why, -1);
            }
        }
    }

    kw_date today = 0;
    bool have_today = false;
    for (uint32_t s = kw__pair_head(t, r, u); s != KW__NONE;) {
        const kw__grant *g = kw__grant_at(t, s);
        uint32_t slot = s;
        s = g->next_pair;
        if (!(g->funcs & bit)) continue;
        bool counted = (g->c.flags & KW_COND_COUNTED) != 0;
        ord o = { counted ? 6u : 5u, kw__cond_end(&g->c, tz), g->granted_at, slot };
        kw_reason why;
        int64_t left = -1;
        if (!(g->flags & KW__ENABLED)) why = KW_R_DISABLED;
        else if (!(kw__grant_effective(t, g, now) & bit)) why = KW_R_SUSPENDED;
        else why = cond_reason(&g->c, tz, now);
        if (why == KW_R_ALLOWED_GRANT && counted) {
            if (!have_today) { today = kw__local_day(tz, now); have_today = true; }
            left = kw__grant_remaining(g, today);
            if (left == 0) {
                uint32_t used = atomic_load_explicit(&((kw__grant *)g)->used_total,
                                                     memory_order_relaxed);
                why = ((g->c.flags & KW_COND_COUNT) && used >= g->c.max_total)
                          ? KW_R_EXHAUSTED : KW_R_EXHAUSTED_TODAY;
            }
        }
        if (why != KW_R_ALLOWED_GRANT) {
            if (counted && left < 0) {
                if (!have_today) { today = kw__local_day(tz, now); have_today = true; }
                left = kw__grant_remaining(g, today);
            }
            deny_cand(ev, o, why, left);
            continue;
        }
        ev->roles |= KW_ROLE_USER;
        if (!counted) {
            if (ev->free_slot == KW__NONE || ord_less(&o, &ev->free_ord)) {
                ev->free_slot = slot;
                ev->free_ord = o;
            }
            if (!ev->uncounted) ev->reason = KW_R_ALLOWED_GRANT;
            ev->uncounted = true;
        } else if (!ev->have_counted || ord_less(&o, &ev->counted)) {
            ev->have_counted = true;
            ev->counted = o;
        }
    }
done:
    if (ev->uncounted) {
        ev->allowed = true;
    } else if (ev->have_counted) {
        ev->allowed = true;
        ev->reason = KW_R_ALLOWED_GRANT;
    } else {
        ev->reason = ev->have_deny ? ev->deny_reason : KW_R_NO_GRANT;
    }
}

/* Turn an evaluation into the public decision (check semantics). */
static void to_decision(const kw__tenant *t, const eval *ev, kw_time now, uint32_t r,
                        kw_decision *out) {
    out->allowed = ev->allowed;
    out->reason = ev->reason;
    out->grant = 0;
    out->remaining = -1;
    if (ev->allowed) {
        if (ev->reason == KW_R_ALLOWED_GRANT) {
            if (ev->uncounted) {
                out->grant = (uint64_t)ev->free_slot + 1u;
            } else {
                const kw__grant *g = kw__grant_at(t, ev->counted.slot);
                out->grant = (uint64_t)ev->counted.slot + 1u;
                out->remaining = kw__grant_remaining(g, kw__local_day(t->res[r].tz, now));
            }
        }
    } else if (ev->have_deny && ev->deny.slot != KW__NONE && ev->reason == ev->deny_reason) {
        out->grant = (uint64_t)ev->deny.slot + 1u;
        out->remaining = ev->deny_remaining;
    }
}

void kw__decide(const kw__tenant *t, uint32_t r, uint32_t u, uint32_t f, kw_time now,
                kw_decision *out, uint32_t *roles) {
    eval ev;
    evaluate(t, r, u, f, now, roles != NULL, &ev);
    to_decision(t, &ev, now, r, out);
    if (roles) *roles = ev.allowed ? ev.roles : 0;
}

/* Resolve names for a decision; answers unknown names as denials. */
static kw_err resolve(const kw_engine *eng, const char *tenant, const char *user,
                      const char *resource, const char *function, const kw__tenant **t,
                      uint32_t *r, uint32_t *u, uint32_t *f, kw_decision *out) {
    if (!out) return KW_INVAL;
    if (!kw__valid_id(tenant) || !kw__valid_id(user) || !kw__valid_id(resource) ||
        !kw__valid_key(function))
        return KW_BAD_ID;
    *out = (kw_decision){ .allowed = false, .grant = 0, .remaining = -1 };
    *t = kw__tenant_find(eng, tenant);
    *r = *f = KW__NONE;
    if (!*t) { out->reason = KW_R_UNKNOWN_TENANT; return KW_OK; }
    *r = kw__res_find(*t, resource);
    if (*r == KW__NONE) { out->reason = KW_R_UNKNOWN_RESOURCE; return KW_OK; }
    *f = kw__res_func(&(*t)->res[*r], function);
    if (*f == KW__NONE) { out->reason = KW_R_UNKNOWN_FUNCTION; return KW_OK; }
    *u = kw__user_find(*t, user);
    return KW_OK;
}

kw_err kw_check(kw_engine *eng, const char *tenant, const char *user, const char *resource,
                const char *function, kw_time now, kw_decision *out) {
    if (!eng) return KW_INVAL;
    if (now < KW_TIME_MIN || now > KW_TIME_MAX) return KW_BAD_TIME;
    const kw__tenant *t;
    uint32_t r, u, f;
    KW__LOCK_RD(eng);
    kw_err e = resolve(eng, tenant, user, resource, function, &t, &r, &u, &f, out);
    if (!e && f != KW__NONE) kw__decide(t, r, u, f, now, out, NULL);
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ use */

static uint64_t request_fp(const char *user, const char *resource, const char *function) {
    uint64_t a = kw__hash_str(user), b = kw__hash_str(resource), c = kw__hash_str(function);
    return kw__hash_u64(a ^ kw__hash_u64(b ^ kw__hash_u64(c ^ UINT64_C(0x9e3779b97f4a7c15))));
}

static bool idem_eq(const void *ctx, const void *key, uint32_t i) {
    return strcmp(((const kw__idem *)ctx)->e[i].key, key) == 0;
}
static uint64_t idem_hash(const void *ctx, uint32_t i) {
    return kw__hash_str(((const kw__idem *)ctx)->e[i].key);
}

/* Drop entries older than the retention (lock held). */
static void idem_expire(kw_engine *eng, kw__idem *m, kw_time now) {
    while (m->fifo_len) {
        uint32_t i = m->fifo[m->fifo_head];
        kw__idem_entry *en = &m->e[i];
        /* at and now are within KW_TIME_MIN..KW_TIME_MAX, so at + TTL cannot overflow */
        if (now < en->at || now < en->at + KW__IDEM_TTL) break;
        uint32_t slot = 0;
        if (kw__idx_find(&m->idx, kw__hash_str(en->key), idem_eq, m, en->key, &slot) == i)
            kw__idx_remove_slot(&m->idx, slot);
        kw__free(eng, en->key);
        en->key = NULL;
        if (kw__grow(eng, (void **)&m->free_list, &m->capfree, m->nfree + 1u,
                     sizeof *m->free_list) == KW_OK)
            m->free_list[m->nfree++] = i;
        m->fifo_head = (m->fifo_head + 1u) % m->fifo_cap;
        m->fifo_len--;
    }
}

static kw_err idem_store(kw_engine *eng, kw__idem *m, const char *key, uint64_t fp, kw_time now,
                         const kw_decision *d) {
    /* ring first, so a failure leaves nothing half-inserted */
    if (m->fifo_len == m->fifo_cap) {
        uint32_t ncap = m->fifo_cap ? m->fifo_cap * 2u : 64u;
        uint32_t *nf = kw__alloc(eng, (size_t)ncap * sizeof *nf);
        if (!nf) return KW_NOMEM;
        for (uint32_t k = 0; k < m->fifo_len; k++) nf[k] = m->fifo[(m->fifo_head + k) % m->fifo_cap];
        kw__free(eng, m->fifo);
        m->fifo = nf;
        m->fifo_cap = ncap;
        m->fifo_head = 0;
    }
    /* Pick the entry without taking it; commit only once nothing can fail. */
    uint32_t i;
    bool fresh = m->nfree == 0;
    if (fresh) {
        kw_err e = kw__grow(eng, (void **)&m->e, &m->cape, m->ne + 1u, sizeof *m->e);
        if (e) return e;
        i = m->ne;
    } else {
        i = m->free_list[m->nfree - 1u];
    }
    char *k = kw__strdup(eng, key);
    if (!k) return KW_NOMEM;
    m->e[i] = (kw__idem_entry){ .key = k, .fp = fp, .at = now, .d = *d };
    kw_err e = kw__idx_insert(eng, &m->idx, kw__hash_str(key), i, idem_hash, m);
    if (e) {
        kw__free(eng, k);
        m->e[i].key = NULL;
        return e;
    }
    if (fresh) m->ne++;
    else m->nfree--;
    m->fifo[(m->fifo_head + m->fifo_len) % m->fifo_cap] = i;
    m->fifo_len++;
    return KW_OK;
}

/* A grant's consumption lock: held for a handful of loads and stores. */
static void grant_lock(kw__grant *g) {
    while (atomic_exchange_explicit(&g->busy, 1, memory_order_acquire)) {
        while (atomic_load_explicit(&g->busy, memory_order_relaxed)) sched_yield();
    }
}

static void grant_unlock(kw__grant *g) { atomic_store_explicit(&g->busy, 0, memory_order_release); }

/* Decide and consume (model lock held shared). */
static void use_locked(kw_engine *eng, const kw__tenant *t, uint32_t r, uint32_t u, uint32_t f,
                       kw_time now, kw_decision *out) {
    const kw__res *res = &t->res[r];
    /* Each retry follows another thread taking a grant's last use, so the
     * loop ends; the bound only guards against a broken invariant. */
    for (unsigned attempt = 0; attempt < 100000u; attempt++) {
        eval ev;
        evaluate(t, r, u, f, now, false, &ev);
        to_decision(t, &ev, now, r, out);
        if (!ev.allowed || ev.uncounted) break;
        uint32_t slot = ev.counted.slot;
        kw__grant *g = kw__grant_at(t, slot);
        kw_date today = kw__local_day(res->tz, now);
        grant_lock(g);
        int64_t left = kw__grant_remaining(g, today);
        if (left > 0) {
            atomic_store_explicit(&g->used_total,
                                  atomic_load_explicit(&g->used_total, memory_order_relaxed) + 1u,
                                  memory_order_relaxed);
            uint64_t du = atomic_load_explicit(&g->day_used, memory_order_relaxed);
            uint64_t dayk = (uint64_t)(uint32_t)today << 32;
            du = ((int32_t)(uint32_t)(du >> 32) == today) ? du + 1u : (dayk | 1u);
            atomic_store_explicit(&g->day_used, du, memory_order_relaxed);
        }
        grant_unlock(g);
        if (left > 0) {
            out->remaining = left - 1;
            kw__emit_consume(eng, t, r, u, (uint64_t)slot + 1u, now);
            break;
        }
    }
    if (out->allowed && res->node != KW__NONE)
        kw__usage_count(eng, (kw__tenant *)t, r, u, f, now);
}

kw_err kw_use(kw_engine *eng, const char *tenant, const char *user, const char *resource,
              const char *function, const char *idem_key, kw_time now, kw_decision *out) {
    if (!eng) return KW_INVAL;
    if (now < KW_TIME_MIN || now > KW_TIME_MAX) return KW_BAD_TIME;
    if (idem_key && (!*idem_key || strnlen(idem_key, 256) >= 256)) return KW_BAD_ID;
    const kw__tenant *t;
    uint32_t r, u, f;
    kw_err e;
    KW__LOCK_RD(eng);
    e = resolve(eng, tenant, user, resource, function, &t, &r, &u, &f, out);
    if (e || !t) goto out;
    kw__idem *m = NULL;
    uint64_t fp = 0;
    if (idem_key) {
        uint64_t h = kw__hash_str(idem_key);
        m = (kw__idem *)&t->idem[h % KW__IDEM_STRIPES];
        fp = request_fp(user, resource, function);
        pthread_mutex_lock(&m->lock);
        idem_expire(eng, m, now);
        uint32_t i = kw__idx_find(&m->idx, h, idem_eq, m, idem_key, NULL);
        if (i != KW__NONE) {
            if (m->e[i].fp != fp) e = KW_IDEMPOTENCY_MISMATCH;
            else *out = m->e[i].d;
            pthread_mutex_unlock(&m->lock);
            goto out;
        }
    }
    if (m) {
        /* Reserve the entry before consuming, so running out of memory can
         * never leave a consumed use without its key. */
        kw_decision pending = *out;
        e = idem_store(eng, m, idem_key, fp, now, &pending);
        if (e) { pthread_mutex_unlock(&m->lock); goto out; }
    }
    if (f != KW__NONE) use_locked(eng, t, r, u, f, now, out);
    if (m) {
        uint32_t i = kw__idx_find(&m->idx, kw__hash_str(idem_key), idem_eq, m, idem_key, NULL);
        if (i != KW__NONE) m->e[i].d = *out;
        pthread_mutex_unlock(&m->lock);
    }
out:
    KW__UNLOCK(eng);
    return e;
}
