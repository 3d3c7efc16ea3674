#!/bin/bash
# other-completion.sh zsh|fish DAX COMPLETION TARBALL WORKDIR
#
# The zsh and fish completions, run for real on lines like bash-completion.sh's:
# fish through `complete -C LINE`; zsh by calling _dax with words/CURRENT set and
# compadd/compset/_directories replaced by functions that print what would be offered.
set -u
shell=$1 dax=$2 completion=$3 tarball=$4 workdir=$5
command -v "$shell" >/dev/null || { echo "SKIP: $shell not installed (apt-get install $shell)"; exit 77; }
rm -rf "$workdir" && mkdir -p "$workdir/tree" "$workdir/bin" || exit 1
tar -xzf "$tarball" -C "$workdir/tree" || { echo "FAIL: cannot extract $tarball"; exit 1; }
tree=$workdir/tree
ln -sf "$(readlink -f "$dax")" "$workdir/bin/dax"
export PATH=$workdir/bin:$PATH
cd "$workdir" || exit 1
devices=$(dax --sysroot "$tree" --list-devices | tr '\n' ' ')
regions=$(dax --sysroot "$tree" --list-regions | tr '\n' ' ')
[[ -n $devices && -n $regions ]] || { echo "FAIL: no devices or regions in $tarball"; exit 1; }

case $shell in
  fish)
    "$shell" -n "$completion" || { echo "FAIL: fish -n $completion"; exit 1; }
    run() { fish --no-config -c 'source $argv[1]; complete -C"$argv[2]"' "$completion" "$1" | cut -f1; }
    ;;
  zsh)
    "$shell" -n "$completion" || { echo "FAIL: zsh -n $completion"; exit 1; }
    run() {
      zsh -f -c '
        compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- ${(M)@:#${cur}*}; }
        compset() { [[ $1 == -P ]] && cur=${cur#*=}; return 0; }
        _directories() { print -rl -- ${cur}*(/N); }
        words=(${(z)2}); [[ $2 == *" " ]] && words+=("")
        CURRENT=$#words
        source $1' zsh "$completion" "$1"
    }
    ;;
  *) echo "usage: $0 zsh|fish DAX COMPLETION TARBALL WORKDIR"; exit 2 ;;
esac

failures=0
check() {
  local got want
  got=$(run "$1" | grep . | sed 's:/$::' | sort -u | tr '\n' ' ')
  want=$(tr ' ' '\n' <<<"$2" | grep . | sort -u | tr '\n' ' ')
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
check "dax --" "$(dax --help | sed -n '/^Options:/,/^$/s/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | grep -- '^--' | tr '\n' ' ')"
for name in $commands; do
  [[ $name == help ]] && continue
  check "dax $name --" "$(dax "$name" --list-opts | tr '\n' ' ')"
done
check "dax reconfigure -m " "system-ram devdax"
check "dax list --format " "table json"
check "dax --sysroot $tree reconfigure -m system-ram " "$devices all"
check "dax --sysroot=$tree online " "$devices all"
check "dax offline --sysroot $tree " "$devices all"
check "dax --sysroot tree offline-memory " "$devices all"
check "dax --sysroot $tree list -d " "$devices all"
check "dax --sysroot $tree online -r " "$regions"
check "dax --sysroot $tree list " ""
mkdir -p sysroot-a sysroot-b && touch sysroot-file
check "dax --sysroot sysroot-" "sysroot-a sysroot-b"

if ((failures)); then
  echo "$failures completion check(s) failed"
  exit 1
fi
