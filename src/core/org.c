/*
 * src/core/org.c — organisation trees, node admins, bindings, registration.
 *
 * Nodes form a strict tree per organisation with parent pointers and
 * doubly-linked child lists; subtrees are walked without allocation by
 * following first_child / next_sibling / parent. An admin's authority over a
 * node is decided in one place (admin_holds) for the engine's own checks and
 * for kw_admin_may.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* ------------------------------------------------------------ tree helpers */

bool kw__node_effective(const kw__tenant *t, uint32_t node) {
    if (!t->orgs[t->nodes[node].org].enabled) return false;
    for (uint32_t n = node; n != KW__NONE; n = t->nodes[n].parent)
        if (!t->nodes[n].enabled) return false;
    return true;
}

/* anc == node or anc is an ancestor of node */
bool kw__node_is_ancestor(const kw__tenant *t, uint32_t anc, uint32_t node) {
    uint32_t da = t->nodes[anc].depth;
    uint32_t n = node;
    while (n != KW__NONE && t->nodes[n].depth > da) n = t->nodes[n].parent;
    return n == anc;
}

uint32_t kw__subtree_next(const kw__tenant *t, uint32_t root, uint32_t n) {
    if (t->nodes[n].first_child != KW__NONE) return t->nodes[n].first_child;
    while (n != root) {
        if (t->nodes[n].next_sibling != KW__NONE) return t->nodes[n].next_sibling;
        n = t->nodes[n].parent;
    }
    return KW__NONE;
}

/* Does admin-user `a` hold `own` power at `node` or `lower` power strictly
 * above it, with its condition holding and its own node enabled? */
static bool admin_holds(const kw__tenant *t, uint32_t a, uint32_t node, uint32_t own,
                        uint32_t lower, kw_time now) {
    if (a == KW__GHOST) return false;
    const kw__user *u = &t->users[a];
    for (uint32_t i = 0; i < kw__ul(u, KW__UL_ADMINS)->n; i++) {
        const kw__role *ad = &t->roles[KW__UL_ADMINS].v[kw__ul(u, KW__UL_ADMINS)->v[i]];
        uint32_t need = ad->node == node ? own : lower;
        if (!(ad->powers & need)) continue;
        if (t->nodes[ad->node].org != t->nodes[node].org) continue;
        if (!kw__node_is_ancestor(t, ad->node, node)) continue;
        if (ad->has_cond && kw__cond_time(&ad->c, kw__utc_zone(t), now) != KW_R_ALLOWED_GRANT)
            continue;
        if (!kw__node_effective(t, ad->node)) continue;
        return true;
    }
    return false;
}

kw_err kw__org_may(const kw__tenant *t, uint32_t a, uint32_t node, kw_org_action act, kw_time now) {
    if (!t->orgs[t->nodes[node].org].enabled) return KW_ORG_DISABLED;
    if (a == KW__NONE) return KW_OK;
    bool ok = false;
    switch (act) {
    case KW_ACT_OPEN: ok = admin_holds(t, a, node, KW_POW_OPEN_OWN, KW_POW_OPEN_LOWER, now); break;
    case KW_ACT_RESOURCES:
        ok = admin_holds(t, a, node, KW_POW_OWN_RESOURCES, KW_POW_LOWER_RESOURCES, now);
        break;
    case KW_ACT_USERS: ok = admin_holds(t, a, node, KW_POW_OWN_USERS, KW_POW_LOWER_USERS, now); break;
    case KW_ACT_NODES: ok = admin_holds(t, a, node, 0, KW_POW_LOWER_NODES, now); break;
    case KW_ACT_ADMINS: ok = admin_holds(t, a, node, KW_POW_ADMINS, KW_POW_ADMINS, now); break;
    default: return KW_INVAL;
    }
    return ok ? KW_OK : KW_FORBIDDEN;
}

const kw__planref *kw__org_plan(const kw__tenant *t, uint32_t org, uint32_t type) {
    const kw__org *o = &t->orgs[org];
    for (uint32_t i = 0; i < o->nplans; i++)
        if (o->plans[i].type == type) return &o->plans[i];
    return NULL;
}

