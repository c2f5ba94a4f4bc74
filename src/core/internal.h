/*
 * src/core/internal.h — the engine's private data layout.
 *
 * Index spaces. Every object kind of a tenant lives in an array and is named
 * internally by its index (uint32_t). Indices are never reused (a deleted
 * object stays as a small dead record) except for grants, which live in
 * chunks of KW__CHUNK slots: grant id = slot + 1, and a chunk whose grants
 * are all deleted is freed. Never reusing indices makes stale references
 * impossible and lets grant ids be the slot itself (no id map).
 *
 * Hash indexes (kw__idx) are open-addressing tables of 4-byte slots holding
 * index + 1; keys are read back from the objects, so a table costs ~6 bytes
 * per entry.
 */
#ifndef KEYWAY_CORE_INTERNAL_H
#define KEYWAY_CORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyway/keyway.h"

#define KW__NONE   UINT32_MAX
/* An actor id that names no user: it holds nothing (never the super-admin). */
#define KW__GHOST  (UINT32_MAX - 1u)
#define KW__CHUNK_BITS 10u
#define KW__CHUNK  (1u << KW__CHUNK_BITS)
#define KW__IDEM_STRIPES 16u
#define KW__IDEM_TTL (INT64_C(24) * 3600 * KW_US_PER_SEC)

/* ------------------------------------------------------------ memory */

void *kw__alloc(kw_engine *eng, size_t n);              /* zeroed; NULL on failure */
/* Tests only: make the n-th allocation from now fail (0 = never). */
void  kw__test_fail_alloc(kw_engine *eng, long n);
void *kw__realloc(kw_engine *eng, void *p, size_t n);   /* NULL on failure (p kept) */
void  kw__free(kw_engine *eng, void *p);
char *kw__strdup(kw_engine *eng, const char *s);
/* Grow *arr (element size `elem`, capacity *cap) to hold at least `need`. */
kw_err kw__grow(kw_engine *eng, void **arr, uint32_t *cap, uint32_t need, size_t elem);

/* ------------------------------------------------------------ hashing */

uint64_t kw__hash_str(const char *s);
uint64_t kw__hash_u64(uint64_t x);
/* Fold `v` into `h`, order-dependently (cursor query hashes: swapping two
 * arguments must give another hash). */
static inline uint64_t kw__hash_fold(uint64_t h, uint64_t v) {
    return kw__hash_u64(h * UINT64_C(0x9e3779b97f4a7c15) + v);
}
/* Hash of an optional string (NULL differs from every string). */
static inline uint64_t kw__hash_opt(const char *s) { return s ? kw__hash_str(s) : UINT64_C(0x6e756c6c); }

typedef struct kw__idx {
    uint32_t *slots;   /* 0 empty, UINT32_MAX tombstone, else index + 1 */
    uint32_t  cap;     /* power of two or 0 */
    uint32_t  live, tomb;
} kw__idx;

typedef bool (*kw__eq_fn)(const void *ctx, const void *key, uint32_t idx);
typedef uint64_t (*kw__hash_fn)(const void *ctx, uint32_t idx);

#define KW__TOMB UINT32_MAX

/* Find the index whose key equals `key` (hash h). KW__NONE if absent.
 * *slot (may be NULL) receives the slot position when found. */
static inline uint32_t kw__idx_find(const kw__idx *t, uint64_t h, kw__eq_fn eq,
                                    const void *ctx, const void *key, uint32_t *slot) {
    if (t->cap == 0) return KW__NONE;
    uint32_t mask = t->cap - 1u;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1u) & mask) {
        uint32_t v = t->slots[i];
        if (v == 0) return KW__NONE;
        if (v != KW__TOMB && eq(ctx, key, v - 1u)) {
            if (slot) *slot = i;
            return v - 1u;
        }
    }
}

/* Insert index `idx` with hash h (caller ensures the key is absent). */
kw_err kw__idx_insert(kw_engine *eng, kw__idx *t, uint64_t h, uint32_t idx,
                      kw__hash_fn hash_of, const void *ctx);
/* Remove the entry at slot position `slot` (from kw__idx_find). */
void kw__idx_remove_slot(kw__idx *t, uint32_t slot);
void kw__idx_free(kw_engine *eng, kw__idx *t);

