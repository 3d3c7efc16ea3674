# fish completion for dax(1).
#
# Everything it offers comes from the dax binary on the command line:
# commands from `dax --list-cmds`, options from `dax COMMAND --list-opts`,
# devices from `dax --list-devices`, regions from `dax --list-regions`, and
# --mode and --format values from `dax COMMAND --help`, -o columns from
# `dax COMMAND ... --list-columns`. A --sysroot on the line is passed
# on, so devices and regions come from that tree.

# Runs the dax being completed with the --sysroot of the line.
function __dax_ask
    set -l tokens (commandline -opc)
    set -l sysroot
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case --sysroot
                set sysroot $tokens[(math $i + 1)]
            case '--sysroot=*'
                set sysroot (string replace -- --sysroot= '' $tokens[$i])
        end
    end
    if test -n "$sysroot"
        string match -q -- '/*' $sysroot; or set sysroot $PWD/$sysroot
        command $tokens[1] --sysroot $sysroot $argv 2>/dev/null
    else
        command $tokens[1] $argv 2>/dev/null
    end
end

function __dax_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)

    # The command: the first word that is neither an option nor an option's value.
    set -l cmd
    set -l cmdi
    set -l skip 0
    for i in (seq 2 (count $tokens))
        set -l token $tokens[$i]
        if test $skip = 1
            set skip 0
        else if contains -- $token --sysroot --config-root
            set skip 1
        else if not string match -q -- '-*' $token
            set cmd $token
            set cmdi $i
            break
        end
    end

    # An option's value, given as "--opt value" or "--opt=value".
    set -l opt
    set -l prefix ''
    if string match -q -- '--*=*' $cur
        set opt (string replace -r -- '=.*' '' $cur)
        set prefix $opt=
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    else if not string match -q -- '-*' $cur; and test (count $tokens) -gt 1
        set opt $tokens[-1]
    end
    switch "$opt"
        case --sysroot --config-root
            __fish_complete_directories $cur | string replace -r -- '^' "$prefix"
            return
        case --input --textfile
            __fish_complete_path $cur | string replace -r -- '^' "$prefix"
            return
        case -r --region
            __dax_ask --list-regions | string replace -r -- '^' "$prefix"
            return
        case -d --dev
            printf '%s\n' $prefix(__dax_ask --list-devices) $prefix"all"
            return
        case -m --mode --format
            set -l long $opt
            test "$long" = -m; and set long --mode
            __dax_ask $cmd --help | string match -r -g -- "$long [A-Z]+:\\{([^}]*)\\}" |
                string split , | string replace -r -- '^' "$prefix"
            return
        case -o --output
            test -n "$cmd"; or return
            # The columns of the table the words before -o choose (--memory, --numa, -R), after
            # the '+' and commas typed so far; those words carry their own --sysroot, if any.
            set -l last -2
            test -n "$prefix"; and set last -1
            set -l typed (string match -r -- '^.*[+,]' $cur)
            command $tokens[1] $tokens[$cmdi..$last] --list-columns 2>/dev/null |
                string replace -r -- '^' "$prefix$typed"
            return
    end

    if test -z "$cmd"
        if string match -q -- '-*' $cur
            __dax_ask --help | string match -r -g -- '^  (-[^ ]*)' | string split , | string match -- '--*'
        else
            __dax_ask --list-cmds
        end
        return
    end

    if string match -q -- '-*' $cur
        __dax_ask $cmd --list-opts
        return
    end

    # Positional arguments, by the type `dax COMMAND --help` gives them.
    set -l help (__dax_ask $cmd --help)
    set -l n (contains -i -- Positionals: $help)
    test -n "$n"; or return
    switch (string split -n ' ' -- $help[(math $n + 1)])[2]
        case DEVICE
            __dax_ask --list-devices
            echo all
        case COMMAND
            __dax_ask --list-cmds
    end
end

complete -c dax -f -a '(__dax_complete)'
