/*
 * tests/fuzz/standalone.c — a main() for fuzz targets without libFuzzer.
 *
 *   fuzz_X [FILE|DIR]...
 *
 * Feeds the empty input, then each FILE (and every regular file under each
 * DIR, recursively, in name order) to LLVMFuzzerTestOneInput, each in a
 * heap buffer of exactly its size so that any compiler's sanitizers catch
 * an over-read. `make test` links every tests/fuzz/fuzz_*.c with this file
 * and replays the target's seed corpus, so a regression in a parser shows
 * up without libFuzzer or clang. The name of each input goes to stderr
 * before it runs, so a crash names the input that caused it.
 * Exits 0 when every input ran; 1 when a file could not be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long g_inputs;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        fprintf(stderr, "standalone: %s: %s\n", path, buf ? "read error" : "out of memory");
        free(buf);
        return 1;
    }
    /* An exact-size copy: reading past the input is then a heap overflow. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, len);
    free(buf);
    fprintf(stderr, "standalone: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    g_inputs++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);

    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "standalone: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (name[0] != '.') {
            size_t len = strlen(path) + strlen(name) + 2;
            char *child = malloc(len);
            if (child) {
                snprintf(child, len, "%s/%s", path, name);
                rc |= run_path(child);
                free(child);
            } else {
                rc = 1;
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    static const uint8_t empty[1];
    int rc = 0;

    fprintf(stderr, "standalone: (empty input)\n");
    LLVMFuzzerTestOneInput(empty, 0);
    g_inputs++;
    for (int i = 1; i < argc; i++)
        rc |= run_path(argv[i]);
    printf("%s: %lu inputs ran%s\n", argv[0], g_inputs, rc ? ", some could not be read" : "");
    return rc;
}
