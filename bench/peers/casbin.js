'use strict';
// bench/peers/casbin.js — the personal-level model in node-casbin (RBAC with
// domains + an ABAC time window in the matcher), measured on the data set
// and queries bench_personal wrote.
//
// Model: the domain is the resource. Roles per domain:
//   "owner"              every function, no window
//   "f:<fn>"             function fn, no window (sharer, or permanent grant)
//   "w:<from>:<until>:<fn>"  function fn inside the window [from, until)
// Policy rows (p) exist once per role (not per grant): 1 + 3 + 3 x the
// number of distinct windows. Grouping rows (g) say which user holds which
// role on which resource. node-casbin evaluates the matcher against every
// p row (no index); the cheap tests come first so g() — a hash lookup in
// the role manager — is only reached for rows whose action and window fit.
// This is exact for the data set (sets of windows per user, resource and
// function are unions, which the p rows express).

const casbin = require('casbin');
const { loadDataset, measure, emit } = require('./common');

const MODEL = `
[request_definition]
r = sub, obj, act, now

[policy_definition]
p = sub, act, from, until

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (p.act == "*" || p.act == r.act) && r.now >= p.from && r.now < p.until && g(r.sub, p.sub, r.obj)
`;

async function main() {
  const ds = loadDataset(process.argv);
  const forever = String(ds.permanent.until);
  const pRows = [['owner', '*', '0', forever]];
  for (const f of ds.functions) pRows.push(['f:' + f, f, '0', forever]);
  const windows = new Set();
  const gRows = [];
  for (const r of ds.resources) {
    gRows.push([r.owner, 'owner', r.id]);
    for (const s of r.sharers) for (const f of s.fns) gRows.push([s.user, 'f:' + f, r.id]);
    for (const g of r.grants) {
      const permanent = g.from === ds.permanent.from && g.until === ds.permanent.until;
      for (const f of g.fns) {
        if (permanent) {
          gRows.push([g.user, 'f:' + f, r.id]);
        } else {
          const role = `w:${g.from}:${g.until}:${f}`;
          if (!windows.has(role)) {
            windows.add(role);
            pRows.push([role, f, String(g.from), String(g.until)]);
          }
          gRows.push([g.user, role, r.id]);
        }
      }
    }
  }
  const t0 = process.hrtime.bigint();
  const e = await casbin.newEnforcer(casbin.newModelFromString(MODEL));
  e.enableAutoBuildRoleLinks(false);
  await e.addPolicies(pRows);
  await e.addGroupingPolicies(gRows);
  await e.buildRoleLinks();
  const loadS = Number(process.hrtime.bigint() - t0) / 1e9;

  const qs = ds.queries;
  const decide = (i) => {
    const q = qs[i];
    return e.enforceSync(q[0], q[1], q[2], q[3]);
  };
  const m = measure(qs.length, decide, { passes: 1 });
  let disagreements = 0;
  for (let i = 0; i < qs.length; i++) if (m.answers[i] !== qs[i][4]) disagreements++;
  const kp50 = ds.keyway.p50_ns, kp99 = ds.keyway.p99_ns;
  emit({
    bench: 'peer.casbin.check', peer: 'casbin ' + require('casbin/package.json').version,
    runtime: 'node ' + process.version,
    queries: qs.length, resources: ds.resources.length,
    p_rows: pRows.length, g_rows: gRows.length, load_s: Number(loadS.toFixed(2)),
    p50_ns: Math.round(m.p50), p99_ns: Math.round(m.p99),
    ops_per_s: Number(m.opsPerS.toPrecision(4)),
    keyway_p50_ns: kp50, keyway_p99_ns: kp99,
    ratio: Number((m.p50 / Math.max(kp50, 1)).toFixed(1)),
    ratio_p99: Number((m.p99 / Math.max(kp99, 1)).toFixed(1)),
    disagreements, timer_ns: m.overhead,
  });
}

main().catch((err) => {
  emit({ bench: 'peer.casbin.check', skipped: 'error: ' + String(err && err.message || err) });
  process.exit(0);
});
