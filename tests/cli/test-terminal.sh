#!/bin/sh
# Terminal behaviour of every command: --color=auto|always|never and
# NO_COLOR on tree, check and diff (colour only when asked or when standard
# output is a terminal, faked with script(1) when it is installed; never
# with NO_COLOR in auto mode; never into a pipe), -q and -v, wrapped help,
# a failed write of help or --version, and what -o FILE does with a
# symbolic link, a FIFO, a device, a file the run read, and the
# permissions of the file it writes.
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

# Help and --version that cannot be written exit 3 and say so.
if [ -c /dev/full ] && [ -w /dev/full ]; then
    for args in "--help" "help" "--version" "help tree" "tree --help" "rules --help"; do
        # shellcheck disable=SC2086 # split into words on purpose
        "$lineage" $args >/dev/full 2>"$out"
        rc=$?
        [ "$rc" = 3 ] || { echo "FAIL: '$args' into /dev/full exits $rc, not 3"; failed=1; }
        grep -qx "lineage: cannot write to standard output" "$out" || {
            echo "FAIL: '$args' into /dev/full: no message"; failed=1; }
    done
else
    echo "note: /dev/full is not here; write-error cases skipped"
fi

# -o FILE. A symbolic link is followed (also a dangling one, into another
# directory) and stays a link; the temporary file goes beside the target.
dir=$(mktemp -d "${TMPDIR:-/tmp}/lineage-out.XXXXXX") || exit 2
trap 'rm -f "$out" "$warn"; rm -rf "$dir"' EXIT
list=examples/xp-x86.txt
"$lineage" learn "$list" >"$dir/expected"
mkdir "$dir/a" "$dir/b"
ln -s ../b/site.profile "$dir/a/link"
for round in new replaced; do
    "$lineage" learn "$list" -o "$dir/a/link" 2>"$out" || {
        echo "FAIL: -o through a symbolic link ($round): $(cat "$out")"; failed=1; }
    [ -L "$dir/a/link" ] || { echo "FAIL: -o replaced the symbolic link ($round)"; failed=1; }
    cmp -s "$dir/expected" "$dir/b/site.profile" || {
        echo "FAIL: -o through a symbolic link ($round): the target is not the profile"; failed=1; }
done
for tmp in "$dir"/a/.lineage-* "$dir"/b/.lineage-*; do
    [ -e "$tmp" ] && { echo "FAIL: -o left the temporary file $tmp"; failed=1; }
done
# ... and a link to an input is refused like the input.
ln -s "$PWD/$list" "$dir/to-input"
"$lineage" learn "$list" -o "$dir/to-input" 2>"$out"
rc=$?
if [ "$rc" != 2 ] || ! grep -q "refusing to overwrite an input file" "$out"; then
    echo "FAIL: -o through a link to an input exits $rc"; failed=1
fi

# A file replaced keeps its permissions; a new one gets 0666 less the
# umask, as with any other program that creates a file.
mode_of() { ls -l "$1" | cut -c2-10; }
: >"$dir/private"
chmod 600 "$dir/private"
"$lineage" learn "$list" -o "$dir/private" 2>"$out" || {
    echo "FAIL: -o over a 0600 file: $(cat "$out")"; failed=1; }
[ "$(mode_of "$dir/private")" = "rw-------" ] || {
    echo "FAIL: -o over a 0600 file left it $(mode_of "$dir/private")"; failed=1; }
cmp -s "$dir/expected" "$dir/private" || {
    echo "FAIL: -o over a 0600 file: it does not hold the profile"; failed=1; }
# As root, a file of another owner and group keeps them.
if [ "$(id -u)" = 0 ] && chown 65534:65534 "$dir/private" 2>/dev/null; then
    "$lineage" learn "$list" -o "$dir/private" 2>"$out" || {
        echo "FAIL: -o over another user's file: $(cat "$out")"; failed=1; }
    owner=$(ls -ln "$dir/private" | awk '{print $3 ":" $4}')
    [ "$owner" = "65534:65534" ] || {
        echo "FAIL: -o over a file of 65534:65534 made it $owner"; failed=1; }
