/*
 * bench/bench_util.h — helpers shared by the benchmark programs: a
 * deterministic PRNG, a monotonic clock, timer-overhead calibration,
 * percentiles, resident memory and a few formatting helpers.
 *
 * Everything is `static inline` so that each bench/<name>.c stays a single
 * translation unit (the Makefile builds one program per bench/NAME.c).
 */
#ifndef KEYWAY_BENCH_UTIL_H
#define KEYWAY_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keyway/keyway.h"

/* ------------------------------------------------------------- PRNG */

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for
 * workload generation, and the same sequence on every platform. */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;

static inline uint64_t bench_next(bench_rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n >= 1 (Lemire's multiply-shift; the bias for the n
 * used here is far below anything measurable). */
static inline uint32_t bench_below(bench_rng *r, uint32_t n)
{
    uint64_t x = bench_next(r) >> 32;
    return (uint32_t)((x * (uint64_t)n) >> 32);
}

/* ------------------------------------------------------------ clock */

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Value at quantile q (0..1) of sorted v[0..n), nearest-rank. */
static inline uint64_t bench_quantile(const uint64_t *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    double pos = q * (double)n;
    size_t k = (size_t)pos;
    if ((double)k < pos)
        k++;
    if (k == 0)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

/* Cost of one back-to-back clock_gettime pair, as the median of many
 * samples: what a per-call measurement adds on top of the call itself. */
static inline uint64_t bench_timer_overhead_ns(void)
{
    enum { N = 20001 };
    static uint64_t d[N];
    for (size_t i = 0; i < N; i++) {
        uint64_t a = bench_now_ns();
        uint64_t b = bench_now_ns();
        d[i] = b - a;
    }
    qsort(d, N, sizeof d[0], bench_cmp_u64);
    return d[N / 2];
}

/* Subtract the timer overhead from every sample (floor at 0), then sort. */
static inline void bench_finish_samples(uint64_t *v, size_t n, uint64_t overhead)
{
    for (size_t i = 0; i < n; i++)
        v[i] = v[i] > overhead ? v[i] - overhead : 0;
    qsort(v, n, sizeof v[0], bench_cmp_u64);
}

/* ----------------------------------------------------------- memory */

/* Resident set size in bytes from /proc/self/statm (0 if unavailable). */
static inline size_t bench_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2)
        return 0;
    long page = sysconf(_SC_PAGESIZE);
    return (size_t)resident * (size_t)(page > 0 ? page : 4096);
}

/* -------------------------------------------------------------- time */

/* Unix microseconds of a UTC date and time. */
static inline kw_time bench_utc(int32_t y, unsigned mo, unsigned d, unsigned h, unsigned mi)
{
    int64_t days = kw_days_from_civil(y, mo, d);
    return ((days * 24 + (int64_t)h) * 60 + (int64_t)mi) * KW_US_PER_MIN;
}

/* ----------------------------------------------------------- failure */

static inline void bench_die(const char *what, kw_err e)
{
    fprintf(stderr, "bench: %s failed: %s (%s)\n", what, kw_err_code(e), kw_strerror(e));
    exit(1);
}

#endif
