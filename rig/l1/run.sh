#!/bin/sh
# make run: provision DAX memory, run a 1 GiB guest on each backing, report
# KVM's leaf counts as RIG:ROW lines for the host to tabulate; then boot a
# real L2 Linux guest on each kind of backing (RIG:L2ROW lines, l2.sh).
. /rig/lib.sh
. /rig/l2.sh
check_kvm
provision
rc=0
for b in $BACKINGS; do
	set -- $(backing "$b")
	path=$1 expect=$2
	log "run: $b: 1 GiB guest on $path (file extents: ${expect#*=} x ${expect%%=*} usable)"
	out=$(/rig/daxvm -s "${GUEST_MIB}M" -l "$b" "$path" 2>&1) || { log "daxvm failed on $b: $out"; rc=1; continue; }
	echo "RIG:ROW $out host_${expect%%=*}=${expect#*=}"
done
# Real guests: Debian's QEMU boots L2 on the same kinds of backing.
for r in $L2_RUNS; do
	l2_run_fields "$r"
	set -- $(backing "$b")
	log "run: L2 guest, $mib MiB of RAM on $1 ($b), booted by Debian's qemu-system-x86_64 -accel kvm"
	if ! l2_boot "$b" "$1" "$mib" "$align"; then
		log "L2 on $b failed: $L2_WHY"
		rc=1
	fi
	[ -f "$1" ] && rm -f "$1"
done
exit $rc
