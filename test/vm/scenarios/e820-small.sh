# vm-run: --mem 2400M --memmap 160M!1100M --memmap 400M!1648M
# kernels: 6.1 6.12
# Scenarios on devices that do not fit the memory block grid
# (vm-run --mem 2400M --memmap 160M!1100M --memmap 400M!1648M):
# dax0.0 0x45000000-0x4ebfffff (150 MiB): holds no whole 128 MiB block (too small);
# dax1.0 0x67800000-0x7fffffff (392 MiB): the region itself starts off the block grid
# (1648M = 12.875 blocks), end aligned: memory13-15.
# Run as: sh e820-small.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
S=dax0.0 U=dax1.0

devdax_namespaces namespace0.0 namespace1.0

# ---------------------------------------------------------------- too small
scenario too-small "a device too small to hold one whole memory block"
stepj reconfigure-system-ram 1 234 reconfigure-device -m system-ram $S
dcheck "dax says no whole memory block fits" stderr_has "block"
dcheck "dax leaves $S on device_dax" driver_is $S device_dax
if is_dax; then
	nocompare "daxctl leaves the device unbound (mode devdax, state disabled); dax gives it back to device_dax"
else
	check "daxctl leaves $S unbound (known daxctl behaviour)" driver_is $S none
fi
begin rebind-daxctl-leftover
is_dax || raw 0 "echo $S > /sys/bus/dax/drivers/device_dax/bind"
end
differs "fails with the reason (no whole memory block in the range) and leaves the device on device_dax; daxctl says 'failed to enable: Invalid argument' and leaves it unbound (the daxctl boot rebinds it by hand to compare the rest)"
check "nothing hot-added" no_blocks $S
step reconfigure-system-ram-no-online 1 234 reconfigure-device -m system-ram --no-online $S
dcheck "dax leaves $S on device_dax" driver_is $S device_dax
is_dax && nocompare "daxctl leaves the device unbound"
begin rebind-daxctl-leftover-2
is_dax || raw 0 "echo $S > /sys/bus/dax/drivers/device_dax/bind"
end
step online-memory-devdax 1 250 online-memory $S

# ---------------------------------------------------------------- region start off the block grid
scenario unaligned-start "a device whose region starts off the memory block grid: only whole blocks are added"
stepj reconfigure-system-ram 0 0 reconfigure-device -m system-ram $U
check "$U online movable" blocks_are $U online Movable
check "$U has 3 blocks" nblocks $U 3
check "memory12 (partial, boot RAM below) untouched, memory13-15 added" sh -c 'cd /sys/devices/system/memory && [ "$(cat memory12/state)" = online ] && [ -e memory13 ] && [ -e memory15 ]'
step offline-memory 0 0 offline-memory $U
check "$U offline" blocks_are $U offline
step online-memory-no-movable 0 0 online-memory --no-movable $U
check "$U online DMA32" blocks_are $U online DMA32
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $U
check "$U memory removed" no_blocks $U

# ---------------------------------------------------------------- all, with the too-small one
scenario all-with-too-small "'all' when one device cannot become RAM"
begin reconfigure-system-ram-all
if is_dax; then call 3 reconfigure -m system-ram all; else call 234 reconfigure-device -m system-ram $S; call 0 reconfigure-device -m system-ram $U; fi
end
differs "'all' with one device that cannot become RAM: the other is done, exit 3 = partial (daxctl run per device)"
check "$U online movable" blocks_are $U online Movable
dcheck "$S on device_dax" driver_is $S device_dax
is_dax && nocompare "daxctl leaves $S unbound"
begin rebind-daxctl-leftover
is_dax || raw 0 "echo $S > /sys/bus/dax/drivers/device_dax/bind"
end
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $U

finish
