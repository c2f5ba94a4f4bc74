/*
 * tests/runner.c — runs every test registered through tests/test.h.
 *
 *   unit [-j N] [-v] [--list] [--cmd NAME=COMMAND]... [FILTER]...
 *
 * Each test runs in its own forked child, in its own process group, with
 * stdin from /dev/null and stdout+stderr captured in a temporary file, so a
 * crash, hang or stray output in one test cannot hide or garble the others.
 * A test's child arms alarm(timeout); the parent also kills the whole group
 * one second after the deadline, in case the test blocked SIGALRM.
 *
 * Order is stable: tests sort by file, then name; command tests (--cmd)
 * follow in the order given. Up to N children run at once (-j, default the
 * number of online CPUs), but results are printed in that order, one block
 * per test written at once:
 *
 *   ok 3 - tz_parse_berlin
 *   not ok 4 - tz_posix_rules
 *   # tests/unit/test_tz.c:120: kw_tz_from_posix(...): got ok, want invalid_time_zone
 *   # failed
 *
 * A child's captured output is shown (prefixed "# ") when the test fails,
 * or always with -v. The last line is "N passed, N failed"; the exit status
 * is 0 only if at least one test ran and none failed.
 *
 * A FILTER keeps the tests whose name or file contains it (any of several).
 * --cmd NAME=COMMAND adds a test that runs COMMAND with /bin/sh and passes
 * when it exits 0 (`make test` uses it for scripts/check-banned.sh and for
 * replaying each fuzz target's corpus, so one tally covers everything).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

/* Exit status of a child whose test called kw_test_fail. Distinct from 1,
 * which the sanitizers use, so "failed" and "exited with status 1" differ. */
#define RUNNER_EXIT_FAILED 101
/* Timeout of a command test (fuzz replays, scripts). */
#define RUNNER_CMD_TIMEOUT 300u
/* Captured output shown per test, at most. */
#define RUNNER_OUTPUT_MAX ((size_t)64 * 1024)

typedef struct runner_case {
    const char *name;
    const char *file;         /* "" for command tests */
    kw_test_fn fn;            /* NULL for command tests */
    const char *cmd;          /* shell command of a command test */
    unsigned timeout_s;
    size_t seq;               /* registration order: the last sort key */
} runner_case;

typedef struct runner_result {
    int done;
    int passed;
    char status[128];         /* why it failed ("crashed: signal 11 ...") */
    char *output;             /* captured stdout+stderr, NUL-terminated */
    double seconds;
} runner_result;

typedef struct runner_slot {
    pid_t pid;                /* 0 when free */
    size_t idx;               /* index into the selected tests */
    FILE *out;                /* the child's stdout+stderr */
    double start;
    double deadline;
    int killed;               /* the parent killed it at the deadline */
} runner_slot;

static runner_case *g_cases;
static size_t g_ncases;
static size_t g_cap;

/* In a child: whether the running test has failed. */
static int g_failed;

static volatile sig_atomic_t g_interrupted;

void kw_test_register(const char *name, const char *file, kw_test_fn fn, unsigned timeout_s)
{
    if (g_ncases == g_cap) {
        size_t cap = g_cap ? g_cap * 2 : 64;
        runner_case *c = realloc(g_cases, cap * sizeof *c);
        if (!c) {
            fputs("runner: out of memory registering tests\n", stderr);
            abort();
        }
        g_cases = c;
        g_cap = cap;
    }
    g_cases[g_ncases] = (runner_case){
        .name = name, .file = file, .fn = fn, .cmd = NULL,
        .timeout_s = timeout_s ? timeout_s : 20, .seq = g_ncases,
    };
    g_ncases++;
}

void kw_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    g_failed = 1;
}

