# Sourced by bash-completion.sh and other-completion.sh: what every completion test does alike.
# The sourcing script defines `complete_words LINE`, which prints what its shell offers for LINE
# with the cursor at its end, one word a line, and then calls:
#   prepare_tree DAX TARBALL WORKDIR   the sysfs tree, and DAX on PATH as `dax` (cwd: WORKDIR)
#   check_lines                        the lines every shell completes alike
#   finish                             exits 1 when a check failed
# After `--option=`, fish offers `--option=VALUE` words where bash and zsh offer the VALUEs: its
# script sets whole_assignments=yes. After `-o +COL,`, bash and fish offer `+COL,NAME` words where
# zsh offers the NAMEs (compset moves what was typed aside): its script sets moved_prefixes=yes.

failures=0

# Extracts TARBALL into WORKDIR/tree and sets tree, devices and regions from it.
prepare_tree() {
  local dax=$1 tarball=$2 workdir=$3
  rm -rf "$workdir" && mkdir -p "$workdir/tree" "$workdir/bin" || exit 1
  tar -xzf "$tarball" -C "$workdir/tree" || { echo "FAIL: cannot extract $tarball"; exit 1; }
  tree=$workdir/tree
  # `dax` is the built binary, as on an installed system.
  ln -sf "$(readlink -f "$dax")" "$workdir/bin/dax"
  export PATH=$workdir/bin:$PATH
  cd "$workdir" || exit 1
  devices=$(dax --sysroot "$tree" --list-devices | tr '\n' ' ')
  regions=$(dax --sysroot "$tree" --list-regions | tr '\n' ' ')
  [[ -n $devices && -n $regions ]] || { echo "FAIL: no devices or regions in $tarball"; exit 1; }
}

# check LINE EXPECTED (space-separated words, any order)
check() {
  local got want
  got=$(complete_words "$1" | grep . | sort | tr '\n' ' ')
  want=$(tr ' ' '\n' <<<"$2" | grep . | sort | tr '\n' ' ')
  if [[ $got == "$want" ]]; then
    echo "ok: '$1' -> $got"
  else
    echo "FAIL: '$1' -> '$got', expected '$want'"
    failures=$((failures + 1))
  fi
}

# check_assignment LINE VALUES: LINE ends in --option=PREFIX.
check_assignment() {
  local line=$1 values=$2 option
  if [[ ${whole_assignments:-no} == yes ]]; then
    option=${line##* }
    values=$(tr ' ' '\n' <<<"$values" | grep . | sed "s|^|${option%%=*}=|" | tr '\n' ' ')
  fi
  check "$line" "$values"
}

# check_columns LINE NAMES: LINE ends in `-o [+][COL,...]PREFIX` or `--output=...`; NAMES are the
# column names offered.
check_columns() {
  local line=$1 typed=${1##*[ =]}
  typed=${typed%"${typed##*[+,]}"}
  [[ ${moved_prefixes:-no} == yes ]] && typed=""
  local values
  values=$(tr ' ' '\n' <<<"$2" | grep . | sed "s|^|$typed|" | tr '\n' ' ')
  if [[ ${line##* } == *=* ]]; then
    check_assignment "$line" "$values"
  else
    check "$line" "$values"
  fi
}

# -o of every table view: the columns of the table the words before it choose.
check_column_lines() {
  check_columns "dax list -o " "DEVICE REGION SIZE ALIGN MODE STATE DRIVER NODE BLOCKS ZONE LOST"
  check_columns "dax list -o +DRIVER,SI" "SIZE"
  check_columns "dax list --output=+DR" "DRIVER"
  check_columns "dax --sysroot $tree list -R -o A" "ALIGN AVAILABLE"
  check_columns "dax list --sysroot $tree -R --output=+D" "DEVICES"
  check_columns "dax list --memory -o +C" "COUNT"
  check_columns "dax list --memory --output S" "SIZE START STATE"
  check_columns "dax list --numa -o NODE,D" "DAX DISTANCES"
  check_columns "dax list --numa --output=T" "TIER TOTAL"
  check_columns "dax reconfigure --format=table -o +DRIVER,L" "LOST"
  check "dax status -o " ""
}

check_lines() {
  local commands name
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
  check "dax reconfigure -m " "system-ram devdax famfs"
  check_assignment "dax reconfigure --mode=f" "famfs"
  check_assignment "dax reconfigure --mode=d" "devdax"
  check "dax reconfigure --mode s" "system-ram"
  check "dax list --format " "table json"
  check_assignment "dax status --format=j" "json"
  check "dax reconfigure --format t" "table"
  # Devices and regions of the --sysroot tree, wherever --sysroot is on the line.
  check "dax --sysroot $tree reconfigure -m system-ram " "$devices all"
  check "dax --sysroot=$tree online " "$devices all"
  check "dax offline --sysroot $tree " "$devices all"
  check "dax --sysroot tree offline-memory " "$devices all"
  check "dax --sysroot $tree list -d " "$devices all"
  check_assignment "dax --sysroot $tree list --dev=" "$devices all"
  check "dax --sysroot $tree online -r " "$regions"
  check_assignment "dax --sysroot $tree online --region=" "$regions"
  check "dax --sysroot $tree online da" "$(tr ' ' '\n' <<<"$devices" | grep '^da' | tr '\n' ' ')"
  # list takes no device argument.
  check "dax --sysroot $tree list " ""
  # --sysroot completes directories.
  mkdir -p sysroot-a sysroot-b && touch sysroot-file
  check "dax --sysroot sysroot-" "sysroot-a sysroot-b"
  check_column_lines
}

finish() {
  if ((failures)); then
    echo "$failures completion check(s) failed"
    exit 1
  fi
  exit 0
}
