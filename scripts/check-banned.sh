#!/bin/sh
# scripts/check-banned.sh — fail if a banned C function is called.
#
# strcpy, strcat, sprintf, vsprintf, gets and strtok have no length (or are
# not reentrant); use snprintf, memcpy with a checked size, strtok_r, fgets.
# Scans *.c and *.h under src/ include/ device/ tests/ bench/ (skipping
# node_modules) for the name followed by "(": snprintf, fgets and strtok_r
# do not match. Run by `make test` as the test "check-banned".
set -u
cd "$(dirname "$0")/.." || exit 2

dirs=""
for d in src include device tests bench; do
    [ -d "$d" ] && dirs="$dirs $d"
done
[ -n "$dirs" ] || { echo "check-banned: nothing to scan"; exit 0; }

# shellcheck disable=SC2086
hits=$(grep -rnE --include='*.c' --include='*.h' --exclude-dir=node_modules \
    '(^|[^A-Za-z0-9_])(strcpy|strcat|sprintf|vsprintf|gets|strtok)[[:space:]]*\(' $dirs)
if [ -n "$hits" ]; then
    echo "check-banned: banned functions called:" >&2
    printf '%s\n' "$hits" >&2
    exit 1
fi
echo "check-banned: no banned calls in$dirs"
