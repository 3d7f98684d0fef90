#!/bin/sh
# Runs the command examples of one Markdown document and compares their
# output with what the document shows, so the docs cannot drift.
#
# usage: run-doc-examples.sh LINEAGE DOC.md REPO_ROOT
#
# An example is a fenced code block whose first line starts with
# "$ lineage " or "$ build/lineage ", optionally after environment
# assignments ("$ SOURCE_DATE_EPOCH=1700000000 build/lineage ..."). Every "$ " line in such a block is a
# command, run with sh from the repository root; the lines after it, up to
# the next command or the end of the block, are its expected standard
# output and standard error (stderr first: it is unbuffered). A last line
# of just "…" means the output continues: only the lines shown are
# compared. The environment is fixed: LC_ALL=C, TZ=UTC, SOURCE_DATE_EPOCH,
# no colour, 80 columns.
set -u
lineage=$1
doc=$2
root=$3
[ -x "$lineage" ] || { echo "no executable: $lineage" >&2; exit 2; }
[ -f "$doc" ] || { echo "no document: $doc" >&2; exit 2; }
case $lineage in /*) ;; *) lineage=$(pwd)/$lineage ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/lineage-doc.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/bin" "$work/cases"
ln -s "$lineage" "$work/bin/lineage"

# Split the document into cases: N.cmd (the command), N.out (expected),
# N.partial (present when the output ends in "…"), N.line (where it is).
awk -v dir="$work/cases" '
function finish() {
    if (n > 0 && open_case) {
        if (last_ellipsis) { print "" > (dir "/" n ".partial"); close(dir "/" n ".partial") }
        close(dir "/" n ".out")
    }
    open_case = 0; last_ellipsis = 0
}
/^[ \t]*(```|~~~)/ {
    if (!in_fence) { in_fence = 1; first = 1; tested = 0; next }
    finish(); in_fence = 0; next
}
in_fence && first {
    first = 0
    if ($0 ~ /^\$ ([A-Z_][A-Z0-9_]*=[^ \t]* )*(build\/)?lineage([ \t]|$)/) tested = 1
}
in_fence && tested {
    if ($0 ~ /^\$ /) {
        finish()
        n++; open_case = 1
        cmd = substr($0, 3)
        print cmd > (dir "/" n ".cmd"); close(dir "/" n ".cmd")
        print FNR > (dir "/" n ".line"); close(dir "/" n ".line")
        printf "" > (dir "/" n ".out")
        next
    }
    if (last_ellipsis) { print "…" >> (dir "/" n ".out") }
    last_ellipsis = ($0 == "…")
    if (!last_ellipsis) print >> (dir "/" n ".out")
}
END { finish() }
' "$doc"

total=0
failed=0
for cmdfile in $(ls "$work/cases" | grep '\.cmd$' | sort -n); do
    n=${cmdfile%.cmd}
    total=$((total + 1))
    cmd=$(cat "$work/cases/$n.cmd")
    line=$(cat "$work/cases/$n.line")
    # "build/lineage" in an example means the freshly built binary.
    cmd=$(printf '%s\n' "$cmd" | sed 's#^build/lineage#lineage#; s#\([ |;&(]\)build/lineage#\1lineage#g')
    (cd "$root" && env -u NO_COLOR PATH="$work/bin:$PATH" LC_ALL=C TZ=UTC \
        SOURCE_DATE_EPOCH=1700000000 NO_COLOR=1 COLUMNS=80 sh -c "$cmd" \
        >"$work/$n.got" 2>&1 </dev/null)
    expected="$work/cases/$n.out"
    got="$work/$n.got"
    if [ -f "$work/cases/$n.partial" ]; then
        lines=$(wc -l <"$expected")
        head -n "$lines" "$got" >"$work/$n.cut"
        got="$work/$n.cut"
    fi
    if ! cmp -s "$expected" "$got"; then
        failed=$((failed + 1))
        echo "FAIL $doc:$line: \$ $(cat "$work/cases/$n.cmd")"
        diff -u "$expected" "$got" | sed 's/^/    /' | head -n 40
    fi
done
if [ "$total" -eq 0 ]; then
    echo "$doc: no command examples"
    exit 0
fi
echo "$doc: $((total - failed)) of $total examples match"
[ "$failed" -eq 0 ]
