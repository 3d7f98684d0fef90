# bash completion for lineage(1).
#
# Commands, options and format names are read from lineage's own --help
# output, so the completion follows the option tables of the installed
# binary instead of repeating them.

_lineage_commands()
{
    "$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [^ ]/ { print $1 }'
}

_lineage_formats()
{
    "$1" --help 2>/dev/null | awk '/^formats read:/ { on = 1; next } /^$/ { on = 0 } on && /^  [^ ]/ { print $1 }'
}

_lineage_options()
{
    "$1" "$2" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
}

_lineage()
{
    local cur prev words cword
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]}
    command -v "$prog" >/dev/null 2>&1 || prog=lineage

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(_lineage_commands "$prog") --help --version" -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}

    case $cur in
    --color=*)
        COMPREPLY=($(compgen -P '--color=' -W 'auto always never' -- "${cur#--color=}"))
        return 0 ;;
    esac
    case $prev in
    --input-format)
        COMPREPLY=($(compgen -W "$(_lineage_formats "$prog")" -- "$cur"))
        return 0 ;;
    --fail-on)
        COMPREPLY=($(compgen -W 'info low medium high critical' -- "$cur"))
        return 0 ;;
    --format)
        case $cmd in
        tree) COMPREPLY=($(compgen -W 'text dot' -- "$cur")) ;;
        report) COMPREPLY=($(compgen -W 'md html xml json sarif' -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W 'text json' -- "$cur")) ;;
        esac
        return 0 ;;
    --lang)
        COMPREPLY=($(compgen -W 'en ja' -- "$cur"))
        return 0 ;;
    --date)
        COMPREPLY=($(compgen -W 'none' -- "$cur"))
        return 0 ;;
    --assume-os)
        COMPREPLY=($(compgen -W '2000 xp 2003 vista 7 8 8.1 10 11' -- "$cur"))
        return 0 ;;
    --template)
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0 ;;
    --disable|--severity|--min-support)
        return 0 ;;
    esac

    if [ "$cmd" = rules ]; then
        local i have_sub=
        for ((i = 2; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in list|show|lint) have_sub=${COMP_WORDS[i]} ;; esac
        done
        if [ -z "$have_sub" ] && [[ $cur != -* ]]; then
            COMPREPLY=($(compgen -W 'list show lint' -- "$cur"))
            return 0
        fi
        if [ "$have_sub" = show ] && [[ $cur != -* ]]; then
            COMPREPLY=($(compgen -W "$("$prog" rules list 2>/dev/null | awk '/^[A-Z]/ { print $2 }')" -- "$cur"))
            return 0
        fi
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_lineage_options "$prog" "$cmd")" -- "$cur"))
        return 0
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}

complete -o filenames -o bashdefault -F _lineage lineage
