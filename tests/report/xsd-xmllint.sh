#!/bin/sh
# Checks docs/lineage-report.xsd with an independent validator: xmllint
# must accept the schema itself and validate every XML report golden
# against it. Skips (77) where xmllint is not installed.
set -u
root=$1
command -v xmllint >/dev/null 2>&1 || { echo "skipped: xmllint is not installed"; exit 77; }
status=0
found=0
for f in "$root"/golden/report-*-xml/stdout; do
    [ -f "$f" ] || continue
    found=1
    xmllint --noout --nonet --schema "$root/docs/lineage-report.xsd" "$f" || status=1
done
[ $found = 1 ] || { echo "no golden/report-*-xml case found"; exit 1; }
exit $status
