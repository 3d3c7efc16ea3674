# vm-run: --pmem nfit --pmem-node 0
# vm-static: test/vm/guest/holddax.c:/usr/local/bin/holddax
# kernels: 6.1 6.12
# Real faults on one NVDIMM on node 0, the node of the boot RAM (vm-run --pmem nfit --pmem-node 0):
# dax0.0, 7 blocks at 4 GiB and above. The boot RAM (1 GiB) is all ZONE_DMA32, so memory onlined
# as kernel memory (--no-movable) is the node's only ZONE_NORMAL: the kernel's own allocations
# (pipe buffers here) go there first and pin it; memory onlined as movable is the node's first
# choice for user pages. /usr/local/bin/holddax (test/vm/guest/holddax.c, static) maps the device,
# pins user pages with vmsplice (offlining their block waits in the kernel until a signal), or
# fills pipe buffers, or (as nobody) holds a lock file.
# Run as: sh faults.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0
HOLD=/tmp/holddax.out

devdax_namespaces namespace0.0

# start_holder ARGS...: holddax in the background until it says "ready"; its pid in HOLDER
start_holder() {
	: > $HOLD
	holddax "$@" > $HOLD 2>&1 &
	HOLDER=$!
	_w=0
	while ! grep -q ready $HOLD && [ $_w -lt 600 ]; do sleep 0.1; _w=$((_w + 1)); done
	log "holddax $*: $(cat $HOLD)"
}
stop_holder() { kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null; HOLDER=; }
# some_offline DEV: at least one block of DEV offline and at least one online (a pass stopped halfway)
some_offline() {
	_on=0 _off=0
	for _i in $(dev_blocks $1); do
		if [ "$(cat $MEM/memory$_i/state)" = offline ]; then _off=$((_off + 1)); else _on=$((_on + 1)); fi
	done
	echo "$_off offline, $_on online"
	[ $_off -gt 0 ]
}
some_online() {
	for _i in $(dev_blocks $1); do [ "$(cat $MEM/memory$_i/state)" = online ] && return 0; done
	echo "every block of $1 is offline"
	return 1
}
# busy_pass SIGNAL EXPECTED ARGS...: runs the tool on ARGS in the background while holddax pins
# pages of $D, sends SIGNAL once a block is offline or after a few seconds (the tool is then
# waiting in the kernel for a block whose pages cannot migrate), and records the call as call does.
busy_pass() {
	_sig=$1 _exp=$2; shift 2
	CALLN=$((CALLN + 1))
	$TOOL "$@" > "$STEPDIR/$CALLN.out" 2> "$STEPDIR/$CALLN.err" &
	_pid=$!
	_w=0
	while [ $_w -lt 40 ] && kill -0 $_pid 2>/dev/null; do
		some_offline $D >/dev/null && break
		sleep 0.05; _w=$((_w + 1))
	done
	kill -$_sig $_pid 2>/dev/null
	wait $_pid; _rc=$?
	printf '%s\t%s\t%s\t%s\n' "$_rc" "$_exp" "$TOOL $* (SIG$_sig in the middle of the pass)" 0 >> "$STEPDIR/calls"
	log "  ${STEPDIR##*/}: $TOOL $* (SIG$_sig) -> $_rc (expected $_exp)"
}

# ---------------------------------------------------------------- a process maps the device
scenario mapped "a process maps /dev/$D (descriptor closed) with a written pattern: dax refuses, naming it"
start_holder map /dev/$D 16
begin reconfigure-system-ram-while-mapped
if is_dax; then call 1 reconfigure -m system-ram $D; else call 0 reconfigure-device -m system-ram $D; fi
end
differs "a device mapped by a process is not given to kmem (daxctl binds kmem under it: the process gets SIGBUS)"
nocompare "dax refused; daxctl hot-added the memory under the mapping"
dcheck "refused, naming pid and command" stderr_has "$HOLDER \\(holddax, mapped\\)"
dcheck "$D still on device_dax" driver_is $D device_dax
begin disable-while-mapped
if is_dax; then call 1 disable-device $D; else raw - true; fi
end
nocompare "daxctl's state differs since the step before"
dcheck "disable refused, naming the process" stderr_has "$HOLDER \\(holddax, mapped\\)"
begin pattern-afterwards
kill -USR1 $HOLDER 2>/dev/null; wait $HOLDER; _rc=$?
echo "holddax exit $_rc: $(cat $HOLD)" > "$STEPDIR/holddax"
end
nocompare "the pattern survives dax; under daxctl the mapping lost its memory"
dcheck "the process's pattern is intact (holddax exit 0)" sh -c "[ '$_rc' = 0 ] && grep -q 'pattern intact' $HOLD"
check "holddax said what happened to its data" grep -q 'pattern\|SIGBUS' $HOLD
HOLDER=

