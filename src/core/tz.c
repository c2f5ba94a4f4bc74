/*
 * src/core/tz.c — parsed time zones: TZif data, POSIX TZ rules, offsets.
 *
 * A zone is one piecewise-constant function "UTC offset at instant t",
 * kept in three regions:
 *
 *   t <  trans[0]             off_before (TZif time type 0, RFC 8536 §3.2)
 *   trans[i] <= t < trans[i+1] off[i]     explicit transitions from the file
 *   t >= rule_from            the POSIX rule (the footer), or off_after
 *
 * rule_from is the file's last transition (INT64_MIN when it has none), as
 * RFC 8536 says the footer governs "on or after the last transition".
 * Explicit transitions that do not change the offset are dropped.
 *
 * A rule with daylight saving time repeats exactly every 400 Gregorian
 * years: 146097 days is a whole number of weeks, so every "Mm.w.d" date
 * falls on the same day of the cycle. The rule is therefore expanded once,
 * at creation, into the transitions of one cycle starting at the Unix epoch
 * (rtrans/roff, about 800 entries), and any instant maps into that cycle by
 * a floor modulo. Every lookup is a binary search — no calendar arithmetic
 * per call and no mutable cache, so a zone is safely shared by threads.
 *
 * This file does no I/O and holds no mutable globals.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyway/tz.h"

/* |UTC offset| stays below 25 h (RFC 8536 §3.2 allows a little more east,
 * but no real zone comes close and a symmetric bound keeps the inverse
 * search window simple). */
#define TZ_MAX_OFF        89999
/* RFC 8536 §3.3.1: transition times in the rule may be -167..167 hours. */
#define TZ_RULE_HOURS_MAX 167
#define TZ_RULE_MAX       128           /* bytes in a POSIX rule */
#define TZ_TYPES_MAX      256           /* time types (indices are bytes) */
#define TZ_CYCLE          (INT64_C(146097) * 86400)   /* 400 years, seconds */
#define TZ_HEADER_SIZE    44
/* Years expanded for the rule cycle [1970, 2370): a margin on each side
 * catches transitions that spill across New Year (times up to ±167 h,
 * day 365 of "n" dates) and establishes the state before the epoch. */
#define TZ_EXPAND_FIRST   1966
#define TZ_EXPAND_LAST    2371

struct kw_tz {
    int64_t  rule_from;     /* rule region starts here (INT64_MIN: everywhere) */
    int64_t *trans;         /* explicit transitions, strictly increasing, all < rule_from */
    int32_t *off;           /* offset from trans[i] on */
    int64_t *rtrans;        /* rule transitions within [0, TZ_CYCLE) */
    int32_t *roff;          /* offset from rtrans[k] on */
    uint32_t ntrans;
    uint32_t nrule;         /* 0: the rule region has the constant off_after */
    int32_t  off_before;    /* before trans[0] */
    int32_t  off_after;     /* rule region when nrule == 0 */
    char     name[KW_TZ_NAME_MAX + 1];
    int64_t  store[];       /* trans, rtrans, then off, roff */
};

