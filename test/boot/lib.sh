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

# rootfs_tar SUITE PACKAGES: prints the path of a cached mmdebstrap tarball of SUITE (variant apt)
# with PACKAGES (comma-separated), building it first when it is not cached. The cache key is the
# suite, the package list and the archive; delete $DAX_BOOT_CACHE to get newer packages.
rootfs_tar() {
	local suite=$1 pkgs=$2 uri key tar part
	uri=$(debian_uri) || exit $?
	key=$(printf '%s\n' "$suite" "$pkgs" "$uri" | sha256sum | cut -c1-12)
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
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" \
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
