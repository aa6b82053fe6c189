#!/bin/sh
# make run: provision DAX memory, run a 1 GiB guest on each backing, report
# KVM's leaf counts as RIG:ROW lines for the host to tabulate.
. /rig/lib.sh
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
exit $rc
