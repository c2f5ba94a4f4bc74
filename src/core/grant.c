/*
 * src/core/grant.c — grant storage: chunked slots, the (resource, user)
 * pair index and the per-resource and per-user lists.
 *
 * A grant's id is its slot + 1. Slots are handed out in order per tenant, so
 * ids increase with creation as the spec asks; a chunk of KW__CHUNK slots is
 * freed once every grant in it is deleted (except the chunk still being
 * filled).
 */
#include <string.h>

#include "core/internal.h"

typedef struct { uint32_t res, user; } pair_key;

static bool pair_eq(const void *ctx, const void *key, uint32_t slot) {
    const kw__grant *g = kw__grant_at(ctx, slot);
    const pair_key *k = key;
    return g->res == k->res && g->user == k->user;
}

static uint64_t pair_hash_of(uint32_t res, uint32_t user) {
    return kw__hash_u64(((uint64_t)res << 32) | user);
}

static uint64_t pair_hash(const void *ctx, uint32_t slot) {
    const kw__grant *g = kw__grant_at(ctx, slot);
    return pair_hash_of(g->res, g->user);
}

uint32_t kw__pair_head(const kw__tenant *t, uint32_t res, uint32_t user) {
    pair_key k = { res, user };
    return kw__idx_find(&t->pair_idx, pair_hash_of(res, user), pair_eq, t, &k, NULL);
}

kw_err kw__grant_new(kw_engine *eng, kw__tenant *t, uint32_t res, uint32_t user,
                     uint32_t issuer, uint8_t issuer_kind, uint64_t funcs,
                     const kw__cond *c, kw_time now, uint32_t *out) {
    if (t->nslots >= UINT32_MAX - KW__CHUNK) return KW_LIMIT;
    uint32_t slot = t->nslots;
    uint32_t ci = slot >> KW__CHUNK_BITS;
    if (ci >= t->nchunks) {
        kw_err e = kw__grow(eng, (void **)&t->chunks, &t->capchunks, ci + 1u, sizeof *t->chunks);
        if (e) return e;
        kw__chunk *ch = kw__alloc(eng, sizeof *ch);
        if (!ch) return KW_NOMEM;
        t->chunks[ci] = ch;
        t->nchunks = ci + 1u;
    }
    kw__grant *g = kw__grant_at(t, slot);
    memset(g, 0, sizeof *g);
    g->res = res;
    g->user = user;
    g->issuer = issuer;
    g->issuer_kind = issuer_kind;
    g->funcs = funcs;
    g->granted_at = now;
    g->c = *c;
    g->flags = KW__LIVE | KW__ENABLED;
    atomic_init(&g->used_total, 0);
    atomic_init(&g->day_used, 0);
    atomic_init(&g->busy, 0);
    g->next_pair = KW__NONE;

    uint32_t head = kw__pair_head(t, res, user);
    if (head == KW__NONE) {
        t->nslots++;   /* make the slot addressable for the index's rehash */
        kw_err e = kw__idx_insert(eng, &t->pair_idx, pair_hash_of(res, user), slot, pair_hash, t);
        if (e) { t->nslots--; g->flags = 0; return e; }
    } else {
        kw__grant *h = kw__grant_at(t, head);
        g->next_pair = h->next_pair;
        h->next_pair = slot;
        t->nslots++;
    }
    kw__res *r = &t->res[res];
    g->prev_res = KW__NONE;
    g->next_res = r->grant_head;
    if (r->grant_head != KW__NONE) kw__grant_at(t, r->grant_head)->prev_res = slot;
    r->grant_head = slot;
    r->ngrants++;
    kw__user *u = &t->users[user];
    g->prev_user = KW__NONE;
    g->next_user = u->grant_head;
    if (u->grant_head != KW__NONE) kw__grant_at(t, u->grant_head)->prev_user = slot;
    u->grant_head = slot;
    t->chunks[slot >> KW__CHUNK_BITS]->live++;
    *out = slot;
    return KW_OK;
}