/* ------------------------------------------------------------ prologues */

typedef struct ctx {
    kw__tenant *t;
    uint32_t    actor;   /* KW__NONE = super-admin */
} ctx;

static kw_err open_tenant(kw_engine *eng, const char *tenant, const char *actor, ctx *c) {
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    if (actor && !kw__valid_id(actor)) return KW_BAD_ID;
    c->t = kw__tenant_find(eng, tenant);
    if (!c->t) return KW_UNKNOWN_TENANT;
    c->actor = KW__NONE;
    if (actor) {
        /* An unknown actor holds nothing, but the objects it names are
         * looked up first: not found (404) comes before forbidden (403). */
        c->actor = kw__user_find(c->t, actor);
        if (c->actor == KW__NONE) c->actor = KW__GHOST;
    }
    return KW_OK;
}

static kw_err find_node(const kw__tenant *t, const char *id, uint32_t *n) {
    if (!kw__valid_id(id)) return KW_BAD_ID;
    *n = kw__node_find(t, id);
    return *n == KW__NONE ? KW_UNKNOWN_NODE : KW_OK;
}

kw_err kw__org_find(const kw__tenant *t, const char *id, uint32_t *org) {
    if (!kw__valid_id(id)) return KW_BAD_ID;
    uint32_t n = kw__node_find(t, id);
    if (n == KW__NONE || t->nodes[n].parent != KW__NONE) return KW_UNKNOWN_ORG;
    *org = t->nodes[n].org;
    return KW_OK;
}

static kw_err find_created_user(const kw__tenant *t, const char *id, uint32_t *u) {
    if (!kw__valid_id(id)) return KW_BAD_ID;
    *u = kw__user_find(t, id);
    return (*u == KW__NONE || !t->users[*u].created) ? KW_UNKNOWN_USER : KW_OK;
}

/* ------------------------------------------------------------ nodes */

static kw_err node_new(kw_engine *eng, kw__tenant *t, const char *id, uint32_t org,
                       uint32_t parent, uint32_t *out) {
    kw_err e = kw__grow(eng, (void **)&t->nodes, &t->capnodes, t->nnodes + 1u, sizeof *t->nodes);
    if (e) return e;
    kw__node *nd = &t->nodes[t->nnodes];
    memset(nd, 0, sizeof *nd);
    nd->id = kw__strdup(eng, id);
    if (!nd->id) return KW_NOMEM;
    nd->org = org;
    nd->parent = parent;
    nd->first_child = nd->next_sibling = nd->prev_sibling = KW__NONE;
    nd->enabled = true;
    nd->live = true;
    e = kw__node_index(eng, t, t->nnodes);
    if (e) { kw__free(eng, nd->id); return e; }
    if (parent != KW__NONE) {
        kw__node *p = &t->nodes[parent];
        nd->depth = p->depth + 1u;
        nd->next_sibling = p->first_child;
        if (p->first_child != KW__NONE) t->nodes[p->first_child].prev_sibling = t->nnodes;
        p->first_child = t->nnodes;
    }
    *out = t->nnodes++;
    return KW_OK;
}

static void node_detach(kw__tenant *t, uint32_t n) {
    kw__node *nd = &t->nodes[n];
    if (nd->prev_sibling != KW__NONE) t->nodes[nd->prev_sibling].next_sibling = nd->next_sibling;
    else if (nd->parent != KW__NONE) t->nodes[nd->parent].first_child = nd->next_sibling;
    if (nd->next_sibling != KW__NONE) t->nodes[nd->next_sibling].prev_sibling = nd->prev_sibling;
    nd->prev_sibling = nd->next_sibling = KW__NONE;
}

/* Remove role `i` of `kind` from its user's and its node's lists. */
static void role_kill(kw__tenant *t, unsigned kind, uint32_t i) {
    kw__role *r = &t->roles[kind].v[i];
    kw__ul_remove(&t->users[r->user], kind, i);
    kw__u32vec *at = &t->nodes[r->node].roles[kind];
    kw__vec_remove_u32(at->v, &at->n, i);
    r->live = false;
}

