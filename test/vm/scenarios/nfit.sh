# vm-run: --pmem nfit --pmem-node 1
# kernels: 6.1 6.12 7.3
# Scenarios on one NVDIMM on the memory-less NUMA node 1 (vm-run --pmem nfit --pmem-node 1):
# dax0.0, 1006 MiB at 0x101200000 (start not block aligned), 7 whole 128 MiB blocks.
# Run as: sh nfit.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0

# online_then_devdax STEP: the blocks, all offline, onlined by online-memory (as Movable, its
# default) in step STEP; then back to devdax with -f, the memory removed
online_then_devdax() {
	check "all blocks offline" blocks_are $D offline
	step "$1" 0 0 online-memory $D
	check "all blocks online movable" blocks_are $D online Movable
	step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
	check "memory removed" no_blocks $D
}

devdax_namespaces namespace0.0

# Linux 7.3: the first memory of the memory-less node 1 onlined in ZONE_NORMAL takes the node's
# unmovable slab (SUnreclaim 44 kB on node 1, in memory39) and that block can never be offlined
# again (EBUSY, for per-block offline and for kmem's whole-device `unplugged`; 6.1 and 6.12 give it
# back).  Every later scenario would start from memory stuck on kmem, so on 7.3 the scenarios that
# online the kernel zone are not run (said as NOT RUN); the last scenario, normal-sticks, onlines it
# and asserts what each tool does then.  state-famfs (plug-kernel) and cxl-normal cover the rest.
NORMAL_STICKS=no; [ "$KERNEL" = 7.3 ] && NORMAL_STICKS=yes
STICKS="on 7.3 ZONE_NORMAL memory of node 1 cannot be offlined again (see normal-sticks), which would break every later scenario"

# ---------------------------------------------------------------- kmem not loaded
scenario kmem-not-loaded "system-ram while kmem is not loaded: the tool loads it (libkmod)" kmem-not-loaded
check "kmem is not loaded before" sh -c '! [ -d /sys/module/kmem ]'
stepj reconfigure-system-ram 0 0 reconfigure-device --mode=system-ram $D
check "kmem module loaded" kmem_loaded
check "$D bound to kmem" driver_is $D kmem
check "all blocks online movable" blocks_are $D online Movable
check "7 blocks" nblocks $D 7

# ---------------------------------------------------------------- system-ram, default
scenario system-ram "devdax -> system-ram (online, movable), dax's own command name"
begin reconfigure-system-ram
if is_dax; then call 0 reconfigure -m system-ram $D; else call 0 reconfigure-device -m system-ram $D; fi
compare_stdout; end
check "all blocks online movable" blocks_are $D online Movable
check "first partial block not used: memory33-39 added, not memory32" sh -c 'cd /sys/devices/system/memory && [ ! -e memory32 ] && [ -e memory33 ] && [ -e memory39 ] && [ ! -e memory40 ]'
check "node1 has the memory" sh -c 'grep -q "MemTotal: *917504 kB" /sys/devices/system/node/node1/meminfo'
stepj reconfigure-devdax-force 0 0 reconfigure-device --mode=devdax -f $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- --no-online
scenario no-online "system-ram --no-online leaves the blocks offline; then online them"
stepj reconfigure-system-ram-no-online 0 0 reconfigure-device -m system-ram --no-online $D
check "$D bound to kmem" driver_is $D kmem
online_then_devdax online-memory

# ---------------------------------------------------------------- --no-movable
if [ $NORMAL_STICKS = yes ]; then not_run no-movable "$STICKS"; else
scenario no-movable "system-ram --no-movable onlines as kernel memory (ZONE_NORMAL)"
stepj reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $D
check "all blocks online Normal" blocks_are $D online Normal
step offline-memory 0 0 offline-memory $D
check "all blocks offline" blocks_are $D offline
stepj reconfigure-devdax-from-offline 0 0 reconfigure-device -m devdax $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D

fi

