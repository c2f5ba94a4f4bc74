/*
 * src/cli/main.c — the `keyway` command (placeholder).
 *
 * For now it has two subcommands: `version`, and `serve`, which only says
 * honestly that the HTTP server is not there yet (it arrives with issue 4)
 * after proving that the engine library is linked and starts. The real
 * subcommands (serve, admin, bench, audit verify, file inspect) replace
 * this file as they land.
 */
#include <stdio.h>
#include <string.h>

#include "keyway/keyway.h"

#ifndef KEYWAY_VERSION
#define KEYWAY_VERSION "0.1.0-dev"
#endif

static void usage(FILE *f)
{
    fputs("usage: keyway <command>\n"
          "\n"
          "commands:\n"
          "  version   print the version\n"
          "  serve     start the HTTP API (not yet: arrives with issue 4)\n"
          "  help      this text\n",
          f);
}

static int cmd_serve(void)
{
    kw_engine *eng = NULL;
    kw_err e = kw_engine_new(NULL, &eng);
    if (e != KW_OK) {
        fprintf(stderr, "keyway: the engine library failed to start: %s (%s)\n",
                kw_err_code(e), kw_strerror(e));
        return 1;
    }
    size_t bytes = kw_engine_memory(eng);
    kw_engine_free(eng);
    printf("keyway %s: the HTTP server is not implemented yet; it arrives with\n"
           "the server issue (issue 4). What exists today is the permission engine\n"
           "library (libkeyway.a), which is built, links and starts (an empty engine\n"
           "holds %zu bytes); `make test` runs its tests and `make bench` measures it.\n",
           KEYWAY_VERSION, bytes);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("keyway %s\n", KEYWAY_VERSION);
        return 0;
    }
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve();
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "keyway: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
