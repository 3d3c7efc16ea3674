# vm-run: --pmem nfit --pmem-node 1 --module-avail fsdev_dax
# vm-static: test/vm/guest/holddax.c:/usr/local/bin/holddax
# kernels: 7.3
# What only Linux 7.3 has, on the NVDIMM of "nfit" (memory-less node 1, dax0.0, memory33-39):
# kmem's whole-device daxX.Y/state (unplugged / online / online_kernel / online_movable writable,
# offline refused with EINVAL, not updated by per-block writes) and famfs mode (fsdev_dax, a
# module: in the guest but not loaded, so that each tool loads it). daxctl 85 has famfs mode but
# does not use `state`: where it cannot do what dax does, the daxctl boot records what daxctl does
# and then makes the same state with raw sysfs writes, so that the kernel states stay comparable.
# Run as: sh state-famfs.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0
S=$DAXBUS/devices/$D/state
HOLD=/tmp/holddax.out

devdax_namespaces namespace0.0

# state_is VALUE: dax0.0/state reads VALUE
state_is() { _v=$(cat $S 2>&1); [ "$_v" = "$1" ] || { echo "$S reads '$_v', wanted $1"; return 1; }; }
# dry_writes VALUE: the last call's stdout (a --dry-run) has the one write of VALUE to dax0.0/state
dry_writes() { grep -q -x "echo $1 > $S" "$STEPDIR/$CALLN.out" || { echo "dry run: $(cat "$STEPDIR/$CALLN.out")"; return 1; }; }
# no_block_writes / block_writes: the last call's stdout (a --dry-run) writes no / some memoryN/state
no_block_writes() { ! grep -q 'memory/memory[0-9]*/state' "$STEPDIR/$CALLN.out" || { echo "dry run: $(cat "$STEPDIR/$CALLN.out")"; return 1; }; }
block_writes() { grep -q 'memory/memory[0-9]*/state' "$STEPDIR/$CALLN.out" || { echo "dry run: $(cat "$STEPDIR/$CALLN.out")"; return 1; }; }
no_memory_dirs() { _l=$(cd $MEM && ls -d memory3[3-9] 2>/dev/null); [ -z "$_l" ] || { echo "still there: $_l"; return 1; }; }
# sysw VALUE FILE: write VALUE, print the errno text when the kernel refuses (exit 1)
sysw() { _e=$(sh -c "echo $1 > $2" 2>&1) && return 0; echo "$_e"; return 1; }

start_holder() {
	: > $HOLD
	holddax "$@" > $HOLD 2>&1 &
	HOLDER=$!
	_w=0
	while ! grep -q ready $HOLD && [ $_w -lt 600 ]; do sleep 0.1; _w=$((_w + 1)); done
	log "holddax $*: $(cat $HOLD)"
}
stop_holder() { kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null; HOLDER=; }

