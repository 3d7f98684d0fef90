#!/bin/sh
# `-j N` gives the same bytes as one thread: stdout, stderr and exit code of
# `lineage tree` and `lineage check` over many files (clean fleets, planted deviations, a file
# with warnings, a missing file, a file with no dump), text and JSON, with
# 1, 2, 3 and 0 (one per CPU) workers; the same for `lineage diff` against a
# learnt profile and against baseline dumps; and the same over one large file,
# which the workers read in pieces; and cut names resolving to names only
# the rules know, in every worker. Also: a bad -j value is a usage error.
# Usage: test-jobs.sh LINEAGE LINEAGE-GEN REPO-ROOT
set -u
bin=$1
gen=$2
root=$3
export LC_ALL=C TZ=UTC NO_COLOR=1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

"$gen" --files 40 --processes 300 --out "$tmp/fleet" --plant-every 7 \
    --plant scvhost,cmd-under-lsass >/dev/null || { echo "lineage-gen failed"; exit 1; }
printf 'not a listing\n' >"$tmp/prose.txt"

run() { # NAME COMMAND ARGS...: runs with -j 1, compares every other -j with it
    name=$1
    cmd=$2
    shift 2
    "$bin" "$cmd" -j 1 "$@" >"$tmp/$name.1.out" 2>"$tmp/$name.1.err"
    echo $? >"$tmp/$name.1.rc"
    for j in 2 3 0; do
        "$bin" "$cmd" -j $j "$@" >"$tmp/$name.$j.out" 2>"$tmp/$name.$j.err"
        echo $? >"$tmp/$name.$j.rc"
        for part in out err rc; do
            if ! cmp -s "$tmp/$name.1.$part" "$tmp/$name.$j.$part"; then
                echo "FAIL $name: -j $j std$part differs from -j 1"
                diff "$tmp/$name.1.$part" "$tmp/$name.$j.$part" | head -20
                fail=1
            fi
        done
    done
    [ -s "$tmp/$name.1.out" ] || { echo "FAIL $name: no output"; fail=1; }
}

