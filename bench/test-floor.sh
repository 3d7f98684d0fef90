#!/bin/sh
# Tests lineage-floor, bench/run's third floor: on generated listings its
# counts of dumps, processes, orphans and names equal those counted from
# the text by awk and the orphans those of `lineage tree` (the processes
# right under an [absent parent] node); on a hand-made listing, CRLF, a
# last line without a newline, a self-parent, PPID 0, other lines, a line
# longer than its block, two files and an empty first name give the
# exact counts; a missing file or a directory is an error.
# usage: test-floor.sh LINEAGE-GEN LINEAGE-FLOOR LINEAGE
set -u
gen=$1
floor=$2
lineage=$3
export LC_ALL=C
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$gen" --seed 5 --processes 3000 --dumps 4 --elide 10 -o "$tmp/g.txt" ||
    fail "lineage-gen exited $?"
# PIDs as hex strings without leading zeros ("" is PID 0); a parent is
# missing when it is not PID 0 and not listed in the dump.
expected=$(awk '
    function finish() {
        if (n) {
            dumps++
            procs += n
            for (i = 1; i <= n; i++)
                if (pp[i] != "" && !(pp[i] in seen))
                    orphans++
        }
        n = 0
        split("", seen)
    }
    /^kd> \.dumpdebug/ || /^DUMP_HEADER/ { finish() }
    /^Parent[+-]: 0x/ {
        split($0, f, "\t")
        sub(/^Parent[+-]: 0x0*/, "", f[1])
        sub(/--->$/, "", f[1])
        sub(/^Child: 0x0*/, "", f[2])
        pp[++n] = f[1]
        seen[f[2]] = 1
        name = f[4]
        sub(/\r$/, "", name)
        if (!(name in names)) { names[name] = 1; nn++ }
    }
    END {
        finish()
        printf "%d dumps, %d processes, %d orphans, %d names\n", dumps, procs, orphans, nn
    }
' "$tmp/g.txt")
got=$("$floor" "$tmp/g.txt") || fail "lineage-floor exited $?"
[ "$got" = "$expected" ] || fail "generated listing: got '$got', awk counted '$expected'"
case $expected in *" 0 orphans"*) fail "the generated listing has no orphan to count" ;; esac

# The orphans lineage itself finds: children of the [absent parent] nodes.
absent=$("$lineage" tree --ascii "$tmp/g.txt" | awk '
    /^\[absent parent / { under = 1; next }
    /^[^ |`+]/ { under = 0 }
    under && /^[|`]-- / { n++ }
    END { print n + 0 }')
orphans=$(echo "$got" | sed 's/.*processes, \([0-9]*\) orphans.*/\1/')
[ "$absent" = "$orphans" ] || fail "lineage tree puts $absent processes under absent parents," \
    "lineage-floor counts $orphans orphans"

# A hand-made listing: every counted case once.
{
    printf 'kd> .dumpdebug\r\n'
    printf 'Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0100\tSystem\r\n'
    printf 'Parent+: 0x0004--->\tChild: 0x0068\tActiveThreads->0002\tsmss.exe  \r\n'
    printf 'Parent-: 0x0200--->\tChild: 0x0230\tActiveThreads->0000\tcsrss.exe\r\n'
    printf 'Parent+: 0x0230--->\tChild: 0x0230\tActiveThreads->0001\tself.exe\r\n'
    printf 'Parent+: 0x0004--->\tChild: 0x0070\tActiveThreads->0001\t\r\n'
    printf 'Parent+: 0x0004 --->\tChild: 0x0300\tActiveThreads->0001\tnot canonical\n'
    printf 'prose between the lines\n'
    printf 'DUMP_HEADER64:\n'
    printf 'Parent+: 0x0999--->\tChild: 0x0010\tActiveThreads->0001\tsmss.exe\n'
} >"$tmp/h1.txt"
awk 'BEGIN { printf "Parent+: 0x0004--->\tChild: 0x0008\tActiveThreads->0001\t"
             for (i = 0; i < 1100000; i++) printf "x"; printf "\n" }' >"$tmp/h2.txt"
printf 'Parent+: 0x0008--->\tChild: 0x000c\tActiveThreads->0001\tlast.exe' >>"$tmp/h2.txt"
got=$("$floor" "$tmp/h1.txt" "$tmp/h2.txt") || fail "lineage-floor exited $? on the hand-made files"
# h1: dump 1 holds System, smss.exe, csrss.exe (orphan), self.exe and a
# process with an empty name; dump 2 smss.exe (orphan). h2: its long line
# is skipped; last.exe is an orphan.
want="3 dumps, 7 processes, 3 orphans, 6 names"
[ "$got" = "$want" ] || fail "hand-made listing: got '$got', expected '$want'"

# A first name that is empty: nothing interned yet.
printf 'Parent+: 0x0004--->\tChild: 0x0008\tActiveThreads->0001\t\n' >"$tmp/h3.txt"
got=$("$floor" "$tmp/h3.txt") || fail "lineage-floor exited $? on an empty first name"
want="1 dumps, 1 processes, 1 orphans, 1 names"
[ "$got" = "$want" ] || fail "empty first name: got '$got', expected '$want'"

"$floor" "$tmp/missing.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "a missing file: exit $rc, expected 2"
grep -q "^lineage-floor: $tmp/missing.txt: No such file or directory$" "$tmp/err" ||
    fail "a missing file: unexpected message '$(cat "$tmp/err")'"

# A file that cannot be read (a directory) is an error; the others still count.
got=$("$floor" "$tmp" "$tmp/h3.txt" 2>"$tmp/err")
rc=$?
[ "$rc" = 2 ] || fail "a directory: exit $rc, expected 2"
[ "$got" = "1 dumps, 1 processes, 1 orphans, 1 names" ] || fail "a directory: got '$got'"
grep -q "^lineage-floor: $tmp: Is a directory$" "$tmp/err" ||
    fail "a directory: unexpected message '$(cat "$tmp/err")'"

[ "$fails" = 0 ] && echo "lineage-floor: all checks passed"
[ "$fails" = 0 ]