/* ------------------------------------------------------------ conditions */

/* Compact stored condition (32 bytes): minute precision lets a window
 * bound fit 32 bits up to year 10141. */
typedef struct kw__cond {
    uint32_t from_min, until_min;    /* window, minutes since the epoch */
    uint32_t max_total, max_per_day;
    kw_date  date_from, date_until;
    uint16_t day_from, day_until;
    uint8_t  weekdays, flags;
} kw__cond;

void kw__cond_pack(kw__cond *dst, const kw_cond *src);
void kw__cond_unpack(kw_cond *dst, const kw__cond *src);

/* Evaluate the time parts (window, recurring) of `c` at `now` in `tz`.
 * Returns KW_R_ALLOWED_GRANT when they hold, else the deny reason. */
kw_reason kw__cond_time(const kw__cond *c, const kw_tz *tz, kw_time now);
/* Local calendar day of `now` in `tz`. */
kw_date kw__local_day(const kw_tz *tz, kw_time now);
/* End instant of `c` for consumption order (INT64_MAX when none). */
kw_time kw__cond_end(const kw__cond *c, const kw_tz *tz);

/* ------------------------------------------------------------ objects */

enum { KW__LIVE = 1u, KW__ENABLED = 2u };
enum { KW__ISS_SUPER = 0, KW__ISS_OWNER, KW__ISS_SHARER, KW__ISS_ADMIN };

typedef struct kw__grant {
    uint32_t res, user, issuer;      /* issuer: user index or KW__NONE */
    uint32_t next_pair;              /* next slot of the same (res, user) */
    uint32_t prev_res, next_res;     /* resource's grant list */
    uint32_t prev_user, next_user;   /* user's grant list */
    uint64_t funcs;
    kw_time  granted_at;
    kw__cond c;
    _Atomic uint32_t used_total;
    uint8_t  flags, issuer_kind;
    _Atomic uint8_t busy;            /* consumption lock: the grant's own line
                                        is written anyway, so no shared pool */
    _Atomic uint64_t day_used;       /* (uint32 day) << 32 | uses that day */
} kw__grant;

typedef struct kw__chunk {
    uint32_t  live;
    kw__grant g[KW__CHUNK];
} kw__chunk;

typedef struct kw__sharer {
    uint32_t user;
    bool     enabled;
    uint64_t funcs;
    kw_time  since;
} kw__sharer;

typedef struct kw__assign {
    uint32_t user;
    uint64_t funcs;
} kw__assign;

typedef struct kw__type {
    char    *id;
    uint32_t nfuncs;
    char   **funcs;
    uint64_t free_mask;
    int32_t  up, down;
    kw__cond dflt;
    uint32_t nres;
    bool     live;
} kw__type;

typedef struct kw__res {
    char      *id;
    uint32_t   type;                 /* KW__NONE when untyped */
    uint32_t   nfuncs;
    char     **funcs;                /* own copy (untyped) or the type's */
    const kw_tz *tz;
    uint32_t   owner;                /* user index or KW__NONE */
    uint32_t   node;                 /* node index or KW__NONE */
    uint64_t   version;
    kw__sharer *sharers; uint32_t nsharers, capsharers;
    kw__assign *assigns; uint32_t nassigns, capassigns;
    uint32_t   grant_head;           /* slot of first grant, KW__NONE */
    uint64_t   ngrants;
    uint32_t   pos_in_node;          /* position in node's resource vector */
    bool       live;
} kw__res;

/* The lists a user record may carry. Most users only hold grants, so the
 * lists live in one block allocated on first use (kw__ul_push). */
enum { KW__UL_BINDINGS, KW__UL_ADMINS, KW__UL_ASSIGNED, KW__UL_OWNED, KW__UL_SHARED, KW__UL_COUNT };

typedef struct kw__u32vec { uint32_t *v; uint32_t n, cap; } kw__u32vec;

typedef struct kw__user {
    char       *id;
    kw__u32vec *lists;               /* KW__UL_COUNT lists, or NULL */
    uint32_t    grant_head;          /* user's grant list */
    bool        created;             /* explicitly created (enterprise) */
} kw__user;