/* ------------------------------------------------------------ arithmetic */

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static bool is_leap(int32_t y) {
    return (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
}

/* ------------------------------------------------------------ POSIX rules */

enum { DATE_JULIAN1 = 1, DATE_JULIAN0, DATE_MONTH };

typedef struct rule_date {
    int      kind;          /* Jn (1..365, no Feb 29), n (0..365), Mm.w.d */
    unsigned day, month, week, wday;
    int32_t  time;          /* seconds after local midnight; may be < 0 or > 24 h */
} rule_date;

typedef struct posix_rule {
    int32_t   std_off, dst_off;   /* seconds east of UTC */
    bool      has_dst;
    rule_date start, end;         /* start: in standard time; end: in DST */
} posix_rule;

typedef struct cursor { const char *p, *end; } cursor;

static int peek(const cursor *c) {
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static bool is_alpha(int ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

/* 1 to 3 decimal digits with a value in [lo, hi]. */
static bool parse_num(cursor *c, unsigned lo, unsigned hi, unsigned *out) {
    unsigned v = 0, n = 0;
    while (n < 3 && is_digit(peek(c))) {
        v = v * 10u + (unsigned)(*c->p - '0');
        c->p++;
        n++;
    }
    if (n == 0 || is_digit(peek(c)) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* A designation: three or more letters, or <...> of [A-Za-z0-9+-]. Only
 * its syntax matters here; the text is not kept. */
static bool parse_designation(cursor *c) {
    unsigned n = 0;
    if (peek(c) == '<') {
        c->p++;
        for (int ch = peek(c); ch != '>'; ch = peek(c)) {
            if (!(is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '-')) return false;
            c->p++;
            n++;
        }
        c->p++;                                   /* '>' */
        return n >= 3;
    }
    while (is_alpha(peek(c))) {
        c->p++;
        n++;
    }
    return n >= 3;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds, hours at most max_hours. */
static bool parse_hms(cursor *c, unsigned max_hours, int32_t *out) {
    int32_t sign = 1;
    unsigned h, m = 0, s = 0;
    if (peek(c) == '+' || peek(c) == '-') {
        if (*c->p == '-') sign = -1;
        c->p++;
    }
    if (!parse_num(c, 0, max_hours, &h)) return false;
    if (peek(c) == ':') {
        c->p++;
        if (!parse_num(c, 0, 59, &m)) return false;
        if (peek(c) == ':') {
            c->p++;
            if (!parse_num(c, 0, 59, &s)) return false;
        }
    }
    *out = sign * (int32_t)(h * 3600u + m * 60u + s);
    return true;
}

/* A UTC offset as POSIX writes it (hours west), returned in seconds east. */
static bool parse_offset(cursor *c, int32_t *east) {
    int32_t west;
    if (!parse_hms(c, 24, &west) || west < -TZ_MAX_OFF || west > TZ_MAX_OFF) return false;
    *east = -west;
    return true;
}

static bool parse_date(cursor *c, rule_date *d) {
    memset(d, 0, sizeof *d);
    if (peek(c) == 'J') {
        c->p++;
        d->kind = DATE_JULIAN1;
        if (!parse_num(c, 1, 365, &d->day)) return false;
    } else if (peek(c) == 'M') {
        c->p++;
        d->kind = DATE_MONTH;
        if (!parse_num(c, 1, 12, &d->month) || peek(c) != '.') return false;
        c->p++;
        if (!parse_num(c, 1, 5, &d->week) || peek(c) != '.') return false;
        c->p++;
        if (!parse_num(c, 0, 6, &d->wday)) return false;
    } else {
        d->kind = DATE_JULIAN0;
        if (!parse_num(c, 0, 365, &d->day)) return false;
    }
    d->time = 7200;                               /* POSIX default 02:00 */
    if (peek(c) == '/') {
        c->p++;
        if (!parse_hms(c, TZ_RULE_HOURS_MAX, &d->time)) return false;
    }
    return true;
}

/* std offset [dst [offset] [,start[/time],end[/time]]] — the whole input. */
static bool parse_posix(const char *s, size_t len, posix_rule *r) {
    cursor c = { s, s + len };
    memset(r, 0, sizeof *r);
    if (!parse_designation(&c) || !parse_offset(&c, &r->std_off)) return false;
    if (c.p == c.end) return true;
    if (!parse_designation(&c)) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;               /* POSIX: one hour ahead */
    if (c.p != c.end && peek(&c) != ',') {
        if (!parse_offset(&c, &r->dst_off)) return false;
    }
    if (r->dst_off < -TZ_MAX_OFF || r->dst_off > TZ_MAX_OFF) return false;
    if (c.p == c.end) {
        /* No dates: POSIX leaves them implementation-defined; use the
         * current US rules (M3.2.0,M11.1.0) as glibc and tzcode do. */
        r->start = (rule_date){ DATE_MONTH, 0, 3, 2, 0, 7200 };
        r->end = (rule_date){ DATE_MONTH, 0, 11, 1, 0, 7200 };
        return true;
    }
    if (peek(&c) != ',') return false;
    c.p++;
    if (!parse_date(&c, &r->start) || peek(&c) != ',') return false;
    c.p++;
    if (!parse_date(&c, &r->end)) return false;
    return c.p == c.end;
}

/* Day number (days since 1970-01-01) of date d in year y. */
static int64_t rule_day(const rule_date *d, int32_t y) {
    int64_t jan1 = kw_days_from_civil(y, 1, 1);
    switch (d->kind) {
    case DATE_JULIAN1:
        return jan1 + (int64_t)d->day - 1 + (is_leap(y) && d->day >= 60u ? 1 : 0);
    case DATE_JULIAN0:
        return jan1 + (int64_t)d->day;
    default: {
        int64_t first = kw_days_from_civil(y, d->month, 1);
        int64_t next = d->month == 12u ? kw_days_from_civil(y + 1, 1, 1)
                                       : kw_days_from_civil(y, d->month + 1u, 1);
        int64_t first_wday = (first + 4) % 7;     /* 1970-01-01: Thursday, 0 = Sunday */
        if (first_wday < 0) first_wday += 7;
        int64_t day = first + ((int64_t)d->wday - first_wday + 7) % 7 + ((int64_t)d->week - 1) * 7;
        while (day >= next) day -= 7;             /* week 5 = the last one */
        return day;
    }
    }
}

typedef struct rule_event { int64_t t; int32_t off; } rule_event;

/* Expand the DST rule into the transitions of one cycle [0, TZ_CYCLE).
 * On success *tab (malloc'd, *n entries) holds the transitions where the
 * offset changes; when it never does (*n == 0, *tab NULL) *constant is the
 * offset in force. */
static kw_err rule_expand(const posix_rule *r, rule_event **tab, uint32_t *n, int32_t *constant) {
    const size_t nev = (size_t)(TZ_EXPAND_LAST - TZ_EXPAND_FIRST + 1) * 2u;
    rule_event *ev = malloc(nev * sizeof *ev);
    if (!ev) return KW_NOMEM;
    size_t k = 0;
    for (int32_t y = TZ_EXPAND_FIRST; y <= TZ_EXPAND_LAST; y++) {
        /* The start time is local standard time, the end time local DST. */
        ev[k++] = (rule_event){ rule_day(&r->start, y) * 86400 + r->start.time - r->std_off, r->dst_off };
        ev[k++] = (rule_event){ rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off, r->std_off };
    }
    /* Stable insertion sort: the input is almost sorted (only neighbours
     * around New Year or a southern-hemisphere pair swap), and on equal
     * times the later-generated event must win — that is what makes
     * "0/0,J365/25" DST all year round (RFC 8536 §3.3.1). */
    for (size_t i = 1; i < nev; i++) {
        rule_event e = ev[i];
        size_t j = i;
        while (j > 0 && ev[j - 1].t > e.t) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = e;
    }
    int32_t init = r->std_off;
    size_t i = 0;
    for (; i < nev && ev[i].t < 0; i++) init = ev[i].off;
    /* Keep only changes within the cycle; several events at one instant
     * collapse into their net effect. Written in place: out <= i. */
    size_t out = 0;
    for (; i < nev && ev[i].t < TZ_CYCLE; i++) {
        rule_event e = ev[i];
        if (out > 0 && ev[out - 1].t == e.t) {
            int32_t before = out > 1 ? ev[out - 2].off : init;
            if (e.off == before) out--;
            else ev[out - 1].off = e.off;
        } else if (e.off != (out > 0 ? ev[out - 1].off : init)) {
            ev[out++] = e;
        }
    }
    /* Periodicity: the state at the end of the cycle is the state at its
     * start. Holds by construction; checked so a mistake cannot go unseen. */
    if ((out > 0 ? ev[out - 1].off : init) != init) {
        free(ev);
        return KW_BAD_TZ;
    }
    if (out == 0) {
        free(ev);
        *tab = NULL;
        *n = 0;
        *constant = init;
        return KW_OK;
    }
    *tab = ev;
    *n = (uint32_t)out;
    return KW_OK;
}

/* ------------------------------------------------------------ zone objects */

/* A zone name: 1..KW_TZ_NAME_MAX printable ASCII characters, no spaces. */
static bool valid_name(const char *name) {
    size_t n = 0;
    for (; n <= KW_TZ_NAME_MAX && name[n]; n++) {
        unsigned char ch = (unsigned char)name[n];
        if (ch < 0x21u || ch > 0x7eu) return false;
    }
    return n >= 1 && n <= KW_TZ_NAME_MAX;
}

static kw_err zone_alloc(const char *name, uint32_t ntrans, uint32_t nrule, kw_tz **out) {
    size_t n = (size_t)ntrans + nrule;
    if (n > (SIZE_MAX - sizeof(kw_tz)) / 12u) return KW_NOMEM;
    kw_tz *tz = malloc(sizeof(kw_tz) + n * 12u);
    if (!tz) return KW_NOMEM;
    memset(tz, 0, sizeof *tz);
    size_t len = strlen(name);                    /* valid_name: <= KW_TZ_NAME_MAX */
    memcpy(tz->name, name, len + 1);
    tz->trans = tz->store;
    tz->rtrans = tz->store + ntrans;
    tz->off = (int32_t *)(void *)(tz->store + n);
    tz->roff = tz->off + ntrans;
    tz->ntrans = ntrans;
    tz->nrule = nrule;
    tz->rule_from = INT64_MIN;
    *out = tz;
    return KW_OK;
}

/* Copy the expanded rule table (tz->nrule entries) into a new zone. */
static void zone_set_rule(kw_tz *tz, const rule_event *tab) {
    for (uint32_t k = 0; k < tz->nrule; k++) {
        tz->rtrans[k] = tab[k].t;
        tz->roff[k] = tab[k].off;
    }
}

/* Prepare the rule region: expand `r` (if any). tab, nrule and constant as
 * for rule_expand; without DST the rule is the constant std offset. */
static kw_err rule_prepare(const posix_rule *r, rule_event **tab, uint32_t *nrule, int32_t *constant) {
    *tab = NULL;
    *nrule = 0;
    if (!r->has_dst) {
        *constant = r->std_off;
        return KW_OK;
    }
    return rule_expand(r, tab, nrule, constant);
}

kw_err kw_tz_from_posix(const char *name, const char *rule, kw_tz **out) {
    if (!out) return KW_INVAL;
    *out = NULL;
    if (!name || !rule) return KW_INVAL;
    if (!valid_name(name)) return KW_BAD_TZ;
    size_t len = 0;
    while (len <= TZ_RULE_MAX && rule[len]) len++;
    if (len > TZ_RULE_MAX) return KW_BAD_TZ;
    posix_rule r;
    if (!parse_posix(rule, len, &r)) return KW_BAD_TZ;
    rule_event *tab;
    uint32_t nrule;
    int32_t constant = 0;
    kw_err err = rule_prepare(&r, &tab, &nrule, &constant);
    if (err) return err;
    kw_tz *tz;
    err = zone_alloc(name, 0, nrule, &tz);
    if (err) {
        free(tab);
        return err;
    }
    zone_set_rule(tz, tab);
    free(tab);
    tz->off_before = constant;
    tz->off_after = constant;
    *out = tz;
    return KW_OK;
}

kw_err kw_tz_utc(kw_tz **out) {
    return kw_tz_from_posix("UTC", "UTC0", out);
}

void kw_tz_free(kw_tz *tz) {
    free(tz);
}

const char *kw_tz_name(const kw_tz *tz) {
    return tz ? tz->name : "UTC";
}

/* ------------------------------------------------------------ TZif */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int32_t be32s(const uint8_t *p) {
    uint32_t u = be32(p);
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(UINT32_MAX - u) - 1;
}

static int64_t be64s(const uint8_t *p) {
    uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1;
}

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

/* A validated data block: pointers into the caller's buffer. */
typedef struct tzif_block {
    const uint8_t *times, *idx, *types;
    uint32_t timecnt, typecnt;
    unsigned tsize;                 /* 4 (version 1) or 8 */
} tzif_block;

/* Header at data[pos..]: magic, version, counts. */
static bool tzif_header(const uint8_t *data, size_t len, size_t pos, uint8_t *version, tzif_counts *c) {
    if (len - pos < TZ_HEADER_SIZE || memcmp(data + pos, "TZif", 4) != 0) return false;
    const uint8_t *p = data + pos;
    *version = p[4];
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    /* Leap-second ("right/") zones count TAI-like seconds; Keyway's instants
     * are POSIX seconds, so such a file would be ~27 s off. Refuse it. */
    return c->leap == 0;
}

/* Bytes of a data block; counts are < 2^32 so this cannot overflow. */
static uint64_t tzif_block_size(const tzif_counts *c, unsigned tsize) {
    return (uint64_t)c->time * tsize + c->time + (uint64_t)c->type * 6u + c->chars
         + (uint64_t)c->leap * (tsize + 4u) + c->isstd + c->isut;
}

static int64_t block_time(const tzif_block *b, uint32_t i) {
    return b->tsize == 8 ? be64s(b->times + (size_t)i * 8u) : be32s(b->times + (size_t)i * 4u);
}

static int32_t block_type_off(const tzif_block *b, unsigned type) {
    return be32s(b->types + (size_t)type * 6u);
}

/* Validate the block at p (size already checked to fit) per RFC 8536 §3.2. */
static bool tzif_block_check(const uint8_t *p, const tzif_counts *c, unsigned tsize, tzif_block *b) {
    if (c->type == 0 || c->type > TZ_TYPES_MAX || c->chars == 0) return false;
    if ((c->isstd != 0 && c->isstd != c->type) || (c->isut != 0 && c->isut != c->type)) return false;
    b->tsize = tsize;
    b->timecnt = c->time;
    b->typecnt = c->type;
    b->times = p;
    b->idx = b->times + (size_t)c->time * tsize;
    b->types = b->idx + c->time;
    const uint8_t *chars = b->types + (size_t)c->type * 6u;
    const uint8_t *isstd = chars + c->chars + (size_t)c->leap * (tsize + 4u);
    const uint8_t *isut = isstd + c->isstd;

    for (uint32_t i = 0; i < c->time; i++) {
        if (b->idx[i] >= c->type) return false;
        if (i > 0 && block_time(b, i) <= block_time(b, i - 1)) return false;
    }
    for (uint32_t i = 0; i < c->type; i++) {
        const uint8_t *t = b->types + (size_t)i * 6u;
        int32_t off = be32s(t);
        if (off < -TZ_MAX_OFF || off > TZ_MAX_OFF || t[4] > 1u || t[5] >= c->chars) return false;
        unsigned std = c->isstd ? isstd[i] : 0u, ut = c->isut ? isut[i] : 0u;
        if (std > 1u || ut > 1u || (ut && !std)) return false;
    }
    /* Designations are NUL-terminated strings: the last byte ends one. */
    if (chars[c->chars - 1u] != 0) return false;
    /* Leap-second records are skipped: the zoneinfo this serves is not the
     * "right/" variant, and a wrong correction count changes nothing here. */
    return true;
}

kw_err kw_tz_parse(const char *name, const uint8_t *data, size_t len, kw_tz **out) {
    if (!out) return KW_INVAL;
    *out = NULL;
    if (!name || !data) return KW_INVAL;
    if (!valid_name(name)) return KW_BAD_TZ;

    uint8_t version, version2;
    tzif_counts c;
    if (!tzif_header(data, len, 0, &version, &c)) return KW_BAD_TZ;
    if (version != 0 && version != '2' && version != '3' && version != '4') return KW_BAD_TZ;
    uint64_t size = tzif_block_size(&c, 4);
    if (size > len - TZ_HEADER_SIZE) return KW_BAD_TZ;
    size_t pos = TZ_HEADER_SIZE;
    tzif_block b;
    posix_rule rule;
    bool has_rule = false;

    if (version == 0) {
        if (size != len - pos || !tzif_block_check(data + pos, &c, 4, &b)) return KW_BAD_TZ;
    } else {
        /* Version 2+: skip the 32-bit block (its counts only need to fit),
         * use the 64-bit block and the footer. */
        pos += (size_t)size;
        if (!tzif_header(data, len, pos, &version2, &c) || version2 != version) return KW_BAD_TZ;
        pos += TZ_HEADER_SIZE;
        size = tzif_block_size(&c, 8);
        if (size > len - pos || !tzif_block_check(data + pos, &c, 8, &b)) return KW_BAD_TZ;
        pos += (size_t)size;
        /* Footer: '\n' rule '\n', ending the data. */
        if (pos >= len || data[pos] != '\n' || data[len - 1] != '\n' || len - pos < 2) return KW_BAD_TZ;
        const char *footer = (const char *)data + pos + 1;
        size_t flen = len - pos - 2;
        if (flen > TZ_RULE_MAX || memchr(footer, '\n', flen) != NULL) return KW_BAD_TZ;
        if (flen > 0) {
            if (!parse_posix(footer, flen, &rule)) return KW_BAD_TZ;
            has_rule = true;
        }
    }

    /* Explicit transitions: all before the last one (from which the rule,
     * or the last type, governs), dropping those that keep the offset. */
    int32_t off_before = block_type_off(&b, 0);
    uint32_t nkeep = 0;
    int32_t cur = off_before;
    for (uint32_t i = 0; i + 1 < b.timecnt; i++) {
        int32_t off = block_type_off(&b, b.idx[i]);
        if (off != cur) nkeep++;
        cur = off;
    }

    rule_event *tab = NULL;
    uint32_t nrule = 0;
    int32_t off_after = 0;
    if (has_rule) {
        kw_err err = rule_prepare(&rule, &tab, &nrule, &off_after);
        if (err) return err;
    } else {
        /* No rule: the last type stays (RFC 8536 leaves this unspecified;
         * glibc and tzcode do the same). Without transitions: type 0. */
        off_after = b.timecnt ? block_type_off(&b, b.idx[b.timecnt - 1u]) : off_before;
    }

    kw_tz *tz;
    kw_err err = zone_alloc(name, nkeep, nrule, &tz);
    if (err) {
        free(tab);
        return err;
    }
    zone_set_rule(tz, tab);
    free(tab);
    tz->off_before = off_before;
    tz->off_after = off_after;
    tz->rule_from = b.timecnt ? block_time(&b, b.timecnt - 1u) : INT64_MIN;
    uint32_t k = 0;
    cur = off_before;
    for (uint32_t i = 0; i + 1 < b.timecnt; i++) {
        int32_t off = block_type_off(&b, b.idx[i]);
        if (off != cur) {
            tz->trans[k] = block_time(&b, i);
            tz->off[k] = off;
            k++;
        }
        cur = off;
    }
    *out = tz;
    return KW_OK;
}

/* ------------------------------------------------------------ lookups */

/* Index of the last element of a[0..n) that is <= t; requires n >= 1 and
 * a[0] <= t. Branch-free halving: the loop runs log2(n) times whatever t. */
static uint32_t last_le(const int64_t *a, uint32_t n, int64_t t) {
    const int64_t *base = a;
    while (n > 1) {
        uint32_t half = n / 2u;
        base = base[half] <= t ? base + half : base;
        n -= half;
    }
    return (uint32_t)(base - a);
}

static int32_t rule_offset(const kw_tz *tz, int64_t t) {
    int64_t pos = t % TZ_CYCLE;
    if (pos < 0) pos += TZ_CYCLE;
    if (pos < tz->rtrans[0]) return tz->roff[tz->nrule - 1u];
    return tz->roff[last_le(tz->rtrans, tz->nrule, pos)];
}

int32_t kw_tz_offset_at(const kw_tz *tz, int64_t utc_sec) {
    if (!tz) return 0;
    if (utc_sec >= tz->rule_from) return tz->nrule ? rule_offset(tz, utc_sec) : tz->off_after;
    if (tz->ntrans == 0 || utc_sec < tz->trans[0]) return tz->off_before;
    return tz->off[last_le(tz->trans, tz->ntrans, utc_sec)];
}

int64_t kw_tz_to_local(const kw_tz *tz, int64_t utc_sec) {
    return sat_add(utc_sec, kw_tz_offset_at(tz, utc_sec));
}

/* The maximal interval [start, last] of constant offset containing t. */
typedef struct tz_span { int64_t start, last; int32_t off; } tz_span;

static void span_at(const kw_tz *tz, int64_t t, tz_span *s) {
    if (t >= tz->rule_from) {
        if (tz->nrule == 0) {
            *s = (tz_span){ tz->rule_from, INT64_MAX, tz->off_after };
            return;
        }
        /* Span bounds relative to t (|rel| < 2 cycles, exact), then added
         * to t with saturation: exact wherever the bound is representable. */
        int64_t pos = t % TZ_CYCLE;
        if (pos < 0) pos += TZ_CYCLE;
        int64_t start_rel, next_rel;
        uint32_t k;
        if (pos < tz->rtrans[0]) {                /* from the previous cycle's last change */
            k = tz->nrule - 1u;
            start_rel = tz->rtrans[k] - TZ_CYCLE - pos;
            next_rel = tz->rtrans[0] - pos;
        } else {
            k = last_le(tz->rtrans, tz->nrule, pos);
            start_rel = tz->rtrans[k] - pos;
            next_rel = (k + 1u < tz->nrule ? tz->rtrans[k + 1u] : tz->rtrans[0] + TZ_CYCLE) - pos;
        }
        int64_t start = sat_add(t, start_rel), next = sat_add(t, next_rel);
        s->start = start > tz->rule_from ? start : tz->rule_from;
        s->last = next == INT64_MAX ? INT64_MAX : next - 1;
        s->off = tz->roff[k];
        return;
    }
    /* t < rule_from, so rule_from > INT64_MIN and rule_from - 1 is safe. */
    if (tz->ntrans == 0 || t < tz->trans[0]) {
        *s = (tz_span){ INT64_MIN, (tz->ntrans ? tz->trans[0] : tz->rule_from) - 1, tz->off_before };
        return;
    }
    uint32_t i = last_le(tz->trans, tz->ntrans, t);
    s->start = tz->trans[i];
    s->last = (i + 1u < tz->ntrans ? tz->trans[i + 1u] : tz->rule_from) - 1;
    s->off = tz->off[i];
}

kw_err kw_tz_from_local(const kw_tz *tz, int64_t local_sec, int64_t *utc_sec) {
    if (!tz || !utc_sec) return KW_INVAL;
    /* Every instant before local_sec - TZ_MAX_OFF shows a local time below
     * local_sec, and every instant from local_sec + TZ_MAX_OFF on shows one
     * at or above it; so walk the constant-offset spans from the first
     * bound and take the first instant in a span that reaches local_sec.
     * Real zones need one or two spans. */
    int64_t t = sat_add(local_sec, -(TZ_MAX_OFF + 1));
    for (;;) {
        tz_span s;
        span_at(tz, t, &s);
        int64_t need;                             /* smallest x with x + off >= local_sec */
        bool reachable = true;
        if (__builtin_sub_overflow(local_sec, (int64_t)s.off, &need)) {
            need = INT64_MIN;                     /* below INT64_MIN: every x qualifies */
            reachable = s.off > 0;                /* above INT64_MAX: none does */
        }
        int64_t cand = need > s.start ? need : s.start;
        if (reachable && cand <= s.last) {
            *utc_sec = cand;
            return KW_OK;
        }
        if (s.last == INT64_MAX) return KW_BAD_TIME;   /* not representable */
        t = s.last + 1;
    }
}
