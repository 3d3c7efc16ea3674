#!/bin/bash
# check-options.sh DAX MANDIR COMPLETIONSDIR
#
# Fails when the binary, the man pages and the shell completions disagree about options
# or commands (like util-linux's checkusage.sh, checkmanpage.sh, checkcompletion.sh):
# - `dax CMD --list-opts` and the Options of `dax CMD --help` name the same options;
# - dax-CMD(1) documents (OPTIONS and GLOBAL OPTIONS) exactly the options of
#   `dax CMD --help` plus the global ones of `dax --help`, and names CMD's aliases;
# - dax(1) documents exactly the global options and lists every command and alias
#   of `dax --list-cmds`; there is a page for each command and a command for each page (or a
#   link to one named after an alias);
# - the completions name no option the binary does not have (they ask it for the list;
#   test/doc/*-completion.sh check that what they offer is that list).
set -u
dax=$1 mandir=$2 compdir=$3
export LC_ALL=C.UTF-8 MANWIDTH=200
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for tool in man col; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (apt-get install man-db bsdextrautils)"; exit 77; }
done

# Options (short and long, one a line) in the Options section of `dax [CMD] --help`.
help_options() {
  "$dax" "$@" --help | sed -n '/^Options:/,/^$/s/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | sort -u
}

# The page rendered as plain text.
render() { man -l "$1" 2>/dev/null | col -bx; }

# Options on the item lines (indented 7) of the named sections of a rendered page.
page_options() {
  local page=$1; shift
  render "$page" | awk -v sections="$*" '
    BEGIN { n = split(sections, want, ",") }
    /^[A-Z][A-Z ]*$/ { on = 0; for (i = 1; i <= n; i++) if ($0 == want[i]) on = 1; next }
    on && /^       -/ { print }' |
    grep -oE '(^|[ ,|[])--?[A-Za-z][A-Za-z-]*' | sed 's/^[ ,|[]*//' | sort -u
}

# Compares two sorted lists; $3 and $4 name them.
compare() {
  local missing extra
  missing=$(comm -23 <(echo "$1") <(echo "$2") | tr '\n' ' ')
  extra=$(comm -13 <(echo "$1") <(echo "$2") | tr '\n' ' ')
  [[ -z $missing ]] || fail "$4 lacks $missing(in $3)"
  [[ -z $extra ]] || fail "$4 has $extra(not in $3)"
}

commands=$("$dax" --list-cmds) || { fail "dax --list-cmds failed"; exit 1; }
[[ -n $commands ]] || fail "dax --list-cmds printed nothing"
global=$(help_options)
[[ -n $global ]] || fail "dax --help lists no options"

# dax(1): global options and every command name.
top=$mandir/dax.1
if [[ -f $top ]]; then
  compare "$global" "$(page_options "$top" OPTIONS)" "dax --help" "dax(1) OPTIONS"
  page_commands=$(render "$top" | awk '/^[A-Z][A-Z ]*$/ { on = ($0 == "COMMANDS"); next }
                                      on && /^       [a-z]/ { print }' |
                  sed 's/\[.*//' | tr ',' '\n' | tr -d ' ' | grep . | sort -u)
  compare "$(echo "$commands" | sort -u)" "$page_commands" "dax --list-cmds" "dax(1) COMMANDS"
else
  fail "no dax.1 in $mandir"
fi

declare -A canonical=()
for name in $commands; do
  cmd=$("$dax" "$name" --help | sed -n 's/^Usage: dax \([^ ]*\).*/\1/p')
  [[ -n $cmd ]] || { fail "dax $name --help has no 'Usage: dax COMMAND' line"; continue; }
  [[ $cmd == help ]] && continue
  canonical[$cmd]+=" $name"

  # --list-opts against --help (long options; --help of the command is its own).
  list_opts=$("$dax" "$name" --list-opts | sort -u)
  help_long=$( (help_options "$name"; echo "$global") | grep -- '^--' | sort -u)
  compare "$help_long" "$list_opts" "dax $name --help and dax --help" "dax $name --list-opts"
done

for cmd in "${!canonical[@]}"; do
  page=$mandir/dax-$cmd.1
  if [[ ! -f $page ]]; then
    fail "command '$cmd' has no man page dax-$cmd.1"
    continue
  fi
  want=$( (help_options "$cmd"; echo "$global") | sort -u)
  compare "$want" "$(page_options "$page" "OPTIONS,GLOBAL OPTIONS")" \
    "dax $cmd --help and dax --help" "dax-$cmd(1) OPTIONS and GLOBAL OPTIONS"
  text=$(render "$page")
  for name in ${canonical[$cmd]}; do
    grep -qw -- "dax $name" <<<"$text" || fail "dax-$cmd(1) does not mention 'dax $name'"
  done
done
shopt -s nullglob
for page in "$mandir"/dax-*.1; do
  cmd=${page##*/dax-}; cmd=${cmd%.1}
  # daxctl's names of a command are links to its page (man-aliases.sh checks where they point).
  [[ -n ${canonical[$cmd]:-} || (-L $page && " $(echo $commands) " == *" $cmd "*) ]] ||
    fail "man page dax-$cmd.1 is for no command of dax --list-cmds"
done

# Completions: every long option they name must exist (hidden introspection options included).
known=$( (echo "$global"; for name in $commands; do "$dax" "$name" --list-opts 2>/dev/null; done
          echo --list-cmds; echo --list-opts; echo --list-columns; echo --list-devices; echo --list-regions) | sort -u)
for file in "$compdir"/dax.bash "$compdir"/_dax "$compdir"/dax.fish; do
  [[ -f $file ]] || { fail "missing completion $file"; continue; }
  named=$(grep -v '^ *#' "$file" | grep -oE '(^|[^A-Za-z0-9_-])--?[a-z][a-z-]*' |
          sed 's/^[^-]*//' | grep -E '^--[a-z]' | sort -u)
  unknown=$(comm -23 <(echo "$named") <(echo "$known") | tr '\n' ' ')
  [[ -z $unknown ]] || fail "${file##*/} names options dax does not have: $unknown"
done

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "options of $(echo "$commands" | wc -w) command names agree between the binary, the man pages and the completions"