/* Remove node n's subtree entirely (write lock held, touches done). */
static void subtree_kill(kw_engine *eng, kw__tenant *t, uint32_t root) {
    /* collect first: killing changes nothing about the tree links we follow */
    for (uint32_t n = root; n != KW__NONE; n = kw__subtree_next(t, root, n)) {
        kw__node *nd = &t->nodes[n];
        while (nd->nres) kw__res_kill(eng, t, nd->res[nd->nres - 1u]);
        for (unsigned kind = 0; kind < 2; kind++)
            while (nd->roles[kind].n) role_kill(t, kind, nd->roles[kind].v[nd->roles[kind].n - 1u]);
    }
    node_detach(t, root);
    for (uint32_t n = root; n != KW__NONE; n = kw__subtree_next(t, root, n)) {
        kw__node *nd = &t->nodes[n];
        kw__node_unindex(t, nd->id);
        nd->live = false;
    }
}

kw_err kw_org_create(kw_engine *eng, const char *tenant, const char *actor, const char *org,
                     kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(org)) return KW_BAD_ID;
    ctx c;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (e) goto out;
    kw__tenant *t = c.t;
    if (actor) { e = KW_FORBIDDEN; goto out; }
    if (kw__node_find(t, org) != KW__NONE) { e = KW_EXISTS; goto out; }
    e = kw__grow(eng, (void **)&t->orgs, &t->caporgs, t->norgs + 1u, sizeof *t->orgs);
    if (e) goto out;
    uint32_t root;
    e = node_new(eng, t, org, t->norgs, KW__NONE, &root);
    if (e) goto out;
    kw__org *o = &t->orgs[t->norgs++];
    memset(o, 0, sizeof *o);
    o->root = root;
    o->enabled = true;
    o->live = true;
    kw__touch_reset(eng);
    kw__emit(eng, t, KW_CH_ORG_CREATE, actor, org, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_org_set_enabled(kw_engine *eng, const char *tenant, const char *actor, const char *org,
                          bool enabled, kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t oi;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = kw__org_find(c.t, org, &oi);
    if (e) goto out;
    if (actor) { e = KW_FORBIDDEN; goto out; }
    c.t->orgs[oi].enabled = enabled;
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, c.t, oi);
    kw__emit(eng, c.t, enabled ? KW_CH_ORG_ENABLE : KW_CH_ORG_DISABLE, actor, org, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_org_delete(kw_engine *eng, const char *tenant, const char *actor, const char *org,
                     kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t oi;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = kw__org_find(c.t, org, &oi);
    if (e) goto out;
    if (actor) { e = KW_FORBIDDEN; goto out; }
    kw__tenant *t = c.t;
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, t, oi);
    kw__emit(eng, t, KW_CH_ORG_DELETE, actor, org, NULL, 0, now);
    kw__org *o = &t->orgs[oi];
    for (uint32_t i = 0; i < o->nplans; i++) t->plans[o->plans[i].plan].norgs--;
    o->nplans = 0;
    subtree_kill(eng, t, o->root);
    kw__free(eng, o->usage);
    o->usage = NULL;
    o->nusage = o->capusage = 0;
    kw__idx_free(eng, &o->usage_idx);
    o->live = false;
    o->enabled = false;
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_node_create(kw_engine *eng, const char *tenant, const char *actor, const char *parent,
                      const char *node, kw_time now) {
    if (!eng) return KW_INVAL;
    if (!kw__valid_id(node)) return KW_BAD_ID;
    ctx c;
    uint32_t p, n;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, parent, &p);
    if (e) goto out;
    kw__tenant *t = c.t;
    if (!t->orgs[t->nodes[p].org].enabled) { e = KW_ORG_DISABLED; goto out; }
    if (c.actor != KW__NONE && !admin_holds(t, c.actor, p, KW_POW_LOWER_NODES, KW_POW_LOWER_NODES, now)) {
        e = KW_FORBIDDEN;
        goto out;
    }
    if (kw__node_find(t, node) != KW__NONE) { e = KW_EXISTS; goto out; }
    e = node_new(eng, t, node, t->nodes[p].org, p, &n);
    if (e) goto out;
    kw__touch_reset(eng);
    kw__emit(eng, t, KW_CH_NODE_CREATE, actor, node, parent, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

/* Common checks of delete/move/enable on a non-root node. */
static kw_err node_manage(const ctx *c, const char *node, uint32_t *n, kw_time now) {
    kw_err e = find_node(c->t, node, n);
    if (e) return e;
    if (c->t->nodes[*n].parent == KW__NONE) return KW_ROOT_NODE;
    return kw__org_may(c->t, c->actor, *n, KW_ACT_NODES, now);
}

kw_err kw_node_delete(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                      kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t n;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = node_manage(&c, node, &n, now);
    if (e) goto out;
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, c.t, c.t->nodes[n].org);
    kw__emit(eng, c.t, KW_CH_NODE_DELETE, actor, node, NULL, 0, now);
    subtree_kill(eng, c.t, n);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_node_move(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                    const char *new_parent, kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t n, p;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = node_manage(&c, node, &n, now);
    if (!e) e = find_node(c.t, new_parent, &p);
    if (e) goto out;
    kw__tenant *t = c.t;
    if (t->nodes[p].org != t->nodes[n].org) { e = KW_INVAL; goto out; }
    if (kw__node_is_ancestor(t, n, p)) { e = KW_CYCLE; goto out; }
    if (c.actor != KW__NONE && !admin_holds(t, c.actor, p, KW_POW_LOWER_NODES, KW_POW_LOWER_NODES, now)) {
        e = KW_FORBIDDEN;
        goto out;
    }
    node_detach(t, n);
    kw__node *nd = &t->nodes[n], *pp = &t->nodes[p];
    nd->parent = p;
    nd->next_sibling = pp->first_child;
    if (pp->first_child != KW__NONE) t->nodes[pp->first_child].prev_sibling = n;
    pp->first_child = n;
    for (uint32_t x = n; x != KW__NONE; x = kw__subtree_next(t, n, x))
        t->nodes[x].depth = t->nodes[t->nodes[x].parent].depth + 1u;
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, t, nd->org);
    kw__emit(eng, t, KW_CH_NODE_MOVE, actor, node, new_parent, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_node_set_enabled(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                           bool enabled, kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t n;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = node_manage(&c, node, &n, now);
    if (e) goto out;
    c.t->nodes[n].enabled = enabled;
    kw__touch_reset(eng);
    (void)kw__touch_org(eng, c.t, c.t->nodes[n].org);
    kw__emit(eng, c.t, enabled ? KW_CH_NODE_ENABLE : KW_CH_NODE_DISABLE, actor, node, NULL, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_node_get(kw_engine *eng, const char *tenant, const char *node, kw_node_info *out) {
    if (!eng || !out) return KW_INVAL;
    if (!kw__valid_id(tenant)) return KW_BAD_ID;
    uint32_t n;
    kw_err e;
    KW__LOCK_RD(eng);
    const kw__tenant *t = kw__tenant_find(eng, tenant);
    if (!t) { e = KW_UNKNOWN_TENANT; goto out; }
    e = find_node(t, node, &n);
    if (e) goto out;
    const kw__node *nd = &t->nodes[n];
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", nd->id);
    snprintf(out->org, sizeof out->org, "%s", t->nodes[t->orgs[nd->org].root].id);
    if (nd->parent != KW__NONE) snprintf(out->parent, sizeof out->parent, "%s", t->nodes[nd->parent].id);
    out->enabled = nd->enabled;
    out->effective = kw__node_effective(t, n);
    out->depth = nd->depth;
    for (uint32_t ch = nd->first_child; ch != KW__NONE; ch = t->nodes[ch].next_sibling) out->nchildren++;
    out->nresources = nd->nres;
    out->nbindings = nd->roles[KW__UL_BINDINGS].n;
    out->nadmins = nd->roles[KW__UL_ADMINS].n;
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ resources */

kw_err kw_resource_register(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                            const kw_resource_def *defs, size_t n, kw_err *item_errs, kw_time now) {
    if (!eng || !defs || n == 0) return KW_INVAL;
    if (n > 100000) return KW_LIMIT;
    ctx c;
    uint32_t nd;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &nd);
    if (!e) e = kw__org_may(c.t, c.actor, nd, KW_ACT_RESOURCES, now);
    if (e) goto out;
    kw__tenant *t = c.t;
    kw_err first = KW_OK;
    for (size_t i = 0; i < n; i++) {
        const kw_tz *tz;
        uint32_t type;
        kw_err ie = kw__res_prepare(eng, t, &defs[i], true, &tz, &type);
        for (size_t j = 0; j < i && !ie; j++)
            if (defs[j].id && strcmp(defs[j].id, defs[i].id) == 0) ie = KW_EXISTS;
        if (item_errs) item_errs[i] = ie;
        if (ie && !first) first = ie;
    }
    if (first) { e = first; goto out; }
    uint32_t start = t->nres;
    for (size_t i = 0; i < n; i++) {
        const kw_tz *tz;
        uint32_t type, r;
        e = kw__res_prepare(eng, t, &defs[i], true, &tz, &type);
        if (!e) e = kw__res_commit(eng, t, &defs[i], tz, type, nd, &r);
        if (e) {
            for (uint32_t k = start; k < t->nres; k++)
                if (t->res[k].live) kw__res_kill(eng, t, k);
            if (item_errs) item_errs[i] = e;
            goto out;
        }
    }
    for (uint32_t k = start; k < t->nres; k++) {
        kw__emit_one(eng, t, k, KW_CH_RESOURCE_CREATE, actor, t->res[k].id, node, 0, now);
    }
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ bindings */

/* Touch the resources a binding at node x can reach. */
static void touch_reach(kw_engine *eng, const kw__tenant *t, uint32_t x) {
    for (uint32_t n = x; n != KW__NONE; n = kw__subtree_next(t, x, n)) {
        const kw__node *nd = &t->nodes[n];
        for (uint32_t k = 0; k < nd->nres; k++) {
            const kw__type *ty = &t->types[t->res[nd->res[k]].type];
            uint32_t dist = nd->depth - t->nodes[x].depth;
            if (dist == 0 || ty->up < 0 || dist <= (uint32_t)ty->up) (void)kw__touch(eng, nd->res[k]);
        }
    }
    for (uint32_t n = t->nodes[x].parent; n != KW__NONE; n = t->nodes[n].parent) {
        const kw__node *nd = &t->nodes[n];
        for (uint32_t k = 0; k < nd->nres; k++) {
            const kw__type *ty = &t->types[t->res[nd->res[k]].type];
            uint32_t dist = t->nodes[x].depth - nd->depth;
            if (ty->down < 0 || dist <= (uint32_t)ty->down) (void)kw__touch(eng, nd->res[k]);
        }
    }
}

/* The `kind` role of user `user` at `node`, or KW__NONE. */
static uint32_t role_find(const kw__tenant *t, unsigned kind, uint32_t node, uint32_t user) {
    const kw__u32vec *mine = kw__ul(&t->users[user], kind);
    for (uint32_t i = 0; i < mine->n; i++)
        if (t->roles[kind].v[mine->v[i]].node == node) return mine->v[i];
    return KW__NONE;
}

/* Find or create the `kind` role of user u at node n (write lock held). */
static kw_err role_put(kw_engine *eng, kw__tenant *t, unsigned kind, uint32_t n, uint32_t u,
                       kw__role **out) {
    uint32_t i = role_find(t, kind, n, u);
    if (i == KW__NONE) {
        kw__roles *all = &t->roles[kind];
        kw_err e = kw__grow(eng, (void **)&all->v, &all->cap, all->n + 1u, sizeof *all->v);
        if (e) return e;
        e = kw__ul_push(eng, &t->users[u], kind, all->n);
        if (e) return e;
        kw__u32vec *at = &t->nodes[n].roles[kind];
        e = kw__vec_push_u32(eng, &at->v, &at->n, &at->cap, all->n);
        if (e) { t->users[u].lists[kind].n--; return e; }
        i = all->n++;
        all->v[i] = (kw__role){ .user = u, .node = n, .live = true };
    }
    *out = &t->roles[kind].v[i];
    return KW_OK;
}

static kw_err extra_cond(const kw_cond *cond, bool *has, kw__cond *pc) {
    *has = false;
    if (!cond) return KW_OK;
    kw_err e = kw_cond_validate(cond);
    if (e) return e;
    if (cond->flags & KW_COND_COUNTED) return KW_BAD_COND;
    kw__cond_pack(pc, cond);
    *has = cond->flags != 0;
    return KW_OK;
}

/* Common prologue of the binding and admin calls: tenant, node, created
 * user, then (act != 0) the actor's right to `act` on the node; *i receives
 * the user's existing `kind` role there or KW__NONE. */
static kw_err role_lookup(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                          const char *user, unsigned kind, kw_org_action act, kw_time now,
                          ctx *c, uint32_t *n, uint32_t *i) {
    uint32_t u;
    kw_err e = open_tenant(eng, tenant, actor, c);
    if (!e) e = find_node(c->t, node, n);
    if (!e) e = find_created_user(c->t, user, &u);
    if (!e && act) e = kw__org_may(c->t, c->actor, *n, act, now);
    if (!e) *i = role_find(c->t, kind, *n, u);
    return e;
}

kw_err kw_member_bind(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                      const char *user, kw_time from, kw_time until, const kw_cond *cond,
                      kw_time now) {
    if (!eng) return KW_INVAL;
    if (from < 0 || until < 0 || from > KW_TIME_MAX || until > KW_TIME_MAX) return KW_BAD_TIME;
    if (from && until && until <= from) return KW_BAD_TIME;
    bool has;
    kw__cond pc = {0};
    kw_err e = extra_cond(cond, &has, &pc);
    if (e) return e;
    ctx c;
    uint32_t n, i;
    kw__role *b;
    KW__LOCK_WR(eng);
    e = role_lookup(eng, tenant, actor, node, user, KW__UL_BINDINGS, KW_ACT_USERS, now, &c, &n, &i);
    if (!e) e = role_put(eng, c.t, KW__UL_BINDINGS, n, kw__user_find(c.t, user), &b);
    if (e) goto out;
    b->from = from;
    b->until = until;
    b->has_cond = has;
    b->c = pc;
    kw__touch_reset(eng);
    touch_reach(eng, c.t, n);
    kw__emit(eng, c.t, KW_CH_MEMBER_BIND, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

/* Touch what a `kind` role at node n reaches: bindings reach by the type's
 * propagation, admin roles their subtree. */
static void touch_role(kw_engine *eng, const kw__tenant *t, unsigned kind, uint32_t n);

/* Remove user's `kind` role at node (kw_member_unbind, kw_admin_delete). */
static kw_err role_remove(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                          const char *user, unsigned kind, kw_time now) {
    if (!eng) return KW_INVAL;
    bool binding = kind == KW__UL_BINDINGS;
    ctx c;
    uint32_t n, i = KW__NONE;
    KW__LOCK_WR(eng);
    kw_err e = role_lookup(eng, tenant, actor, node, user, kind,
                           binding ? KW_ACT_USERS : KW_ACT_ADMINS, now, &c, &n, &i);
    if (!e && i == KW__NONE) e = binding ? KW_UNKNOWN_BINDING : KW_UNKNOWN_ADMIN;
    if (e) goto out;
    kw__touch_reset(eng);
    touch_role(eng, c.t, kind, n);
    role_kill(c.t, kind, i);
    kw__emit(eng, c.t, binding ? KW_CH_MEMBER_UNBIND : KW_CH_ADMIN_DELETE, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

/* Copy user's `kind` role at node (kw_member_get, kw_admin_get). */
static kw_err role_get(kw_engine *eng, const char *tenant, const char *node, const char *user,
                       unsigned kind, kw__role *out) {
    ctx c;
    uint32_t n, i = KW__NONE;
    KW__LOCK_RD(eng);
    kw_err e = role_lookup(eng, tenant, NULL, node, user, kind, 0, 0, &c, &n, &i);
    if (!e && i == KW__NONE) e = kind == KW__UL_BINDINGS ? KW_UNKNOWN_BINDING : KW_UNKNOWN_ADMIN;
    if (!e) *out = c.t->roles[kind].v[i];
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_member_unbind(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                        const char *user, kw_time now) {
    return role_remove(eng, tenant, actor, node, user, KW__UL_BINDINGS, now);
}

kw_err kw_member_get(kw_engine *eng, const char *tenant, const char *node, const char *user,
                     kw_binding_info *out) {
    if (!eng || !out) return KW_INVAL;
    kw__role b;
    kw_err e = role_get(eng, tenant, node, user, KW__UL_BINDINGS, &b);
    if (e) return e;
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", node);
    snprintf(out->user, sizeof out->user, "%s", user);
    out->from = b.from;
    out->until = b.until;
    out->has_cond = b.has_cond;
    kw__cond_unpack(&out->cond, &b.c);
    return KW_OK;
}

/* ------------------------------------------------------------ admins */

/* May actor give `powers` at node? It needs ADMINS there and every power. */
static bool may_give(const kw__tenant *t, uint32_t a, uint32_t node, uint32_t powers, kw_time now) {
    if (a == KW__GHOST) return false;
    const kw__u32vec *mine = kw__ul(&t->users[a], KW__UL_ADMINS);
    for (uint32_t i = 0; i < mine->n; i++) {
        const kw__role *ad = &t->roles[KW__UL_ADMINS].v[mine->v[i]];
        if (!(ad->powers & KW_POW_ADMINS) || (ad->powers & powers) != powers) continue;
        if (t->nodes[ad->node].org != t->nodes[node].org) continue;
        if (!kw__node_is_ancestor(t, ad->node, node) || !kw__node_effective(t, ad->node)) continue;
        if (ad->has_cond && kw__cond_time(&ad->c, kw__utc_zone(t), now) != KW_R_ALLOWED_GRANT) continue;
        return true;
    }
    return false;
}

static void touch_subtree(kw_engine *eng, const kw__tenant *t, uint32_t root) {
    for (uint32_t n = root; n != KW__NONE; n = kw__subtree_next(t, root, n))
        for (uint32_t k = 0; k < t->nodes[n].nres; k++) (void)kw__touch(eng, t->nodes[n].res[k]);
}

kw_err kw_admin_put(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                    const char *user, uint32_t powers, const kw_cond *cond, kw_time now) {
    if (!eng) return KW_INVAL;
    if (powers == 0 || (powers & ~(uint32_t)KW_POW_ALL)) return KW_INVAL;
    bool has;
    kw__cond pc = {0};
    kw_err e = extra_cond(cond, &has, &pc);
    if (e) return e;
    ctx c;
    uint32_t n, i;
    kw__role *ad;
    KW__LOCK_WR(eng);
    e = role_lookup(eng, tenant, actor, node, user, KW__UL_ADMINS, KW_ACT_ADMINS, now, &c, &n, &i);
    if (!e && c.actor != KW__NONE && !may_give(c.t, c.actor, n, powers, now)) e = KW_FORBIDDEN;
    if (!e) e = role_put(eng, c.t, KW__UL_ADMINS, n, kw__user_find(c.t, user), &ad);
    if (e) goto out;
    ad->powers = powers;
    ad->has_cond = has;
    ad->c = pc;
    kw__touch_reset(eng);
    touch_subtree(eng, c.t, n);
    kw__emit(eng, c.t, KW_CH_ADMIN_PUT, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_admin_delete(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                       const char *user, kw_time now) {
    return role_remove(eng, tenant, actor, node, user, KW__UL_ADMINS, now);
}

kw_err kw_admin_get(kw_engine *eng, const char *tenant, const char *node, const char *user,
                    kw_admin_info *out) {
    if (!eng || !out) return KW_INVAL;
    kw__role ad;
    kw_err e = role_get(eng, tenant, node, user, KW__UL_ADMINS, &ad);
    if (e) return e;
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", node);
    snprintf(out->user, sizeof out->user, "%s", user);
    out->powers = ad.powers;
    out->has_cond = ad.has_cond;
    kw__cond_unpack(&out->cond, &ad.c);
    return KW_OK;
}

static void touch_role(kw_engine *eng, const kw__tenant *t, unsigned kind, uint32_t n) {
    if (kind == KW__UL_BINDINGS) touch_reach(eng, t, n);
    else touch_subtree(eng, t, n);
}

kw_err kw_admin_may(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                    kw_org_action action, kw_time now) {
    if (!eng) return KW_INVAL;
    if (action < KW_ACT_OPEN || action > KW_ACT_ADMINS) return KW_INVAL;
    ctx c;
    uint32_t n;
    KW__LOCK_RD(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = kw__org_may(c.t, c.actor, n, action, now);
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ users */

kw_err kw_user_delete(kw_engine *eng, const char *tenant, const char *actor, const char *user,
                      kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t u;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e && actor) e = KW_FORBIDDEN;
    if (e) goto out;
    kw__tenant *t = c.t;
    kw__user *us = &t->users[u];
    kw__touch_reset(eng);
    for (unsigned kind = 0; kind < 2; kind++)
        for (uint32_t i = 0; i < kw__ul(us, kind)->n; i++)
            touch_role(eng, t, kind, t->roles[kind].v[kw__ul(us, kind)->v[i]].node);
    static const unsigned res_lists[] = { KW__UL_ASSIGNED, KW__UL_OWNED, KW__UL_SHARED };
    for (unsigned l = 0; l < 3; l++) {
        const kw__u32vec *v = kw__ul(us, res_lists[l]);
        for (uint32_t i = 0; i < v->n; i++) (void)kw__touch(eng, v->v[i]);
    }
    for (uint32_t s = us->grant_head; s != KW__NONE; s = kw__grant_at(t, s)->next_user)
        (void)kw__touch(eng, kw__grant_at(t, s)->res);
    kw__emit(eng, t, KW_CH_USER_DELETE, actor, user, NULL, 0, now);

    for (unsigned kind = 0; kind < 2; kind++)
        while (kw__ul(us, kind)->n)
            role_kill(t, kind, kw__ul(us, kind)->v[kw__ul(us, kind)->n - 1u]);
    while (kw__ul(us, KW__UL_ASSIGNED)->n) {
        kw__res *r = &t->res[us->lists[KW__UL_ASSIGNED].v[--us->lists[KW__UL_ASSIGNED].n]];
        for (uint32_t i = 0; i < r->nassigns; i++)
            if (r->assigns[i].user == u) { r->assigns[i] = r->assigns[--r->nassigns]; break; }
    }
    while (kw__ul(us, KW__UL_OWNED)->n)   /* clearing removes it from the list */
        kw__res_clear_personal(eng, t, kw__ul(us, KW__UL_OWNED)->v[kw__ul(us, KW__UL_OWNED)->n - 1u]);
    while (kw__ul(us, KW__UL_SHARED)->n) {
        uint32_t r = kw__ul(us, KW__UL_SHARED)->v[kw__ul(us, KW__UL_SHARED)->n - 1u];
        kw__res *res = &t->res[r];
        for (uint32_t s = res->grant_head; s != KW__NONE;) {
            kw__grant *g = kw__grant_at(t, s);
            uint32_t next = g->next_res;
            if (g->issuer_kind == KW__ISS_SHARER && g->issuer == u) kw__grant_delete(eng, t, s);
            s = next;
        }
        for (uint32_t i = 0; i < res->nsharers; i++)
            if (res->sharers[i].user == u) { res->sharers[i] = res->sharers[--res->nsharers]; break; }
        us->lists[KW__UL_SHARED].n--;
    }
    while (us->grant_head != KW__NONE) kw__grant_delete(eng, t, us->grant_head);
    /* Grants this user issued as an enterprise admin stop applying with its
     * admin roles (derived); nothing else refers to it. */
    us->created = false;
out:
    KW__UNLOCK(eng);
    return e;
}
