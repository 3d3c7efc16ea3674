#!/bin/bash
# systemd.sh BUILDDIR BINDIR UNITDIR RULESDIR WORKDIR: installs the build into WORKDIR (DESTDIR) and
# checks the udev rule and the systemd template unit: both installed where the build says, the
# rule asks systemd for the unit that is installed, ExecStart runs the installed dax, and
# `systemd-analyze verify` accepts an instance of the unit (its man page included).
set -u
builddir=$1 bindir=$2 unitdir=$3 rulesdir=$4 workdir=$5
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
rm -rf "$workdir" && mkdir -p "$workdir" || exit 1
DESTDIR=$workdir/root cmake --install "$builddir" >"$workdir/install.log" 2>&1 ||
  { echo "FAIL: cmake --install:"; cat "$workdir/install.log"; exit 1; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
unit=$workdir/root$unitdir/dax-apply@.service
rule=$workdir/root$rulesdir/90-dax.rules
[ -f "$unit" ] || fail "dax-apply@.service is not installed in $unitdir"
[ -f "$rule" ] || fail "90-dax.rules is not installed in $rulesdir"
((failures)) && exit 1

# The rule: on add of a dax device, the unit instance named after the kernel's device name.
grep -q '^ACTION=="add", SUBSYSTEM=="dax", .*ENV{SYSTEMD_WANTS}+="dax-apply@%k.service"' "$rule" ||
  fail "90-dax.rules does not want dax-apply@%k.service on add of a dax device"
grep -q 'TAG+="systemd"' "$rule" || fail "90-dax.rules does not tag the device for systemd"

# The unit runs the installed binary on the instance's device.
grep -qx "ExecStart=$bindir/dax apply %I" "$unit" || fail "ExecStart is not '$bindir/dax apply %I': $(grep ExecStart "$unit")"
[ -x "$workdir/root$bindir/dax" ] || fail "$bindir/dax is not installed"

# systemd-analyze checks that ExecStart exists: verify an instance whose ExecStart is the
# installed copy; MANPATH lets it find man:dax-apply(1) among the installed pages.
sed "s|^ExecStart=$bindir/dax|ExecStart=$workdir/root$bindir/dax|" "$unit" > "$workdir/dax-apply@dax0.0.service"
manpath=$(find "$workdir/root" -type d -name man1 -path '*/share/man/*' | head -1)
if ! MANPATH=${manpath%/man1} systemd-analyze verify "$workdir/dax-apply@dax0.0.service" >"$workdir/verify.log" 2>&1; then
  fail "systemd-analyze verify:"; cat "$workdir/verify.log"
fi
if [ -s "$workdir/verify.log" ]; then
  echo "systemd-analyze said:"; cat "$workdir/verify.log"; fail "systemd-analyze verify printed warnings"
fi

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "udev rule and systemd unit are installed and valid"
