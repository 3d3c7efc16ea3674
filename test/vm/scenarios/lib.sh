# Guest-side helpers for the real-kernel scenarios (busybox sh).  Sourced by
# the group scripts (nfit.sh, e820-two.sh, ...), which vm-run starts as
#     sh /vm/script TOOL        TOOL = dax | daxctl
#
# A group script is a sequence of scenarios.  Each scenario starts from a known
# kernel state made with raw sysfs writes (reset_devdax: every device bound to
# device_dax, no hot-added memory, auto_online_blocks=offline unless the scenario
# says otherwise (`boot`: the value the kernel booted with), kmem loaded or
# not), so that the dax boot and the daxctl boot start every scenario from the
# same state.
#
# Kernel and daxctl: KERNEL (6.1 | 6.12 | 7.3, from uname -r) and DAXCTL_VERSION (76.1 on
# 6.1, 81 on 6.12, 85 on 7.3: `daxctl --version`); `byver A B [C]` prints A with daxctl 76.1,
# B with 81 and C (default B) with 85 (an expected exit status that differs between them); where the kernels
# differ, test "$KERNEL" and say why next to it.  A scenario is a sequence of steps; a step is one or more calls
# of the tool under test; after each step the kernel state and the JSON of
# `list` are recorded.  run-suite (on the host) compares the dax boot with the
# daxctl boot step by step.
#
# Layout of the results (under $VM_OUT/results):
#   <scenario>/title                  one line
#   <scenario>/notes                  "dax deliberately differs ..." lines
#   <scenario>/NN-<step>/calls        one line per call: rc<TAB>expected<TAB>command
#   <scenario>/NN-<step>/K.out K.err  stdout / stderr of call K
#   <scenario>/NN-<step>/state        kernel state after the step (kstate)
#   <scenario>/NN-<step>/list.json    `TOOL list` after the step
#   <scenario>/NN-<step>/list-DRM.json  `TOOL list -D -R -M`
#   <scenario>/NN-<step>/list-u.json  `TOOL list -D -R -u`
#   <scenario>/NN-<step>/xlist*.json  in the dax boot: daxctl's lists of the same state
#   <scenario>/NN-<step>/compare-stdout  present when the stdout of the step's
#                                     calls is daxctl's JSON and must match

TOOL=${1:?usage: script dax|daxctl}
case $TOOL in dax|daxctl) ;; *) echo "bad TOOL $TOOL"; exit 2 ;; esac
RES=$VM_OUT/results
mkdir -p "$RES"
SYS=/sys
MEM=$SYS/devices/system/memory
AOB=$MEM/auto_online_blocks
DAXBUS=$SYS/bus/dax
BS=$((0x$(cat $MEM/block_size_bytes)))
BOOT_AOB=$(cat $AOB)                 # the kernel's own policy, before any scenario changed it
case $(uname -r) in 6.1.*) KERNEL=6.1 ;; 6.12.*) KERNEL=6.12 ;; 7.3.*) KERNEL=7.3 ;; *) KERNEL=$(uname -r) ;; esac
DAXCTL_VERSION=$(daxctl --version 2>/dev/null)
# byver A B [C]: A with daxctl 76.1, B with 81, C (default B) with 85
byver() { case $DAXCTL_VERSION in 76.1) echo "$1" ;; 85) echo "${3:-$2}" ;; *) echo "$2" ;; esac; }
SC=
STEPN=0
STEPDIR=
CALLN=0
FAILED_SETUP=0

is_dax() { [ "$TOOL" = dax ]; }

# log TEXT: a line of the console log, stamped with the guest's uptime (seconds)
log() { read -r _up _x < /proc/uptime; echo "[$TOOL] ${_up}s $*"; }

