/*
 * keyway/timefmt.h — RFC 3339 timestamps, the only time format of Keyway's
 * API, CLI and logs.
 *
 * Parsing accepts exactly RFC 3339 section 5.6 `date-time`:
 *   YYYY-MM-DD "T" hh:mm:ss [ "." 1*digit ] ( "Z" / ("+" / "-") hh:mm )
 * with "T" and "Z" in either case. Fractions are kept to the microsecond;
 * further digits (up to 9 in all) are truncated. A leap second (ss = 60) is
 * refused: Keyway's instants are POSIX seconds. The instant must lie within
 * KW_TIME_MIN..KW_TIME_MAX (1970 through 9999, UTC).
 */
#ifndef KEYWAY_TIMEFMT_H
#define KEYWAY_TIMEFMT_H

#include <stddef.h>

#include "keyway/cond.h"
#include "keyway/error.h"

/* Buffer size that holds every formatted instant, NUL included
 * ("9999-12-31T23:59:59.999999Z" is 27 characters). */
#define KW_TIME_STR_MAX 32

/* Parse `s[0..len)` (no NUL needed; nothing may follow the timestamp) into
 * *out. Errors: KW_INVAL (NULL argument), KW_BAD_TIME (not RFC 3339, not a
 * real calendar date or time, a leap second, more than 9 fraction digits,
 * an offset beyond ±23:59, or an instant outside 1970..9999 UTC). */
kw_err kw_time_parse(const char *s, size_t len, kw_time *out);

/* Format `t` as "YYYY-MM-DDThh:mm:ssZ", adding ".ffffff" only when the
 * microseconds are not zero, into buf (cap bytes, NUL-terminated).
 * Errors: KW_INVAL (NULL buf or cap < KW_TIME_STR_MAX), KW_BAD_TIME (t
 * outside KW_TIME_MIN..KW_TIME_MAX). kw_time_parse reads it back exactly. */
kw_err kw_time_format(kw_time t, char *buf, size_t cap);

#endif
