/*
 * src/core/lock.c — the engine's model lock: a striped reader/writer lock.
 *
 * A pthread rwlock keeps one reader count that every reader increments and
 * decrements, so two threads deciding at once bounce one cache line and a
 * second core adds nothing. Here each reader counts itself in one of
 * KW__RSTRIPES counters, each on its own cache line, chosen by hashing its
 * thread id (threads that collide only share a line; they stay correct).
 *
 * Reader: increment its stripe, then look at the writer flag; if a writer is
 * there, step back out and wait on the writer mutex. Writer: take the writer
 * mutex, raise the flag, then wait until every stripe is zero. Both sides use
 * sequentially consistent operations, so at least one of them sees the
 * other (the Dekker pattern): never a reader and a writer inside together.
 * A waiting writer stops new readers from entering, so writers cannot
 * starve.
 */
#include <sched.h>

#include "core/internal.h"

static unsigned stripe_of_self(void) {
    pthread_t self = pthread_self();
    uint64_t h = 0;
    /* pthread_t is opaque: hash its bytes */
    const unsigned char *p = (const unsigned char *)&self;
    for (size_t i = 0; i < sizeof self; i++) h = (h << 8) | p[i];
    return (unsigned)(kw__hash_u64(h) % KW__RSTRIPES);
}

kw_err kw__lock_init(kw__lock *l) {
    for (unsigned i = 0; i < KW__RSTRIPES; i++) atomic_init(&l->readers[i].n, 0);
    atomic_init(&l->writer, false);
    return pthread_mutex_init(&l->wmutex, NULL) == 0 ? KW_OK : KW_NOMEM;
}

void kw__lock_destroy(kw__lock *l) { pthread_mutex_destroy(&l->wmutex); }

void kw__lock_rd(kw__lock *l) {
    atomic_long *mine = &l->readers[stripe_of_self()].n;
    for (;;) {
        atomic_fetch_add(mine, 1);
        if (!atomic_load(&l->writer)) return;
        atomic_fetch_sub(mine, 1);
        /* wait for the writer to finish */
        pthread_mutex_lock(&l->wmutex);
        pthread_mutex_unlock(&l->wmutex);
    }
}

void kw__lock_wr(kw__lock *l) {
    pthread_mutex_lock(&l->wmutex);
    l->owner = pthread_self();
    atomic_store(&l->writer, true);
    for (unsigned i = 0; i < KW__RSTRIPES; i++)
        while (atomic_load(&l->readers[i].n) != 0) sched_yield();
}

void kw__unlock(kw__lock *l) {
    if (atomic_load(&l->writer) && pthread_equal(l->owner, pthread_self())) {
        atomic_store(&l->writer, false);
        pthread_mutex_unlock(&l->wmutex);
        return;
    }
    atomic_fetch_sub(&l->readers[stripe_of_self()].n, 1);
}
