#!/bin/sh
# rig.job=shell (make shell): an interactive shell in L1 for poking by hand,
# with lib.sh's helpers loaded (provision, mkfs_*_aligned, mount_dax,
# extents, ...; /rig/daxvm and the selftests are there too).  Leaving the
# shell powers L1 off.
. /rig/lib.sh
echo "RIG:LOG shell: $(uname -r); helpers from /rig/lib.sh (e.g. 'provision' makes the namespaces); 'exit' powers off"
export ENV=/rig/lib.sh PS1='L1# '
if busybox --list 2>/dev/null | grep -qx cttyhack; then
	setsid cttyhack sh -i
else
	sh -i </dev/console >/dev/console 2>&1
fi
exit 0
