#!/bin/sh
# scripts/fuzz-run.sh DIR NAME... — run libFuzzer targets DIR/NAME.
#
# Each target runs for $FUZZ_SECONDS (default 30) with -max_len=$FUZZ_MAX_LEN
# (default 4096) on a temporary copy of tests/fuzz/corpus/NAME/ (when it
# exists), so new inputs never land in the repository. Its log goes to
# DIR/logs/NAME.log and any reproducer to DIR/artifacts/NAME/. A target
# that exits non-zero (crash, sanitizer report, leak, timeout) fails.
# Ends with "N passed, N failed"; exits non-zero if any failed.
# Called by `make fuzz`.
set -u

dir=$1
shift
seconds=${FUZZ_SECONDS:-30}
max_len=${FUZZ_MAX_LEN:-4096}
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0

work=$(mktemp -d "${TMPDIR:-/tmp}/keyway-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

for name in "$@"; do
    bin="$dir/$name"
    corpus="$work/$name"
    artifacts="$dir/artifacts/$name"
    log="$dir/logs/$name.log"
    mkdir -p "$corpus" "$artifacts" "$dir/logs"
    seeds=0
    if [ -d "$root/tests/fuzz/corpus/$name" ]; then
        cp -R "$root/tests/fuzz/corpus/$name/." "$corpus/"
        seeds=$(find "$corpus" -type f | wc -l)
    fi
    echo "fuzz: $name for ${seconds}s ($seeds seed inputs, log $log)"
    if "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=25 \
            -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 </dev/null; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1)
        echo "ok - $name (${runs:-?} runs, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l))"
        passed=$((passed + 1))
    else
        echo "not ok - $name (see $log; reproducers in $artifacts/)"
        # The sanitizer's report (first 30 lines) and where the input went.
        first=$(grep -n -m 1 -E 'ERROR|runtime error|deadly signal|out-of-memory|timeout' "$log" | cut -d: -f1)
        if [ -n "$first" ]; then
            sed -n "${first},$((first + 29))p" "$log" | sed 's/^/# /'
        else
            tail -n 30 "$log" | sed 's/^/# /'
        fi
        grep -E 'Test unit written|^artifact_prefix' "$log" | sed 's/^/# /'
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