# ---------------------------------------------------------------- famfs
scenario famfs "devdax -> famfs (fsdev_dax, loaded by the tool) -> devdax"
check "fsdev_dax is not loaded before" sh -c '! [ -d /sys/module/fsdev_dax ]'
stepj reconfigure-famfs 0 0 reconfigure-device -m famfs $D
check "$D bound to fsdev_dax" driver_is $D fsdev_dax
check "fsdev_dax loaded" sh -c '[ -d /sys/module/fsdev_dax ]'
check "no memory" no_blocks $D
step reconfigure-famfs-again 0 0 reconfigure-device -m famfs $D
check "still fsdev_dax" driver_is $D fsdev_dax
stepj reconfigure-devdax 0 0 reconfigure-device -m devdax $D
check "$D back on device_dax" driver_is $D device_dax
stepj reconfigure-famfs-2 0 0 reconfigure-device -m famfs $D
check "$D bound to fsdev_dax again" driver_is $D fsdev_dax
step reconfigure-system-ram-from-famfs 0 0 reconfigure-device -m system-ram $D
check "famfs -> system-ram: on kmem" driver_is $D kmem
check "online movable" blocks_are $D online Movable
step reconfigure-devdax-end 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- famfs refused from system-ram
scenario famfs-from-system-ram "famfs refused for a system-ram device"
stepj reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
step reconfigure-famfs-refused 1 234 reconfigure-device -m famfs $D
dcheck "dax says why" stderr_has "must be in devdax mode to convert to famfs"
check "$D still on kmem" driver_is $D kmem
check "still online movable" blocks_are $D online Movable
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- famfs refused for a device in use
scenario famfs-in-use "a process maps /dev/$D: famfs refused, naming it"
start_holder map /dev/$D 16
begin reconfigure-famfs-while-mapped
if is_dax; then call 1 reconfigure -m famfs $D; else call 0 reconfigure-device -m famfs $D; fi
end
differs "a device mapped by a process is not switched to famfs (daxctl 85 binds fsdev_dax under it: exit 0, the process gets SIGBUS)"
nocompare "dax refused; daxctl switched the mapped device to famfs"
dcheck "refused, naming pid and command" stderr_has "$HOLDER \\(holddax, mapped\\)"
dcheck "$D still on device_dax" driver_is $D device_dax
is_dax || check "daxctl: switched under the mapping" driver_is $D fsdev_dax
begin pattern-afterwards
kill -USR1 $HOLDER 2>/dev/null; wait $HOLDER; _rc=$?
echo "holddax exit $_rc: $(cat $HOLD)" > "$STEPDIR/holddax"
end
nocompare "the pattern survives dax; under daxctl the mapping lost its memory"
dcheck "the process's pattern is intact (holddax exit 0)" sh -c "[ '$_rc' = 0 ] && grep -q 'pattern intact' $HOLD"
is_dax || check "daxctl: the process got SIGBUS (holddax exit 2)" sh -c "[ '$_rc' = 2 ] && grep -q SIGBUS $HOLD"
check "holddax said what happened to its data" grep -q 'pattern\|SIGBUS' $HOLD
HOLDER=

# ---------------------------------------------------------------- the state file
scenario state-file "kmem's daxX.Y/state: only while kmem holds the device; stale after per-block onlining; offline refused; devdax -f unplugs in one write"
check "no state file on device_dax" sh -c "[ ! -e $S ]"
stepj reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
check "all blocks online movable" blocks_are $D online Movable
check "7 blocks" nblocks $D 7
check "the state file exists on kmem" sh -c "[ -e $S ]"
check "state reads offline: bound with auto-onlining held back, onlined block by block (not recorded in state)" state_is offline
begin write-offline
raw 1 "echo offline > $S"
end
check "writing offline to state is refused" stderr_has "invalid argument"
check "nothing changed: online movable" blocks_are $D online Movable
begin dry-run-devdax
if is_dax; then call 0 reconfigure --dry-run -m devdax -f $D; fi
end
dcheck "dax would unplug in one write of state" dry_writes unplugged
# Found here first: the dry run did not model what a write of daxX.Y/state does to the blocks, so
# after `unplugged` it still saw them online and printed 7 per-block offline writes the real run
# does not make (fixed: core/change/dry_run models the state file; test_dry_run.cpp)
dcheck "the dry run prints only the write of unplugged, no memoryN/state writes" no_block_writes
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D
check "the state file is gone with kmem" sh -c "[ ! -e $S ]"