int kw_test_failed(void)
{
    return g_failed;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int case_cmp(const void *pa, const void *pb)
{
    const runner_case *a = pa, *b = pb;
    int ga = a->fn == NULL, gb = b->fn == NULL;
    if (ga != gb)
        return ga - gb;
    if (a->fn) {
        int c = strcmp(a->file, b->file);
        if (c)
            return c;
        c = strcmp(a->name, b->name);
        if (c)
            return c;
    }
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int case_selected(const runner_case *c, char **filters, size_t nfilters)
{
    if (nfilters == 0)
        return 1;
    for (size_t i = 0; i < nfilters; i++) {
        if (strstr(c->name, filters[i]) || strstr(c->file, filters[i]))
            return 1;
    }
    return 0;
}

static void on_interrupt(int sig)
{
    (void)sig;
    g_interrupted = 1;
}

/* The child: never returns. */
static void run_child(const runner_case *c, FILE *out)
{
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(out), STDERR_FILENO);
    fclose(out);
    /* Unbuffered, so that output written before a crash is kept. */
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    if (c->cmd) {
        execl("/bin/sh", "sh", "-c", c->cmd, (char *)NULL);
        fprintf(stderr, "runner: cannot run /bin/sh: %s\n", strerror(errno));
        _exit(127);
    }
    alarm(c->timeout_s);
    c->fn();
    if (g_failed)
        _exit(RUNNER_EXIT_FAILED);   /* skip leak checks: it failed anyway */
    exit(0);                         /* atexit: sanitizers' leak check */
}

static char *slurp(FILE *f)
{
    char *buf = malloc(RUNNER_OUTPUT_MAX + 64);
    if (!buf)
        return NULL;
    size_t n = 0;
    if (fseek(f, 0, SEEK_SET) == 0)
        n = fread(buf, 1, RUNNER_OUTPUT_MAX, f);
    buf[n] = '\0';
    if (n == RUNNER_OUTPUT_MAX && fgetc(f) != EOF)
        memcpy(buf + n, "\n[output truncated]\n", sizeof "\n[output truncated]\n");
    return buf;
}

static void describe(runner_result *r, const runner_case *c, int status, int killed)
{
    r->passed = 0;
    if (killed) {
        snprintf(r->status, sizeof r->status, "timed out after %u s (killed)", c->timeout_s);
    } else if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == 0)
            r->passed = 1;
        else if (code == RUNNER_EXIT_FAILED && !c->cmd)
            snprintf(r->status, sizeof r->status, "failed");
        else
            snprintf(r->status, sizeof r->status, "exited with status %d", code);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM && !c->cmd)
            snprintf(r->status, sizeof r->status, "timed out after %u s", c->timeout_s);
        else
            snprintf(r->status, sizeof r->status, "crashed: signal %d (%s)", sig, strsignal(sig));
    } else {
        snprintf(r->status, sizeof r->status, "ended with wait status %d", status);
    }
}

/* Print one test's result as a single write: the ok/not ok line, then (on
 * failure, or with -v) its output with each line prefixed "# ", then why it
 * failed. */
static void print_block(size_t num, const runner_case *c, const runner_result *r, int verbose)
{
    size_t cap = 256 + strlen(c->name) + (r->output ? strlen(r->output) * 2 + 8 : 0);
    char *buf = malloc(cap);
    if (!buf) {
        printf("%s %zu - %s\n", r->passed ? "ok" : "not ok", num, c->name);
        fflush(stdout);
        return;
    }
    size_t len = 0;
    int n = snprintf(buf, cap, "%s %zu - %s\n", r->passed ? "ok" : "not ok", num, c->name);
    len = n > 0 ? (size_t)n : 0;
    if ((!r->passed || verbose) && r->output && r->output[0]) {
        const char *p = r->output;
        while (*p && len + 4 < cap) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            if (len + l + 4 >= cap)
                l = cap - len - 4;
            buf[len++] = '#';
            buf[len++] = ' ';
            memcpy(buf + len, p, l);
            len += l;
            buf[len++] = '\n';
            p += l;
            if (*p == '\n')
                p++;
        }
    }
    if (!r->passed && len < cap) {
        n = snprintf(buf + len, cap - len, "# %s\n", r->status);
        if (n > 0)
            len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    if (verbose && len < cap) {
        n = snprintf(buf + len, cap - len, "# %.3f s\n", r->seconds);
        if (n > 0)
            len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    fwrite(buf, 1, len, stdout);
    fflush(stdout);
    free(buf);
}

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [-j N] [-v] [--list] [--cmd NAME=COMMAND]... [FILTER]...\n"
            "  -j N        run up to N tests at once (default: CPUs)\n"
            "  -v          show every test's output and time\n"
            "  --list      list the selected tests and exit\n"
            "  --cmd N=C   add test N that passes when shell command C exits 0\n"
            "  FILTER      run only tests whose name or file contains FILTER\n",
            argv0);
}

