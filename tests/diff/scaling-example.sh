#!/bin/sh
# The local example from docs/scaling.md: learn one profile per dump file
# in parallel (map), merge them (reduce), and check that the result equals
# learning every dump in one run; then diff every file against it in
# parallel. Skips (77) when GNU parallel is not installed.
set -eu
bin=$1
src=$2
command -v parallel >/dev/null 2>&1 || { echo "skipped: GNU parallel is not installed"; exit 77; }
export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/profiles"
# map: one profile per dump file, as many at a time as there are CPUs
ls "$src"/examples/xp-x86.txt "$src"/examples/win7-sp1-x64.txt \
   "$src"/examples/win81-x64.txt "$src"/examples/win10-x64.txt >"$work/dumps"
parallel --will-cite --halt now,fail=1 \
    "$bin" learn {} -o "$work/profiles/{/.}.profile" <"$work/dumps"
# reduce: merge in any order
"$bin" learn --merge "$work"/profiles/*.profile -o "$work/fleet.profile"
# the law the map-reduce relies on
"$bin" learn $(cat "$work/dumps") -o "$work/direct.profile"
cmp "$work/fleet.profile" "$work/direct.profile"
# check every dump against the fleet baseline, in parallel: each dump is
# part of the union, so nothing is new, re-parented or out of its count
# range, and every job exits 0 at --fail-on high (keys of other dumps
# show up only as "missing" or "not observed", below high)
parallel --will-cite --halt now,fail=1 \
    "$bin" diff --fail-on high --baseline "$work/fleet.profile" {} ">" "$work/{/.}.diff" \
    <"$work/dumps"
if grep -E "^[a-z]+ +(new|re-parented|orphaned|parented|count) " "$work"/*.diff; then
    exit 1
fi
echo "ok: $(wc -l <"$work/dumps") dumps learned in parallel, merged, checked"
