# vm-run: --pmem nfit --pmem-node 1
# vm-add: systemd/90-dax.rules:/vm/90-dax.rules
# vm-host-bin: udevadm:/usr/local/bin/udevadm
# kernels: 6.1 6.12
# Persistent configuration on the NVDIMM of nfit.sh (vm-run --pmem nfit --pmem-node 1): dax0.0
# on the static region of namespace0.0 (devdax), 7 blocks.
#  - daxctl's format in /etc/daxctl.conf.d, matched by the namespace uuid: `dax reconfigure -C`
#    vs `daxctl reconfigure-device -C` on the very same file;
#  - dax's format in /etc/dax/dax.conf, matched by a stable identity (resource, nvdimm.uuid):
#    `dax apply` vs the daxctl command lines that make the same change;
#  - the udev rule: `udevadm test` on the real dax0.0 shows the SYSTEMD_WANTS it produces.
# Run as: sh config.sh dax|daxctl     (see lib.sh)
. /vm/lib.sh
D=dax0.0

devdax_namespaces namespace0.0
# The identities a configuration can name, as this boot's kernel shows them.
UUID=$(cat $DAXBUS/devices/$D/../uuid)
RESOURCE=$(cat $DAXBUS/devices/$D/resource)
echo "nd_dax uuid=$UUID resource=$RESOURCE namespace=$(cat $DAXBUS/devices/$D/../namespace)" > $VM_OUT/identity.txt
mkdir -p /etc/dax /etc/daxctl.conf.d

# conf FILE LINES...: writes a configuration file (same for both boots)
conf() { _f=$1; shift; printf '%s\n' "$@" > "$_f"; }

# ---------------------------------------------------------------- daxctl's format, -C
scenario check-config "daxctl's [reconfigure-device] by nvdimm.uuid: dax reconfigure -C vs daxctl reconfigure-device -C"
conf /etc/daxctl.conf.d/test.conf "[reconfigure-device test]" "nvdimm.uuid = $UUID" "mode = system-ram" \
	"online = true" "movable = false"
stepj check-config 0 0 reconfigure-device -C $D
check "$D bound to kmem" driver_is $D kmem
check "all blocks online as kernel memory (movable = false)" blocks_are $D online Normal
step check-config-again 0 - reconfigure-device -C $D
check "still online Normal" blocks_are $D online Normal
step check-config-with-mode 2 - reconfigure-device -C -m devdax $D
dcheck "dax refuses -C with --mode" stderr_has "cannot be used with"
check "still online Normal" blocks_are $D online Normal
conf /etc/daxctl.conf.d/test.conf "[reconfigure-device test]" "nvdimm.uuid = 00000000-1111-2222-3333-444444444444" \
	"mode = devdax"
step check-config-no-match 0 0 reconfigure-device -C $D
dcheck "dax says no section matches" stderr_has "no section matches"
check "nothing changed" blocks_are $D online Normal
rm -f /etc/daxctl.conf.d/test.conf
step reconfigure-devdax-force 0 0 reconfigure-device -m devdax -f $D
check "memory removed" no_blocks $D

# ---------------------------------------------------------------- dax's format, dax apply
scenario apply "dax apply with /etc/dax/dax.conf matched by resource and nvdimm.uuid (daxctl: the same change by hand)"
conf /etc/dax/dax.conf "# dax0.0 by where its memory starts" "[device pmem]" "resource = $RESOURCE" "mode = system-ram"
apply_step apply-system-ram reconfigure-device -m system-ram $D
dcheck "dax apply says what it did" sh -c "grep -q 'dax0.0: devdax -> system-ram, online, movable; onlined 7 memory blocks (\[device pmem\] /etc/dax/dax.conf:2)' $STEPDIR/1.out"
check "all blocks online movable" blocks_are $D online Movable
begin apply-again
if is_dax; then call 0 apply $D; fi
end
dcheck "already as wanted: nothing done" sh -c "grep -q 'dax0.0: already system-ram, online, movable' $STEPDIR/1.out"
check "still online movable" blocks_are $D online Movable
conf /etc/dax/dax.conf "[device pmem]" "nvdimm.uuid = $UUID" "mode = system-ram" "online = no"
apply_step apply-offline offline-memory $D
check "all blocks offline" blocks_are $D offline
conf /etc/dax/dax.conf "[device pmem]" "nvdimm.uuid = $UUID" "mode = system-ram" "online = perhaps"
begin apply-malformed
if is_dax; then call 2 apply; fi
end
dcheck "line-numbered error" stderr_has "/etc/dax/dax.conf:4: bad value 'perhaps' for online"
check "nothing changed" blocks_are $D offline
conf /etc/dax/dax.conf "[device pmem]" "nvdimm.uuid = $UUID" "mode = devdax"
apply_step apply-devdax reconfigure-device -m devdax $D
check "$D back on device_dax" driver_is $D device_dax
check "memory removed" no_blocks $D
rm -f /etc/dax/dax.conf

# ---------------------------------------------------------------- udev rule
# The rule shipped with dax, tested by udev itself on the real device (no systemd in this guest:
# what it shows is the SYSTEMD_WANTS udev would hand to systemd).
scenario udev-rule "90-dax.rules on the real dax0.0: udevadm test shows SYSTEMD_WANTS=dax-apply@dax0.0.service"
check "udevadm is in the guest (run-suite copies the host's: apt-get install udev)" test -x /usr/local/bin/udevadm
mkdir -p /etc/udev/rules.d /run/udev
cp /vm/90-dax.rules /etc/udev/rules.d/
begin udevadm-test
raw 0 "udevadm test --action=add /sys/bus/dax/devices/$D"
end
check "SYSTEMD_WANTS names the unit instance" sh -c "cat $STEPDIR/1.out $STEPDIR/1.err | grep -q '^SYSTEMD_WANTS=dax-apply@dax0.0.service'"
check "tagged for systemd" sh -c "cat $STEPDIR/1.out $STEPDIR/1.err | grep -q '^TAGS=.*:systemd:'"

finish
