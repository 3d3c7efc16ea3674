# Helpers of the snapshot guest scripts (busybox sh): mirror_tree, snapshot, t.
SNAP=$VM_OUT/snap
mkdir -p "$SNAP"

# mirror_tree SRC DSTROOT META : copy a sysfs subtree into DSTROOT/<SRC path>
#  - readable regular files: contents read with cat, mode copied
#  - symlinks: recreated with their (relative) target
#  - write-only files and unreadable ones: NOT copied, listed in META
# META lines:  <type> <mode> <path> [-> target | : error]
#   type d=dir f=file l=symlink w=write-only e=read error
mirror_tree() {
	_src=$1 _dst=$2 _meta=$3
	find "$_src" | while read -r p; do
		t=$_dst$p
		if [ -L "$p" ]; then
			mkdir -p "${t%/*}"
			l=$(readlink "$p")
			ln -s "$l" "$t"
			echo "l 777 $p -> $l" >> "$_meta"
		elif [ -d "$p" ]; then
			mkdir -p "$t"
			echo "d $(stat -c %a "$p") $p" >> "$_meta"
		elif [ -f "$p" ]; then
			mode=$(stat -c %a "$p")
			case $mode in
			[4567]??)
				if cat "$p" > "$t" 2>/tmp/mirror.err; then
					chmod "$mode" "$t"
					echo "f $mode $p" >> "$_meta"
				else
					rm -f "$t"
					echo "e $mode $p : $(sed 's/^cat: //' /tmp/mirror.err)" >> "$_meta"
				fi ;;
			*)
				echo "w $mode $p" >> "$_meta" ;;
			esac
		fi
	done
}

# snapshot NAME : mirror the sysfs parts relevant to dax/kmem/memory
# hotplug into $SNAP/NAME.tar.gz (+ NAME.list = META listing)
snapshot() {
	_n=$1 _d=/tmp/snap-$1
	rm -rf "$_d"; mkdir -p "$_d"
	_m=$_d/_meta.txt
	: > "$_m"
	for s in /sys/bus/dax /sys/devices/system/memory /sys/devices/system/node \
	         /sys/module/memory_hotplug/parameters /sys/bus/cxl /sys/devices/virtual/memory_tiering \
	         /sys/kernel/mm/numa; do
		[ -e "$s" ] && mirror_tree "$s" "$_d" "$_m"
	done
	# the dax device's real directory: mirror its parent (the nd_dax /
	# platform device), which also holds dax_region/
	# (a CXL region's dax region: the cxl region above it, whose subsystem link names the cxl bus)
	for dd in /sys/bus/dax/devices/*; do
		[ -e "$dd" ] || continue
		real=$(readlink -f "$dd")
		p=${real%/*}
		[ "$(readlink -f "${p%/*}/subsystem")" = /sys/bus/cxl ] && p=${p%/*}
		echo "$p"
	done | sort -u | while read -r parent; do
		mirror_tree "$parent" "$_d" "$_m"
	done
	for dr in /sys/bus/dax/drivers/*; do
		[ -e "$dr/module" ] || continue
		mod=$(readlink -f "$dr/module")
		[ -d "$mod/parameters" ] && mirror_tree "$mod/parameters" "$_d" "$_m"
	done
	mkdir -p "$_d/proc"
	cat /proc/iomem > "$_d/proc/iomem"
	cat /proc/meminfo > "$_d/proc/meminfo"
	cat /proc/modules > "$_d/proc/modules"
	(cd "$_d" && tar -czf "$SNAP/$_n.tar.gz" .)
	[ "${DAXCTL_REFS:-0}" = 1 ] && daxctl_refs "$_n"
	cp "$_m" "$SNAP/$_n.list"
	echo "snapshot $_n: $(wc -l < "$_m") entries, $(wc -c < "$SNAP/$_n.tar.gz") bytes gz"
}

# daxctl_refs STATE: daxctl's lists of this very state, in the reference format of
# test/snapshot/daxctl/ (what dax --sysroot on the tree must print), $SNAP/daxctl/STATE.VARIANT.txt
daxctl_refs() {
	mkdir -p "$SNAP/daxctl"
	for _v in list list-DR list-DRu; do
		case $_v in list) _a=list ;; list-DR) _a="list -D -R" ;; list-DRu) _a="list -D -R -u" ;; esac
		# shellcheck disable=SC2086
		daxctl $_a > /tmp/ref.out 2> /tmp/ref.err; _rc=$?
		{ echo "\$ daxctl $_a"; echo "--- stdout"; cat /tmp/ref.out; echo "--- stderr"; cat /tmp/ref.err
		  echo "--- exit status: $_rc"; } > "$SNAP/daxctl/$1.$_v.txt"
	done
}

# aob_off CMD...: run CMD with auto_online_blocks=offline, then put back what it was
aob_off() {
	_aob=$(cat /sys/devices/system/memory/auto_online_blocks)
	echo offline > /sys/devices/system/memory/auto_online_blocks
	"$@"; _rc=$?
	echo "$_aob" > /sys/devices/system/memory/auto_online_blocks
	return $_rc
}

t() { echo "\$ $*"; "$@"; _rc=$?; [ $_rc = 0 ] || { echo "FAILED ($_rc): $*"; exit 1; }; }

# devdax_then_normal TOOL DEV: the last two states of every device walk, then the end: back to
# devdax (devdax-kmem-loaded), then system-ram online as kernel memory (system-ram-online-normal)
devdax_then_normal() {
	t $1 reconfigure-device --mode=devdax -f $2
	snapshot devdax-kmem-loaded
	aob_off t $1 reconfigure-device --mode=system-ram --no-online $2
	t $1 online-memory --no-movable $2
	snapshot system-ram-online-normal
	echo "snapshots done"
	exit 0
}
