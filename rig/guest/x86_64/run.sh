#!/bin/sh
# make run: provision DAX memory, run a 1 GiB guest on each backing, report
# KVM's leaf counts as RIG:ROW lines for the host to tabulate; then boot a
# real L2 Linux guest on each kind of backing (RIG:L2ROW lines, l2.sh), and
# the alignment matrix (RIG:MATRIX lines, matrix.sh).
# rig.run=table: the daxvm rows only; rig.run=l2: the L2 guests only (make
# run boots twice: the table first, under Debian's QEMU, while the patched
# QEMU the L2 guests need is not built yet).
. /rig/lib.sh
. /rig/l2.sh
check_kvm
rc=0
part=$(karg run)
# Anchors, measured in the same boot: the same 1 GiB guest on anonymous THP
# memory and on one hugetlbfs 1G page (boot.sh reserves it for the run
# job; the write below asks for it at run time otherwise), the mappings
# KVM has always made huge.  table.sh reads every DAX
# row's populate time as a multiple of theirs.
anchors() {
	h=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
	n=$((GUEST_MIB / 1024))
	echo "$n" >"$h" 2>/dev/null
	if [ "$(cat "$h" 2>/dev/null || echo 0)" -ge "$n" ] && [ "$n" -ge 1 ]; then
		mkdir -p /mnt/huge1g
		mount -t hugetlbfs -o pagesize=1G none /mnt/huge1g &&
			truncate -s "${GUEST_MIB}M" /mnt/huge1g/guest.img &&
			out=$(/rig/daxvm -s "${GUEST_MIB}M" -l hugetlbfs-1g /mnt/huge1g/guest.img 2>&1) &&
			echo "RIG:ROW $out anchor=1g host_1g=$n" ||
			{ log "run: anchor hugetlbfs-1g failed: $out"; rc=1; }
		rm -f /mnt/huge1g/guest.img
		umount /mnt/huge1g
	else
		log "run: anchor hugetlbfs-1g: the kernel could not reserve $n 1G page(s) (nr_hugepages=$(cat "$h" 2>/dev/null); $(dmesg | grep -i hugetlb | tail -2 | tr '\n' ' ')); no 1G anchor"
	fi
	echo 0 >"$h" 2>/dev/null
	log "run: anchor anon-thp: 1 GiB guest on anonymous memory (MADV_HUGEPAGE)"
	out=$(/rig/daxvm -s "${GUEST_MIB}M" -l anon-thp anon 2>&1) &&
		echo "RIG:ROW $out anchor=thp host_2m=$((GUEST_MIB / 2))" ||
		{ log "run: anchor anon-thp failed: $out"; rc=1; }
}
# The 1G page boot.sh reserves for the anchor goes back to L1 unused.
[ "$part" = l2 ] && echo 0 >/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null
[ "$part" = l2 ] || anchors
provision
[ "$part" = l2 ] && BACKINGS=
[ "$part" = table ] && L2_RUNS=
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
# The alignment matrix (matrix.sh; it re-labels the NVDIMM): the second
# boot's, after the L2 guests, so that the first table comes first.
[ "$part" = table ] || /rig/matrix.sh || rc=1
exit $rc
