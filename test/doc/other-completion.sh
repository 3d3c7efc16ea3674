#!/bin/bash
# other-completion.sh zsh|fish DAX COMPLETION TARBALL WORKDIR
#
# The zsh and fish completions, run for real on the lines bash-completion.sh checks:
# fish through `complete -C LINE`; zsh by calling _dax with words/CURRENT set and
# compadd/compset/_directories replaced by functions that print what would be offered.
set -u
shell=$1 dax=$2 completion=$3 tarball=$4 workdir=$5
command -v "$shell" >/dev/null || { echo "SKIP: $shell not installed (apt-get install $shell)"; exit 77; }
source "$(dirname "$0")/completion-checks.sh" || exit 1
prepare_tree "$dax" "$tarball" "$workdir"

case $shell in
  fish)
    "$shell" -n "$completion" || { echo "FAIL: fish -n $completion"; exit 1; }
    run() { fish --no-config -c 'source $argv[1]; complete -C"$argv[2]"' "$completion" "$1" | cut -f1; }
    whole_assignments=yes
    ;;
  zsh)
    "$shell" -n "$completion" || { echo "FAIL: zsh -n $completion"; exit 1; }
    run() {
      zsh -f -c '
        compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- ${(M)@:#${cur}*}; }
        compset() { [[ $1 == -P ]] && cur=${cur##${~2}}; return 0; }
        _directories() { print -rl -- ${cur}*(/N); }
        words=(${(z)2}); [[ $2 == *" " ]] && words+=("")
        CURRENT=$#words
        source $1' zsh "$completion" "$1"
    }
    moved_prefixes=yes
    ;;
  *) echo "usage: $0 zsh|fish DAX COMPLETION TARBALL WORKDIR"; exit 2 ;;
esac

# What the shell offers, directories without their trailing '/', each once.
complete_words() { run "$1" | sed 's:/$::' | sort -u; }

check_lines
finish
