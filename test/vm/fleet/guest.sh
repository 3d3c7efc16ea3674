#!/bin/sh
# Inside the VM (busybox sh, run by ./run through vm-run): the host's python3 and ansible-core run
# the dax.dax collection against the real kernel's dax0.0 (an emulated NVDIMM on node 1):
# check mode changes nothing, system-ram is reached and read back, a second run is changed=0,
# devdax without force is refused while memory is online, with force it is reached, then changed=0.
set -u
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp/home USER=root LOGNAME=root
export LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_COLLECTIONS_PATH=/vm/collections ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCAL_TEMP=/tmp/ansible-local ANSIBLE_REMOTE_TEMP=/tmp/ansible-remote ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
mkdir -p "$HOME"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ndctl create-namespace -f -e namespace0.0 -m devdax >"$VM_OUT/ndctl.txt" 2>&1 || { cat "$VM_OUT/ndctl.txt"; exit 3; }
echo "localhost ansible_connection=local" >/tmp/inventory
driver() { basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)"; }
# play NAME ARGS...: runs play.yml; sets CHANGED and FAILED from its PLAY RECAP
play() {
	_name=$1; shift
	ansible-playbook -i /tmp/inventory /vm/play.yml "$@" >"$VM_OUT/$_name.log" 2>&1
	_recap=$(sed -n '/^PLAY RECAP/,$ s/^localhost *:\(.*\)/\1/p' "$VM_OUT/$_name.log")
	CHANGED=$(echo "$_recap" | sed -n 's/.*changed=\([0-9]*\).*/\1/p')
	FAILED=$(echo "$_recap" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	echo "$_name: $_recap"
}

play check -e want=system-ram --check --diff
[ "$CHANGED" = 1 ] && [ "$FAILED" = 0 ] || fail "check mode: changed=$CHANGED failed=$FAILED"
[ "$(driver)" = device_dax ] || fail "check mode changed the driver to $(driver)"
[ ! -e /sys/devices/system/memory/memory33 ] || fail "check mode hot-added memory"

play system-ram -e want=system-ram
[ "$CHANGED" = 1 ] && [ "$FAILED" = 0 ] || fail "system-ram: changed=$CHANGED failed=$FAILED"
[ "$(driver)" = kmem ] || fail "dax0.0 is on $(driver), not kmem"
[ "$(cat /sys/devices/system/memory/memory33/valid_zones 2>/dev/null)" = Movable ] || fail "memory33 is not online Movable"

play system-ram-again -e want=system-ram
[ "$CHANGED" = 0 ] && [ "$FAILED" = 0 ] || fail "second system-ram run: changed=$CHANGED failed=$FAILED"

play devdax-refused -e want=devdax
[ "$FAILED" = 1 ] || fail "devdax while memory is online was not refused"
grep -q 'memory blocks are online' "$VM_OUT/devdax-refused.log" || fail "the refusal is not dax's message"
# The task's msg (the result's stderr and report stay dax's own words)
grep -q '"msg": "[^"]*or use force: true' "$VM_OUT/devdax-refused.log" &&
	! grep -q '"msg": "[^"]*use --force' "$VM_OUT/devdax-refused.log" ||
	fail "the refusal's msg does not name the module's force option"
[ "$(driver)" = kmem ] || fail "the refused play changed the driver"

play devdax -e want=devdax -e force=true
[ "$CHANGED" = 1 ] && [ "$FAILED" = 0 ] || fail "devdax --force: changed=$CHANGED failed=$FAILED"
[ "$(driver)" = device_dax ] || fail "dax0.0 is on $(driver), not device_dax"
[ ! -e /sys/devices/system/memory/memory33 ] || fail "memory33 was not removed"

play devdax-again -e want=devdax -e force=true
[ "$CHANGED" = 0 ] && [ "$FAILED" = 0 ] || fail "second devdax run: changed=$CHANGED failed=$FAILED"

[ $fails = 0 ] && echo "PASS: the dax.dax play on a real kernel" && exit 0
for f in "$VM_OUT"/*.log; do echo "== $f"; tail -n 30 "$f"; done
exit 1
