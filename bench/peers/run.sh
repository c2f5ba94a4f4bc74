#!/bin/sh
# bench/peers/run.sh — Keyway against peer engines on the same data.
#
#   bench/peers/run.sh [--quick] [--fresh] [BENCH_PERSONAL]
#
# 1. Installs the peers (@cedar-policy/cedar-wasm, casbin; pinned in
#    package.json) into bench/peers/node_modules with npm.
# 2. Runs BENCH_PERSONAL (default build/bench/bench_personal), which prints
#    Keyway's "engine.check.personal" line and writes the data set, queries
#    and Keyway's answers to build/bench/personal-dataset.json. If that file
#    is already newer than the binary and of the same size class (--quick or
#    not) — make bench ran the binary just before — it is reused and the C
#    bench is not run again (its line was printed then), unless --fresh.
# 3. Runs cedar.js and casbin.js on that file; each prints a
#    "peer.<name>.check" JSON line with ratio = peer p50 / Keyway p50 and the
#    number of decisions that disagree with Keyway's.
#
# Prints JSON lines only on stdout. When a peer cannot be installed or run,
# prints {"bench":"peer.<name>.check","skipped":"<reason>"} and exits 0.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
quick=""
fresh=0
bin=""
for a in "$@"; do
    case "$a" in
        --quick) quick="--quick" ;;
        --fresh) fresh=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) bin="$a" ;;
    esac
done
[ -n "$bin" ] || bin="$root/build/bench/bench_personal"
dataset="$root/build/bench/personal-dataset.json"

skip() {
    for p in cedar casbin; do
        printf '{"bench":"peer.%s.check","skipped":"%s"}\n' "$p" "$1"
    done
    exit 0
}

# Keyway's side first: the peers need its data set.
want_quick=false
[ -n "$quick" ] && want_quick=true
if [ $fresh -eq 0 ] && [ -f "$dataset" ] && [ -x "$bin" ] && [ "$dataset" -nt "$bin" ] &&
   head -n 1 "$dataset" | grep -q "\"quick\":$want_quick,"; then
    echo "run.sh: reusing $dataset" >&2
else
    if [ ! -x "$bin" ]; then
        skip "no $bin (run make first)"
    fi
    mkdir -p "$(dirname "$dataset")"
    "$bin" $quick --out "$dataset" || skip "bench_personal failed"
fi

command -v node >/dev/null 2>&1 || skip "node not installed"
command -v npm >/dev/null 2>&1 || skip "npm not installed"
echo "run.sh: npm install in $here" >&2
if ! (cd "$here" && timeout 600 npm install --no-audit --no-fund --loglevel=error >&2); then
    skip "npm install failed"
fi

for p in cedar casbin; do
    if ! timeout 900 node "$here/$p.js" "$dataset"; then
        printf '{"bench":"peer.%s.check","skipped":"%s.js failed"}\n' "$p" "$p"
    fi
done
exit 0
