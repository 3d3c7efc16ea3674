#!/bin/bash
# option-meanings-planted.sh DAX SOURCE_DIR: check-option-meanings.py can fail. On a copy of the
# documents it must pass untouched, then fail, naming the option, on each disagreement planted:
# a default changed in a man page, an accepted value dropped from one, an effect changed in
# README's table, the scope of an option left out, and an Ansible force that claims more.
set -u
dax=$1 source=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dax-meanings.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
copy() { rm -rf "$work/src" && mkdir "$work/src" && cp -a "$source/README.md" "$source/man" "$source/ansible" "$work/src/"; }

copy
"$here/check-option-meanings.py" "$dax" "$work/src" >"$work/out" 2>&1 || { cat "$work/out"; fail "the untouched copy disagrees"; }
echo "ok: the untouched copy agrees"

# plant FILE SED WANT: after `sed -e SED` on FILE the check fails with a line matching WANT.
plant() {
  copy
  sed -i -e "$2" "$work/src/$1"
  cmp -s "$source/$1" "$work/src/$1" && fail "nothing planted in $1 by $2"
  "$here/check-option-meanings.py" "$dax" "$work/src" >"$work/out" 2>&1 && fail "$1 ($2): the check passed"
  grep -q -- "$3" "$work/out" || { cat "$work/out"; fail "$1 ($2): no failure matching '$3'"; }
  echo "ok: $1 ($2) fails: $(grep -m1 -- "$3" "$work/out" | cut -c1-140)"
}
plant man/dax-create-device.1.scd "s/Default: all of the region's available space./Default: 1G./" \
  "dax-create-device.1 -s,--size: keywords \['available'\]"
plant man/dax-reconfigure.1.scd 's/ or \*famfs\* (bind it to \*fsdev\\_dax\*,/ (bind it to *fsdev\\_dax*,/' \
  "dax-reconfigure.1 -m,--mode: values \['famfs'\]"
plant README.md 's/| `-N`, `--no-online` | system-ram: leave the new memory offline/| `-N`, `--no-online` | system-ram: leave the new memory online/' \
  "README.md reconfigure row -N: keywords \['offline'\]"
plant man/dax-reconfigure.1.scd 's/^\tsystem-ram: bind kmem although/\tBind kmem although/' \
  "dax-reconfigure.1 --destroy-data-in-use: scope"
plant ansible/plugins/modules/device.py 's/devdax: offline online memory first/devdax: overrides the in-use check/' \
  "ansible device force"
echo "ok: every planted disagreement fails the check"
