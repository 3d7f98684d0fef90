#!/bin/sh
# Runs one golden case: golden/<case>/cmd holds the arguments (one line,
# paths relative to the repository root); expected output is in stdout,
# stderr (optional, default empty) and exit (default 0).
# A case with a `requires` file is skipped (exit 77) unless every path it
# lists exists. With LINEAGE_UPDATE_GOLDEN=1 the expected files are
# rewritten from the actual output, for a person to review with git diff.
set -u
bin=$1
dir=$2
for f in $(cat "$dir/requires" 2>/dev/null); do
    [ -e "$f" ] || { echo "skipped: $f is not here"; exit 77; }
done
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000 NO_COLOR=1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046 # the cmd file is split into words on purpose
eval "set -- $(cat "$dir/cmd")"
if [ -f "$dir/stdin" ]; then
    "$bin" "$@" <"$dir/stdin" >"$tmp/stdout" 2>"$tmp/stderr"
else
    "$bin" "$@" </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
fi
echo $? >"$tmp/exit"
if [ "${LINEAGE_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$tmp/stdout" "$dir/stdout"
    cp "$tmp/exit" "$dir/exit"
    if [ -s "$tmp/stderr" ] || [ -f "$dir/stderr" ]; then cp "$tmp/stderr" "$dir/stderr"; fi
    echo "updated $dir"
    exit 0
fi
status=0
[ -f "$dir/exit" ] || echo 0 >"$tmp/expected-exit"
for part in stdout stderr exit; do
    expected=$dir/$part
    if [ ! -f "$expected" ]; then
        case $part in
        stderr) expected=/dev/null ;;
        exit) expected=$tmp/expected-exit ;;
        *) echo "missing $expected"; status=1; continue ;;
        esac
    fi
    if ! cmp -s "$expected" "$tmp/$part"; then
        echo "--- $part differs (expected vs actual):"
        diff -u "$expected" "$tmp/$part" | head -60
        status=1
    fi
done
exit $status
