# Host helpers of test/boot (sourced by boot-test, chroot-test, make-deb). Exit 77 only when
# this host cannot run the test at all (not root, no network and nothing cached, no QEMU), with
# the reason; every other problem is a failure (exit 1).
: "${DAX_BOOT_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/dax-boot}"
: "${DAX_BOOT_DEBIAN_URI:=}"

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; exit 1; }
note() { echo "[$(date -u +%H:%M:%S)] $*"; }

need_root() { [ "$(id -u)" = 0 ] || skip "needs root (mmdebstrap in root mode, chroot, dpkg -i in the image)"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "'$1' not found (apt-get install $2; tools/deps test installs it)"; }

# The archive the machine's apt already uses for Debian 12 (as test/vm/vm-run does); the guest
# and chroot images are built from it without touching /etc/apt.
debian_uri() {
	local uri=$DAX_BOOT_DEBIAN_URI
	[ -n "$uri" ] || uri=$(apt-get indextargets --format '$(REPO_URI)' 'Codename: bookworm' 'Created-By: Packages' 2>/dev/null | head -n1)
	[ -n "$uri" ] || skip "no Debian archive URI in the system's apt configuration: set DAX_BOOT_DEBIAN_URI"
	echo "$uri"
}

# rootfs_tar SUITE PACKAGES [EXTRA-SUITE...]: prints the path of a cached mmdebstrap tarball of SUITE
# (variant apt) with PACKAGES (comma-separated; PKG/EXTRA-SUITE takes PKG from an extra suite, such as
# linux-image-amd64/trixie-backports), building it first when it is not cached. The EXTRA-SUITEs of
# the same archive are added to the sources. The cache key is the suite, the package list, the
# extra suites and the archive; delete $DAX_BOOT_CACHE to get newer packages.
rootfs_tar() {
	local suite=$1 pkgs=$2 uri key tar part extra src=()
	shift 2
	uri=$(debian_uri) || exit $?
	for extra in "$@"; do src+=("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $extra main"); done
	key=$(printf '%s\n' "$suite" "$pkgs" "$uri" | sha256sum | cut -c1-12)
	[ $# = 0 ] || key=$(printf '%s\n' "$suite" "$pkgs" "$uri" "$@" | sha256sum | cut -c1-12)
	tar=$DAX_BOOT_CACHE/rootfs-$suite-$key.tar
	part=$DAX_BOOT_CACHE/.part-$suite-$key.tar   # mmdebstrap picks the output format by the extension
	mkdir -p "$DAX_BOOT_CACHE"
	exec 8>"$DAX_BOOT_CACHE/.lock-$suite-$key"
	flock 8
	if [ ! -s "$tar" ]; then
		need_cmd mmdebstrap mmdebstrap
		note "building the $suite root filesystem with mmdebstrap (cached as $tar)" >&2
		local t0=$SECONDS
		if ! nice -n 10 mmdebstrap --variant=apt --include="$pkgs" "$suite" "$part" \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" ${src[@]+"${src[@]}"} \
			>"$DAX_BOOT_CACHE/mmdebstrap-$suite.log" 2>&1; then
			rm -rf "$part"
			if ! getent hosts "$(echo "$uri" | sed 's|^[a-z]*://||; s|/.*||')" >/dev/null; then
				skip "mmdebstrap $suite: the archive $uri cannot be reached and nothing is cached"
			fi
			tail -n 20 "$DAX_BOOT_CACHE/mmdebstrap-$suite.log" >&2
			die "mmdebstrap $suite failed (log: $DAX_BOOT_CACHE/mmdebstrap-$suite.log)"
		fi
		mv "$part" "$tar"
		note "mmdebstrap $suite: $((SECONDS - t0)) s, $(du -m "$tar" | cut -f1) MB" >&2
	fi
	flock -u 8
	echo "$tar"
}

# qemu10: sets QEMU and QEMU_L to bookworm-backports' QEMU 10 (CXL type-3 volatile memory needs
# QEMU >= 8; the host's is 7.2), as test/vm/vm-run --qemu 10 extracts it into its cache (read here;
# a missing one is fetched by one short vm-run boot, which fills that cache).
qemu10() {
	local vmc=${DAX_VM_CACHE:-$HOME/.cache/dax-vm} run
	QEMU=$vmc/qemu-bpo/root/usr/bin/qemu-system-x86_64 QEMU_L=(-L "$vmc/qemu-bpo/root/usr/share/qemu")
	if [ ! -x "$QEMU" ]; then
		run=$(mktemp -d) && echo 'exit 0' >"$run/true.sh"
		"$(dirname "${BASH_SOURCE[0]}")/../vm/vm-run" --qemu 10 --pmem none "$run/true.sh" >"$run/log" 2>&1
		rm -rf "$run"
	fi
	[ -x "$QEMU" ] || skip "QEMU 10 (bookworm-backports) not available: $QEMU (test/vm/vm-run --qemu 10 fetches it)"
	"$QEMU" "${QEMU_L[@]}" --version >/dev/null 2>&1 || die "$QEMU does not run"
}
