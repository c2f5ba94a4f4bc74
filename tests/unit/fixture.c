/*
 * tests/unit/fixture.c — shared helpers for the engine's behaviour tests
 * (see fixture.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static void copy_id(char *dst, const char *src) {
    snprintf(dst, KW_ID_MAX, "%s", src ? src : "");
}

static void fx_hook(void *ctx, const kw_change *c) {
    fx *f = ctx;
    pthread_mutex_lock(&f->lock);
    if (f->nrecs == f->caprecs) {
        size_t ncap = f->caprecs ? f->caprecs * 2 : 64;
        fx_rec *n = realloc(f->recs, ncap * sizeof *n);
        if (!n) { f->dropped++; pthread_mutex_unlock(&f->lock); return; }
        f->recs = n;
        f->caprecs = ncap;
    }
    fx_rec *r = &f->recs[f->nrecs++];
    memset(r, 0, sizeof *r);
    r->seq = c->seq;
    r->kind = c->kind;
    r->at = c->at;
    copy_id(r->tenant, c->tenant);
    r->has_actor = c->actor != NULL;
    copy_id(r->actor, c->actor);
    r->has_object = c->object != NULL;
    copy_id(r->object, c->object);
    r->has_subject = c->subject != NULL;
    copy_id(r->subject, c->subject);
    r->grant_id = c->grant_id;
    r->nresources = c->nresources;
    for (size_t i = 0; i < c->nresources && i < FX_REC_RES; i++) {
        copy_id(r->res[i], c->resources[i]);
        r->ver[i] = c->versions[i];
    }
    pthread_mutex_unlock(&f->lock);
}

bool fx_open(fx *f) {
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    kw_engine_config cfg = { .tz_load = kw_tz_system_load, .on_change = fx_hook, .change_ctx = f };
    kw_err e = kw_engine_new(&cfg, &f->eng);
    if (!e) e = kw_tenant_create(f->eng, FX_T, fx_now());
    if (!e) e = kw_tenant_create(f->eng, FX_T2, fx_now());
    if (e) {
        kw_test_fail(__FILE__, __LINE__, "fixture: %s", kw_err_code(e));
        fx_close(f);
        return false;
    }
    return true;
}

void fx_close(fx *f) {
    kw_engine_free(f->eng);
    free(f->recs);
    pthread_mutex_destroy(&f->lock);
    memset(f, 0, sizeof *f);
}

kw_date fx_date(int32_t y, unsigned m, unsigned d) {
    return kw_days_from_civil(y, m, d);
}

kw_time fx_utc(int32_t y, unsigned m, unsigned d, int hh, int mm) {
    return (kw_time)fx_date(y, m, d) * FX_DAY + hh * FX_HOUR + mm * FX_MIN;
}

kw_time fx_local(const char *zone, int32_t y, unsigned m, unsigned d, int hh, int mm) {
    kw_tz *tz = NULL;
    if (kw_tz_system_load(NULL, zone, &tz) != KW_OK) return -1;
    int64_t local = (int64_t)fx_date(y, m, d) * 86400 + hh * 3600 + mm * 60;
    int64_t utc = 0;
    kw_err e = kw_tz_from_local(tz, local, &utc);
    kw_tz_free(tz);
    return e ? -1 : utc * KW_US_PER_SEC;
}

kw_time fx_now(void) { return fx_utc(2026, 4, 1, 0, 0); }

static const char *const fx_funcs[] = { "unlock", "lock", "photo" };

kw_err fx_res(fx *f, const char *tenant, const char *id, const char *tz) {
    kw_resource_def d = { .id = id, .type = NULL, .nfunctions = 3, .functions = fx_funcs, .tz = tz };
    return kw_resource_create(f->eng, tenant, &d, fx_now());
}

kw_err fx_owned(fx *f, const char *tenant, const char *id, const char *owner, const char *tz) {
    kw_err e = fx_res(f, tenant, id, tz);
    return e ? e : kw_bind(f->eng, tenant, owner, id, owner, fx_now());
}

kw_err fx_grant(fx *f, const char *tenant, const char *actor, const char *res, const char *user,
                const char *fn, const kw_cond *cond, kw_time now, uint64_t *id) {
    static const kw_cond permanent = { 0 };
    const char *users[1] = { user };
    const char *fns[1] = { fn };
    uint64_t got = 0;
    kw_err e = kw_grant_create(f->eng, tenant, actor, res, users, 1, fns, 1,
                               cond ? cond : &permanent, &got, NULL, now);
    if (id) *id = e ? 0 : got;
    return e;
}

kw_err fx_grant_op(fx *f, const char *tenant, const char *actor, uint64_t id, kw_grant_op op,
                   kw_time now) {
    kw_grant_change ch = { .op = op };
    return kw_grant_batch(f->eng, tenant, actor, &id, 1, &ch, NULL, now);
}

kw_decision fx_check(fx *f, const char *user, const char *res, const char *fn, kw_time now) {
    kw_decision d;
    memset(&d, 0, sizeof d);
    if (kw_check(f->eng, FX_T, user, res, fn, now, &d) != KW_OK) {
        d.allowed = false;
        d.reason = KW__REASON_COUNT;
    }
    return d;
}

kw_decision fx_use(fx *f, const char *user, const char *res, const char *fn, kw_time now) {
    kw_decision d;
    memset(&d, 0, sizeof d);
    if (kw_use(f->eng, FX_T, user, res, fn, NULL, now, &d) != KW_OK) {
        d.allowed = false;
        d.reason = KW__REASON_COUNT;
    }
    return d;
}

uint64_t fx_version(fx *f, const char *tenant, const char *res) {
    kw_resource_info *ri = malloc(sizeof *ri);
    uint64_t v = 0;
    if (ri && kw_resource_get(f->eng, tenant, res, ri) == KW_OK) v = ri->version;
    free(ri);
    return v;
}

kw_grant_info fx_grant_info(fx *f, const char *tenant, uint64_t id, kw_time now) {
    kw_grant_info gi;
    memset(&gi, 0, sizeof gi);
    if (kw_grant_get(f->eng, tenant, id, now, &gi) != KW_OK) memset(&gi, 0, sizeof gi);
    return gi;
}

size_t fx_find_rec(const fx *f, size_t from, kw_change_kind kind) {
    for (size_t i = from; i < f->nrecs; i++)
        if (f->recs[i].kind == kind) return i;
    return (size_t)-1;
}

uint64_t fx_rec_version(const fx_rec *r, const char *res) {
    for (size_t i = 0; i < r->nresources && i < FX_REC_RES; i++)
        if (strcmp(r->res[i], res) == 0) return r->ver[i];
    return 0;
}
