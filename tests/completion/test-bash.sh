#!/bin/bash
# Sources the bash completion and checks that it is registered for lineage
# and completes commands, options and option values.
#
# usage: test-bash.sh COMPLETION_SCRIPT LINEAGE
set -u
script=$1
lineage=$2
case $lineage in /*) ;; *) lineage=$(pwd)/$lineage ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/lineage-compl.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
ln -s "$lineage" "$dir/lineage"
PATH="$dir:$PATH"

# shellcheck source=/dev/null
. "$script" || { echo "FAIL: sourcing $script"; exit 1; }

failed=0
spec=$(complete -p lineage 2>&1)
case $spec in
*"-F _lineage"*"lineage") ;;
*) echo "FAIL: complete -p lineage says: $spec"; failed=1 ;;
esac

# expect "WORDS..." "EXPECTED REPLIES (space separated, sorted)"
expect() {
    local line=$1 want=$2
    read -r -a COMP_WORDS <<<"$line"
    case $line in *" ") COMP_WORDS+=("") ;; esac
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _lineage
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" != "$want" ]; then
        echo "FAIL: '$line' completes to '$got', expected '$want'"
        failed=1
    fi
}

expect "lineage tr" "tree"
expect "lineage ch" "check"
expect "lineage check --fail-o" "--fail-on"
expect "lineage check --fail-on h" "high"
expect "lineage tree --as" "--ascii"
expect "lineage tree --col" "--color"
expect "lineage diff --color=a" "--color=always --color=auto"
expect "lineage tree --input-format vol3-" "vol3-csv vol3-json"
expect "lineage rules l" "lint list"
expect "lineage rules show smss-p" "smss-parent"
expect "lineage learn --em" "--emit-rules"
expect "lineage tree --format d" "dot"
expect "lineage check --format j" "json"

[ "$failed" -eq 0 ] && echo "bash completion OK"
exit "$failed"