int main(int argc, char **argv)
{
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    int verbose = 0, list = 0;
    char **filters = calloc((size_t)argc + 1, sizeof *filters);
    size_t nfilters = 0;
    if (!filters)
        return 2;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "-j", 2) == 0 || strcmp(a, "--jobs") == 0) {
            const char *v = (a[1] == 'j' && a[2]) ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            char *end = NULL;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || n < 1 || n > 1024) {
                fprintf(stderr, "runner: -j needs a number from 1 to 1024\n");
                return 2;
            }
            jobs = n;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            verbose = 1;
        } else if (strcmp(a, "--list") == 0) {
            list = 1;
        } else if (strcmp(a, "--cmd") == 0 && i + 1 < argc) {
            char *spec = argv[++i];
            char *eq = strchr(spec, '=');
            if (!eq || eq == spec) {
                fprintf(stderr, "runner: --cmd wants NAME=COMMAND, got \"%s\"\n", spec);
                return 2;
            }
            *eq = '\0';
            kw_test_register(spec, "", NULL, RUNNER_CMD_TIMEOUT);
            g_cases[g_ncases - 1].cmd = eq + 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout, argv[0]);
            return 0;
        } else if (a[0] == '-') {
            usage(stderr, argv[0]);
            return 2;
        } else {
            filters[nfilters++] = argv[i];
        }
    }
    if (jobs < 1)
        jobs = 1;

    qsort(g_cases, g_ncases, sizeof *g_cases, case_cmp);
    size_t nsel = 0;
    for (size_t i = 0; i < g_ncases; i++) {
        if (case_selected(&g_cases[i], filters, nfilters))
            g_cases[nsel++] = g_cases[i];
    }
    free(filters);

    if (list) {
        for (size_t i = 0; i < nsel; i++)
            printf("%s\t%s\n", g_cases[i].name, g_cases[i].cmd ? g_cases[i].cmd : g_cases[i].file);
        return 0;
    }

    runner_result *res = calloc(nsel ? nsel : 1, sizeof *res);
    runner_slot *slots = calloc((size_t)jobs, sizeof *slots);
    if (!res || !slots) {
        fputs("runner: out of memory\n", stderr);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    printf("1..%zu\n", nsel);
    fflush(stdout);

    size_t next_start = 0, next_print = 0, running = 0, npassed = 0, nfailed = 0;
    while (next_print < nsel && !g_interrupted) {
        /* Start tests while there are free slots. */
        while (next_start < nsel && running < (size_t)jobs) {
            runner_slot *s = NULL;
            for (long k = 0; k < jobs; k++) {
                if (slots[k].pid == 0) {
                    s = &slots[k];
                    break;
                }
            }
            const runner_case *c = &g_cases[next_start];
            FILE *out = tmpfile();
            if (!out) {
                fprintf(stderr, "runner: tmpfile: %s\n", strerror(errno));
                return 2;
            }
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "runner: fork: %s\n", strerror(errno));
                return 2;
            }
            if (pid == 0) {
                setpgid(0, 0);
                run_child(c, out);
            }
            setpgid(pid, pid);
            *s = (runner_slot){ .pid = pid, .idx = next_start, .out = out, .start = now_s(), .killed = 0 };
            s->deadline = s->start + (double)c->timeout_s + 1.0;
            next_start++;
            running++;
        }

        /* Reap whatever finished; kill what overran. */
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (long k = 0; k < jobs; k++) {
                runner_slot *s = &slots[k];
                if (s->pid != pid)
                    continue;
                runner_result *r = &res[s->idx];
                kill(-pid, SIGKILL);          /* stragglers of the group */
                describe(r, &g_cases[s->idx], status, s->killed);
                r->seconds = now_s() - s->start;
                r->output = slurp(s->out);
                fclose(s->out);
                r->done = 1;
                s->pid = 0;
                running--;
                break;
            }
        } else {
            double t = now_s();
            for (long k = 0; k < jobs; k++) {
                if (slots[k].pid && !slots[k].killed && t > slots[k].deadline) {
                    kill(-slots[k].pid, SIGKILL);
                    kill(slots[k].pid, SIGKILL);
                    slots[k].killed = 1;
                }
            }
            struct timespec nap = { 0, 2 * 1000 * 1000 };
            nanosleep(&nap, NULL);
        }

        /* Print, in order, every result that is ready. */
        while (next_print < nsel && res[next_print].done) {
            runner_result *r = &res[next_print];
            print_block(next_print + 1, &g_cases[next_print], r, verbose);
            if (r->passed)
                npassed++;
            else
                nfailed++;
            free(r->output);
            r->output = NULL;
            next_print++;
        }
    }

    if (g_interrupted) {
        for (long k = 0; k < jobs; k++) {
            if (slots[k].pid) {
                kill(-slots[k].pid, SIGKILL);
                kill(slots[k].pid, SIGKILL);
                waitpid(slots[k].pid, NULL, 0);
            }
        }
        fprintf(stderr, "runner: interrupted\n");
        nfailed += nsel - next_print;
    }
    if (nsel == 0)
        fprintf(stderr, "runner: no test %s\n", nfilters ? "matched the filters" : "is registered");

    printf("%zu passed, %zu failed\n", npassed, nfailed);
    free(res);
    free(slots);
    return (nfailed == 0 && nsel > 0) ? 0 : 1;
}
