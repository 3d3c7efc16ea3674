#!/bin/bash
# package.sh BUILDDIR WORKDIR: builds the .deb with cpack (CPackConfig.cmake of BUILDDIR)
# into WORKDIR and checks with dpkg that it holds the binary, the man pages and the
# completions, a man page for every command name (daxctl's too), the example alerting rules and
# configuration, the udev rule and systemd unit (where the build put
# them, ExecStart naming the packaged binary), and that Depends names the runtime libraries
# (libkmod2 among them) and no libfmt (compiled in, so that one .deb installs on Debian 12 and 13).
set -u
builddir=$1 workdir=$2
for tool in cpack dpkg-deb dpkg; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$workdir" && mkdir -p "$workdir" || exit 1
cpack --config "$builddir/CPackConfig.cmake" -G DEB -B "$workdir" >"$workdir/cpack.log" 2>&1 ||
  { echo "FAIL: cpack -G DEB:"; cat "$workdir/cpack.log"; exit 1; }
debs=("$workdir"/*.deb)
[[ ${#debs[@]} == 1 && -f ${debs[0]} ]] || { echo "FAIL: cpack made no single .deb:"; ls -l "$workdir"; exit 1; }
deb=${debs[0]}
echo "built ${deb##*/}"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
contents=$(dpkg -c "$deb" | awk '{ print $NF }' | sed 's:^\./:/:')
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$builddir/CMakeCache.txt"; }
unitdir=$(cache_value DAX_SYSTEMD_UNIT_DIR) rulesdir=$(cache_value DAX_UDEV_RULES_DIR)
info=$(dpkg -I "$deb")
# man pages gzipped, as Debian policy wants (cmake/deb/compress-man.cmake)
for path in /usr/bin/dax \
            /usr/share/man/man1/dax.1.gz /usr/share/man/man1/dax-list.1.gz \
            /usr/share/man/man1/dax-reconfigure.1.gz /usr/share/man/man1/dax-online.1.gz \
            /usr/share/man/man1/dax-offline.1.gz /usr/share/man/man1/dax-apply.1.gz \
            "$unitdir/dax-apply@.service" "$rulesdir/90-dax.rules" "$rulesdir/91-dax-daxctl.rules" \
            "$unitdir/dax-metrics.service" "$unitdir/dax-metrics.timer" /usr/share/man/man1/dax-metrics.1.gz \
            /usr/share/doc/dax/copyright /usr/share/doc/dax/changelog.gz \
            /usr/share/doc/dax/examples/dax-alerts.rules.yml /usr/share/doc/dax/examples/dax.conf \
            /usr/share/bash-completion/completions/dax \
            /usr/share/zsh/vendor-completions/_dax \
            /usr/share/fish/vendor_completions.d/dax.fish; do
  grep -qx -- "$path" <<<"$contents" || fail "$path is not in the package"
done
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
echo "Depends: $depends"
for lib in libkmod2 libc6 libstdc++6 libgcc-s1; do
  [[ ", $depends," == *", $lib "* || ", $depends," == *", $lib,"* ]] || fail "Depends lacks $lib"
done
# fmt is compiled in (DAX_FMT_BUILTIN): a libfmtN dependency would tie the package to one Debian release
[[ $depends == *libfmt* ]] && fail "Depends names libfmt (fmt should be compiled in): $depends"
grep -q '^ Package: dax$' <<<"$info" || fail "the package is not called dax"
grep -q '^ Maintainer: .*<.*@.*>' <<<"$info" || fail "no Maintainer with an address"
grep -q '^ Description: .' <<<"$info" || fail "no Description"
# The packaged binary runs and is the one built.
dpkg-deb -x "$deb" "$workdir/root" || fail "dpkg-deb -x failed"
version=$("$workdir/root/usr/bin/dax" --version 2>&1) || fail "the packaged dax does not run: $version"
grep -q "^ Version: ${version#dax }" <<<"$info" || fail "package version differs from '$version'"
# A page for every command name, daxctl's too (dax-reconfigure-device.1.gz -> dax-reconfigure.1.gz).
for name in $("$workdir/root/usr/bin/dax" --list-cmds); do
  [ "$name" = help ] || [ -f "$workdir/root/usr/share/man/man1/dax-$name.1.gz" ] ||
    fail "no man page dax-$name.1.gz (or a link to a missing one)"
done
grep -qx 'ExecStart=/usr/bin/dax apply %I' "$workdir/root$unitdir/dax-apply@.service" ||
  fail "the packaged dax-apply@.service does not run /usr/bin/dax apply %I"

if ((failures)); then
  echo "$failures package check(s) failed"
  exit 1
fi
echo "package contents and control fields are as expected"