void kw__grant_delete(kw_engine *eng, kw__tenant *t, uint32_t slot) {
    kw__grant *g = kw__grant_at(t, slot);
    pair_key k = { g->res, g->user };
    uint32_t pos = 0;
    uint32_t head = kw__idx_find(&t->pair_idx, pair_hash_of(g->res, g->user), pair_eq, t, &k, &pos);
    if (head == slot) {
        if (g->next_pair != KW__NONE) t->pair_idx.slots[pos] = g->next_pair + 1u;
        else kw__idx_remove_slot(&t->pair_idx, pos);
    } else {
        uint32_t p = head;
        while (p != KW__NONE && kw__grant_at(t, p)->next_pair != slot) p = kw__grant_at(t, p)->next_pair;
        if (p != KW__NONE) kw__grant_at(t, p)->next_pair = g->next_pair;
    }
    kw__res *r = &t->res[g->res];
    if (g->prev_res != KW__NONE) kw__grant_at(t, g->prev_res)->next_res = g->next_res;
    else r->grant_head = g->next_res;
    if (g->next_res != KW__NONE) kw__grant_at(t, g->next_res)->prev_res = g->prev_res;
    r->ngrants--;
    kw__user *u = &t->users[g->user];
    if (g->prev_user != KW__NONE) kw__grant_at(t, g->prev_user)->next_user = g->next_user;
    else u->grant_head = g->next_user;
    if (g->next_user != KW__NONE) kw__grant_at(t, g->next_user)->prev_user = g->prev_user;
    g->flags = 0;
    uint32_t ci = slot >> KW__CHUNK_BITS;
    kw__chunk *ch = t->chunks[ci];
    if (--ch->live == 0 && t->nslots >= ((ci + 1u) << KW__CHUNK_BITS)) {
        kw__free(eng, ch);
        t->chunks[ci] = NULL;
    }
}

uint64_t kw__grant_effective(const kw__tenant *t, const kw__grant *g, kw_time now) {
    const kw__res *r = &t->res[g->res];
    switch (g->issuer_kind) {
    case KW__ISS_SUPER:
        return g->funcs;
    case KW__ISS_OWNER:
        return r->owner == g->issuer ? g->funcs : 0;
    case KW__ISS_SHARER:
        for (uint32_t i = 0; i < r->nsharers; i++)
            if (r->sharers[i].user == g->issuer)
                return r->sharers[i].enabled ? (g->funcs & r->sharers[i].funcs) : 0;
        return 0;
    case KW__ISS_ADMIN:
        if (r->node == KW__NONE) return 0;
        return kw__org_may(t, g->issuer, r->node, KW_ACT_RESOURCES, now) == KW_OK ? g->funcs : 0;
    default:
        return 0;
    }
}

int64_t kw__grant_remaining(const kw__grant *g, kw_date today) {
    if (!(g->c.flags & KW_COND_COUNTED)) return -1;
    int64_t left = INT64_MAX;
    if (g->c.flags & KW_COND_COUNT) {
        uint32_t used = atomic_load_explicit(&((kw__grant *)g)->used_total, memory_order_relaxed);
        left = (int64_t)g->c.max_total - (int64_t)used;
    }
    if (g->c.flags & KW_COND_PER_DAY) {
        uint64_t du = atomic_load_explicit(&((kw__grant *)g)->day_used, memory_order_relaxed);
        uint32_t used = ((int32_t)(uint32_t)(du >> 32) == today) ? (uint32_t)du : 0u;
        int64_t d = (int64_t)g->c.max_per_day - (int64_t)used;
        if (d < left) left = d;
    }
    return left < 0 ? 0 : left;
}

/* Delete every personal relation on r: grants, sharers, owner (write lock). */
void kw__res_clear_personal(kw_engine *eng, kw__tenant *t, uint32_t r) {
    kw__res *res = &t->res[r];
    while (res->grant_head != KW__NONE) kw__grant_delete(eng, t, res->grant_head);
    for (uint32_t i = 0; i < res->nsharers; i++) {
        kw__user *u = &t->users[res->sharers[i].user];
        kw__ul_remove(u, KW__UL_SHARED, r);
    }
    res->nsharers = 0;
    if (res->owner != KW__NONE) {
        kw__user *u = &t->users[res->owner];
        kw__ul_remove(u, KW__UL_OWNED, r);
        res->owner = KW__NONE;
    }
}
