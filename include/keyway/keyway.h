/*
 * keyway/keyway.h — the whole public API of libkeyway in one include.
 */
#ifndef KEYWAY_KEYWAY_H
#define KEYWAY_KEYWAY_H

#include "keyway/error.h"
#include "keyway/tz.h"
#include "keyway/cond.h"
#include "keyway/timefmt.h"
#include "keyway/engine.h"
#include "keyway/model.h"
#include "keyway/personal.h"
#include "keyway/decide.h"
#include "keyway/org.h"
#include "keyway/plan.h"
#include "keyway/query.h"

#endif
