# Guest script for regen-snapshots (busybox sh): walks a device through the
# five states the snapshot tests use and mirrors the relevant sysfs parts at
# each one into $VM_OUT/snap/<state>.tar.gz (+ <state>.list).
#   sh snapshot.sh [TOOL]      TOOL = daxctl (default, as the shipped trees) | dax
# Needs a raw namespace0.0 (vm-run --pmem nfit or e820); kmem is not loaded at boot.
# On a kernel that auto-onlines (6.12), system-ram is asked with auto_online_blocks=offline
# (daxctl refuses otherwise) and the boot value is put back before each snapshot.
TOOL=${1:-daxctl}
D=dax0.0

. "${0%/*}/snapshot-lib.sh"

t ndctl create-namespace -f -e namespace0.0 -m devdax
snapshot devdax-kmem-not-loaded
aob_off t $TOOL reconfigure-device --mode=system-ram $D
snapshot system-ram-online-movable
t $TOOL offline-memory $D
snapshot system-ram-offline
devdax_then_normal $TOOL $D