/* Read a user's list (an empty list when it has none). */
static inline const kw__u32vec *kw__ul(const kw__user *u, unsigned which) {
    static const kw__u32vec empty = { NULL, 0, 0 };
    return u->lists ? &u->lists[which] : &empty;
}
kw_err kw__ul_push(kw_engine *eng, kw__user *u, unsigned which, uint32_t x);
void   kw__ul_remove(kw__user *u, unsigned which, uint32_t x);

/* A user's role at a node: a binding (period and condition) or an admin
 * role (powers and condition). Both kinds share one layout and one set of
 * helpers; the kind is KW__UL_BINDINGS or KW__UL_ADMINS, which also names
 * the user's list of them. */
typedef struct kw__role {
    uint32_t user, node;
    uint32_t powers;                 /* admins only */
    kw_time  from, until;            /* bindings only; 0 = open */
    bool     has_cond, live;
    kw__cond c;
} kw__role;

typedef struct kw__roles { kw__role *v; uint32_t n, cap; } kw__roles;

typedef struct kw__planref { uint32_t type, plan; } kw__planref;

typedef struct kw__usage {
    uint32_t user, res, day;
    uint16_t func;
    uint64_t uses;
} kw__usage;

typedef struct kw__org {
    uint32_t   root;                 /* node index */
    bool       enabled, live;
    kw__planref *plans; uint32_t nplans, capplans;
    kw__usage *usage; uint32_t nusage, capusage;
    kw__idx    usage_idx;
} kw__org;

typedef struct kw__node {
    char     *id;
    uint32_t  org, parent, depth;
    uint32_t  first_child, next_sibling, prev_sibling;
    bool      enabled, live;
    uint32_t *res;      uint32_t nres, capres;
    kw__u32vec roles[2];             /* by kind: bindings, admins here */
} kw__node;

typedef struct kw__plan {
    char    *id;
    uint32_t type;
    uint64_t funcs;
    uint32_t norgs;
} kw__plan;

typedef struct kw__idem_entry {
    char       *key;
    uint64_t    fp;
    kw_time     at;
    kw_decision d;
} kw__idem_entry;

typedef struct kw__idem {
    pthread_mutex_t lock;
    kw__idem_entry *e; uint32_t ne, cape;
    uint32_t *free_list; uint32_t nfree, capfree;
    uint32_t *fifo; uint32_t fifo_head, fifo_len, fifo_cap;   /* ring of entry indices */
    kw__idx   idx;
} kw__idem;

/* A function list shared by every untyped resource that names the same
 * functions in the same order (kept for the tenant's life). */
typedef struct kw__flist { char **funcs; uint32_t nfuncs; } kw__flist;

typedef struct kw__tenant {
    char      *id;
    uint32_t   index;
    kw__user  *users; uint32_t nusers, capusers; kw__idx users_idx;
    kw__type  *types; uint32_t ntypes, captypes; kw__idx types_idx;
    kw__res   *res;   uint32_t nres, capres;     kw__idx res_idx;
    kw__chunk **chunks; uint32_t nchunks, capchunks;
    uint32_t   nslots;                           /* grant slots handed out */
    kw__idx    pair_idx;                         /* (res, user) → first slot */
    kw__org   *orgs;  uint32_t norgs, caporgs;   /* org i's root is a node */
    kw__node  *nodes; uint32_t nnodes, capnodes; kw__idx nodes_idx;
    kw__roles  roles[2];                         /* by kind: bindings, admin roles */
    kw__plan  *plans; uint32_t nplans, capplans; kw__idx plans_idx;
    kw__idem   idem[KW__IDEM_STRIPES];
    pthread_mutex_t usage_lock;
    const kw_tz *utc;                            /* the engine's UTC zone */
    kw__flist *flists; uint32_t nflists, capflists; kw__idx flists_idx;
} kw__tenant;

/* Management conditions (admin powers) are evaluated in UTC. */
static inline const kw_tz *kw__utc_zone(const kw__tenant *t) { return t->utc; }

typedef struct kw__zone { char *name; kw_tz *tz; } kw__zone;

/* The model lock (lock.c): many readers on separate cache lines, one
 * writer. kw__unlock releases whichever side the calling thread holds. */
