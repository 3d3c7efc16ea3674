#!/bin/bash
# man-render.sh PAGE: the page renders with man-db's `man -l` with no groff warnings, its
# NAME line parses (lexgrog, what mandb and whatis use), and no scdoc markup or build
# placeholder is left in the text.
set -u
page=$1
export LC_ALL=C.UTF-8 MANWIDTH=80
command -v man >/dev/null || { echo "SKIP: man not installed (apt-get install man-db)"; exit 77; }
name=${page##*/}; name=${name%.1}
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
status=0
man --warnings -l "$page" >"$out" 2>"$err" || { echo "FAIL: man -l $page exited $?"; status=1; }
if [[ -s $err ]]; then echo "FAIL: man -l $page warned:"; cat "$err"; status=1; fi
text=$(col -bx <"$out")
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES FILES "SEE ALSO"; do
  grep -qx "$section" <<<"$text" || { echo "FAIL: $name(1) has no $section section"; status=1; }
done
if leftovers=$(grep -nE '%include|@VERSION@|(^|[ (])[*_][A-Za-z-]|[A-Za-z][*_]($|[ ,.)])' <<<"$text"); then
  echo "FAIL: unrendered markup in $name(1):"; echo "$leftovers"; status=1
fi
if command -v lexgrog >/dev/null; then
  whatis=$(lexgrog "$page" 2>&1)
  [[ $whatis == *"\"$name - "* ]] || { echo "FAIL: lexgrog does not find '$name - ...': $whatis"; status=1; }
fi
((status)) || echo "$name(1) renders ($(wc -l <"$out") lines)"
exit $status
