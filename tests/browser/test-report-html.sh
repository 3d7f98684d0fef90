#!/bin/sh
# Renders the seed HTML report in a real browser (headless Chromium): takes
# a screenshot and dumps the DOM as the browser built it, then checks the
# DOM holds the findings table and one tree per dump (an SVG picture when
# lineage was built with Graphviz, else the text tree), in English and
# Japanese. Skips (exit 77) where /usr/bin/chromium is absent.
#
# usage: test-report-html.sh LINEAGE REPO_ROOT HAS_SVG [SCREENSHOT_DIR]
# HAS_SVG is 1 when lineage was built with Graphviz.
set -u
lineage=$1
root=$2
has_svg=$3
shots=${4:-}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "skipped: $chromium is not installed (Debian package chromium)"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lineage-browser.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000 NO_COLOR=1
status=0
fail() {
    echo "FAIL ($lang): $*"
    status=1
}
count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

for lang in en ja; do
    page=$work/report-$lang.html
    (cd "$root" && "$lineage" report --format html --lang "$lang" -o "$page" examples/all-four.txt) ||
        fail "lineage report exited $?"
    profile=$work/profile-$lang
    # A fresh profile per run; no network, no first-run dialogs, no GPU.
    set -- --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --window-size=1280,2000
    timeout 120 "$chromium" "$@" --screenshot="$work/report-$lang.png" "file://$page" \
        >"$work/shot-$lang.log" 2>&1 || fail "chromium --screenshot failed: $(tail -3 "$work/shot-$lang.log")"
    [ -s "$work/report-$lang.png" ] || fail "no screenshot"
    timeout 120 "$chromium" "$@" --dump-dom "file://$page" >"$work/dom-$lang.html" \
        2>"$work/dom-$lang.log" || fail "chromium --dump-dom failed: $(tail -3 "$work/dom-$lang.log")"
    dom=$work/dom-$lang.html
    [ -s "$dom" ] || { fail "empty DOM"; continue; }
    # The findings table: the browser-shell finding of dump 3.
    grep -q '<t[dh]>browser-shell[ （(]*medium[）)]*</t[dh]>' "$dom" || fail "no findings table row for browser-shell"
    [ "$(count '<table>' "$dom")" -ge 8 ] || fail "fewer than 8 tables"
    # One tree per dump: four text trees, and four SVG pictures with Graphviz.
    [ "$(count '<pre><code class="language-text">' "$dom")" -eq 4 ] || fail "not 4 text trees"
    if [ "$has_svg" -eq 1 ]; then
        [ "$(count '<svg ' "$dom")" -eq 4 ] || fail "not 4 SVG trees"
        [ "$(count '<figure class="tree-picture"' "$dom")" -eq 4 ] || fail "not 4 pictures"
    fi
    # Nothing ran: no script element, no Mermaid source left.
    [ "$(count '<script' "$dom")" -eq 0 ] || fail "a script element"
    grep -q 'flowchart TD' "$dom" && fail "Mermaid source left in the page"
    if [ -n "$shots" ]; then
        mkdir -p "$shots" && cp "$work/report-$lang.png" "$shots/"
    fi
done
[ "$status" -eq 0 ] && echo "ok: the seed report renders in Chromium (en, ja; svg=$has_svg)"
exit $status
