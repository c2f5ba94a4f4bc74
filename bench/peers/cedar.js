'use strict';
// bench/peers/cedar.js — the personal-level model in Cedar (cedar-wasm),
// measured on the data set and queries bench_personal wrote.
//
// Model (exact for the data set's restrictions, see docs/performance.md):
//  - Res entities carry `owner` (a User) and one tag per related user, keyed
//    by user id: { s: Set<Action> (sharer functions), g: Set<Action>
//    (usage-grant functions), from, until (grant window, Unix seconds) }.
//  - User entities carry `uid` (their id as a string, the tag key).
//  - Three static policies: owner; sharer holding the action; grant holding
//    the action with context.now in [from, until).
// Each request passes only the entities it needs (the resource and the
// principal; see the two slicings below), as an application calls Cedar;
// the policy set is pre-parsed once (statefulIsAuthorized). Building the request objects is
// done before timing; converting them into Cedar values is part of each
// timed call, as it is for any user of cedar-wasm.

const cedar = require('@cedar-policy/cedar-wasm/nodejs');
const { loadDataset, measure, emit } = require('./common');

const POLICIES = `
@id("owner")
permit (principal, action, resource is Res)
when { resource.owner == principal };

@id("sharer")
permit (principal, action, resource is Res)
when { resource.hasTag(principal.uid) && resource.getTag(principal.uid).s.contains(action) };

@id("grant")
permit (principal, action, resource is Res)
when {
  resource.hasTag(principal.uid) &&
  resource.getTag(principal.uid).g.contains(action) &&
  resource.getTag(principal.uid).from <= context.now &&
  context.now < resource.getTag(principal.uid).until
};
`;

function act(f) { return { __entity: { type: 'Action', id: f } }; }

function main() {
  const ds = loadDataset(process.argv);
  const pre = cedar.preparsePolicySet('keyway', { staticPolicies: POLICIES });
  if (pre.type !== 'success') throw new Error('policy parse: ' + JSON.stringify(pre));

  // Per resource: its relations as tags (one per related user).
  const resTags = new Map();
  for (const r of ds.resources) {
    const tags = {};
    const tag = (u) => (tags[u] ||= { s: [], g: [], from: 0, until: 0 });
    for (const s of r.sharers) tag(s.user).s = s.fns.map(act);
    for (const g of r.grants) {
      const t = tag(g.user);
      t.g = g.fns.map(act);
      t.from = g.from;
      t.until = g.until;
    }
    resTags.set(r.id, { owner: r.owner, tags });
  }
  const resEntity = (r, tags) => ({
    uid: { type: 'Res', id: r },
    attrs: { owner: { __entity: { type: 'User', id: resTags.get(r).owner } } },
    parents: [],
    tags,
  });
  const fullEnt = new Map();
  for (const [r, v] of resTags) fullEnt.set(r, resEntity(r, v.tags));
  const userEnt = new Map();
  const user = (u) => {
    let e = userEnt.get(u);
    if (!e) userEnt.set(u, (e = { uid: { type: 'User', id: u }, attrs: { uid: u }, parents: [] }));
    return e;
  };
  const request = (u, r, f, now, resEnt) => ({
    principal: { type: 'User', id: u },
    action: { type: 'Action', id: f },
    resource: { type: 'Res', id: r },
    context: { now },
    preparsedPolicySetId: 'keyway',
    validateRequest: false,
    entities: [resEnt, user(u)],
  });
  // Two ways to slice the entity data for a request, same policies:
  //  "resource": the resource with all of its relations (what a store
  //              naturally returns for the resource);
  //  "pair":     the resource with only the principal's relation tag (the
  //              application pre-selects it; Cedar's cheapest input).
  const variants = {
    resource: ds.queries.map(([u, r, f, now]) => request(u, r, f, now, fullEnt.get(r))),
    pair: ds.queries.map(([u, r, f, now]) => {
      const t = resTags.get(r).tags[u];
      return request(u, r, f, now, resEntity(r, t ? { [u]: t } : {}));
    }),
  };

  const results = [];
  for (const [name, calls] of Object.entries(variants)) {
    let failures = 0, evalErrors = 0;
    const decide = (i) => {
      const ans = cedar.statefulIsAuthorized(calls[i]);
      if (ans.type !== 'success') { failures++; return false; }
      if (ans.response.diagnostics.errors.length) evalErrors++;
      return ans.response.decision === 'allow';
    };
    const m = measure(calls.length, decide, { passes: 1 });
    let disagreements = 0;
    for (let i = 0; i < calls.length; i++) if (m.answers[i] !== ds.queries[i][4]) disagreements++;
    results.push({ name, m, disagreements, failures, evalErrors });
  }
  // Headline line: the faster slicing (the comparison least favourable to
  // Keyway); the other one follows with its own name.
  results.sort((a, b) => a.m.p50 - b.m.p50);
  const kp50 = ds.keyway.p50_ns, kp99 = ds.keyway.p99_ns;
  results.forEach((x, k) => emit({
    bench: k === 0 ? 'peer.cedar.check' : `peer.cedar.check.${x.name}_slice`,
    peer: 'cedar-wasm ' + cedar.getCedarVersion(), runtime: 'node ' + process.version,
    slice: x.name, queries: ds.queries.length, resources: ds.resources.length,
    p50_ns: Math.round(x.m.p50), p99_ns: Math.round(x.m.p99),
    ops_per_s: Number(x.m.opsPerS.toPrecision(4)),
    keyway_p50_ns: kp50, keyway_p99_ns: kp99,
    ratio: Number((x.m.p50 / Math.max(kp50, 1)).toFixed(1)),
    ratio_p99: Number((x.m.p99 / Math.max(kp99, 1)).toFixed(1)),
    disagreements: x.disagreements, call_failures: x.failures, eval_errors: x.evalErrors,
    timer_ns: x.m.overhead,
  }));
}

main();
