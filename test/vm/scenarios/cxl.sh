# vm-run: --qemu 10 --pmem cxl
# vm-add: test/vm/guest/cxl-region.sh:/vm/cxl-region.sh
# kernels: 6.12 7.3
# Scenarios on 1 GiB of CXL type-3 volatile memory (QEMU 10, Linux 6.12 and 7.3; vm-run --pmem cxl):
# a RAM region made with the raw sysfs writes of `cxl create-region -m -t ram -d decoder0.0 -w 1 mem0`
# gives dax_region0 under .../decoder0.0/region0 with dax0.0 of 1 GiB (target_node 1, memory130-137),
# a dynamic dax region (create/delete/seed).  kmem is loaded at boot (udev would load it) and 6.12
# auto-onlines (auto_online_blocks=online at boot), so dax0.0 comes up on kmem, online Normal.
# 7.3 auto-onlines too (CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y), but memory of node 1 onlined
# in ZONE_NORMAL there can never be offlined again (EBUSY: group cxl-normal tests exactly that), so
# on 7.3 the region is made with auto_online_blocks=offline until kmem has bound dax0.0 (restored
# after): dax0.0 comes up on kmem with its blocks offline, and every scenario can run.
#
# Checks marked ISSUE13 assert what issue 13 demands of dax on an auto-onlining kernel (exit 0 and
# the asked state: online Movable by default, offline with --no-online, Normal with --no-movable,
# without --force).  In those steps the daxctl boot reaches the same state the way daxctl 81 can
# (auto_online_blocks set to offline around the call), so that the kernel states stay comparable.
# Run as: sh cxl.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0

# ---------------------------------------------------------------- the RAM region (raw sysfs)
. /vm/cxl-region.sh
[ "$KERNEL" != 7.3 ] || echo offline > $AOB
cxl_ram_region > $VM_OUT/region.txt 2>&1 || { cat $VM_OUT/region.txt; exit 3; }
if [ "$KERNEL" = 7.3 ]; then
	_w=0; while [ "$(dev_driver $D)" != kmem ] && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
	echo $BOOT_AOB > $AOB
fi
REGION=$(readlink -f $DAXBUS/devices/$D/..)
echo "region=$CXL_REGION dax_region=$REGION" >> $VM_OUT/region.txt

# in the daxctl boot: the state dax reaches, made with daxctl 81 with auto-onlining off around the call
# (daxctl refuses movable/--no-online while the kernel auto-onlines); restores the boot policy after
daxctl_aob_off() { raw 0 "echo offline > $AOB"; call 0 "$@"; raw 0 "echo $BOOT_AOB > $AOB"; }

# ---------------------------------------------------------------- as it comes up
RESET=true   # no reset: the state the kernel made
if [ "$KERNEL" = 7.3 ]; then UP_STATE=offline UP_ZONE=; else UP_STATE=online UP_ZONE=Normal; fi
scenario comes-up "the region's dax0.0 as it comes up (kmem; 6.12: auto-onlined Normal, 7.3: offline, auto-onlining held back), status, views; made Movable"
check "the kernel booted auto-onlining (6.12: CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=y; 7.3: CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y)" sh -c "[ '$BOOT_AOB' = online ]"
check "$D came up on kmem" driver_is $D kmem
check "8 blocks" nblocks $D 8
if [ "$KERNEL" = 7.3 ]; then
	check "offline: the region was made with auto-onlining held back" blocks_are $D offline
else
	check "online Normal, nobody asked (contig-zones policy on the kernel zone)" blocks_are $D online Normal
fi
check "dax0.0 belongs to CXL region $CXL_REGION (dax region under the cxl bus)" sh -c "echo $REGION | grep -q '/$CXL_REGION/dax_region'"
begin status
if is_dax; then call 0 status; call 0 status --format=json; fi
end
dcheck "status names the device and its state or zone" sh -c "grep -q dax0.0 $STEPDIR/1.out && grep -qi ${UP_ZONE:-$UP_STATE} $STEPDIR/1.out"
begin views
if is_dax; then call 0 list --memory; call 0 list --numa; call 0 list --memory --format=json; fi
end
dcheck "list --memory shows the 8 blocks" sh -c "grep -q dax0.0 $STEPDIR/1.out"
dcheck "list --numa shows node 1 with dax0.0" sh -c "grep -q '^ *1 .*dax0.0' $STEPDIR/2.out"
begin reconfigure-system-ram-movable
if is_dax; then call 0 reconfigure -m system-ram $D
elif [ "$KERNEL" = 7.3 ]; then call 0 online-memory $D
else call 0 offline-memory $D; call 0 online-memory $D; fi
end
if [ "$KERNEL" = 7.3 ]; then
	differs "system-ram on a device already on kmem with its blocks offline: dax onlines them Movable (daxctl: online-memory)"
else
	differs "ISSUE13: system-ram on a device already on kmem but online Normal: dax re-onlines it Movable (daxctl: offline-memory + online-memory)"
fi
check "ISSUE13: online Movable" blocks_are $D online Movable
check "auto_online_blocks restored" sh -c "[ \"\$(cat $AOB)\" = '$BOOT_AOB' ]"


# every other scenario starts from dax0.0 alone, covering the region, on device_dax
RESET=reset_dynamic
# 7.3 keeps node 1's memory once it is online in ZONE_NORMAL (EBUSY until reboot; group cxl-normal),
# which would break every later scenario: there the kernel-zone steps are not run (a NOTE says so)
STICKS="not run on 7.3: ZONE_NORMAL memory of node 1 cannot be offlined again there (group cxl-normal tests that)"

