#!/bin/bash
# man-aliases.sh DAX MANDIR: every command name dax accepts (dax --list-cmds: its own and daxctl's
# aliases such as reconfigure-device) has a man page MANDIR/dax-NAME.1, the page itself or a
# symbolic link to the page of the command it stands for, so that `man dax-reconfigure-device`
# finds it.
set -u
dax=$1 mandir=$2
failures=0 count=0
for name in $("$dax" --list-cmds); do
  [ "$name" = help ] && continue
  count=$((count + 1))
  page=$mandir/dax-$name.1
  if [ -L "$page" ]; then
    target=$(readlink "$page")
    [[ $target == dax-*.1 && ! -L $mandir/$target && -f $mandir/$target ]] ||
      { echo "FAIL: dax-$name.1 links to '$target', not to a page in $mandir"; failures=$((failures + 1)); continue; }
    echo "ok: dax-$name.1 -> $target"
  elif [ -f "$page" ]; then
    echo "ok: dax-$name.1"
  else
    echo "FAIL: no man page for 'dax $name' ($page)"; failures=$((failures + 1))
  fi
done
[ "$count" -gt 0 ] || { echo "FAIL: dax --list-cmds listed no command"; exit 1; }
echo "$count command names, $failures without a page"
[ "$failures" = 0 ]