run fleet-text check "$tmp"/fleet/*.txt
run fleet-json check --format json "$tmp"/fleet/*.txt
run mixed check "$root"/examples/*.txt "$tmp/missing.txt" "$tmp/prose.txt" -- \
    "$root"/tests/data/*.txt "$tmp"/fleet/dump-000007.txt
run mixed-json check --format json --fail-on medium "$root"/tests/data/*.txt "$tmp/missing.txt"
run strict check --strict "$root"/tests/data/*.txt "$tmp"/fleet/dump-00000*.txt

run tree tree "$tmp"/fleet/dump-00001*.txt "$root"/examples/*.txt "$tmp/missing.txt"
run tree-dot tree --format dot "$tmp"/fleet/dump-00000*.txt
run tree-strict tree --strict "$root"/tests/data/*.txt "$tmp/prose.txt"

# diff: a baseline learnt from the clean files, the whole fleet as suspects.
"$gen" --files 6 --processes 300 --seed 9 --out "$tmp/clean" >/dev/null ||
    { echo "lineage-gen failed"; exit 1; }
"$bin" learn -o "$tmp/profile.txt" "$tmp"/clean/*.txt >/dev/null 2>&1 ||
    { echo "FAIL: learn"; fail=1; }
run diff-profile diff --baseline "$tmp/profile.txt" "$tmp"/fleet/*.txt "$tmp/missing.txt"
run diff-dumps diff --format json "$tmp"/clean/*.txt -- "$tmp"/fleet/*.txt
run diff-strict diff --strict --baseline "$tmp/profile.txt" "$root"/tests/data/*.txt

# One large file, read in pieces by the workers: the same bytes again, with
# planted deviations, elisions, malformed process lines and prose spread
# over the pieces, in CRLF too, with dumps the splitter cannot count, and
# next to small files.
"$gen" --processes 2000 --size 9M --elide 2 --plant scvhost,cmd-under-lsass --plant-every 5 \
    -o "$tmp/big.txt" >/dev/null || { echo "lineage-gen failed"; exit 1; }
awk 'NR % 3001 == 0 { print "Parent+: 0xZZ--->\tChild: 0x10\tActiveThreads->0001\tbad.exe" }
     /^kd> \.dumpdebug/ && NR % 7 == 0 { print "prose before a dump" }
     { print }' "$tmp/big.txt" >"$tmp/big-warn.txt"
sed 's/$/\r/' "$tmp/big-warn.txt" >"$tmp/big-crlf.txt"
# Dumps the splitter cannot count before they are parsed (a process line
# before the first dump, and between `.dumpdebug` and DUMP_HEADER in some
# dumps, where it opens a dump of its own), so the pieces after keep their
# dumps until those are counted.
awk 'NR == 1 { print "Parent+: 0x0004--->\tChild: 0x0008\tActiveThreads->0001\tfirst.exe" }
     { print }
     /^kd> \.dumpdebug/ && NR % 3 == 0 {
         print "Parent+: 0x0004--->\tChild: 0x000c\tActiveThreads->0001\tearly.exe" }' \
    "$tmp/big.txt" >"$tmp/big-unsure.txt"
run big check "$tmp/big.txt"
run big-json check --format json "$tmp/big.txt"
run big-warn check --strict "$tmp/big-warn.txt"
run big-crlf check "$tmp/big-crlf.txt"
run big-unsure check "$tmp/big-unsure.txt"
run big-unsure-tree tree "$tmp/big-unsure.txt"
run big-mixed check "$tmp"/fleet/dump-00000*.txt "$tmp/big-warn.txt" "$tmp/missing.txt" \
    "$tmp/big.txt"
run big-tree tree "$tmp/big-warn.txt"
run big-diff diff --baseline "$tmp/profile.txt" "$tmp/big-warn.txt"

# A dump longer than a worker holds in memory (8 MiB) between dumps of the
# usual size: its piece is walked through and then read again from the
# file, and the pieces after it still go to other workers.
{ "$gen" --processes 2000 --size 2M --elide 1 &&
  "$gen" --processes 140000 --seed 3 --plant scvhost,cmd-under-lsass --truth /dev/null &&
  "$gen" --processes 2000 --size 2M --seed 4 --plant csrss-live-parent --truth /dev/null; } >"$tmp/giant.txt" ||
    { echo "lineage-gen failed"; exit 1; }
[ "$(wc -c <"$tmp/giant.txt")" -gt 13000000 ] || { echo "FAIL: giant.txt too small"; fail=1; }
run giant check "$tmp/giant.txt"
run giant-tree tree --format dot "$tmp/giant.txt"

# Rules naming an image the built-in list does not know, and dumps that
# show it cut to 14 characters: the workers share the main thread's
# compiled rules, and the cut name must resolve to the rule's full name in
# their dumps as on one thread (the ancestry line shows the resolved name).
printf 'rule custom.agent {\n severity high\n title "Contoso updater"\n absent /^contosoupdatersvc\\.exe$/\n}\n' \
    >"$tmp/agent.rules"
for i in 1 2 3 4 5; do
    printf 'DUMP_HEADER64:\nMajorVersion 0000000f\nMinorVersion 00004a61\n\n%s\n%s\n' \
        "Parent+: 0x0000--->	Child: 0x0004	ActiveThreads->0070	System" \
        "Parent+: 0x0004--->	Child: 0x0200	ActiveThreads->0003	ContosoUpdater" \
        >"$tmp/agent-$i.txt"
done
run rule-names check --no-default-rules --rules "$tmp/agent.rules" "$tmp"/agent-*.txt
[ "$(grep -c 'ancestry: system/contosoupdatersvc.exe' "$tmp/rule-names.2.out")" = 5 ] ||
    { echo "FAIL rule-names: the cut name did not resolve in every dump"; fail=1; }

# The fleet has planted deviations: the run must find them (exit 1).
[ "$(cat "$tmp/fleet-text.2.rc")" = 1 ] || { echo "FAIL: fleet exit code"; fail=1; }

for bad in x -1 1025 2x; do
    "$bin" check -j "$bad" "$root"/examples/all-four.txt >/dev/null 2>"$tmp/bad.err"
    rc=$?
    if [ $rc != 2 ] || ! grep -q -- "-j wants a number" "$tmp/bad.err"; then
        echo "FAIL: -j $bad gave exit $rc"
        cat "$tmp/bad.err"
        fail=1
    fi
done
"$bin" tree -j 1024 "$root"/examples/all-four.txt >/dev/null 2>&1 ||
    { echo "FAIL: -j 1024 refused"; fail=1; }
[ $fail = 0 ] && echo "ok"
exit $fail
