# Guest script for regen-snapshots, config cxl-6.12 (vm-run --kernel 6.12 --qemu 10 --pmem cxl):
# a RAM region on the CXL type-3 device (guest/cxl-region.sh), its dax0.0 as the kernel brings
# it up (kmem, auto-onlined in zone Normal), then the states of snapshot.sh.
#   sh snapshot-cxl.sh [TOOL]      TOOL = daxctl (default) | dax
TOOL=${1:-daxctl}
D=dax0.0

. "${0%/*}/snapshot-lib.sh"
. "${0%/*}/cxl-region.sh"

t cxl_ram_region
snapshot region-comes-up-online-normal
t $TOOL offline-memory $D
snapshot system-ram-offline
t $TOOL online-memory $D
snapshot system-ram-online-movable
devdax_then_normal $TOOL $D
