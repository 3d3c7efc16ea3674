#!/bin/sh
# Inside the VM (busybox sh, run by ./run through vm-run): the host's python3 and ansible-core run
# the dax.dax collection against the real kernel's dax0.0 (an emulated NVDIMM on node 1):
# play.yml's sequence in one ansible-playbook run (check mode, system-ram, again, devdax refused,
# devdax with force, again), its assertions in the play.
set -u
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp/home USER=root LOGNAME=root
export LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSIBLE_COLLECTIONS_PATH=/vm/collections ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCAL_TEMP=/tmp/ansible-local ANSIBLE_REMOTE_TEMP=/tmp/ansible-remote ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
mkdir -p "$HOME"
ndctl create-namespace -f -e namespace0.0 -m devdax >"$VM_OUT/ndctl.txt" 2>&1 || { cat "$VM_OUT/ndctl.txt"; exit 3; }
echo "localhost ansible_connection=local" >/tmp/inventory
ansible-playbook -i /tmp/inventory /vm/play.yml >"$VM_OUT/play.log" 2>&1
rc=$?
recap=$(sed -n '/^PLAY RECAP/,$ s/^localhost *:\(.*\)/\1/p' "$VM_OUT/play.log")
echo "play: $recap (exit $rc)"
# the refusal is the one failure the play expects (ignore_errors), so exactly one is ignored
case $recap in *" failed=0 "*" ignored=1"*) [ $rc = 0 ] && echo "PASS: the dax.dax play on a real kernel" && exit 0 ;; esac
echo "FAIL: the play failed or did not end as expected"
tail -n 60 "$VM_OUT/play.log"
exit 1
