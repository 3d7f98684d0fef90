#!/bin/sh
# `lineage learn --emit-rules` writes rules the engine accepts, a dump
# checked against the rules learned from it has no finding, and the
# tampered Windows 10 copy trips exactly the lsass and svchost rules.
set -eu
bin=$1
src=$2
export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dump in xp-x86 win7-sp1-x64 win81-x64 win10-x64; do
    "$bin" learn --emit-rules "$src/examples/$dump.txt" -o "$work/$dump.rules"
    "$bin" rules lint "$work/$dump.rules" >/dev/null
    out=$("$bin" check --fail-on info --no-default-rules --rules "$work/$dump.rules" "$src/examples/$dump.txt")
    echo "$out" | grep -q "^findings: 0 critical, 0 high, 0 medium, 0 low, 0 info$" || {
        echo "$dump: findings against its own learned rules:"; echo "$out"; exit 1; }
done
status=0
"$bin" check --no-default-rules --rules "$work/win10-x64.rules" "$src/tests/data/win10-tampered.txt" \
    >"$work/tampered.out" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 on the tampered copy, got $status"; exit 1; }
ids=$(grep -E '^(CRITICAL|HIGH|MEDIUM|LOW|INFO) ' "$work/tampered.out" | awk '{print $2, $4}' | sort -u)
expected="fleet.lsass.exe lsass.exe
fleet.svchost.exe svchost.exe"
[ "$ids" = "$expected" ] || { echo "unexpected findings:"; cat "$work/tampered.out"; exit 1; }
echo "emit-rules round trip: ok"
