# vm-run: --mem 2400M --memmap 512M!1024M --memmap 512M!1664M
# kernels: 6.1 6.12 7.3
# Scenarios on two legacy e820 pmem ranges below 4 GiB, node 0
# (vm-run --mem 2400M --memmap 512M!1024M --memmap 512M!1664M):
# dax0.0 0x40a00000-0x5fffffff (memory9-11), dax1.0 0x68a00000-0x87ffffff (memory14-16),
# 502 MiB each, 3 whole 128 MiB blocks each; kernel memory goes to ZONE_DMA32 here.
# Run as: sh e820-two.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
A=dax0.0 B=dax1.0

devdax_namespaces namespace0.0 namespace1.0

# ---------------------------------------------------------------- two devices in one call
scenario two-devices "two devices in one call: system-ram, offline, online --no-movable, devdax -f"
begin reconfigure-system-ram
if is_dax; then call 0 reconfigure -m system-ram $A $B; else each 0 "$A $B" reconfigure-device -m system-ram; fi
compare_stdout; end
differs "takes several devices per call (daxctl: one call per device)"
check "$A online movable" blocks_are $A online Movable
check "$B online movable" blocks_are $B online Movable
check "$A has 3 blocks" nblocks $A 3
check "$B has 3 blocks" nblocks $B 3
begin offline
if is_dax; then call 0 offline $A $B; else each 0 "$A $B" offline-memory; fi
end
check "$A offline" blocks_are $A offline
check "$B offline" blocks_are $B offline
begin offline-again
if is_dax; then call 0 offline-memory $A $B; else each 1 "$A $B" offline-memory; fi
end
differs "already offline: exit 0 (daxctl: 1)"
begin online-no-movable
if is_dax; then call 0 online --no-movable $A $B; else each 0 "$A $B" online-memory --no-movable; fi
end
check "$A online DMA32" blocks_are $A online DMA32
check "$B online DMA32" blocks_are $B online DMA32
begin reconfigure-devdax-force
if is_dax; then call 0 reconfigure -m devdax -f $A $B; else each 0 "$A $B" reconfigure-device -m devdax -f; fi
compare_stdout; end
check "$A memory removed" no_blocks $A
check "$B memory removed" no_blocks $B
check "$A on device_dax" driver_is $A device_dax
check "$B on device_dax" driver_is $B device_dax

# ---------------------------------------------------------------- all
scenario all "'all' devices: system-ram, offline, online --no-movable, devdax -f"
step reconfigure-system-ram-all 0 0 reconfigure-device -m system-ram all
dcheck "printed both devices" stdout_count '"chardev"' 2
check "$A online movable" blocks_are $A online Movable
check "$B online movable" blocks_are $B online Movable
step offline-all 0 0 offline-memory all
check "$A offline" blocks_are $A offline
check "$B offline" blocks_are $B offline
step online-no-movable-all 0 0 online-memory --no-movable all
check "$A online DMA32" blocks_are $A online DMA32
check "$B online DMA32" blocks_are $B online DMA32
step reconfigure-devdax-force-all 0 0 reconfigure-device -m devdax -f all
dcheck "printed both devices" stdout_count '"chardev"' 2
check "$A memory removed" no_blocks $A
check "$B memory removed" no_blocks $B
step reconfigure-devdax-all-again 0 0 reconfigure-device -m devdax all
dcheck "printed both devices" stdout_count '"chardev"' 2
differs "with 'all', prints every device it reconfigured (daxctl 76.1 prints only the last one, e.g. after 'reconfigured 2 devices')"

# ---------------------------------------------------------------- partial success
scenario partial "devdax without -f on two devices, one online and one offline: exit 3 (partial)"
step reconfigure-system-ram-A 0 0 reconfigure-device -m system-ram $A
step reconfigure-system-ram-B-no-online 0 0 reconfigure-device -m system-ram --no-online $B
begin reconfigure-devdax-both
if is_dax; then call 3 reconfigure -m devdax $A $B; else call 240 reconfigure-device -m devdax $A; call 0 reconfigure-device -m devdax $B; fi
compare_stdout; end
differs "one call for both: $A refused (online, no -f), $B done: exit 3 = partial (daxctl, once per device: 240 and 0)"
check "$A still on kmem, online" blocks_are $A online Movable
check "$B on device_dax" driver_is $B device_dax
check "$B memory removed" no_blocks $B
begin online-both
if is_dax; then call 3 online $A $B; else call 1 online-memory $A; call 250 online-memory $B; fi
end
differs "online of [$A already online, $B devdax]: exit 3 = partial, $A counts as success (daxctl: 1 and 250)"
step reconfigure-devdax-force-A 0 0 reconfigure-device -m devdax -f $A
check "$A memory removed" no_blocks $A

# ---------------------------------------------------------------- e820 with auto-online
scenario auto-online-e820 "auto_online_blocks=online on e820 pmem below 4 GiB: kernel memory is ZONE_DMA32" kmem-loaded online
system_ram_under_online $A
no_movable_then_devdax $A DMA32

# ---------------------------------------------------------------- enable/disable, static-region refusals
scenario device-state "disable-device/enable-device on a static region; create/destroy/resize refused there"
step disable-A 0 0 disable-device $A
check "$A unbound" driver_is $A none
check "/dev/$A stays (devtmpfs node of the device, not of the driver)" test -c /dev/$A
step disable-A-again 0 0 disable-device $A
step enable-A 0 0 enable-device $A
check "$A on device_dax" driver_is $A device_dax
step enable-A-again 0 0 enable-device $A
step resize-static 1 250 reconfigure-device -s 256M $A
dcheck "says the region cannot be resized" stderr_has "static region .*cannot be resized"
step create-static 1 228 create-device -r 0 -s 256M
dcheck "says devices cannot be created there" stderr_has "static region .*cannot be created"
differs "static region: resize/create refused with the reason, exit 1 (daxctl 76.1: 250 and 228 from the kernel's errno)"
step destroy-enabled 1 250 destroy-device $A
check "$A still on device_dax" driver_is $A device_dax
step reconfigure-system-ram-B 0 0 reconfigure-device -m system-ram --no-online $B
step enable-ram-B 1 250 enable-device $B
step disable-ram-B 1 250 disable-device $B
check "$B still on kmem" driver_is $B kmem
step reconfigure-devdax-B 0 0 reconfigure-device -m devdax -f $B
check "$B memory removed" no_blocks $B

finish