# ---------------------------------------------------------------- online/offline round trips
if [ $NORMAL_STICKS = yes ]; then not_run online-offline "$STICKS"; else
scenario online-offline "offline/online round trips, movable and kernel zones, repeated (already) requests"
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
step offline-memory 0 0 offline-memory $D
check "all blocks offline" blocks_are $D offline
step offline-memory-already-offline 0 1 offline-memory $D
differs "offline-memory when all blocks are already offline exits 0 (daxctl: 1)"
check "all blocks offline" blocks_are $D offline
step online-memory-no-movable 0 0 online-memory --no-movable $D
check "all blocks online Normal" blocks_are $D online Normal
step online-memory-already-online 0 1 online-memory $D
differs "online-memory on blocks online Normal moves them to Movable, the asked zone, exit 0 (daxctl: 'already online', 1, blocks stay Normal)"
nocompare "dax moves the blocks to Movable; daxctl leaves them Normal"
dcheck "blocks moved to Movable" blocks_are $D online Movable
is_dax || check "daxctl leaves them Normal" blocks_are $D online Normal
step offline-memory-normal 0 0 offline-memory $D
check "all blocks offline" blocks_are $D offline
begin online-movable
if is_dax; then call 0 online $D; else call 0 online-memory $D; fi
end
check "all blocks online movable" blocks_are $D online Movable
begin offline-again
if is_dax; then call 0 offline $D; else call 0 offline-memory $D; fi
end
online_then_devdax online-again

# ---------------------------------------------------------------- one block online
fi

scenario some-online "devdax while only some blocks are online: refused without -f; -f offlines them"
step reconfigure-system-ram-no-online 0 0 reconfigure-device -m system-ram --no-online $D
begin online-one-block-by-hand
raw 0 "echo online_movable > /sys/devices/system/memory/memory35/state"
end
stepj reconfigure-devdax-noforce 1 240 reconfigure-device -m devdax $D
check "$D still on kmem" driver_is $D kmem
check "memory35 still online" sh -c '[ "$(cat /sys/devices/system/memory/memory35/state)" = online ]'
dcheck "dax says which blocks are online" stderr_has "online"
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- already in mode
scenario already-in-mode "reconfigure to the mode the device is already in"
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
stepj reconfigure-system-ram-again 0 0 reconfigure-device -m system-ram $D
check "all blocks online movable" blocks_are $D online Movable
step reconfigure-system-ram-no-online-again 0 0 reconfigure-device -m system-ram --no-online $D
differs "system-ram --no-online on a system-ram device offlines its online blocks, as asked (daxctl: 'already in system-ram mode', blocks left online)"
nocompare "dax offlines the blocks; daxctl leaves them online"
dcheck "blocks offlined, as asked" blocks_are $D offline
is_dax || check "daxctl leaves the blocks online" blocks_are $D online Movable
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
stepj reconfigure-devdax-again 0 0 reconfigure-device -m devdax $D
check "$D on device_dax" driver_is $D device_dax
step reconfigure-devdax-force-again 0 0 reconfigure-device -m devdax -f $D

# ---------------------------------------------------------------- devdax while online
scenario devdax-online "back to devdax while online: refused without --force (nothing changed), done with it"
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
stepj reconfigure-devdax-noforce 1 240 reconfigure-device -m devdax $D
check "$D still on kmem" driver_is $D kmem
check "blocks still online movable" blocks_are $D online Movable
dcheck "dax says it needs --force" stderr_has "force"
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax --force $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D
if [ $NORMAL_STICKS = yes ]; then note "on 7.3 the last two steps (--no-movable, then devdax -f of Normal memory) are not run: $STICKS"; else
step reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $D
step reconfigure-devdax-force-normal 0 0 reconfigure-device -m devdax -f $D
check "Normal blocks on node1 removed" no_blocks $D
fi

# ---------------------------------------------------------------- wrong mode for the operation
scenario wrong-mode "online/offline on a devdax device; devdax-only options on a system-ram device"
step online-memory-devdax 1 250 online-memory $D
dcheck "dax says the device is in devdax mode" stderr_has "devdax"
step offline-memory-devdax 1 250 offline-memory $D
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
step reconfigure-size-on-system-ram 1 250 reconfigure-device -s 512M $D
differs "--size/--align on a static (NVDIMM) region: refused before any write, saying it cannot be resized (exit 1)"
dcheck "dax says the region cannot be resized" stderr_has "static region .*cannot be resized"
check "still online movable" blocks_are $D online Movable
step reconfigure-align-on-system-ram 1 250 reconfigure-device -a 4096 $D
check "still online movable" blocks_are $D online Movable
begin devdax-with-system-ram-options
if is_dax; then call 2 reconfigure -m devdax --no-movable $D; fi
end
differs "dax refuses system-ram options (--no-movable/--no-online) with -m devdax (usage error, exit 2); daxctl ignores them (not run)"
check "still online movable" blocks_are $D online Movable
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D

