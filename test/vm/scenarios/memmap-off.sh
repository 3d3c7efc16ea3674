# vm-run: --pmem nfit --pmem-node 1
# vm-add: test/vm/scenarios/memmap.sh:/vm/memmap.sh
# kernels: 6.12
# The scenarios of memmap.sh on a kernel booted without memory_hotplug.memmap_on_memory=1:
# --memmap-on-memory is refused with nothing changed, --no-memmap-on-memory works.
. /vm/memmap.sh
