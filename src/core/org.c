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

kw_err kw__node_index(kw_engine *eng, kw__tenant *t, uint32_t i);
void kw__node_unindex(kw__tenant *t, const char *id);
kw_err kw__res_prepare(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                       bool need_type, const kw_tz **tz, uint32_t *type);
kw_err kw__res_commit(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                      const kw_tz *tz, uint32_t type, uint32_t node, uint32_t *out);
void kw__res_kill(kw_engine *eng, kw__tenant *t, uint32_t r);
void kw__vec_remove_u32(uint32_t *v, uint32_t *n, uint32_t x);
kw_err kw__vec_push_u32(kw_engine *eng, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x);

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

static uint32_t subtree_next(const kw__tenant *t, uint32_t root, uint32_t n) {
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
        const kw__admin *ad = &t->admins[kw__ul(u, KW__UL_ADMINS)->v[i]];
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

static kw_err find_org(const kw__tenant *t, const char *id, uint32_t *org) {
    uint32_t n;
    if (!kw__valid_id(id)) return KW_BAD_ID;
    n = kw__node_find(t, id);
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

static void member_kill(kw__tenant *t, uint32_t m) {
    kw__member *b = &t->members[m];
    kw__user *u = &t->users[b->user];
    kw__ul_remove(u, KW__UL_BINDINGS, m);
    kw__node *nd = &t->nodes[b->node];
    kw__vec_remove_u32(nd->members, &nd->nmembers, m);
    b->live = false;
}

static void admin_kill(kw__tenant *t, uint32_t a) {
    kw__admin *ad = &t->admins[a];
    kw__user *u = &t->users[ad->user];
    kw__ul_remove(u, KW__UL_ADMINS, a);
    kw__node *nd = &t->nodes[ad->node];
    kw__vec_remove_u32(nd->admins, &nd->nadmins, a);
    ad->live = false;
}

/* Remove node n's subtree entirely (write lock held, touches done). */
static void subtree_kill(kw_engine *eng, kw__tenant *t, uint32_t root) {
    /* collect first: killing changes nothing about the tree links we follow */
    for (uint32_t n = root; n != KW__NONE; n = subtree_next(t, root, n)) {
        kw__node *nd = &t->nodes[n];
        while (nd->nres) kw__res_kill(eng, t, nd->res[nd->nres - 1u]);
        while (nd->nmembers) member_kill(t, nd->members[nd->nmembers - 1u]);
        while (nd->nadmins) admin_kill(t, nd->admins[nd->nadmins - 1u]);
    }
    node_detach(t, root);
    for (uint32_t n = root; n != KW__NONE; n = subtree_next(t, root, n)) {
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
    if (!e) e = find_org(c.t, org, &oi);
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
    if (!e) e = find_org(c.t, org, &oi);
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
    for (uint32_t x = n; x != KW__NONE; x = subtree_next(t, n, x))
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
    out->nbindings = nd->nmembers;
    out->nadmins = nd->nadmins;
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
        kw__touch_reset(eng);
        (void)kw__touch(eng, k);
        kw__emit(eng, t, KW_CH_RESOURCE_CREATE, actor, t->res[k].id, node, 0, now);
    }
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ bindings */

/* Touch the resources a binding at node x can reach. */
static void touch_reach(kw_engine *eng, const kw__tenant *t, uint32_t x) {
    for (uint32_t n = x; n != KW__NONE; n = subtree_next(t, x, n)) {
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

static uint32_t member_find(const kw__tenant *t, uint32_t node, uint32_t user) {
    const kw__user *u = &t->users[user];
    for (uint32_t i = 0; i < kw__ul(u, KW__UL_BINDINGS)->n; i++)
        if (t->members[kw__ul(u, KW__UL_BINDINGS)->v[i]].node == node) return kw__ul(u, KW__UL_BINDINGS)->v[i];
    return KW__NONE;
}

static uint32_t admin_find(const kw__tenant *t, uint32_t node, uint32_t user) {
    const kw__user *u = &t->users[user];
    for (uint32_t i = 0; i < kw__ul(u, KW__UL_ADMINS)->n; i++)
        if (t->admins[kw__ul(u, KW__UL_ADMINS)->v[i]].node == node) return kw__ul(u, KW__UL_ADMINS)->v[i];
    return KW__NONE;
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
    uint32_t n, u;
    KW__LOCK_WR(eng);
    e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e) e = kw__org_may(c.t, c.actor, n, KW_ACT_USERS, now);
    if (e) goto out;
    kw__tenant *t = c.t;
    uint32_t m = member_find(t, n, u);
    if (m == KW__NONE) {
        e = kw__grow(eng, (void **)&t->members, &t->capmembers, t->nmembers + 1u, sizeof *t->members);
        if (e) goto out;
        kw__user *us = &t->users[u];
        kw__node *nd = &t->nodes[n];
        e = kw__ul_push(eng, us, KW__UL_BINDINGS, t->nmembers);
        if (e) goto out;
        e = kw__vec_push_u32(eng, &nd->members, &nd->nmembers, &nd->capmembers, t->nmembers);
        if (e) { us->lists[KW__UL_BINDINGS].n--; goto out; }
        m = t->nmembers++;
        t->members[m] = (kw__member){ .user = u, .node = n, .live = true };
    }
    kw__member *b = &t->members[m];
    b->from = from;
    b->until = until;
    b->has_cond = has;
    b->c = pc;
    kw__touch_reset(eng);
    touch_reach(eng, t, n);
    kw__emit(eng, t, KW_CH_MEMBER_BIND, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_member_unbind(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                        const char *user, kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t n, u, m = KW__NONE;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e) e = kw__org_may(c.t, c.actor, n, KW_ACT_USERS, now);
    if (!e && (m = member_find(c.t, n, u)) == KW__NONE) e = KW_UNKNOWN_BINDING;
    if (e) goto out;
    kw__touch_reset(eng);
    touch_reach(eng, c.t, n);
    member_kill(c.t, m);
    kw__emit(eng, c.t, KW_CH_MEMBER_UNBIND, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_member_get(kw_engine *eng, const char *tenant, const char *node, const char *user,
                     kw_binding_info *out) {
    if (!eng || !out) return KW_INVAL;
    ctx c;
    uint32_t n, u, m = KW__NONE;
    KW__LOCK_RD(eng);
    kw_err e = open_tenant(eng, tenant, NULL, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e && (m = member_find(c.t, n, u)) == KW__NONE) e = KW_UNKNOWN_BINDING;
    if (e) goto out;
    const kw__member *b = &c.t->members[m];
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", node);
    snprintf(out->user, sizeof out->user, "%s", user);
    out->from = b->from;
    out->until = b->until;
    out->has_cond = b->has_cond;
    kw__cond_unpack(&out->cond, &b->c);
out:
    KW__UNLOCK(eng);
    return e;
}

/* ------------------------------------------------------------ admins */

/* May actor give `powers` at node? It needs ADMINS there and every power. */
static bool may_give(const kw__tenant *t, uint32_t a, uint32_t node, uint32_t powers, kw_time now) {
    if (a == KW__GHOST) return false;
    const kw__user *u = &t->users[a];
    for (uint32_t i = 0; i < kw__ul(u, KW__UL_ADMINS)->n; i++) {
        const kw__admin *ad = &t->admins[kw__ul(u, KW__UL_ADMINS)->v[i]];
        if (!(ad->powers & KW_POW_ADMINS) || (ad->powers & powers) != powers) continue;
        if (t->nodes[ad->node].org != t->nodes[node].org) continue;
        if (!kw__node_is_ancestor(t, ad->node, node) || !kw__node_effective(t, ad->node)) continue;
        if (ad->has_cond && kw__cond_time(&ad->c, kw__utc_zone(t), now) != KW_R_ALLOWED_GRANT) continue;
        return true;
    }
    return false;
}

static void touch_subtree(kw_engine *eng, const kw__tenant *t, uint32_t root) {
    for (uint32_t n = root; n != KW__NONE; n = subtree_next(t, root, n))
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
    uint32_t n, u;
    KW__LOCK_WR(eng);
    e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e) e = kw__org_may(c.t, c.actor, n, KW_ACT_ADMINS, now);
    if (!e && c.actor != KW__NONE && !may_give(c.t, c.actor, n, powers, now)) e = KW_FORBIDDEN;
    if (e) goto out;
    kw__tenant *t = c.t;
    uint32_t a = admin_find(t, n, u);
    if (a == KW__NONE) {
        e = kw__grow(eng, (void **)&t->admins, &t->capadmins, t->nadmins + 1u, sizeof *t->admins);
        if (e) goto out;
        kw__user *us = &t->users[u];
        kw__node *nd = &t->nodes[n];
        e = kw__ul_push(eng, us, KW__UL_ADMINS, t->nadmins);
        if (e) goto out;
        e = kw__vec_push_u32(eng, &nd->admins, &nd->nadmins, &nd->capadmins, t->nadmins);
        if (e) { us->lists[KW__UL_ADMINS].n--; goto out; }
        a = t->nadmins++;
        t->admins[a] = (kw__admin){ .user = u, .node = n, .live = true };
    }
    kw__admin *ad = &t->admins[a];
    ad->powers = powers;
    ad->has_cond = has;
    ad->c = pc;
    kw__touch_reset(eng);
    touch_subtree(eng, t, n);
    kw__emit(eng, t, KW_CH_ADMIN_PUT, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_admin_delete(kw_engine *eng, const char *tenant, const char *actor, const char *node,
                       const char *user, kw_time now) {
    if (!eng) return KW_INVAL;
    ctx c;
    uint32_t n, u, a = KW__NONE;
    KW__LOCK_WR(eng);
    kw_err e = open_tenant(eng, tenant, actor, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e) e = kw__org_may(c.t, c.actor, n, KW_ACT_ADMINS, now);
    if (!e && (a = admin_find(c.t, n, u)) == KW__NONE) e = KW_UNKNOWN_ADMIN;
    if (e) goto out;
    kw__touch_reset(eng);
    touch_subtree(eng, c.t, n);
    admin_kill(c.t, a);
    kw__emit(eng, c.t, KW_CH_ADMIN_DELETE, actor, node, user, 0, now);
out:
    KW__UNLOCK(eng);
    return e;
}

kw_err kw_admin_get(kw_engine *eng, const char *tenant, const char *node, const char *user,
                    kw_admin_info *out) {
    if (!eng || !out) return KW_INVAL;
    ctx c;
    uint32_t n, u, a = KW__NONE;
    KW__LOCK_RD(eng);
    kw_err e = open_tenant(eng, tenant, NULL, &c);
    if (!e) e = find_node(c.t, node, &n);
    if (!e) e = find_created_user(c.t, user, &u);
    if (!e && (a = admin_find(c.t, n, u)) == KW__NONE) e = KW_UNKNOWN_ADMIN;
    if (e) goto out;
    const kw__admin *ad = &c.t->admins[a];
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", node);
    snprintf(out->user, sizeof out->user, "%s", user);
    out->powers = ad->powers;
    out->has_cond = ad->has_cond;
    kw__cond_unpack(&out->cond, &ad->c);
out:
    KW__UNLOCK(eng);
    return e;
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
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_BINDINGS)->n; i++) touch_reach(eng, t, t->members[kw__ul(us, KW__UL_BINDINGS)->v[i]].node);
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_ADMINS)->n; i++) touch_subtree(eng, t, t->admins[kw__ul(us, KW__UL_ADMINS)->v[i]].node);
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_ASSIGNED)->n; i++) (void)kw__touch(eng, kw__ul(us, KW__UL_ASSIGNED)->v[i]);
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_OWNED)->n; i++) (void)kw__touch(eng, kw__ul(us, KW__UL_OWNED)->v[i]);
    for (uint32_t i = 0; i < kw__ul(us, KW__UL_SHARED)->n; i++) (void)kw__touch(eng, kw__ul(us, KW__UL_SHARED)->v[i]);
    for (uint32_t s = us->grant_head; s != KW__NONE; s = kw__grant_at(t, s)->next_user)
        (void)kw__touch(eng, kw__grant_at(t, s)->res);
    kw__emit(eng, t, KW_CH_USER_DELETE, actor, user, NULL, 0, now);

    while (kw__ul(us, KW__UL_BINDINGS)->n) member_kill(t, kw__ul(us, KW__UL_BINDINGS)->v[kw__ul(us, KW__UL_BINDINGS)->n - 1u]);
    while (kw__ul(us, KW__UL_ADMINS)->n) admin_kill(t, kw__ul(us, KW__UL_ADMINS)->v[kw__ul(us, KW__UL_ADMINS)->n - 1u]);
    while (kw__ul(us, KW__UL_ASSIGNED)->n) {
        kw__res *r = &t->res[us->lists[KW__UL_ASSIGNED].v[--us->lists[KW__UL_ASSIGNED].n]];
        for (uint32_t i = 0; i < r->nassigns; i++)
            if (r->assigns[i].user == u) { r->assigns[i] = r->assigns[--r->nassigns]; break; }
    }
    while (kw__ul(us, KW__UL_OWNED)->n) kw__res_clear_personal(eng, t, kw__ul(us, KW__UL_OWNED)->v[kw__ul(us, KW__UL_OWNED)->n - 1u]);
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
