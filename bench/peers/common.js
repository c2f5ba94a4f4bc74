'use strict';
// bench/peers/common.js — loading the data set that bench_personal wrote,
// timing helpers and JSON-line output shared by the peer benchmarks.
//
// The data set (build/bench/personal-dataset.json) holds the resources,
// owners, sharers, usage grants (functions + window), the query list and,
// for each query, Keyway's answer; the peers read it, so every engine sees
// exactly the same data and questions.

const fs = require('fs');
const path = require('path');

function loadDataset(argv) {
  const p = argv[2] || path.join(__dirname, '..', '..', 'build', 'bench', 'personal-dataset.json');
  const ds = JSON.parse(fs.readFileSync(p, 'utf8'));
  if (ds.format !== 1) throw new Error(`unsupported data set format ${ds.format}`);
  return ds;
}

// Median cost of two back-to-back process.hrtime.bigint() calls, in ns.
function timerOverheadNs() {
  const n = 20001;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    const b = process.hrtime.bigint();
    d[i] = Number(b - a);
  }
  d.sort();
  return d[n >> 1];
}

// Nearest-rank quantile of sorted samples (same rule as bench_util.h).
function quantile(sorted, q) {
  const n = sorted.length;
  if (n === 0) return 0;
  let k = Math.ceil(q * n);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return sorted[k - 1];
}

// Time decide(i) for every query index, `passes` times, after a warm-up.
// decide returns true (allow) or false (deny). Returns percentiles and the
// first pass's decisions.
// The warm-up runs whole passes over the queries until `warmupMs` have
// passed (at most `warmupPasses` passes): V8 tiers WebAssembly and hot JS up
// to optimised code in the background, and a short warm-up would measure the
// baseline tiers instead.
function measure(nq, decide, { passes = 1, warmupMs = 3000, warmupPasses = 5 } = {}) {
  const w0 = process.hrtime.bigint();
  for (let p = 0; p < warmupPasses && Number(process.hrtime.bigint() - w0) < warmupMs * 1e6; p++) {
    for (let i = 0; i < nq; i++) decide(i);
  }
  const overhead = timerOverheadNs();
  const lat = new Float64Array(nq * passes);
  const answers = new Uint8Array(nq);
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < nq; i++) {
      const a = process.hrtime.bigint();
      const r = decide(i);
      const b = process.hrtime.bigint();
      lat[p * nq + i] = Math.max(0, Number(b - a) - overhead);
      if (p === 0) answers[i] = r ? 1 : 0;
    }
  }
  lat.sort();
  // Throughput without the per-call timer, one pass.
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < nq; i++) decide(i);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    p50: quantile(lat, 0.5), p99: quantile(lat, 0.99),
    opsPerS: nq / secs, overhead, answers, samples: lat.length,
  };
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

module.exports = { loadDataset, measure, emit };