# ---------------------------------------------------------------- round trip, boot policy kept
scenario round-trip "devdax -> system-ram (Movable, no --force) -> offline -> online -> devdax, with the kernel auto-onlining" kmem-loaded boot
begin reconfigure-system-ram
if is_dax; then call 0 reconfigure -m system-ram $D; else daxctl_aob_off reconfigure-device -m system-ram $D; fi
end
check "ISSUE13: online Movable" blocks_are $D online Movable
check "auto_online_blocks restored" sh -c "[ \"\$(cat $AOB)\" = '$BOOT_AOB' ]"
step offline 0 0 offline-memory $D
check "all blocks offline" blocks_are $D offline
step online 0 0 online-memory $D
check "online Movable" blocks_are $D online Movable
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D
begin reconfigure-system-ram-no-online
if is_dax; then call 0 reconfigure -m system-ram --no-online $D; else daxctl_aob_off reconfigure-device -m system-ram --no-online $D; fi
end
check "ISSUE13: all blocks offline (--no-online)" blocks_are $D offline
check "$D on kmem" driver_is $D kmem
step reconfigure-devdax-offline 0 0 reconfigure-device -m devdax $D
check "memory removed" no_blocks $D
if [ "$KERNEL" = 7.3 ]; then note "steps reconfigure-system-ram-no-movable and reconfigure-devdax-force-normal $STICKS"; else
stepj reconfigure-system-ram-no-movable 0 0 reconfigure-device -m system-ram --no-movable $D
check "ISSUE13: online Normal (--no-movable)" blocks_are $D online Normal
step reconfigure-devdax-force-normal 0 0 reconfigure-device -m devdax -f $D
check "Normal blocks on the memory-less node 1 removed" no_blocks $D
fi
begin reconfigure-system-ram-again
if is_dax; then call 0 reconfigure -m system-ram $D; else daxctl_aob_off reconfigure-device -m system-ram $D; fi
end
check "ISSUE13: online Movable again" blocks_are $D online Movable
step reconfigure-devdax-end 0 0 reconfigure-device -m devdax -f $D

# ---------------------------------------------------------------- same, auto-onlining off
scenario round-trip-offline-policy "the same with auto_online_blocks=offline (no kernel policy in the way)"
stepj reconfigure-system-ram 0 0 reconfigure-device -m system-ram $D
check "online Movable" blocks_are $D online Movable
step offline 0 0 offline-memory $D
if [ "$KERNEL" = 7.3 ]; then note "step online-no-movable $STICKS"; else
step online-no-movable 0 0 online-memory --no-movable $D
check "online Normal" blocks_are $D online Normal
fi
stepj reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- dynamic dax region
scenario create-destroy "create-device/destroy-device on the CXL region's dynamic dax region, a new device as RAM"
step disable-dax0.0 0 0 disable-device $D
step shrink-dax0.0-to-0 0 0 reconfigure-device -s 0 $D
stepj create-512M 0 0 create-device -r 0 -s 512M
stepj create-256M 0 0 create-device -r 0 -s 256M
check "dax0.2 is 256 MiB" sh -c "[ \"\$(cat $DAXBUS/devices/dax0.2/size)\" = 268435456 ]"
stepj reconfigure-system-ram-dax0.1 0 0 reconfigure-device -m system-ram dax0.1
check "dax0.1: 4 blocks online Movable" blocks_are dax0.1 online Movable
check "dax0.1 has 4 blocks" nblocks dax0.1 4
step reconfigure-devdax-dax0.1 0 0 reconfigure-device -m devdax -f dax0.1
check "memory removed" no_blocks dax0.1
step destroy-enabled-refused 1 $(byver 250 250) destroy-device dax0.2
check "dax0.2 kept" driver_is dax0.2 device_dax
step destroy-force 0 0 destroy-device -f dax0.2
check "dax0.2 gone" no_device dax0.2
begin destroy-dax0.1
call 0 disable-device dax0.1
call 0 destroy-device dax0.1
end
check "dax0.1 gone" no_device dax0.1


# ---------------------------------------------------------------- configuration by cxl.region
scenario apply "dax apply with /etc/dax/dax.conf matched by cxl.region (daxctl: the same change by hand)" kmem-loaded boot
mkdir -p /etc/dax
printf '%s\n' "[device cxl-ram]" "cxl.region = $CXL_REGION" "mode = system-ram" > /etc/dax/dax.conf
begin apply-system-ram
if is_dax; then call 0 apply; else daxctl_aob_off reconfigure-device -m system-ram $D; fi
end
dcheck "dax apply names the section" sh -c "grep -q 'dax0.0: .*\[device cxl-ram\] /etc/dax/dax.conf:1' $STEPDIR/1.out"
check "ISSUE13: online Movable" blocks_are $D online Movable
begin apply-again
if is_dax; then call 0 apply $D; fi
end
dcheck "already as wanted" sh -c "grep -q 'dax0.0: already system-ram, online, movable' $STEPDIR/1.out"
printf '%s\n' "[device cxl-ram]" "cxl.region = $CXL_REGION" "mode = system-ram" "online = no" > /etc/dax/dax.conf
apply_step apply-offline offline-memory $D
check "all blocks offline" blocks_are $D offline
printf '%s\n' "[device cxl-ram]" "cxl.region = region9" "mode = devdax" > /etc/dax/dax.conf
apply_step apply-no-match
check "another region's section changes nothing" blocks_are $D offline
printf '%s\n' "[device cxl-ram]" "cxl.region = $CXL_REGION" "mode = devdax" > /etc/dax/dax.conf
apply_step apply-devdax reconfigure-device -m devdax $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D
rm -f /etc/dax/dax.conf

finish
