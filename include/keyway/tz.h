/*
 * keyway/tz.h — IANA time zones for condition evaluation.
 *
 * A kw_tz is an immutable, parsed time zone: a list of UTC-offset
 * transitions (from a TZif file, versions 1–4) plus the POSIX TZ rule that
 * extends it past the last transition. Parsing works on bytes the caller
 * supplies, so the engine itself never touches the file system; a loader
 * (kw_tz_system_load, in src/tz/) reads /usr/share/zoneinfo for the server.
 *
 * A kw_tz is read-only after creation and may be shared between threads.
 */
#ifndef KEYWAY_TZ_H
#define KEYWAY_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "keyway/error.h"

typedef struct kw_tz kw_tz;

/* Longest accepted zone name ("America/Argentina/ComodRivadavia" is 32). */
#define KW_TZ_NAME_MAX 64

/* Parse a TZif file (RFC 8536, versions 1 to 4) named `name` from
 * `data[0..len)`. For version 2+ files the 64-bit block and the footer's
 * POSIX rule are used; the footer rule governs instants after the last
 * transition (and all instants of "slim" files).
 * On success *out owns a new zone (free with kw_tz_free).
 * Files with leap-second records ("right/" zones) are refused: Keyway's
 * instants are POSIX seconds. `name` is 1..KW_TZ_NAME_MAX-1 printable ASCII
 * characters without spaces.
 * Errors: KW_INVAL (NULL argument), KW_BAD_TZ (malformed, truncated or
 * inconsistent data, bad name, leap seconds), KW_NOMEM. Never reads outside
 * `data`. */
kw_err kw_tz_parse(const char *name, const uint8_t *data, size_t len, kw_tz **out);

/* Build a zone from a POSIX TZ rule alone, e.g. "UTC0",
 * "CET-1CEST,M3.5.0,M10.5.0/3", "<+0330>-3:30". Same errors as kw_tz_parse.
 * `rule` must be NUL-terminated and at most 128 bytes. */
kw_err kw_tz_from_posix(const char *name, const char *rule, kw_tz **out);

/* The zone "UTC". Same ownership rules as kw_tz_parse. */
kw_err kw_tz_utc(kw_tz **out);

/* Free a zone. NULL is a no-op. */
void kw_tz_free(kw_tz *tz);

/* The name the zone was created with. Never NULL. */
const char *kw_tz_name(const kw_tz *tz);

/* Offset from UTC, in seconds east, in force at instant `utc_sec` (Unix
 * seconds). Defined for every int64 input. A NULL zone is UTC. */
int32_t kw_tz_offset_at(const kw_tz *tz, int64_t utc_sec);

/* Convert `utc_sec` to local wall-clock seconds (utc_sec + offset),
 * saturating at INT64_MIN/INT64_MAX. A NULL zone is UTC. */
int64_t kw_tz_to_local(const kw_tz *tz, int64_t utc_sec);

/* The earliest instant whose local wall-clock time is >= `local_sec`.
 * For an ordinary local time that is the one instant showing it; for a
 * repeated local time (fall back) the first of the two; for a skipped local
 * time (spring forward) the instant the gap ends. Result in *utc_sec.
 * Errors: KW_INVAL (NULL argument), KW_BAD_TIME (no int64 instant shows
 * that local time; only near INT64_MAX). */
kw_err kw_tz_from_local(const kw_tz *tz, int64_t local_sec, int64_t *utc_sec);

/* Loader signature the engine uses to obtain zones by IANA name.
 * Must return KW_BAD_TZ for names it does not know. */
typedef kw_err (*kw_tz_loader)(void *ctx, const char *name, kw_tz **out);

/* The system loader (src/tz/tz_system.c, not part of the I/O-free core):
 * reads `<dir>/<name>` where dir is `ctx` (a NUL-terminated path) or
 * "/usr/share/zoneinfo" when ctx is NULL. Names must match
 * [A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)* with no "." component and be at most
 * KW_TZ_NAME_MAX bytes; anything else is KW_BAD_TZ, as are read errors and
 * anything but a regular file of at most 1 MiB. KW_INVAL when the directory
 * path is too long, KW_NOMEM when memory runs out. */
kw_err kw_tz_system_load(void *ctx, const char *name, kw_tz **out);

/* Proleptic Gregorian calendar helpers (no time zone involved). */
/* Days since 1970-01-01 of y-m-d. m in 1..12, d in 1..31 (not validated). */
int32_t kw_days_from_civil(int32_t y, unsigned m, unsigned d);
/* Inverse of kw_days_from_civil. */
void kw_civil_from_days(int32_t days, int32_t *y, unsigned *m, unsigned *d);
/* ISO weekday of a day number: 0 = Monday … 6 = Sunday. */
unsigned kw_weekday_from_days(int32_t days);
/* True if y-m-d is a real calendar date (y in 1..9999). */
int kw_civil_valid(int32_t y, unsigned m, unsigned d);

#endif
