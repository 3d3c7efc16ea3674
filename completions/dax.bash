# bash completion for dax(1)                                -*- shell-script -*-
#
# Everything it offers comes from the dax binary on the command line:
# commands from `dax --list-cmds`, options from `dax COMMAND --list-opts`,
# devices from `dax --list-devices`, regions from `dax --list-regions`, and
# --mode and --format values from `dax COMMAND --help`, -o columns from
# `dax COMMAND ... --list-columns`. A --sysroot on the line is passed
# on, so devices and regions come from that tree.

# Runs the dax being completed (words[0]) with the --sysroot of the line.
# Uses: words, cword (from _init_completion).
_dax_ask()
{
    local dax=${words[0]/#\~/$HOME} sysroot="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --sysroot) sysroot=${words[i + 1]} ;;
            --sysroot=*) sysroot=${words[i]#--sysroot=} ;;
        esac
    done
    if [[ -n $sysroot ]]; then
        sysroot=${sysroot/#\~/$HOME}
        [[ $sysroot == /* ]] || sysroot=$PWD/$sysroot
        "$dax" --sysroot "$sysroot" "$@" 2>/dev/null
    else
        "$dax" "$@" 2>/dev/null
    fi
}

# The long options in the Options section of `dax [COMMAND] --help`.
_dax_help_options()
{
    _dax_ask "$@" --help | sed -n '/^Options:/,/^$/s/^  \(-[^ ]*\).*/\1/p' |
        tr ',' '\n' | grep -- '^--'
}

_dax()
{
    local cur prev words cword split
    _init_completion -s || return

    # The command: the first word that is neither an option nor an option's value.
    local i cmd="" cmdi
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --sysroot | --config-root) ((i++)) ;;
            -*) ;;
            *)
                cmd=${words[i]}
                cmdi=$i
                break
                ;;
        esac
    done

    case $prev in
        --sysroot | --config-root)
            _filedir -d
            return
            ;;
        --input | --textfile)
            _filedir
            return
            ;;
        -r | --region)
            COMPREPLY=($(compgen -W "$(_dax_ask --list-regions)" -- "$cur"))
            return
            ;;
        -d | --dev)
            COMPREPLY=($(compgen -W "$(_dax_ask --list-devices) all" -- "$cur"))
            return
            ;;
        -m | --mode | --format)
            # The values CLI11 lists in the help: "--mode MODE:{system-ram,devdax}".
            local long=$prev values
            [[ $long == -m ]] && long=--mode
            values=$(_dax_ask "$cmd" --help | sed -n "s/.*$long [A-Z]*:{\([^}]*\)}.*/\1/p")
            COMPREPLY=($(compgen -W "${values//,/ }" -- "$cur"))
            return
            ;;
        -o | --output)
            [[ -n $cmd ]] || return
            # The columns of the table the words before -o choose (--memory, --numa, -R), after
            # the '+' and commas typed so far; those words carry their own --sysroot, if any.
            local last=$((cword - 2)) typed=${cur%"${cur##*[+,]}"} columns
            $split && last=$((cword - 1))
            columns=$("${words[0]/#\~/$HOME}" "${words[@]:cmdi:last-cmdi+1}" --list-columns 2>/dev/null)
            COMPREPLY=($(compgen -P "$typed" -W "$columns" -- "${cur##*[+,]}"))
            return
            ;;
    esac
    $split && return

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_dax_help_options)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_dax_ask --list-cmds)" -- "$cur"))
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_dax_ask "$cmd" --list-opts)" -- "$cur"))
        return
    fi

    # Positional arguments, by the type `dax COMMAND --help` gives them.
    local positional
    positional=$(_dax_ask "$cmd" --help | sed -n '/^Positionals:/{n;s/^ *[^ ]* \([A-Z]*\).*/\1/p;}')
    case $positional in
        DEVICE)
            COMPREPLY=($(compgen -W "$(_dax_ask --list-devices) all" -- "$cur"))
            ;;
        COMMAND)
            COMPREPLY=($(compgen -W "$(_dax_ask --list-cmds)" -- "$cur"))
            ;;
    esac
} &&
    complete -F _dax dax

# ex: filetype=sh
