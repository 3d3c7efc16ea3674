# vm-run: --pmem nfit --pmem-node 1
# kernels: 6.12
# Linux 6.12's default hotplug policy (auto_online_blocks=online, online_policy=contig-zones: the
# kernel onlines hot-added memory itself, as ZONE_NORMAL) on one NVDIMM on the memory-less NUMA
# node 1 (vm-run --kernel 6.12 --pmem nfit --pmem-node 1): dax reaches the asked state without
# --force, and leaves auto_online_blocks as it found it.
# Run as: sh policy.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0

devdax_namespaces namespace0.0

# aob_is POLICY : auto_online_blocks reads POLICY
aob_is() { rd $AOB; [ "$R" = "$1" ] || { echo "auto_online_blocks=$R, wanted $1"; return 1; }; }

# Every scenario starts with auto_online_blocks=online (6.12's boot value), kmem loaded.
# ---------------------------------------------------------------- movable (the default request)
scenario default-movable "auto_online_blocks=online: system-ram gives Movable, twice, back to devdax each time" kmem-loaded online
check "the kernel auto-onlines" aob_is online
for round in 1 2; do
	step reconfigure-system-ram-$round 0 240 reconfigure-device -m system-ram $D
	differs "system-ram under auto_online_blocks=online ends online Movable, exit 0 (daxctl: 'kernel policy will auto-online memory, aborting', 240, nothing changed)"
	nocompare "dax binds kmem and onlines Movable; daxctl refuses"
	dcheck "every block online Movable" blocks_are $D online Movable
	dcheck "7 blocks" nblocks $D 7
	check "auto_online_blocks restored" aob_is online
	dcheck "dax said what it did with the policy" stderr_has "auto_online_blocks was set to offline while kmem bound"
	step reconfigure-devdax-$round 0 0 reconfigure-device -m devdax -f $D
	nocompare "dax had memory to remove; daxctl had none"
	check "$D back on device_dax" driver_is $D device_dax
	check "memory removed" no_blocks $D
	check "auto_online_blocks still online" aob_is online
done

# ---------------------------------------------------------------- --no-online
scenario no-online "auto_online_blocks=online: system-ram --no-online leaves every block offline" kmem-loaded online
for round in 1 2; do
	step reconfigure-system-ram-no-online-$round 0 240 reconfigure-device -m system-ram --no-online $D
	differs "--no-online under auto_online_blocks=online ends offline, exit 0 (daxctl: aborts, 240)"
	nocompare "dax binds kmem with the blocks offline; daxctl refuses"
	dcheck "every block offline" blocks_are $D offline
	check "auto_online_blocks restored" aob_is online
	step reconfigure-devdax-$round 0 0 reconfigure-device -m devdax $D
	nocompare "dax had (offline) memory to remove; daxctl had none"
	check "$D back on device_dax" driver_is $D device_dax
	check "memory removed" no_blocks $D
done

# ---------------------------------------------------------------- --no-movable
scenario no-movable "auto_online_blocks=online: system-ram --no-movable gives Normal" kmem-loaded online
for round in 1 2; do
	step reconfigure-system-ram-no-movable-$round 0 0 reconfigure-device -m system-ram --no-movable $D
	check "every block online Normal" blocks_are $D online Normal
	check "auto_online_blocks restored" aob_is online
	step reconfigure-devdax-$round 0 0 reconfigure-device -m devdax -f $D
	check "$D back on device_dax" driver_is $D device_dax
	check "memory removed" no_blocks $D
done

# ---------------------------------------------------------------- memory the kernel onlined as Normal
scenario kernel-onlined "kmem bound by the kernel's policy, blocks online Normal (as a CXL region arrives): system-ram moves them to Movable" kmem-loaded online
begin bind-kmem-raw
raw 0 "echo $D > $DAXBUS/drivers/device_dax/remove_id; echo $D > $DAXBUS/drivers/device_dax/unbind; echo $D > $DAXBUS/drivers/kmem/new_id"
end
check "the kernel onlined every block Normal" blocks_are $D online Normal
step reconfigure-system-ram 0 240 reconfigure-device -m system-ram $D
differs "system-ram on memory online Normal moves it to Movable, exit 0 (daxctl: 'kernel policy will auto-online memory, aborting', 240, blocks stay Normal)"
nocompare "dax moves the blocks to Movable; daxctl leaves them Normal"
dcheck "every block online Movable" blocks_are $D online Movable
check "auto_online_blocks untouched" aob_is online
step offline-memory 0 0 offline-memory $D
nocompare "zones differ since the previous step"
step online-memory-no-movable 0 0 online-memory --no-movable $D
check "every block online Normal" blocks_are $D online Normal
step online-memory-movable 0 1 online-memory $D
differs "online-memory on blocks online Normal moves them to Movable, exit 0 (daxctl: 'already online', 1)"
nocompare "dax moves the blocks to Movable; daxctl leaves them Normal"
dcheck "every block online Movable" blocks_are $D online Movable
step reconfigure-devdax 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D
check "auto_online_blocks untouched" aob_is online

finish
