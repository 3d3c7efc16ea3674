# vm-run: --pmem none --mem 2400M --append memmap=512M%1024M-1+0xefffffff -m dax_hmem
# kernels: 6.1 6.12 7.3
# Scenarios on a dynamic dax region: 512 MiB of "soft reserved" memory at 0x40000000-0x5fffffff
# (vm-run --pmem none --mem 2400M --append memmap=512M%1024M-1+0xefffffff -m dax_hmem), which
# dax_hmem makes region 0 (/platform/hmem.0) with dax0.0 covering all of it, on node 0.
# Devices are created, resized and destroyed; a device made of two ranges (a hole left by a
# destroyed device, plus the end of the region) is hot-added and removed.
# Run as: sh hmem.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
REGION=$(readlink -f $DAXBUS/devices/dax0.0/..)

RESET=reset_dynamic

# ---------------------------------------------------------------- create, resize, destroy
scenario create-destroy "free the region, create two devices, destroy one, create a two-range device"
step disable-dax0.0 0 0 disable-device dax0.0
check "dax0.0 disabled" driver_is dax0.0 none
step shrink-dax0.0-to-0 0 0 reconfigure-device -s 0 dax0.0
stepj create-128M 0 0 create-device -r 0 -s 128M
stepj create-128M-again 0 0 create-device -r 0 -s 128M
begin destroy-first
call 0 disable-device dax0.1
call 0 destroy-device dax0.1
end
stepj create-384M-two-ranges 0 0 create-device -r 0 -s 384M
check "dax0.1 has two mappings" dev_has_maps dax0.1 2
step destroy-enabled-refused 1 250 destroy-device dax0.2
check "dax0.2 kept" driver_is dax0.2 device_dax
step destroy-force 0 0 destroy-device -f dax0.2
step destroy-seed 0 $(byver 240 0) destroy-device -f dax0.0
differs "destroying daxX.0 sets its size to 0 and exits 0, saying the kernel keeps device 0 (daxctl 76.1: EBUSY from delete, exit 240; 81 ignores it: 'destroyed 1 device', exit 0)"

# ---------------------------------------------------------------- a two-range device as RAM
scenario two-range-ram "a device of two ranges (a hole and the region's end) hot-added and removed"
step disable-dax0.0 0 0 disable-device dax0.0
step shrink-dax0.0-to-0 0 0 reconfigure-device -s 0 dax0.0
step create-a 0 0 create-device -r 0 -s 128M
step create-b 0 0 create-device -r 0 -s 128M
begin destroy-a
call 0 disable-device dax0.1
call 0 destroy-device dax0.1
end
step create-two-ranges 0 0 create-device -r 0 -s 384M
begin reconfigure-system-ram
call 0 reconfigure-device -m system-ram dax0.1
if is_dax; then
	nocompare "daxctl finds a device's blocks from resource + size, so it onlined 2 of dax0.1's 3 blocks (memory8 and memory10, not memory11); dax onlines all 3"
	listdiffers "daxctl counts dax0.1's blocks in resource..resource+size (2), dax per range (3)"
fi
end
is_dax && check "all 3 blocks online movable" blocks_are dax0.1 online Movable
check "dax0.1 has 3 blocks" nblocks dax0.1 3
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f dax0.1
check "memory removed" no_blocks dax0.1
check "dax0.1 on device_dax" driver_is dax0.1 device_dax

# ---------------------------------------------------------------- destroy while memory is online
scenario destroy-online-ram "destroy-device -f on a system-ram device whose memory is online"
step disable-dax0.0 0 0 disable-device dax0.0
step shrink-dax0.0-to-0 0 0 reconfigure-device -s 0 dax0.0
step create-256M 0 0 create-device -r 0 -s 256M
step reconfigure-system-ram 0 0 reconfigure-device -m system-ram dax0.1
check "dax0.1 online movable" blocks_are dax0.1 online Movable
begin destroy-force
call 0 destroy-device -f dax0.1
is_dax && nocompare "daxctl (76.1 and 81) unbinds kmem with the memory online and destroys the device (exit 0): memory8-9 stay online with no device until reboot; dax offlines them first"
end
differs "destroy -f offlines the memory before kmem is unbound, then destroys the device"
dcheck "dax0.1 destroyed" no_device dax0.1

finish
