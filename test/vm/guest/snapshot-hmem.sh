# Guest script for regen-snapshots, config hmem (busybox sh): a dynamic dax
# region made from "soft reserved" memory (memmap=512M%1024M-1+0xefffffff,
# dax_hmem), walked with daxctl through the states the snapshot tests use;
# mirrors sysfs at each into $VM_OUT/snap/<state>.tar.gz (+ <state>.list), and
# records the errno of region/device writes into $VM_OUT/snap/writes.txt.
#   sh snapshot-hmem.sh
. "${0%/*}/snapshot-lib.sh"
R=/sys/bus/dax/devices/dax0.0/../dax_region
W=$SNAP/writes.txt
# try PATH VALUE : write VALUE to PATH, record the outcome
try() {
	if out=$(echo "$2" 2>&1 > "$1"); then r=ok; else r="failed: ${out##*: }"; fi
	echo "echo $2 > $1 : $r" >> "$W"
}

snapshot boot-one-device
try /sys/bus/dax/devices/dax0.0/size 0          # enabled: refused
try $R/create 1                                 # no space
try /sys/bus/dax/devices/dax0.0/align 4096
t daxctl disable-device dax0.0
t daxctl reconfigure-device -s 0 dax0.0
snapshot resized-to-zero
try $R/create 2
try /sys/bus/dax/devices/dax0.0/size 0x1000     # not a multiple of align
t daxctl create-device -r 0 -s 128M
t daxctl create-device -r 0 -s 128M
t daxctl disable-device dax0.1
t daxctl destroy-device dax0.1
try $R/delete dax0.0                            # daxX.0 cannot be deleted
try $R/delete dax9.9
# fills the hole and the end: 2 mappings; the kernel reuses the freed id
M=$(t daxctl create-device -r 0 -s 384M | sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p')
echo "created $M"
[ -n "$M" ] || exit 1
snapshot two-devices-multi-mapping
try /sys/bus/dax/devices/$M/size 0x40000000     # more than available
t daxctl reconfigure-device -m system-ram $M
snapshot system-ram-multi-mapping-movable
t daxctl reconfigure-device -m devdax -f $M
t daxctl disable-device $M
try /sys/bus/dax/devices/$M/size 0x8000000      # shrink: from the end
snapshot shrunk-disabled
cat "$W"
echo "snapshots done"
exit 0
