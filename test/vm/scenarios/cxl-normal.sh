# vm-run: --qemu 10 --pmem cxl
# vm-add: test/vm/guest/cxl-region.sh:/vm/cxl-region.sh
# kernels: 7.3
# CXL memory that arrives online in ZONE_NORMAL on Linux 7.3 (QEMU 10, vm-run --pmem cxl): the RAM
# region of group "cxl" made with the kernel's own policy (auto_online_blocks=online at boot,
# CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y, online_policy=contig-zones), so kmem binds dax0.0 and
# the kernel onlines its 8 blocks (memory130-137, node 1) in ZONE_NORMAL. On 7.3 that memory takes
# kernel allocations at once and some of its blocks can never be offlined again (EBUSY; on 6.12 they
# could). What is tested: dax names it, and every change that would need the memory back is refused
# with nothing changed (kmem's whole-device `state` does all or nothing; kmem is never unbound with
# memory online); daxctl 85 side by side (it offlines what it can, block by block).
# One scenario: nothing here can be undone until reboot.
# Run as: sh cxl-normal.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0
S=$DAXBUS/devices/$D/state

. /vm/cxl-region.sh
cxl_ram_region > $VM_OUT/region.txt 2>&1 || { cat $VM_OUT/region.txt; exit 3; }
_w=0; while [ "$(dev_driver $D)" != kmem ] && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
# the kernel onlines the blocks as kmem adds them; let it finish
_w=0; while ! blocks_are $D online >/dev/null 2>&1 && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done

RESET=true   # no reset: the state the kernel made
scenario arrives-normal "dax0.0 arrives on kmem online in ZONE_NORMAL; moving it, offlining it and devdax -f are refused with nothing changed"
check "the kernel booted auto-onlining (CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y)" sh -c "[ '$BOOT_AOB' = online ]"
check "$D came up on kmem" driver_is $D kmem
check "8 blocks" nblocks $D 8
check "online Normal, nobody asked" blocks_are $D online Normal
check "dax0.0/state reads online (kmem bound it under auto_online_blocks=online)" sh -c "[ \"\$(cat $S)\" = online ]"
begin status
if is_dax; then call 0 status $D; fi
end
dcheck "status says zone Normal may refuse to go offline" sh -c "grep -q 'online in zone Normal' $STEPDIR/1.out && grep -q 'may refuse to go offline' $STEPDIR/1.out"
begin unplug-refused
raw 1 "echo unplugged > $S"
end
check "the kernel refuses to unplug it (EBUSY)" stderr_has "resource busy"
check "every block still online Normal" blocks_are $D online Normal
stepj reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $D
check "already as asked: online Normal" blocks_are $D online Normal
begin reconfigure-system-ram-movable
if is_dax; then call 1 reconfigure -m system-ram $D; else call 240 offline-memory $D; fi
end
differs "system-ram (Movable) on memory online Normal: dax unplugs in one write to plug it Movable; the kernel refuses and leaves every block as it was, exit 1 (daxctl: offline-memory, block by block: 240, the blocks it could offline are offline)"
nocompare "dax: nothing changed (all or nothing); daxctl offlined the blocks it could"
dcheck "dax says the kernel left every block as it was" stderr_has "left every block as it was"
dcheck "all 8 blocks still online Normal" blocks_are $D online Normal
is_dax || check "daxctl: some block still online (busy)" sh -c "grep -q 'memory13[0-7] state=online' $STEPDIR/state"
begin devdax-force-refused
if is_dax; then call 1 reconfigure -m devdax -f $D; else call 240 reconfigure-device -m devdax -f $D; fi
end
nocompare "dax: nothing changed; daxctl offlines what it can"
dcheck "dax: kmem not unbound, every block as it was" stderr_has "left all 8 memory blocks as they were, and kmem was not unbound"
check "still on kmem: kmem is not unbound with memory online (no memory stranded)" driver_is $D kmem
dcheck "all 8 blocks still online Normal" blocks_are $D online Normal
finish
