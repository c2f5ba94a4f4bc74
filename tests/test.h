/*
 * tests/test.h — the one test harness every C test file uses.
 *
 * A test is a function declared with KW_TEST(name); it registers itself at
 * start-up. tests/runner.c runs every registered test in a forked child
 * (so a crash or hang in one cannot hide the others), with a time limit,
 * prints one TAP-style line per test and ends with "N passed, N failed".
 *
 * Assertions record the file:line of the first failure and return from the
 * test. Use them only inside KW_TEST bodies (or helpers returning void that
 * the test calls through KW_CALL).
 */
#ifndef KEYWAY_TEST_H
#define KEYWAY_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef void (*kw_test_fn)(void);

/* Register a test (called by KW_TEST's constructor). */
void kw_test_register(const char *name, const char *file, kw_test_fn fn, unsigned timeout_s);
/* Record a failure of the running test (message printed by the child). */
void kw_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Non-zero once the running test has failed. */
int kw_test_failed(void);

#define KW__TEST(name, timeout)                                              \
    static void kw_test_##name(void);                                        \
    __attribute__((constructor)) static void kw_test_reg_##name(void) {      \
        kw_test_register(#name, __FILE__, kw_test_##name, (timeout));        \
    }                                                                        \
    static void kw_test_##name(void)

/* A test with the default 20 s limit. */
#define KW_TEST(name) KW__TEST(name, 20)
/* A test with its own limit in seconds (for load and concurrency tests). */
#define KW_TEST_SLOW(name, seconds) KW__TEST(name, seconds)

#define CHECK(cond) do {                                                      \
        if (!(cond)) { kw_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); return; } \
    } while (0)

#define CHECK_MSG(cond, ...) do {                                             \
        if (!(cond)) { kw_test_fail(__FILE__, __LINE__, __VA_ARGS__); return; } \
    } while (0)

#define CHECK_EQ(a, b) do {                                                   \
        long long kw__a = (long long)(a), kw__b = (long long)(b);             \
        if (kw__a != kw__b) {                                                 \
            kw_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, kw__a, kw__b); \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_STR(a, b) do {                                                  \
        const char *kw__a = (a), *kw__b = (b);                                \
        if (!kw__a || !kw__b || strcmp(kw__a, kw__b) != 0) {                  \
            kw_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                         kw__a ? kw__a : "(null)", kw__b ? kw__b : "(null)"); \
            return;                                                           \
        }                                                                     \
    } while (0)

/* For kw_err-returning calls: the error's code string is printed. */
#define CHECK_ERR(expr, want) do {                                            \
        kw_err kw__e = (expr), kw__w = (want);                                \
        if (kw__e != kw__w) {                                                 \
            kw_test_fail(__FILE__, __LINE__, "%s: got %s, want %s", #expr,    \
                         kw_err_code(kw__e), kw_err_code(kw__w));             \
            return;                                                           \
        }                                                                     \
    } while (0)
#define CHECK_OK(expr) CHECK_ERR((expr), KW_OK)

/* Call a void helper that uses CHECK*, and stop if it failed. */
#define KW_CALL(call) do { call; if (kw_test_failed()) return; } while (0)

#endif
