#!/bin/bash
# bash-completion.sh DAX COMPLETION TARBALL WORKDIR
#
# Drives the bash completion for real: sources bash-completion and COMPLETION, sets
# COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash does (words split at blanks and '='),
# calls _dax and checks COMPREPLY. Devices and regions come from TARBALL, a sysfs tree
# extracted into WORKDIR, named with --sysroot on the line.
set -u
dax=$1 completion=$2 tarball=$3 workdir=$4
bash_completion=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
[[ -f $bash_completion ]] || { echo "SKIP: $bash_completion missing (apt-get install bash-completion)"; exit 77; }

source "$(dirname "$0")/completion-checks.sh" || exit 1
prepare_tree "$dax" "$tarball" "$workdir"

# bash-completion is not `set -u` clean.
set +u
source "$bash_completion" || exit 1
source "$completion" || exit 1
[[ $(complete -p dax 2>/dev/null) == *"-F _dax"* ]] || { echo "FAIL: $completion registers no _dax for dax"; exit 1; }

# The COMPREPLY for LINE with the cursor at its end, one word a line.
complete_words() {
  local line=$1 word part
  COMP_WORDS=()
  for word in $line; do
    while [[ $word == *=* ]]; do
      part=${word%%=*}
      [[ -n $part ]] && COMP_WORDS+=("$part")
      COMP_WORDS+=("=")
      word=${word#*=}
    done
    [[ -n $word ]] && COMP_WORDS+=("$word")
  done
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  _dax dax "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

check_lines
finish