# ---------------------------------------------------------------- kill -9 in the middle of a pass
scenario kill9 "kill -9 of the tool in the middle of an offline pass (a block whose pages cannot migrate), then a second run converges"
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
start_holder pin 256
begin offline-killed
if is_dax; then busy_pass KILL 137 offline-memory $D; else busy_pass KILL - offline-memory $D; fi
end
nocompare "killed at a moment that differs between the two tools"
check "the pass did not finish: a block is still online" some_online $D
stop_holder
begin offline-again
if is_dax; then call 0 offline-memory $D; else call - offline-memory $D; fi
end
check "converged: every block offline" blocks_are $D offline
step devdax 0 - reconfigure-device -m devdax $D
check "$D back on device_dax" driver_is $D device_dax

# ---------------------------------------------------------------- SIGHUP (ssh dropped) mid-pass
scenario sighup "SIGHUP in the middle of a pass to devdax (an ssh session that drops): stopped, rolled back"
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
start_holder pin 256
begin devdax-hangup
if is_dax; then busy_pass HUP 130 reconfigure -m devdax -f $D; else busy_pass HUP - reconfigure-device -m devdax -f $D; fi
end
nocompare "dax rolls back on SIGHUP; daxctl dies where it was"
dcheck "the device stays system-ram" driver_is $D kmem
dcheck "every block online again (rolled back)" blocks_are $D online Movable
dcheck "the report says it was interrupted and rolled back" stderr_has "interrupted before kmem was unbound; the [0-9]+ blocks this command offlined were onlined again"
stop_holder
step devdax-after-release 0 - reconfigure-device -m devdax -f $D
nocompare "daxctl's state differs since the step before"
check "$D back on device_dax" driver_is $D device_dax

# ---------------------------------------------------------------- a local user and the state lock
# /run is made 0755, as systemd mounts it (the guest's tmpfs comes 1777). daxctl takes no lock: in
# its boot the same user holds the same files and the same changes run.
scenario user-lock "a non-root user cannot hold the state lock against root: creating it is refused, and an old lock file others could open (0644) is replaced"
chmod 755 /run; rm -f /run/dax.lock
# nobody_holds FILE: holddax lock FILE (as uid 65534) in the background until it holds the lock or gives up
nobody_holds() {
	: > $HOLD
	holddax lock "$1" > $HOLD 2>&1 &
	HOLDER=$!
	_w=0
	while kill -0 $HOLDER 2>/dev/null && ! grep -q ready $HOLD && [ $_w -lt 300 ]; do sleep 0.1; _w=$((_w + 1)); done
	log "holddax lock $1 (as nobody): $(cat $HOLD)"
}
lock_is_roots() { [ "$(stat -c '%u %a' /run/dax.lock)" = "0 600" ] || { stat -c 'uid %u mode %a' /run/dax.lock; return 1; }; }
begin system-ram-after-user-tried-to-create-lock
nobody_holds /run/dax.lock
check "nobody could not create the lock file" sh -c "! grep -q ready $HOLD && grep -q 'Permission denied' $HOLD"
call 0 reconfigure-device -m system-ram $D
dcheck "the change was not delayed (${_ms} ms, under the 30 s lock wait)" sh -c "[ $_ms -lt 25000 ]"
dcheck "the lock file is root's, 0600" lock_is_roots
stop_holder
end
begin devdax-while-user-holds-old-lock-file
rm -f /run/dax.lock; : > /run/dax.lock; chmod 644 /run/dax.lock  # as dax made it before
nobody_holds /run/dax.lock
check "nobody holds the old lock file" grep -q ready $HOLD
call 0 reconfigure-device -m devdax -f $D
dcheck "the change was not delayed (${_ms} ms, under the 30 s lock wait)" sh -c "[ $_ms -lt 25000 ]"
dcheck "the lock file was replaced by root's, 0600" lock_is_roots
stop_holder
end
check "$D back on device_dax" driver_is $D device_dax

# ---------------------------------------------------------------- unmovable pages: EBUSY, rollback
scenario unmovable "kernel memory pinned by pipe buffers cannot go offline: retried, rolled back, still usable"
step reconfigure-system-ram-kernel 0 0 reconfigure-device -m system-ram --no-movable $D
check "all blocks online Normal" blocks_are $D online Normal
start_holder pipes 400
begin devdax-while-pinned
if is_dax; then call 1 reconfigure -m devdax -f $D; else call - reconfigure-device -m devdax -f $D; fi
end
nocompare "dax rolls back; daxctl stops at the first busy block and leaves the blocks before it offline"
dcheck "the device stays system-ram" driver_is $D kmem
dcheck "every block is online again (rolled back)" blocks_are $D online Normal
dcheck "the message names the blocks and why" stderr_has "cannot offline memory[0-9]+.*Device or resource busy \\(after 5 attempts\\)"
dcheck "the message says what to do" stderr_has "could not move every page.*online the device's memory as movable"
dcheck "the message says the device was left as it was" stderr_has "onlined again; the device stays in system-ram mode"
dcheck "the device stays usable: kmem bound, every block online" sh -c "[ -d $DAXBUS/drivers/kmem/$D ]"
# Last: once the kernel has put its own pages into this ZONE_NORMAL (the node's only one), they stay
# after the pipes are freed, and the blocks cannot go offline again in this boot.

finish
