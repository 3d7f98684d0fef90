#!/bin/sh
# Terminal behaviour of every command: --color=auto|always|never and
# NO_COLOR on tree, check and diff (colour only when asked or when standard
# output is a terminal, faked with script(1) when it is installed; never
# with NO_COLOR in auto mode; never into a pipe), -q and -v, and wrapped
# help.
#
# usage: test-terminal.sh LINEAGE REPO_ROOT
set -u
lineage=$1
cd "$2" || exit 2
case $lineage in /*) ;; *) lineage=$OLDPWD/$lineage ;; esac
esc=$(printf '\033')
failed=0
unset NO_COLOR
export LC_ALL=C TERM=xterm

has_esc() { grep -q "$esc" "$1"; }
want() { # want yes|no DESCRIPTION FILE
    if [ "$1" = yes ] && ! has_esc "$3"; then echo "FAIL: $2: no colour"; failed=1; fi
    if [ "$1" = no ] && has_esc "$3"; then echo "FAIL: $2: coloured"; failed=1; fi
}
out=$(mktemp "${TMPDIR:-/tmp}/lineage-term.XXXXXX") || exit 2
warn=$(mktemp "${TMPDIR:-/tmp}/lineage-term.XXXXXX") || exit 2
trap 'rm -f "$out" "$warn"' EXIT

"$lineage" tree --color=always examples/all-four.txt >"$out"; want yes "tree --color=always" "$out"
"$lineage" tree --color examples/all-four.txt >"$out"; want yes "tree --color" "$out"
"$lineage" tree --color=never examples/all-four.txt >"$out"; want no "tree --color=never" "$out"
"$lineage" tree examples/all-four.txt >"$out"; want no "tree into a pipe (auto)" "$out"
NO_COLOR=1 "$lineage" tree --color=always examples/all-four.txt >"$out"
want yes "NO_COLOR=1 with --color=always" "$out"
"$lineage" check --color=always examples/win81-x64.txt >"$out"
if ! grep -q "${esc}\[33mMEDIUM${esc}\[0m browser-shell" "$out"; then
    echo "FAIL: check --color=always: MEDIUM is not yellow"; failed=1
fi
"$lineage" check examples/win81-x64.txt >"$out"; want no "check into a pipe" "$out"
"$lineage" diff --color=always examples/xp-x86.txt -- examples/win10-x64.txt >"$out"
if ! grep -q "${esc}\[1;31mcritical${esc}\[0m orphaned" "$out"; then
    echo "FAIL: diff --color=always: critical is not bold red"; failed=1
fi
"$lineage" diff --color=never examples/xp-x86.txt -- examples/win10-x64.txt >"$out"
want no "diff --color=never" "$out"
if "$lineage" tree --color=sometimes examples/xp-x86.txt >"$out" 2>&1; then
    echo "FAIL: --color=sometimes accepted"; failed=1
fi
grep -q "wants auto, always or never" "$out" || { echo "FAIL: --color=sometimes message"; failed=1; }

# On a terminal: auto colours unless NO_COLOR is set (and not empty).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$lineage' tree examples/xp-x86.txt" /dev/null >"$out" 2>&1
    want yes "tree on a terminal (auto)" "$out"
    NO_COLOR=1 script -qec "'$lineage' tree examples/xp-x86.txt" /dev/null >"$out" 2>&1
    want no "tree on a terminal with NO_COLOR=1" "$out"
    NO_COLOR= script -qec "'$lineage' tree examples/xp-x86.txt" /dev/null >"$out" 2>&1
    want yes "tree on a terminal with NO_COLOR empty" "$out"
    TERM=dumb script -qec "'$lineage' tree examples/xp-x86.txt" /dev/null >"$out" 2>&1
    want no "tree on a terminal with TERM=dumb" "$out"
else
    echo "note: script(1) not usable; terminal cases skipped"
fi

# -q: errors only; default: warnings too; -v: notes too. --strict counts
# warnings whether or not they were shown.
tab=$(printf '\t')
{
    echo "Parent+: 0x0000--->${tab}Child: 0x0004${tab}ActiveThreads->0070${tab}System"
    echo "Parent+: 0x0004--->${tab}Child: zz${tab}ActiveThreads->0070${tab}bad.exe"
    echo "Parent+: 0x0004--->${tab}Child: 0x0004${tab}ActiveThreads->0001${tab}dup.exe"
} >"$warn"
count() { "$lineage" tree "$warn" 2>&1 >/dev/null | grep -c "$1"; }
[ "$(count ': warning:')" = 2 ] || { echo "FAIL: default does not show 2 warnings"; failed=1; }
[ "$(count ': note:')" = 0 ] || { echo "FAIL: default shows notes"; failed=1; }
[ "$("$lineage" tree -q "$warn" 2>&1 >/dev/null | wc -l)" = 0 ] || {
    echo "FAIL: -q shows warnings"; failed=1; }
[ "$("$lineage" tree -v "$warn" 2>&1 >/dev/null | grep -c ': note:')" = 1 ] || {
    echo "FAIL: -v does not show the note"; failed=1; }
"$lineage" tree -q --strict "$warn" >/dev/null 2>&1
[ $? = 3 ] || { echo "FAIL: -q --strict does not exit 3"; failed=1; }

# Help is wrapped to COLUMNS.
COLUMNS=50 "$lineage" check --help >"$out"
long=$(awk 'length($0) > 50' "$out" | wc -l)
[ "$long" = 0 ] || { echo "FAIL: check --help has $long lines over 50 columns"; failed=1; }
COLUMNS=200 "$lineage" check --help >"$out"
grep -q "exit 1 when a finding is at or above LEVEL (default high)" "$out" || {
    echo "FAIL: check --help at 200 columns wraps an option's help"; failed=1; }
for cols in 50 80; do
    COLUMNS=$cols "$lineage" --help >"$out"
    long=$(awk -v c=$cols 'length($0) > c' "$out" | wc -l)
    [ "$long" = 0 ] || { echo "FAIL: --help has $long lines over $cols columns"; failed=1; }
done
COLUMNS=200 "$lineage" --help >"$out"
grep -q "^exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage, 3 input error, 4 rule error$" "$out" || {
    echo "FAIL: --help at 200 columns does not list the exit codes on one line"; failed=1; }

# "lineage help CMD" is "lineage CMD --help", for every command.
for cmd in $("$lineage" --help | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [^ ]/ { print $1 }'); do
    "$lineage" "$cmd" --help >"$out.a" 2>&1
    "$lineage" help "$cmd" >"$out.b" 2>&1
    cmp -s "$out.a" "$out.b" || { echo "FAIL: 'help $cmd' differs from '$cmd --help'"; failed=1; }
    grep -q "^usage: lineage $cmd " "$out.a" || { echo "FAIL: '$cmd --help' has no usage line"; failed=1; }
    grep -q -- "--color\[=WHEN\]" "$out.a" || { echo "FAIL: '$cmd --help' lacks the common options"; failed=1; }
    rm -f "$out.a" "$out.b"
done

# --version names lineage and each library in use, one per line.
"$lineage" --version >"$out"
for want in '^lineage [0-9]+\.[0-9]+\.[0-9]+$' '^PCRE2 [0-9]+\.[0-9]+' \
    '^libxml2 [0-9]+\.[0-9]+\.[0-9]+$' '^cmark-gfm [0-9]+\.[0-9]+'; do
    grep -Eq "$want" "$out" || { echo "FAIL: --version has no line matching $want"; failed=1; }
done
[ "$(wc -l <"$out")" = 4 ] || { echo "FAIL: --version prints $(wc -l <"$out") lines, not 4"; failed=1; }

[ "$failed" -eq 0 ] && echo "terminal behaviour OK"
exit "$failed"
