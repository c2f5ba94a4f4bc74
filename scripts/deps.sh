#!/bin/sh
# scripts/deps.sh PACKAGE... — install the Debian packages that are missing.
#
# Checks each package with dpkg-query; only if one is missing does it run
# `apt-get update` and `apt-get install -y --no-install-recommends` on the
# missing ones (through sudo when not root). Idempotent; says what it did.
# Called by `make deps` with the list from mk/deps.mk.
set -eu

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: dpkg-query not found (not Debian?); install by hand: $*" >&2
    exit 1
fi

missing=""
for p in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "deps: all $# packages installed"
    exit 0
fi

echo "deps: missing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "deps: not root and no sudo; install by hand:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: ${sudo:+$sudo }apt-get update"
$sudo apt-get update -q
echo "deps: ${sudo:+$sudo }apt-get install -y --no-install-recommends$missing"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo apt-get install -y -q --no-install-recommends $missing
echo "deps: installed:$missing"