#define KW__RSTRIPES 16u
typedef struct kw__lock {
    struct { atomic_long n; char pad[64 - sizeof(atomic_long)]; } readers[KW__RSTRIPES];
    atomic_bool     writer;
    pthread_t       owner;           /* valid while writer is true */
    pthread_mutex_t wmutex;
} kw__lock;

kw_err kw__lock_init(kw__lock *l);
void   kw__lock_destroy(kw__lock *l);
void   kw__lock_rd(kw__lock *l);
void   kw__lock_wr(kw__lock *l);
void   kw__unlock(kw__lock *l);

struct kw_engine {
    kw_engine_config cfg;
    kw__lock         lock;
    _Atomic size_t   mem;
    _Atomic uint64_t seq;
    kw__tenant **tenants; uint32_t ntenants, captenants; kw__idx tenant_idx;
    kw__zone   *zones; uint32_t nzones, capzones; kw__idx zone_idx;
    kw_tz      *utc;
    /* Tests only: when > 0, counts down on every allocation and makes the
     * one that reaches 0 fail (see kw__test_fail_alloc). */
    _Atomic long     fail_countdown;
    /* scratch for change records (write lock held): affected resources and,
     * sized alike, the id and version arrays handed to the hook */
    uint32_t   *scratch; uint32_t nscratch, capscratch;
    const char **scratch_ids;
    uint64_t   *scratch_vers;
    bool        touch_failed;        /* a touch ran out of memory */
};

/* ------------------------------------------------------------ helpers */

/* Small u32 vectors: append (growing), and remove one value (order not kept). */
kw_err kw__vec_push_u32(kw_engine *eng, uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x);
void   kw__vec_remove_u32(uint32_t *v, uint32_t *n, uint32_t x);

/* Name indexes of a tenant's objects (engine.c). */
kw_err kw__user_index(kw_engine *eng, kw__tenant *t, uint32_t i);
kw_err kw__type_index(kw_engine *eng, kw__tenant *t, uint32_t i);
kw_err kw__res_index(kw_engine *eng, kw__tenant *t, uint32_t i);
kw_err kw__node_index(kw_engine *eng, kw__tenant *t, uint32_t i);
kw_err kw__plan_index(kw_engine *eng, kw__tenant *t, uint32_t i);
void   kw__res_unindex(kw__tenant *t, const char *id);
void   kw__type_unindex(kw__tenant *t, const char *id);
void   kw__node_unindex(kw__tenant *t, const char *id);

/* Resources (model.c): validate a definition, create it (at `node` or
 * KW__NONE), and remove every trace of one. */
kw_err kw__res_prepare(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                       bool need_type, const kw_tz **tz, uint32_t *type);
kw_err kw__res_commit(kw_engine *eng, kw__tenant *t, const kw_resource_def *def,
                      const kw_tz *tz, uint32_t type, uint32_t node, uint32_t *out);
void   kw__res_kill(kw_engine *eng, kw__tenant *t, uint32_t r);

bool kw__valid_id(const char *s);
bool kw__valid_key(const char *s);

static inline kw__grant *kw__grant_at(const kw__tenant *t, uint32_t slot) {
    return &t->chunks[slot >> KW__CHUNK_BITS]->g[slot & (KW__CHUNK - 1u)];
}
/* The live grant with id `id`, or NULL. */
kw__grant *kw__grant_by_id(const kw__tenant *t, uint64_t id);

/* Lookups (KW__NONE when absent). */
kw__tenant *kw__tenant_find(const kw_engine *eng, const char *id);
uint32_t kw__user_find(const kw__tenant *t, const char *id);
uint32_t kw__type_find(const kw__tenant *t, const char *id);
uint32_t kw__res_find(const kw__tenant *t, const char *id);
uint32_t kw__node_find(const kw__tenant *t, const char *id);
uint32_t kw__plan_find(const kw__tenant *t, const char *id);
/* Find or create the user record for `id` (valid id assumed). */
kw_err kw__user_intern(kw_engine *eng, kw__tenant *t, const char *id, uint32_t *out);
/* Function index of `key` on resource r, or KW__NONE. */
uint32_t kw__res_func(const kw__res *r, const char *key);
/* Mask of functions[0..n) on the function list; KW_UNKNOWN_FUNCTION or
 * KW_DUP_FUNCTION or KW_BAD_ID on bad input. */