# ---------------------------------------------------------------- bad device names
# daxctl 81 matches no device for such a name and exits 0 ("reconfigured 0 devices"); 76.1: 250 (ENXIO)
NODEV=$(byver 250 0)
scenario bad-names "nonexistent and malformed device names change nothing"
step nonexistent 2 $NODEV reconfigure-device -m system-ram dax9.9
dcheck "dax names the device" stderr_has "dax9.9"
step malformed-foo 2 $NODEV reconfigure-device -m system-ram foo
step malformed-dax0 2 $NODEV reconfigure-device -m system-ram dax0
step online-nonexistent 2 $NODEV online-memory dax9.9
begin valid-and-nonexistent
if is_dax; then call 2 reconfigure -m system-ram $D dax9.9; else call $NODEV reconfigure-device -m system-ram dax9.9; fi
end
differs "dax checks every name first: with one unknown name nothing is changed, exit 2 (daxctl takes one device per call: only dax9.9 is run)"
check "$D unchanged" driver_is $D device_dax
step short-name 0 0 reconfigure-device -m system-ram 0.0
check "0.0 accepted as dax0.0" driver_is $D kmem
step dev-path 0 0 reconfigure-device -m devdax -f /dev/$D
check "/dev/dax0.0 accepted" driver_is $D device_dax

# ---------------------------------------------------------------- auto_online_blocks=online
scenario auto-online "auto_online_blocks=online: the kernel onlines hot-added memory as kernel memory" kmem-loaded online
system_ram_under_online $D
step reconfigure-system-ram-no-online 0 240 reconfigure-device -m system-ram --no-online $D
differs "system-ram --no-online under auto_online_blocks=online ends offline, exit 0 (daxctl: 240)"
nocompare "dax hot-adds the memory offline; daxctl refuses"
dcheck "blocks offline" blocks_are $D offline
is_dax || check "nothing changed" driver_is $D device_dax
step reconfigure-devdax-after-offline 0 0 reconfigure-device -m devdax $D
nocompare "dax had memory to remove; daxctl had none"
check "memory removed" no_blocks $D
if [ $NORMAL_STICKS = yes ]; then note "on 7.3 the last steps (--no-movable; -f, which daxctl onlines Normal) are not run: $STICKS"; else
no_movable_then_devdax $D Normal
step reconfigure-system-ram-force 0 0 reconfigure-device -m system-ram -f $D
differs "-f with system-ram changes nothing: dax still gives what was asked, Movable (daxctl -f: the kernel's choice, Normal)"
nocompare "dax onlines Movable; daxctl takes the kernel's Normal"
dcheck "blocks online Movable (what was asked)" blocks_are $D online Movable
is_dax || check "blocks online Normal (the kernel's choice)" blocks_are $D online Normal
step reconfigure-devdax-force-2 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D
fi

scenario auto-online-movable "auto_online_blocks=online_movable: what was asked (movable) is what the kernel does" kmem-loaded online_movable
begin reconfigure-system-ram
if is_dax; then call 0 reconfigure-device -m system-ram $D; else call 0 reconfigure-device -m system-ram -f $D; fi
end
differs "dax goes ahead without --force when the kernel's auto-online choice is what was asked; daxctl aborts unless -f, so daxctl is run with -f"
check "blocks online movable" blocks_are $D online Movable
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
step reconfigure-system-ram-no-online 0 240 reconfigure-device -m system-ram --no-online $D
differs "system-ram --no-online under auto_online_blocks=online_movable ends offline, exit 0 (daxctl: 240)"
nocompare "dax hot-adds the memory offline; daxctl refuses"
dcheck "blocks offline" blocks_are $D offline
is_dax || check "nothing changed" driver_is $D device_dax
check "auto_online_blocks restored" sh -c "[ \"\$(cat $AOB)\" = online_movable ]"

# ---------------------------------------------------------------- 7.3: ZONE_NORMAL of node 1 sticks (last)
if [ $NORMAL_STICKS = yes ]; then
scenario normal-sticks "7.3: --no-movable onlines node 1's kernel zone, which then keeps memory39 (EBUSY); devdax -f: dax changes nothing, daxctl offlines the other six"
stepj reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $D
check "all blocks online Normal" blocks_are $D online Normal
check "node 1 holds unmovable slab now" sh -c "grep -q 'SUnreclaim: *[1-9]' /sys/devices/system/node/node1/meminfo"
step reconfigure-devdax-force-refused 1 240 reconfigure-device -m devdax -f $D
nocompare "dax: nothing changed (one write of unplugged, all or nothing); daxctl offlined the blocks it could"
dcheck "dax: kmem not unbound, every block as it was" stderr_has "left all 7 memory blocks as they were, and kmem was not unbound"
dcheck "all 7 blocks still online Normal" blocks_are $D online Normal
is_dax || check "daxctl: a busy block is still online" sh -c "grep -q 'memory3[3-9] state=online' $STEPDIR/state"
check "still on kmem: kmem is not unbound with memory online (no memory stranded)" driver_is $D kmem
fi

finish