# Where the guest's time goes (printed by finish, summed by run-suite): milliseconds spent in the
# scenario resets, in recording the state after each step (kstate and the lists), in the calls of
# the tool under test.  clock_ms: the guest's uptime in ms into _MS (builtin read: no fork)
T_RESET=0 T_SNAP=0 T_CALLS=0
clock_ms() { read -r _up _x < /proc/uptime; _MS=$(( ${_up%.*}${_up#*.} * 10 )); }

# ------------------------------------------------------------ kernel state
# Recorded after every step: written with shell builtins only (globs, read, case), since every
# process the guest starts costs tens of milliseconds under TCG; the *_v helpers set a variable
# instead of printing, for the same reason (a $(...) is a fork).

# dev_names_v: the dax devices, sorted (a glob is), into _NAMES; dev_names prints them one a line
dev_names_v() { _NAMES=; for _p in $DAXBUS/devices/*; do [ -e "$_p" ] && _NAMES="$_NAMES ${_p##*/}"; done; }
dev_names() { dev_names_v; for _p in $_NAMES; do echo "$_p"; done; }

# dev_driver_v NAME: its driver's name (the driver directory holding a link named NAME), or
# "none", into _DRV; dev_driver prints it
dev_driver_v() {
	_DRV=none
	for _p in $DAXBUS/drivers/*; do [ -e "$_p/$1" ] && { _DRV=${_p##*/}; return 0; }; done
	return 0
}
dev_driver() { dev_driver_v "$1"; echo "$_DRV"; }

# dev_blocks_v NAME: the memory block indices that lie entirely inside the device's mapping
# ranges (its resource..resource+size without mappings) and exist, space-separated, into _BL;
# dev_blocks prints them one a line
dev_blocks_v() {
	_d=$DAXBUS/devices/$1
	_ranges=
	for _m in "$_d"/mapping*; do
		[ -d "$_m" ] || continue
		rd "$_m/start"; _s=$R; rd "$_m/end"; _ranges="$_ranges $_s:$R"
	done
	if [ -z "$_ranges" ]; then
		rd "$_d/resource"; _s=$R; rd "$_d/size"
		_ranges="$_s:$((_s + R - 1))"
	fi
	_BL=
	for _r in $_ranges; do
		_s=$((${_r%%:*})); _e=$((${_r##*:}))
		_i=$(((_s + BS - 1) / BS)); _last=$(((_e + 1) / BS - 1))
		while [ $_i -le $_last ]; do
			[ -d $MEM/memory$_i ] && _BL="$_BL${_BL:+ }$_i"
			_i=$((_i + 1))
		done
	done
}
dev_blocks() { dev_blocks_v "$1"; for _b in $_BL; do echo "$_b"; done; }

# dev_maps_v NAME: the device's mapping ranges, "start-end,start-end", into _MAPS; dev_maps prints it
dev_maps_v() {
	_MAPS=
	for _m in $DAXBUS/devices/$1/mapping*; do
		[ -d "$_m" ] || continue
		rd "$_m/start"; _s=$R; rd "$_m/end"; _MAPS="$_MAPS${_MAPS:+,}$_s-$R"
	done
}
dev_maps() { dev_maps_v "$1"; echo "$_MAPS"; }

# rd FILE: first line of FILE into $R (builtin read: no fork; forks are slow under TCG)
rd() { R=; read -r R < "$1" 2>/dev/null; }

# kstate: everything the comparison looks at, one fact per line
kstate() {
	rd $AOB; echo "auto_online_blocks=$R"
	[ -d $SYS/module/kmem ] && echo "kmem_module=loaded" || echo "kmem_module=not-loaded"
	dev_names_v
	for _n in $_NAMES; do
		_d=$DAXBUS/devices/$_n
		rd $_d/size; _sz=$R; rd $_d/target_node; _tn=$R
		_mm=; [ -e $_d/memmap_on_memory ] && { rd $_d/memmap_on_memory; _mm=" memmap_on_memory=$R"; }
		dev_driver_v $_n; dev_blocks_v $_n; dev_maps_v $_n
		_bl=; for _b in $_BL; do _bl="$_bl$_b "; done
		echo "device $_n driver=$_DRV size=$_sz target_node=$_tn blocks=${_bl}maps=$_MAPS$_mm"
	done
	# each device's region (its parent in sysfs) once, in the order of the devices
	_pwd=$PWD _regions=
	for _n in $_NAMES; do
		cd -P $DAXBUS/devices/$_n/.. 2>/dev/null || continue
		case " $_regions " in *" $PWD "*) ;; *) _regions="$_regions $PWD" ;; esac
	done
	cd "$_pwd"
	for _r in $_regions; do
		[ -e $_r/dax_region/available_size ] || continue
		rd $_r/dax_region/available_size; echo "region ${_r##*/} available_size=$R"
	done
	_left=0; for _m in $MEM/memory*; do _left=$((_left + 1)); done
	_i=0
	while [ $_left -gt 0 ] && [ $_i -lt 100000 ]; do
		_m=$MEM/memory$_i
		if [ -d $_m ]; then
			_left=$((_left - 1))
			rd $_m/state; _st=$R; rd $_m/valid_zones; _z=$R
			_node=
			for _x in $_m/node*; do [ -e "$_x" ] && _node="$_node ${_x##*/}"; done
			echo "memory$_i state=$_st valid_zones=${_z// /,}$_node"
		fi
		_i=$((_i + 1))
	done
	for _f in online has_memory has_normal_memory; do
		rd $SYS/devices/system/node/$_f; echo "node/$_f=$R"
	done
	for _nd in $SYS/devices/system/node/node*; do
		while read -r _a _b _k _v _u; do
			[ "$_k" = MemTotal: ] && echo "${_nd##*/} MemTotal=$_v$_u"
		done < $_nd/meminfo
	done
	while IFS= read -r _l; do
		case $_l in *Persistent*|*dax*|*kmem*) echo "iomem $_l" ;; esac
	done < /proc/iomem
	while read -r _k _v _u; do [ "$_k" = MemTotal: ] && echo "meminfo MemTotal: $_v $_u"; done < /proc/meminfo
}

# ------------------------------------------------------------ raw sysfs (tool-agnostic)
wr() { # value file  (errors are reported, not fatal)
	echo "$1" > "$2" 2>/dev/null || { echo "  (write '$1' > $2 failed)" >> /tmp/reset.log; return 1; }
}

# remove_kmem NAME: offline the device's blocks, then take it away from kmem
remove_kmem() {
	dev_blocks_v $1
	for _i in $_BL; do
		rd $MEM/memory$_i/state; [ "$R" = offline ] || wr offline $MEM/memory$_i/state
	done
	wr $1 $DAXBUS/drivers/kmem/remove_id
	wr $1 $DAXBUS/drivers/kmem/unbind
}

# bind_device_dax NAME: bind NAME to device_dax; a CXL region's device (made for kmem) matches
# device_dax only by id, so if bind is refused the id is added (new_id binds it), as daxctl does
bind_device_dax() {
	wr $1 $DAXBUS/drivers/device_dax/bind || wr $1 $DAXBUS/drivers/device_dax/new_id
}

# release_all: auto_online_blocks=offline; every device off kmem (its memory offlined and
# hot-removed) and off fsdev_dax, and without new_id entries, so that nothing rebinds behind the reset's back
release_all() {
	: > /tmp/reset.log
	wr offline $AOB
	dev_names_v
	for _n in $_NAMES; do
		dev_driver_v $_n; [ $_DRV = kmem ] && remove_kmem $_n
		[ -e $DAXBUS/drivers/kmem/remove_id ] && wr $_n $DAXBUS/drivers/kmem/remove_id
		# famfs mode (Linux 7.2+): fsdev_dax takes a device by id (new_id), as device_dax's is removed
		dev_driver_v $_n; [ $_DRV = fsdev_dax ] && wr $_n $DAXBUS/drivers/fsdev_dax/unbind
		[ -e $DAXBUS/drivers/fsdev_dax/remove_id ] && wr $_n $DAXBUS/drivers/fsdev_dax/remove_id
		wr $_n $DAXBUS/drivers/device_dax/remove_id
	done
}

# finish_reset WANT AOB BAD: kmem loaded or not as WANT, auto_online_blocks=AOB (`boot`: the
# kernel's own), every device on device_dax without memory; BAD: what the caller found wrong
finish_reset() {
	_bad=$3
	if [ "$1" = kmem-not-loaded ] && [ -d $SYS/module/kmem ]; then
		rmmod kmem 2>>/tmp/reset.log || echo "  (rmmod kmem failed)" >> /tmp/reset.log
	fi
	if [ "$1" = kmem-loaded ] && [ ! -d $SYS/module/kmem ]; then
		modprobe kmem 2>>/tmp/reset.log || echo "  (modprobe kmem failed)" >> /tmp/reset.log
	fi
	if [ "$2" = boot ]; then wr "$BOOT_AOB" $AOB; else wr "$2" $AOB; fi
	dev_names_v
	for _n in $_NAMES; do
		dev_driver_v $_n; [ $_DRV = device_dax ] || _bad="$_bad $_n:driver=$_DRV"
		dev_blocks_v $_n; [ -z "$_BL" ] || _bad="$_bad $_n:blocks-present"
	done
	[ -z "$_bad" ] && return 0
	echo "reset failed:$_bad" >> /tmp/reset.log
	return 1
}

# reset_devdax [kmem-loaded|kmem-not-loaded] [AOB]: every device back to device_dax with none
# of its memory in the kernel; auto_online_blocks=AOB (default offline; `boot`: what the kernel
# booted with, e.g. online on 6.12).  Fails (and marks the scenario) if that state cannot be reached.
reset_devdax() {
	release_all
	dev_names_v
	for _n in $_NAMES; do
		dev_driver_v $_n; [ $_DRV = device_dax ] || bind_device_dax $_n
	done
	finish_reset "${1:-kmem-loaded}" "${2:-offline}" ""
}

# reset_dynamic [kmem-loaded|kmem-not-loaded] [AOB]: on the dynamic region $REGION (a dax region
# directory, set by the group script) dax0.0 alone, covering the region, on device_dax; every
# other device hot-removed, disabled, shrunk to 0 and deleted (raw sysfs writes)
reset_dynamic() {
	release_all
	for _n in $(dev_names); do
		[ "$(dev_driver $_n)" = device_dax ] && wr $_n $DAXBUS/drivers/device_dax/unbind
		[ "$(cat $DAXBUS/devices/$_n/size)" = 0 ] || wr 0 $DAXBUS/devices/$_n/size
		[ $_n = dax0.0 ] || wr $_n $REGION/dax_region/delete
	done
	_rsize=$(cat $REGION/dax_region/size)
	wr $_rsize $DAXBUS/devices/dax0.0/size
	bind_device_dax dax0.0
	_b=
	[ "$(dev_names | tr '\n' ' ')" = "dax0.0 " ] || _b="$_b devices=$(dev_names | tr '\n' ' ')"
	[ "$(cat $DAXBUS/devices/dax0.0/size)" = "$_rsize" ] || _b="$_b dax0.0:size=$(cat $DAXBUS/devices/dax0.0/size)"
	finish_reset "${1:-kmem-loaded}" "${2:-offline}" "$_b"
}

# devdax_namespaces NS...: turn each NVDIMM namespace into a devdax one (before the first
# scenario; the group stops with exit 3 if ndctl fails)
devdax_namespaces() {
	for _ns in "$@"; do
		ndctl create-namespace -f -e $_ns -m devdax >> $VM_OUT/ndctl.txt 2>&1 ||
			{ cat $VM_OUT/ndctl.txt; echo "create-namespace $_ns failed"; exit 3; }
	done
}

# ------------------------------------------------------------ scenarios and steps
# scenario NAME TITLE [kmem-loaded|kmem-not-loaded] [AOB]: starts from reset_devdax (or $RESET)
# with those arguments; AOB = the auto_online_blocks value to start from (default offline),
# `boot` to keep the kernel's own policy (online on 6.12: see README)
scenario() {
	SC=$RES/$1; STEPN=0
	mkdir -p "$SC"
	echo "$2" > "$SC/title"
	: > "$SC/notes"
	shift 2
	log "=== scenario ${SC##*/}"
	clock_ms; _r0=$_MS
	if ! ${RESET:-reset_devdax} "$@"; then
		cp /tmp/reset.log "$SC/setup-error"
		log "setup failed: $(cat /tmp/reset.log)"
	fi
	clock_ms; T_RESET=$((T_RESET + _MS - _r0))
	# the starting state is recorded (and compared) as step 00-start
	_snap 00-start
}

# not_run NAME REASON: scenario NAME is not run on this kernel (REASON); run-suite prints it as
# "NOT RUN", never as passed.  For scenarios a kernel makes impossible to undo within one boot.
not_run() { echo "$1: $2" >> "$VM_OUT/not-run"; log "--- scenario $1 not run on $KERNEL: $2"; }

# note TEXT: a deliberate difference or remark, printed by run-suite
note() { echo "$*" >> "$SC/notes"; }

# differs TEXT: a deliberate difference from daxctl, recorded (as a NOTE) only in the dax boot
differs() { is_dax && echo "dax deliberately differs from daxctl: $*" >> "$SC/notes"; return 0; }

_snap() {
	clock_ms; _s0=$_MS
	STEPDIR=$SC/$1
	[ -d "$STEPDIR" ] || mkdir -p "$STEPDIR"
	kstate > "$STEPDIR/state" 2>&1
	$TOOL list > "$STEPDIR/list.json" 2>"$STEPDIR/list.err"
	$TOOL list -D -R -M > "$STEPDIR/list-DRM.json" 2>>"$STEPDIR/list.err"
	$TOOL list -D -R -u > "$STEPDIR/list-u.json" 2>>"$STEPDIR/list.err"
	if is_dax; then
		daxctl list > "$STEPDIR/xlist.json" 2>/dev/null
		daxctl list -D -R -M > "$STEPDIR/xlist-DRM.json" 2>/dev/null
		daxctl list -D -R -u > "$STEPDIR/xlist-u.json" 2>/dev/null
	fi
	clock_ms; T_SNAP=$((T_SNAP + _MS - _s0))
}

# begin NAME: start a step; call ...; end
begin() {
	STEPN=$((STEPN + 1))
	_nn=$STEPN; [ $STEPN -ge 10 ] || _nn=0$STEPN
	STEPDIR=$SC/$_nn-$1
	mkdir -p "$STEPDIR"
	: > "$STEPDIR/calls"
	CALLN=0
}

# call EXPECTED ARGS... : run "$TOOL ARGS..." (EXPECTED: exit status to assert, or - )
call() {
	_exp=$1; shift
	CALLN=$((CALLN + 1))
	read -r _t0 _x < /proc/uptime
	$TOOL "$@" > "$STEPDIR/$CALLN.out" 2> "$STEPDIR/$CALLN.err"
	_rc=$?
	read -r _t1 _x < /proc/uptime
	_ms=$(( (${_t1%.*}${_t1#*.} - ${_t0%.*}${_t0#*.}) * 10 ))
	T_CALLS=$((T_CALLS + _ms))
	printf '%s\t%s\t%s\t%s\n' "$_rc" "$_exp" "$TOOL $*" "$_ms" >> "$STEPDIR/calls"
	log "  ${STEPDIR##*/}: $TOOL $* -> $_rc (expected $_exp) ${_ms}ms"
	return 0
}

# raw TEXT CMD...: a setup command that is the same for both tools (not the tool under test)
raw() {
	_exp=$1; shift
	CALLN=$((CALLN + 1))
	sh -c "$*" > "$STEPDIR/$CALLN.out" 2> "$STEPDIR/$CALLN.err"
	_rc=$?
	printf '%s\t%s\t%s\n' "$_rc" "$_exp" "sh -c '$*'" >> "$STEPDIR/calls"
	return 0
}

end() { _snap "${STEPDIR##*/}"; }

# compare_stdout: the stdout of this step's calls must be the same JSON for both tools
compare_stdout() { : > "$STEPDIR/compare-stdout"; }

# step NAME EXP_DAX EXP_DAXCTL ARGS... : the same command line for both tools
# (daxctl's command names, which dax accepts as aliases)
step() {
	_n=$1 _ed=$2 _ec=$3; shift 3
	begin "$_n"
	if is_dax; then call "$_ed" "$@"; else call "$_ec" "$@"; fi
	end
}

# stepj: as step, and the JSON printed on stdout must match
stepj() {
	_n=$1 _ed=$2 _ec=$3; shift 3
	begin "$_n"
	if is_dax; then call "$_ed" "$@"; else call "$_ec" "$@"; fi
	compare_stdout
	end
}

# apply_step NAME [ARGS...]: a step running `dax apply` in the dax boot (exit 0 expected) and, in
# the daxctl boot, `daxctl ARGS` (the same change by hand, exit 0 expected; none: nothing)
apply_step() {
	_n=$1; shift
	begin "$_n"
	if is_dax; then call 0 apply; elif [ $# -gt 0 ]; then call 0 "$@"; fi
	end
}

# each DEVICES... -- ARGS : daxctl: one call per device (daxctl takes one device);
# used inside begin/end.  EXP applies to every call.
each() {
	_exp=$1 _devs=$2; shift 2
	for _dv in $_devs; do call "$_exp" "$@" "$_dv"; done
}

# set auto_online_blocks as one step (same for both tools)
set_aob() {
	begin "set-auto-online-$1"
	raw 0 "echo $1 > $AOB"
	end
}

# ------------------------------------------------------------ assertions
# check DESC CMD... : assert CMD succeeds (for both tools); recorded in the step's
# "checks" file, which run-suite reports.  dcheck: asserted only in the dax boot
# (dax's documented behaviour where it deliberately differs from daxctl).
check() {
	_desc=$1; shift
	if "$@" >/tmp/check.out 2>&1; then _r=PASS; else _r=FAIL; fi
	_o=; [ -s /tmp/check.out ] && _o=$(head -c 300 /tmp/check.out | tr '\n' ' ')
	printf '%s\t%s\t%s %s\n' "$_r" "$TOOL" "$_desc" "$_o" >> "$STEPDIR/checks"
	[ $_r = PASS ] || log "  CHECK FAILED: $_desc $(cat /tmp/check.out)"
	return 0
}
dcheck() { is_dax && check "$@"; return 0; }

# listdiffers REASON: daxctl's list of this state is known to be wrong (dax's is compared with
# the daxctl boot's only when the states match)
listdiffers() { echo "$*" > "$STEPDIR/listdiffers"; }

# nocompare REASON: the kernel state after this step is expected to differ
# between dax and daxctl (a documented difference); run-suite prints REASON
# instead of comparing the state (the lists are still compared unless "lists" is given)
nocompare() { echo "$*" > "$STEPDIR/nocompare"; }

# blocks_are DEV STATE [ZONE] : every block of DEV has STATE (and valid_zones ZONE), and there is one
blocks_are() {
	dev_blocks_v $1
	[ -n "$_BL" ] || { echo "$1 has no memory blocks"; return 1; }
	for _i in $_BL; do
		rd $MEM/memory$_i/state; _s=$R; rd $MEM/memory$_i/valid_zones; _z=$R
		[ "$_s" = "$2" ] || { echo "memory$_i state=$_s, wanted $2"; return 1; }
		[ -z "$3" ] || [ "$_z" = "$3" ] || { echo "memory$_i valid_zones=$_z, wanted $3"; return 1; }
	done
}
# nblocks DEV N : DEV has N memory blocks in the kernel
nblocks() { dev_blocks_v $1; _c=0; for _b in $_BL; do _c=$((_c + 1)); done; [ "$_c" -eq "$2" ] || { echo "$1 has $_c blocks, wanted $2"; return 1; }; }
# driver_is DEV DRIVER (none = unbound)
driver_is() { dev_driver_v $1; [ "$_DRV" = "$2" ] || { echo "$1 driver=$_DRV, wanted $2"; return 1; }; }
# no_blocks DEV : none of DEV's memory is in the kernel
dev_has_maps() { _c=$(dev_maps $1 | tr ',' '\n' | grep -c .); [ "$_c" -eq "$2" ] || { echo "$1 has $_c mappings, wanted $2"; return 1; }; }

no_device() { [ ! -e $DAXBUS/devices/$1 ] || { echo "$1 still exists (driver $(dev_driver $1), size $(cat $DAXBUS/devices/$1/size))"; return 1; }; }

no_blocks() { dev_blocks_v $1; [ -z "$_BL" ] || { echo "$1 still has blocks $_BL"; return 1; }; }
# stderr_has REGEX : the last call's stderr matches
# stdout_count REGEX N : the last call's stdout has N lines matching REGEX
stdout_count() { _c=$(grep -E -c -- "$1" "$STEPDIR/$CALLN.out"); [ "$_c" -eq "$2" ] || { echo "stdout has $_c lines matching $1, wanted $2: $(cat "$STEPDIR/$CALLN.out")"; return 1; }; }
stderr_has() { grep -E -i -q -- "$1" "$STEPDIR/$CALLN.err" || { echo "stderr: $(cat "$STEPDIR/$CALLN.err")"; return 1; }; }
kmem_loaded() { [ -d $SYS/module/kmem ]; }

# ------------------------------------------------------------ step sequences shared by groups
# system_ram_under_online DEV: with auto_online_blocks=online, system-ram: dax onlines DEV's blocks
# Movable (exit 0), says what it did with the policy and restores it; daxctl refuses (240) and
# changes nothing; then devdax -f takes dax's memory away again
system_ram_under_online() {
	step reconfigure-system-ram 0 240 reconfigure-device -m system-ram $1
	differs "system-ram under auto_online_blocks=online ends online Movable, exit 0: the policy is held at offline for the kmem bind alone (daxctl: 'kernel policy will auto-online memory', 240)"
	nocompare "dax hot-adds and onlines Movable; daxctl refuses"
	dcheck "dax says what it did with the policy" stderr_has "auto_online_blocks"
	dcheck "$1 online Movable" blocks_are $1 online Movable
	is_dax || check "nothing changed" driver_is $1 device_dax
	check "auto_online_blocks restored" sh -c "[ \"\$(cat $AOB)\" = online ]"
	step reconfigure-devdax-after-movable 0 0 reconfigure-device -m devdax -f $1
	nocompare "dax had memory to remove; daxctl had none"
	check "$1 memory removed" no_blocks $1
}

# no_movable_then_devdax DEV ZONE: system-ram --no-movable onlines DEV's blocks in the kernel zone
# ZONE (Normal; DMA32 below 4 GiB), both tools printing the same JSON; devdax -f removes them again
no_movable_then_devdax() {
	stepj reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $1
	check "$1 online $2" blocks_are $1 online $2
	step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $1
	check "$1 memory removed" no_blocks $1
}

finish() {
	sync
	log "times: resets ${T_RESET}ms, states recorded ${T_SNAP}ms, calls of $TOOL ${T_CALLS}ms"
	log "done"
	exit 0
}
