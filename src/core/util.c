/*
 * src/core/util.c — memory accounting, hashing, hash indexes, id syntax.
 *
 * Every allocation carries a 16-byte header holding its size so that
 * kw_engine_memory() is exact without asking the C library.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

#define KW__HDR 16u

void kw__test_fail_alloc(kw_engine *eng, long n) {
    atomic_store(&eng->fail_countdown, n);
}

/* True when an injected failure is due (tests only; one relaxed load
 * otherwise). */
static bool injected_failure(kw_engine *eng) {
    if (atomic_load_explicit(&eng->fail_countdown, memory_order_relaxed) <= 0) return false;
    return atomic_fetch_sub(&eng->fail_countdown, 1) == 1;
}

void *kw__alloc(kw_engine *eng, size_t n) {
    if (n > SIZE_MAX - KW__HDR || injected_failure(eng)) return NULL;
    unsigned char *p = calloc(1, n + KW__HDR);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add_explicit(&eng->mem, n + KW__HDR, memory_order_relaxed);
    return p + KW__HDR;
}

void *kw__realloc(kw_engine *eng, void *p, size_t n) {
    if (!p) return kw__alloc(eng, n);
    if (n > SIZE_MAX - KW__HDR || injected_failure(eng)) return NULL;
    unsigned char *base = (unsigned char *)p - KW__HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    unsigned char *q = realloc(base, n + KW__HDR);
    if (!q) return NULL;
    if (n > old) memset(q + KW__HDR + old, 0, n - old);
    memcpy(q, &n, sizeof n);
    if (n >= old)
        atomic_fetch_add_explicit(&eng->mem, n - old, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&eng->mem, old - n, memory_order_relaxed);
    return q + KW__HDR;
}

void kw__free(kw_engine *eng, void *p) {
    if (!p) return;
    unsigned char *base = (unsigned char *)p - KW__HDR;
    size_t n;
    memcpy(&n, base, sizeof n);
    atomic_fetch_sub_explicit(&eng->mem, n + KW__HDR, memory_order_relaxed);
    free(base);
}

char *kw__strdup(kw_engine *eng, const char *s) {
    size_t n = strlen(s) + 1;
    char *d = kw__alloc(eng, n);
    if (d) memcpy(d, s, n);
    return d;
}

kw_err kw__grow(kw_engine *eng, void **arr, uint32_t *cap, uint32_t need, size_t elem) {
    if (need <= *cap) return KW_OK;
    if (need == UINT32_MAX) return KW_LIMIT;
    uint64_t nc = *cap ? (uint64_t)*cap * 2u : 4u;
    while (nc < need) nc *= 2u;
    if (nc > UINT32_MAX - 1u) nc = UINT32_MAX - 1u;
    void *p = kw__realloc(eng, *arr, (size_t)nc * elem);
    if (!p) return KW_NOMEM;
    *arr = p;
    *cap = (uint32_t)nc;
    return KW_OK;
}

uint64_t kw__hash_u64(uint64_t x) {
    /* splitmix64 finaliser: good avalanche, a few cycles */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

uint64_t kw__hash_str(const char *s) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return kw__hash_u64(h);
}

static kw_err idx_rehash(kw_engine *eng, kw__idx *t, uint32_t ncap, kw__hash_fn hash_of,
                         const void *ctx) {
    uint32_t *ns = kw__alloc(eng, (size_t)ncap * sizeof *ns);
    if (!ns) return KW_NOMEM;
    uint32_t mask = ncap - 1u;
    for (uint32_t i = 0; i < t->cap; i++) {
        uint32_t v = t->slots[i];
        if (v == 0 || v == KW__TOMB) continue;
        uint32_t j = (uint32_t)hash_of(ctx, v - 1u) & mask;
        while (ns[j]) j = (j + 1u) & mask;
        ns[j] = v;
    }
    kw__free(eng, t->slots);
    t->slots = ns;
    t->cap = ncap;
    t->tomb = 0;
    return KW_OK;
}

kw_err kw__idx_insert(kw_engine *eng, kw__idx *t, uint64_t h, uint32_t idx,
                      kw__hash_fn hash_of, const void *ctx) {
    if (idx >= UINT32_MAX - 1u) return KW_LIMIT;
    /* keep (live + tombstones) below 3/4 of capacity */
    if ((uint64_t)(t->live + t->tomb + 1u) * 4u > (uint64_t)t->cap * 3u) {
        uint32_t ncap = t->cap ? t->cap : 16u;
        while ((uint64_t)(t->live + 1u) * 2u > ncap) {
            if (ncap > (UINT32_MAX >> 1)) return KW_LIMIT;
            ncap *= 2u;
        }
        kw_err e = idx_rehash(eng, t, ncap, hash_of, ctx);
        if (e) return e;
    }
    uint32_t mask = t->cap - 1u;
    uint32_t i = (uint32_t)h & mask;
    while (t->slots[i] != 0 && t->slots[i] != KW__TOMB) i = (i + 1u) & mask;
    if (t->slots[i] == KW__TOMB) t->tomb--;
    t->slots[i] = idx + 1u;
    t->live++;
    return KW_OK;
}

void kw__idx_remove_slot(kw__idx *t, uint32_t slot) {
    uint32_t mask = t->cap - 1u;
    /* a slot followed by an empty one can become empty itself */
    if (t->slots[(slot + 1u) & mask] == 0) {
        t->slots[slot] = 0;
    } else {
        t->slots[slot] = KW__TOMB;
        t->tomb++;
    }
    t->live--;
}

void kw__idx_free(kw_engine *eng, kw__idx *t) {
    kw__free(eng, t->slots);
    memset(t, 0, sizeof *t);
}

static bool id_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '@' || c == '+' || c == '-';
}

static bool valid_name(const char *s, size_t max) {
    if (!s || !*s) return false;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n + 1 >= max || !id_char((unsigned char)s[n])) return false;
    }
    return true;
}

bool kw__valid_id(const char *s) { return valid_name(s, KW_ID_MAX); }
bool kw__valid_key(const char *s) { return valid_name(s, KW_KEY_MAX); }

bool kw_id_valid(const char *s) { return kw__valid_id(s); }
bool kw_key_valid(const char *s) { return kw__valid_key(s); }
