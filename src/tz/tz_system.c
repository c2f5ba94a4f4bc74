/*
 * src/tz/tz_system.c — load zones from the system's zoneinfo directory.
 *
 * The one place where time-zone data comes from the file system. The name
 * is checked before it is ever joined to the directory, so no name can
 * leave the directory ("..", absolute paths, empty components are all
 * rejected by the character set and the component rule); the file must be a
 * regular file of at most 1 MiB (the largest real TZif file is under 4 KiB)
 * and is then handed to the I/O-free parser.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L     /* open flags, fstat: also when built without -D */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyway/tz.h"

#define TZ_SYSTEM_DIR      "/usr/share/zoneinfo"
#define TZ_SYSTEM_FILE_MAX (1024 * 1024)
#define TZ_SYSTEM_PATH_MAX 4096

static bool name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
        || ch == '_' || ch == '+' || ch == '-';
}

/* [A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*, at most KW_TZ_NAME_MAX bytes. The
 * character set has no '.', so no component can be "." or "..". */
static bool tz_system_name_ok(const char *name) {
    size_t n = 0, comp = 0;
    for (; name[n] != '\0'; n++) {
        if (n >= KW_TZ_NAME_MAX) return false;
        if (name[n] == '/') {
            if (comp == 0) return false;          /* leading or doubled '/' */
            comp = 0;
        } else if (name_char(name[n])) {
            comp++;
        } else {
            return false;
        }
    }
    return comp > 0;                              /* non-empty, no trailing '/' */
}

/* Read all of fd (a regular file of at most TZ_SYSTEM_FILE_MAX bytes). It was
 * opened O_NONBLOCK so that a FIFO planted in the directory cannot block
 * open(); the regular-file check then refuses it. */
static kw_err tz_system_read(int fd, uint8_t **data, size_t *len) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0
        || st.st_size > TZ_SYSTEM_FILE_MAX) {
        return KW_BAD_TZ;
    }
    /* One spare byte tells a file that grew past the cap after fstat. */
    size_t cap = (size_t)st.st_size + 1u;
    uint8_t *buf = malloc(cap);
    if (!buf) return KW_NOMEM;
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(buf);
            return KW_BAD_TZ;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    if (got == cap) {                             /* changed under us */
        free(buf);
        return KW_BAD_TZ;
    }
    *data = buf;
    *len = got;
    return KW_OK;
}

kw_err kw_tz_system_load(void *ctx, const char *name, kw_tz **out) {
    if (!out) return KW_INVAL;
    *out = NULL;
    if (!name) return KW_INVAL;
    if (!tz_system_name_ok(name)) return KW_BAD_TZ;
    const char *dir = ctx ? (const char *)ctx : TZ_SYSTEM_DIR;
    char path[TZ_SYSTEM_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) return KW_INVAL;   /* directory too long */

    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return errno == ENOMEM ? KW_NOMEM : KW_BAD_TZ;  /* unknown name */

    uint8_t *data = NULL;
    size_t len = 0;
    kw_err err = tz_system_read(fd, &data, &len);
    close(fd);
    if (err) return err;
    err = kw_tz_parse(name, data, len, out);
    free(data);
    return err;
}
