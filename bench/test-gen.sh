#!/bin/sh
# Tests lineage-gen: the same seed gives the same bytes, another seed other
# bytes; lineage reads a generated 10,000-process listing with no warning;
# PIDs never repeat within a dump; and, where `lineage check` is built,
# clean dumps raise no finding while each planted deviation raises exactly
# the rules its ground truth names, on the line it names.
# usage: test-gen.sh LINEAGE-GEN LINEAGE
set -u
gen=$1
lineage=$2
export LC_ALL=C
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

kinds=lsass-under-services,svchost-under-explorer,scvhost,cmd-under-lsass,shell-under-office
kinds=$kinds,csrss-live-parent
args="--processes 10000 --dumps 3 --elide 25 --plant-every 2 --plant $kinds"

# shellcheck disable=SC2086 # args is split into words on purpose
"$gen" --seed 7 $args -o "$tmp/a.txt" || fail "lineage-gen exited $?"
# shellcheck disable=SC2086
"$gen" --seed 7 $args -o "$tmp/b.txt" || fail "lineage-gen exited $?"
# shellcheck disable=SC2086
"$gen" --seed 8 $args -o "$tmp/c.txt" || fail "lineage-gen exited $?"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "same seed, different listings"
# The truth names its listing file; the rest must match.
cut -f 2- "$tmp/a.txt.truth" >"$tmp/a.truth"
cut -f 2- "$tmp/b.txt.truth" >"$tmp/b.truth"
cmp -s "$tmp/a.truth" "$tmp/b.truth" || fail "same seed, different ground truth"
cmp -s "$tmp/a.txt" "$tmp/c.txt" && fail "different seeds, same listing"

lines=$(grep -c '^Parent[+-]: ' "$tmp/a.txt")
[ "$lines" = 30000 ] || fail "expected 30000 process lines, got $lines"
# Within each dump, every Child PID is listed once.
dups=$(awk '/^kd> \.dumpdebug/ { d++ } /^Parent/ { k = d " " $4; if (seen[k]++) n++ }
            END { print n + 0 }' "$tmp/a.txt")
[ "$dups" = 0 ] || fail "$dups PIDs listed twice within a dump"

"$lineage" tree --strict "$tmp/a.txt" >"$tmp/tree.out" 2>"$tmp/tree.err"
rc=$?
[ "$rc" = 0 ] || fail "lineage tree --strict exited $rc"
[ -s "$tmp/tree.err" ] && fail "lineage tree warned: $(head -c 400 "$tmp/tree.err")"
n=$(grep -c ', 10000 processes, partial (25 elisions)$' "$tmp/tree.out")
[ "$n" = 3 ] || fail "expected 3 dumps of 10000 processes with 25 elisions, got $n"

# Planted deviations against the default rules, where check is built.
if "$lineage" check --help >/dev/null 2>&1; then
    "$lineage" check --fail-on info "$tmp/a.txt" >"$tmp/check.out" 2>"$tmp/check.err"
    rc=$?
    [ "$rc" = 1 ] || fail "lineage check exited $rc, expected 1 (findings)"
    # Expected "RULE FILE:LINE" pairs from the truth file, found ones from
    # the report's finding lines.
    awk -F '\t' '!/^#/ { n = split($8, r, ","); for (i = 1; i <= n; i++) print r[i], $1 ":" $3 }' \
        "$tmp/a.txt.truth" | sort >"$tmp/expected"
    awk '/^(CRITICAL|HIGH|MEDIUM|LOW|INFO) / { print $2, $3 }' "$tmp/check.out" |
        sort >"$tmp/found"
    [ -s "$tmp/expected" ] || fail "no planted deviation in the truth file"
    if ! cmp -s "$tmp/expected" "$tmp/found"; then
        fail "findings differ from the ground truth (< expected, > found):"
        diff "$tmp/expected" "$tmp/found" | head -20
    fi
fi

[ "$fails" = 0 ] && echo "lineage-gen: all checks passed"
[ "$fails" = 0 ]