fi
(umask 027 && "$lineage" learn "$list" -o "$dir/new-027") 2>"$out" || {
    echo "FAIL: -o new file under umask 027: $(cat "$out")"; failed=1; }
[ "$(mode_of "$dir/new-027")" = "rw-r-----" ] || {
    echo "FAIL: -o new file under umask 027 is $(mode_of "$dir/new-027")"; failed=1; }

# A FIFO is written to, not replaced by a file.
if mkfifo "$dir/fifo" 2>/dev/null; then
    cat "$dir/fifo" >"$dir/fifo.out" &
    reader=$!
    "$lineage" learn "$list" -o "$dir/fifo" 2>"$out" || {
        echo "FAIL: -o FIFO: $(cat "$out")"; failed=1; }
    if [ -p "$dir/fifo" ]; then
        wait "$reader"
        cmp -s "$dir/expected" "$dir/fifo.out" || {
            echo "FAIL: -o FIFO: the reader did not get the profile"; failed=1; }
    else
        echo "FAIL: -o replaced the FIFO"; failed=1
        kill "$reader" 2>/dev/null
    fi
else
    echo "note: mkfifo failed; the FIFO case skipped"
fi

# A device is written to, never replaced, and its write error reported.
# As root, through a node of its own for /dev/full's device, so that a
# regression replaces that node and not the system's.
full=/dev/full
if [ -c /dev/full ] && mknod "$dir/full" c 1 7 2>/dev/null && (: >"$dir/full") 2>/dev/null; then
    full=$dir/full
fi
if [ -c "$full" ] && [ -w "$full" ]; then
    for cmd in "learn" "report"; do
        "$lineage" $cmd "$list" -o "$full" 2>"$out"
        rc=$?
        [ "$rc" = 3 ] || { echo "FAIL: $cmd -o $full exits $rc, not 3"; failed=1; }
        grep -qx "lineage: $full: cannot write: No space left on device" "$out" || {
            echo "FAIL: $cmd -o $full: $(cat "$out")"; failed=1; }
        [ -c "$full" ] || { echo "FAIL: $cmd -o $full replaced the device"; failed=1; }
    done
fi

# report -o never replaces a template of --template DIR, nor a rule file
# that a --rules file includes.
mkdir "$dir/tt"
printf 'A{{! c }}B\n' >"$dir/tt/report.md"
printf 'unused\n' >"$dir/tt/extra.md"
for name in report.md extra.md; do
    cp "$dir/tt/$name" "$dir/before"
    "$lineage" report --template "$dir/tt" "$list" -o "$dir/tt/$name" 2>"$out"
    rc=$?
    if [ "$rc" != 2 ] ||
        ! grep -qx "lineage: $dir/tt/$name: refusing to overwrite an input file" "$out"; then
        echo "FAIL: report -o over the template $name exits $rc: $(cat "$out")"; failed=1
    fi
    cmp -s "$dir/before" "$dir/tt/$name" || { echo "FAIL: template $name overwritten"; failed=1; }
done
printf 'include "b.rules"\n' >"$dir/a.rules"
printf 'rule t-x {\n  severity low\n  title "x"\n  pid /^System$/ is 4 ppid 0\n}\n' >"$dir/b.rules"
cp "$dir/b.rules" "$dir/before"
"$lineage" report -r "$dir/a.rules" "$list" -o "$dir/b.rules" 2>"$out"
rc=$?
if [ "$rc" != 2 ] || ! grep -qx "lineage: $dir/b.rules: refusing to overwrite an input file" "$out"
then
    echo "FAIL: report -o over an included rule file exits $rc: $(cat "$out")"; failed=1
fi
cmp -s "$dir/before" "$dir/b.rules" || { echo "FAIL: included rule file overwritten"; failed=1; }

[ "$failed" -eq 0 ] && echo "terminal behaviour OK"
exit "$failed"
