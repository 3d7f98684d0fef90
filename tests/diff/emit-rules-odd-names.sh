#!/bin/sh
# Image names with '%', '/', quotes, backslashes, dots, spaces and regex
# metacharacters: the rules `lineage learn --emit-rules` writes lint, find
# nothing on the dump they were learned from, and catch a name moved under
# another parent.
set -eu
bin=$1
src=$2
export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dump=$src/tests/data/odd-image-names.txt
"$bin" learn --emit-rules "$dump" -o "$work/odd.rules"
"$bin" rules lint "$work/odd.rules" >/dev/null
out=$("$bin" check --fail-on info --no-default-rules --rules "$work/odd.rules" "$dump")
echo "$out" | grep -q "^findings: 0 critical, 0 high, 0 medium, 0 low, 0 info$" || {
    echo "findings against its own learned rules:"; echo "$out"; exit 1; }
# "ch/ild.exe" moved from under "a%b.exe" to under "a/b.exe".
sed 's/^\(Parent+: \)0x0010\(--->.Child: 0x0014\)/\10x0018\2/' "$dump" >"$work/moved.txt"
! cmp -s "$dump" "$work/moved.txt" || { echo "the moved copy is the same"; exit 1; }
status=0
"$bin" check --fail-on medium --no-default-rules --rules "$work/odd.rules" "$work/moved.txt" \
    >"$work/moved.out" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 on the moved copy, got $status"; exit 1; }
ids=$(grep -E '^(CRITICAL|HIGH|MEDIUM|LOW|INFO) ' "$work/moved.out" | awk '{print $2}' | sort -u)
[ "$ids" = "fleet.ch-ild.exe" ] || { echo "unexpected findings:"; cat "$work/moved.out"; exit 1; }
echo "emit-rules round trip with odd names: ok"