# ---------------------------------------------------------------- unplug / plug online_movable
UNPLUGGED_LIST="daxctl 85 lists a kmem device whose memory is unplugged (no memoryN) with online_memblocks and total_memblocks -2 (-ENOENT as a count); dax: 0"
scenario plug-unplug "state: unplugged, then online plugs online_movable in one write; offline per block leaves state stale and dax decides from the blocks"
stepj reconfigure-system-ram-no-online 0 0 reconfigure-device -m system-ram --no-online $D
check "all blocks offline" blocks_are $D offline
begin unplug
raw 0 "echo unplugged > $S"
end
listdiffers "$UNPLUGGED_LIST"
check "state reads unplugged" state_is unplugged
check "memory33-39 are gone" no_memory_dirs
check "still on kmem" driver_is $D kmem
# Found here first: the dry run printed the plug write, then read the blocks back, found none (it
# did not model what `online_movable` to daxX.Y/state adds) and exited 1 where the real run (next
# step) exits 0 (fixed with the one above)
begin dry-run-online
if is_dax; then call 0 online --dry-run $D; fi
end
listdiffers "$UNPLUGGED_LIST"
dcheck "dax would plug in one write of online_movable" dry_writes online_movable
dcheck "and write no memoryN/state" no_block_writes
begin online-unplugged
if is_dax; then call 0 online-memory $D
else call 254 online-memory $D; raw 0 "echo online_movable > $S"; fi
end
differs "online-memory on an unplugged device (no memory blocks) plugs it online_movable with one write of state (daxctl 85: 'failed to get number of memory sections', 254; the daxctl boot writes state itself)"
check "all blocks online movable" blocks_are $D online Movable
check "7 blocks" nblocks $D 7
check "state reads online_movable" state_is online_movable
step offline 0 0 offline-memory $D
check "all blocks offline" blocks_are $D offline
check "state still reads online_movable: per-block offlining is not recorded" state_is online_movable
begin dry-run-online-stale
if is_dax; then call 0 online --dry-run $D; fi
end
dcheck "stale state: dax goes block by block" block_writes
step online-stale 0 0 online-memory $D
check "all blocks online movable (decided from the blocks)" blocks_are $D online Movable
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- plug online_kernel (last: it cannot be undone)
# On 7.3 memory of the memory-less node 1 onlined in ZONE_NORMAL takes kernel allocations at once
# and cannot be offlined again (EBUSY for `unplugged` and for per-block offline; 6.12 could), so
# this scenario comes last in the boot: what it leaves stays until reboot.
scenario plug-kernel "from unplugged: online --no-movable plugs online_kernel in one write; the kernel then keeps that memory (EBUSY) and dax leaves everything as it was"
stepj reconfigure-system-ram-no-online 0 0 reconfigure-device -m system-ram --no-online $D
begin unplug
raw 0 "echo unplugged > $S"
end
listdiffers "$UNPLUGGED_LIST"
check "state reads unplugged" state_is unplugged
begin online-kernel-unplugged
if is_dax; then call 0 online-memory --no-movable $D
else call 254 online-memory --no-movable $D; raw 0 "echo online_kernel > $S"; fi
end
differs "online-memory --no-movable on an unplugged device plugs it online_kernel with one write of state (daxctl 85: 254, no blocks; the daxctl boot writes state itself)"
check "all blocks online Normal" blocks_are $D online Normal
check "state reads online_kernel" state_is online_kernel
begin unplug-normal-refused
raw 1 "echo unplugged > $S"
end
check "the kernel refuses to unplug ZONE_NORMAL memory of node 1" stderr_has "resource busy"
check "and leaves every block online Normal" blocks_are $D online Normal
begin system-ram-movable-refused
if is_dax; then call 1 reconfigure -m system-ram $D; else call 240 offline-memory $D; fi
end
differs "system-ram (Movable) on memory online Normal: dax unplugs in one write to plug it Movable; the kernel refuses (EBUSY) and leaves every block as it was, exit 1 (daxctl: offline-memory, block by block, 240)"
nocompare "dax: nothing changed (all or nothing); daxctl offlines the blocks it can before the busy one"
dcheck "dax says the kernel left every block as it was" stderr_has "left every block as it was"
dcheck "all 7 blocks still online Normal" blocks_are $D online Normal
dcheck "state still reads online_kernel" state_is online_kernel
begin devdax-force-refused
if is_dax; then call 1 reconfigure -m devdax -f $D; else call 240 reconfigure-device -m devdax -f $D; fi
end
nocompare "dax: nothing changed; daxctl offlines what it can"
dcheck "dax: kmem not unbound, every block as it was" stderr_has "left all 7 memory blocks as they were, and kmem was not unbound"
check "still on kmem: kmem is not unbound with memory online (no memory stranded)" driver_is $D kmem
dcheck "all 7 blocks still online Normal" blocks_are $D online Normal

finish
