# vm-run: --pmem nfit --pmem-node 1 --append memory_hotplug.memmap_on_memory=1
# kernels: 6.12
# memmap_on_memory (Linux 6.8+) for real, on the NVDIMM of nfit.sh, booted with
# memory_hotplug.memmap_on_memory=1: `reconfigure -m system-ram --memmap-on-memory` puts the
# memory map of the new blocks on the device (node 1 gets less usable memory), `--no-memmap-on-memory`
# keeps it in boot RAM; the device's setting cannot change while kmem holds it.  The same
# scenarios without the boot parameter: group memmap-off (memmap-off.sh, which runs this file).
# daxctl 81 has no such option: the daxctl boot writes daxX.Y/memmap_on_memory by hand.
# Run as: sh memmap.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0
MOM=$DAXBUS/devices/$D/memmap_on_memory
PARAM=$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)

devdax_namespaces namespace0.0
echo "memory_hotplug.memmap_on_memory=$PARAM, $D/memmap_on_memory=$(cat $MOM)" > $VM_OUT/memmap.txt

# reads N: the device's memmap_on_memory reads N
reads() { [ "$(cat $MOM)" = "$1" ] || { echo "$MOM reads $(cat $MOM), wanted $1"; return 1; }; }
# node1_total OP KB: node 1's MemTotal compares (test OP: -lt, -eq) with KB
node1_total() { _t=$(sed -n 's/.*MemTotal: *\([0-9]*\) kB/\1/p' /sys/devices/system/node/node1/meminfo); [ "$_t" "$1" "$2" ] || { echo "node1 MemTotal ${_t} kB, wanted $1 $2"; return 1; }; }

# ---------------------------------------------------------------- on the device
scenario memmap-on "system-ram --memmap-on-memory (memory_hotplug.memmap_on_memory=$PARAM)"
begin reconfigure-system-ram-memmap-on-memory
raw 0 "echo 0 > $MOM"   # the same starting setting in both boots, whatever the kernel chose
if [ "$PARAM" = Y ]; then
	if is_dax; then call 0 reconfigure -m system-ram --memmap-on-memory $D
	else raw 0 "echo 1 > $MOM"; call 0 reconfigure-device -m system-ram $D; fi
else
	if is_dax; then call 1 reconfigure -m system-ram --memmap-on-memory $D
	else raw 1 "echo 1 > $MOM"; fi
fi
end
if [ "$PARAM" = Y ]; then
	check "$D reads memmap_on_memory 1" reads 1
	check "online Movable" blocks_are $D online Movable
	check "node 1 has less than the 7 blocks' 917504 kB (the memory map is on the device)" node1_total -lt 917504
	begin change-while-kmem
	if is_dax; then call 1 reconfigure -m system-ram --no-memmap-on-memory $D; else raw 1 "echo 0 > $MOM"; fi
	end
	dcheck "dax says the setting cannot change in system-ram mode" stderr_has "memmap"
	check "still 1, still online" reads 1
	step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
	check "memory removed" no_blocks $D
else
	dcheck "dax says why (memory_hotplug.memmap_on_memory is off)" stderr_has "memmap_on_memory"
	check "refused: the setting still 0" reads 0
	check "$D still on device_dax" driver_is $D device_dax
	check "no memory added" no_blocks $D
fi

# ---------------------------------------------------------------- in boot RAM
scenario memmap-off "system-ram --no-memmap-on-memory: the memory map in boot RAM, all of the blocks usable"
begin reconfigure-system-ram-no-memmap-on-memory
raw 0 "echo 1 > $MOM || echo 0 > $MOM"   # start from 1 where the kernel allows it
if is_dax; then call 0 reconfigure -m system-ram --no-memmap-on-memory $D
else raw 0 "echo 0 > $MOM"; call 0 reconfigure-device -m system-ram $D; fi
end
check "$D reads memmap_on_memory 0" reads 0
check "online Movable" blocks_are $D online Movable
check "node 1 has all of the 7 blocks (917504 kB)" node1_total -eq 917504
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

finish
