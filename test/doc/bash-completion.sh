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

rm -rf "$workdir" && mkdir -p "$workdir/tree" || exit 1
tar -xzf "$tarball" -C "$workdir/tree" || { echo "FAIL: cannot extract $tarball"; exit 1; }
tree=$workdir/tree
devices=$("$dax" --sysroot "$tree" --list-devices | sort | tr '\n' ' ')
regions=$("$dax" --sysroot "$tree" --list-regions | sort | tr '\n' ' ')
[[ -n $devices && -n $regions ]] || { echo "FAIL: no devices or regions in $tarball"; exit 1; }

# bash-completion is not `set -u` clean.
set +u
source "$bash_completion" || exit 1
source "$completion" || exit 1
[[ $(complete -p dax 2>/dev/null) == *"-F _dax"* ]] || { echo "FAIL: $completion registers no _dax for dax"; exit 1; }

# `dax` is the built binary, as on an installed system.
mkdir -p "$workdir/bin" && ln -sf "$(readlink -f "$dax")" "$workdir/bin/dax"
PATH=$workdir/bin:$PATH
cd "$workdir" || exit 1

failures=0
# complete LINE: the sorted COMPREPLY for LINE with the cursor at its end.
complete_line() {
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
  printf '%s\n' "${COMPREPLY[@]}" | grep . | sort | tr '\n' ' '
}
# check LINE EXPECTED (space-separated words, any order)
check() {
  local got want
  got=$(complete_line "$1")
  want=$(tr ' ' '\n' <<<"$2" | grep . | sort | tr '\n' ' ')
  if [[ $got == "$want" ]]; then
    echo "ok: '$1' -> $got"
  else
    echo "FAIL: '$1' -> '$got', expected '$want'"
    failures=$((failures + 1))
  fi
}

commands=$(dax --list-cmds | tr '\n' ' ')
check "dax " "$commands"
check "dax --sysroot $tree " "$commands"
check "dax reconfigure-d" "reconfigure-device"
check "dax --vers" "--version"
check "dax --" "$(dax --help | sed -n '/^Options:/,/^$/s/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | grep -- '^--' | tr '\n' ' ')"
check "dax help " "$commands"
for name in $commands; do
  [[ $name == help ]] && continue
  check "dax $name --" "$(dax "$name" --list-opts | tr '\n' ' ')"
done
check "dax reconfigure -m " "system-ram devdax"
check "dax reconfigure --mode=d" "devdax"
check "dax reconfigure --mode s" "system-ram"
check "dax list --format " "table json"
check "dax status --format=j" "json"
check "dax reconfigure --format t" "table"
# Devices and regions of the --sysroot tree, wherever --sysroot is on the line.
check "dax --sysroot $tree reconfigure -m system-ram " "$devices all"
check "dax --sysroot=$tree online " "$devices all"
check "dax offline --sysroot $tree " "$devices all"
check "dax --sysroot tree offline-memory " "$devices all"
check "dax --sysroot $tree list -d " "$devices all"
check "dax --sysroot $tree list --dev=" "$devices all"
check "dax --sysroot $tree online -r " "$regions"
check "dax --sysroot $tree online --region=" "$regions"
check "dax --sysroot $tree online da" "$(tr ' ' '\n' <<<"$devices" | grep '^da' | tr '\n' ' ')"
# list takes no device argument.
check "dax --sysroot $tree list " ""
# --sysroot completes directories.
mkdir -p "$workdir/sysroot-a" "$workdir/sysroot-b" && touch "$workdir/sysroot-file"
check "dax --sysroot sysroot-" "sysroot-a sysroot-b"

if ((failures)); then
  echo "$failures completion check(s) failed"
  exit 1
fi
