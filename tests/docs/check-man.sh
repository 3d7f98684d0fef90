#!/bin/sh
# Checks rendered man pages: each starts with a .TH header naming the page
# and its section, has NAME and SYNOPSIS sections, and (when man(1) is
# installed) formats without a warning.
#
# usage: check-man.sh PAGE...
set -u
status=0
for page in "$@"; do
    if [ ! -s "$page" ]; then
        echo "FAIL $page: missing or empty"
        status=1
        continue
    fi
    base=$(basename "$page")
    name=${base%.*}
    section=${base##*.}
    upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
    first=$(head -n 1 "$page")
    case $first in
    ".TH \"$upper\" \"$section\" "*) ;;
    *) echo "FAIL $page: first line is not a .TH header for $upper($section): $first"; status=1 ;;
    esac
    for sh in NAME SYNOPSIS; do
        # cmark writes the heading on the line after a bare .SH.
        if ! awk -v want="$sh" '$0 == ".SH " want || (prev == ".SH" && $0 == want) { found = 1 }
                                { prev = $0 } END { exit !found }' "$page"; then
            echo "FAIL $page: no $sh section"
            status=1
        fi
    done
    if command -v man >/dev/null 2>&1; then
        text=$(MANWIDTH=80 MAN_KEEP_FORMATTING= LC_ALL=C man -l "$page" 2>"$page.warnings")
        if [ -s "$page.warnings" ]; then
            echo "FAIL $page: man reports:"
            sed 's/^/    /' "$page.warnings"
            status=1
        fi
        rm -f "$page.warnings"
        case $text in
        *"$name - "*) ;;
        *) echo "FAIL $page: man output has no '$name - ' NAME line"; status=1 ;;
        esac
    fi
done
[ "$status" -eq 0 ] && echo "man pages OK: $*"
exit "$status"
