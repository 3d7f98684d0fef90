#!/bin/sh
# A write past the file-size limit (ulimit -f): `-o FILE` fails with a
# message and exit 3, the file is not created, and no temporary file is
# left beside it; standard output past the limit fails the same way. The
# limit would otherwise raise SIGXFSZ and end the run mid-write.
#
# usage: test-file-size-limit.sh LINEAGE REPO_ROOT
set -u
lineage=$1
cd "$2" || exit 2
case $lineage in /*) ;; *) lineage=$OLDPWD/$lineage ;; esac
export LC_ALL=C
work=$(mktemp -d "${TMPDIR:-/tmp}/lineage-fsize.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
failed=0
input=examples/all-four.txt

# The report of the input is far larger than the limit of 1 block.
status=0
(ulimit -f 1 || exit 77; exec "$lineage" report -o "$work/out.md" "$input") \
    2>"$work/err" || status=$?
[ "$status" -eq 77 ] && { echo "skipped: ulimit -f is not available"; exit 77; }
if [ "$status" -ne 3 ]; then
    echo "FAIL: -o past the limit: exit $status, expected 3"; cat "$work/err"; failed=1
fi
grep -q "^lineage: $work/out.md: cannot write: File too large$" "$work/err" ||
    { echo "FAIL: -o past the limit: unexpected message:"; cat "$work/err"; failed=1; }
[ -e "$work/out.md" ] && { echo "FAIL: -o past the limit: the file was created"; failed=1; }
for f in "$work"/.lineage-*; do
    [ -e "$f" ] && { echo "FAIL: -o past the limit left $f"; failed=1; }
done

# Standard output redirected to a file: the same limit, the same exit.
status=0
(ulimit -f 1; exec "$lineage" report "$input") >"$work/stdout.md" 2>"$work/err" || status=$?
if [ "$status" -ne 3 ]; then
    echo "FAIL: stdout past the limit: exit $status, expected 3"; cat "$work/err"; failed=1
fi
grep -q "cannot write to standard output" "$work/err" ||
    { echo "FAIL: stdout past the limit: unexpected message:"; cat "$work/err"; failed=1; }

[ "$failed" -eq 0 ] && echo "file-size limit: ok"
exit "$failed"