kw_err kw__func_mask(char *const *names, uint32_t nnames, const char *const *functions,
                     size_t n, uint64_t *mask);
/* Zone by name (loading it through the loader if needed; write lock). */
kw_err kw__zone_get(kw_engine *eng, const char *name, const kw_tz **out);

/* Grants (grant.c). First slot of the (res, user) chain or KW__NONE. */
uint32_t kw__pair_head(const kw__tenant *t, uint32_t res, uint32_t user);
/* Fill a public grant record (personal.c). */
void kw__grant_info(const kw__tenant *t, const kw__grant *g, uint64_t id, kw_time now,
                    kw_grant_info *out);
kw_err kw__grant_new(kw_engine *eng, kw__tenant *t, uint32_t res, uint32_t user,
                     uint32_t issuer, uint8_t issuer_kind, uint64_t funcs,
                     const kw__cond *c, kw_time now, uint32_t *slot);
void kw__grant_delete(kw_engine *eng, kw__tenant *t, uint32_t slot);
void kw__res_clear_personal(kw_engine *eng, kw__tenant *t, uint32_t res);
uint64_t kw__grant_effective(const kw__tenant *t, const kw__grant *g, kw_time now);
int64_t kw__grant_remaining(const kw__grant *g, kw_date today);

/* Organisations (org.c). Pre-order walk of the subtree at `root`: the node
 * after `n`, or KW__NONE at the end. */
uint32_t kw__subtree_next(const kw__tenant *t, uint32_t root, uint32_t n);
/* Organisation index of org id `id`: KW_BAD_ID, KW_UNKNOWN_ORG. */
kw_err kw__org_find(const kw__tenant *t, const char *id, uint32_t *org);
bool kw__node_effective(const kw__tenant *t, uint32_t node);
bool kw__node_is_ancestor(const kw__tenant *t, uint32_t anc, uint32_t node);
/* KW_OK when `actor` (KW__NONE = super-admin) may do `act` on `node`. */
kw_err kw__org_may(const kw__tenant *t, uint32_t actor, uint32_t node, kw_org_action act,
                   kw_time now);
const kw__planref *kw__org_plan(const kw__tenant *t, uint32_t org, uint32_t type);
void kw__usage_count(kw_engine *eng, kw__tenant *t, uint32_t res, uint32_t user,
                     uint32_t func, kw_time now);

/* Change records (write lock held). Collect affected resources with
 * kw__touch, then emit once. */
void kw__touch_reset(kw_engine *eng);
kw_err kw__touch(kw_engine *eng, uint32_t res);
kw_err kw__touch_org(kw_engine *eng, const kw__tenant *t, uint32_t org);
void kw__emit(kw_engine *eng, kw__tenant *t, kw_change_kind kind, const char *actor,
              const char *object, const char *subject, uint64_t grant, kw_time now);
/* Emit a record for a change that affects resource `res` alone. */
void kw__emit_one(kw_engine *eng, kw__tenant *t, uint32_t res, kw_change_kind kind,
                  const char *actor, const char *object, const char *subject, uint64_t grant,
                  kw_time now);
void kw__emit_consume(kw_engine *eng, const kw__tenant *t, uint32_t res, uint32_t user,
                      uint64_t grant, kw_time now);

/* Decisions. */
/* Evaluate (no side effects) u on r for function f at now. */
void kw__decide(const kw__tenant *t, uint32_t r, uint32_t u, uint32_t f, kw_time now,
                kw_decision *out, uint32_t *role);

/* Cursors. */
void kw__cursor_make(char *out, const char *tenant, uint64_t qhash, const char *last);
kw_err kw__cursor_parse(const char *cursor, const char *tenant, uint64_t qhash,
                        char *last, size_t lastcap);

void kw__tenant_free(kw_engine *eng, kw__tenant *t);

#define KW__LOCK_RD(e) kw__lock_rd(&(e)->lock)
#define KW__LOCK_WR(e) kw__lock_wr(&(e)->lock)
#define KW__UNLOCK(e)  kw__unlock(&(e)->lock)

#endif
