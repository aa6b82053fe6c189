#!/bin/sh
# make test's L1 on a CPU without 1G pages (rig/qemu/x86_64.sh boots job
# "nogb" with -cpu max,pdpe1gb=off), inside L1.  There bit 7 (PS) of a PUD
# entry is reserved (Intel SDM: a reserved-bit page fault, which the kernel
# reports as a corrupted page table), so no pmem namespace may be given a
# 1G alignment: device-dax maps its alignment, fsdax takes PUD faults on
# 1G-aligned extents.  TCG does not model that fault (a kernel that made
# the 1G fsdax namespace here mapped a PUD, 1 fault for 1 GiB, no error),
# so the checks are on what the kernel offers: pmem namespaces, and a
# device-dax instance whose alignment is set through the dax bus (hmem's,
# on soft-reserved memory that rig/qemu/x86_64.sh makes).  TAP suite "nogb".
. /rig/lib.sh
rc=0 n=0
ok_if() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then tap nogb "ok $n - $2"; else tap nogb "not ok $n - $2"; rc=1; fi
}
tap nogb "1..6"
grep -qw pdpe1gb /proc/cpuinfo
ok_if $((! $?)) "the CPU has no 1G pages (pdpe1gb)"
ndctl_reset
r=$(ndctl list -R | json dev)
pfn=$(cat /sys/bus/nd/devices/$r/pfn_seed 2>/dev/null)
al=$(cat /sys/bus/nd/devices/$pfn/supported_alignments 2>/dev/null)
detail nogb "$pfn supported_alignments: ${al:-(none)}"
case " $al " in *" 1073741824 "*|"  ") bad=1 ;; *) bad=0 ;; esac
ok_if $bad "pmem namespaces are offered no 1G alignment"
out=$(ndctl create-namespace -m devdax -a 1G -s 3G 2>&1)
st=$?
detail nogb "ndctl create-namespace -m devdax -a 1G: $(echo "$out" | tr '\n' ' ' | cut -c1-200)"
ok_if $((! st)) "a 1G-aligned devdax namespace is refused"
[ $st = 0 ] && ndctl_reset
out=$(ndctl create-namespace -m fsdax -a 1G -s 5G 2>&1)
st=$?
detail nogb "ndctl create-namespace -m fsdax -a 1G: $(echo "$out" | tr '\n' ' ' | cut -c1-200)"
ok_if $((! st)) "a 1G-aligned fsdax namespace is refused"
# hmem (and CXL) regions are not static: their instances take the alignment
# written to "align" (dax_align_valid(); mainline patch 6, backport 4).
# The boot made the GiB above 4G soft-reserved and left hmem's instance
# empty (dax_hmem.region_idle=1), so "align" can be written.
hd=
for d in /sys/bus/dax/devices/dax*; do
	case $(readlink -f "$d") in */hmem*) hd=$d; break ;; esac
done
if [ -n "$hd" ]; then
	detail nogb "hmem instance ${hd##*/}: size $(cat $hd/size), align $(cat $hd/align)"
	# Control: the attribute takes a change (4K, then 2M back).
	echo 4096 >$hd/align 2>/dev/null && a4=$(cat $hd/align) &&
		echo 2097152 >$hd/align 2>/dev/null && a2=$(cat $hd/align)
	detail nogb "4096 then 2097152 written: align read ${a4:-?} then ${a2:-?}"
	[ "$a4" = 4096 ] && [ "$a2" = 2097152 ]
	ok_if $? "hmem's device-dax instance takes a 4K and a 2M alignment"
	out=$( (echo 1073741824 >$hd/align) 2>&1 )
	st=$?
	a=$(cat $hd/align)
	detail nogb "1073741824 written to ${hd##*/}/align: exit status $st ($out), align now $a"
	case "$st $a $out" in "1 2097152 "*"nvalid argument"*) bad=0 ;; *) bad=1 ;; esac
	ok_if $bad "hmem's device-dax instance is refused a 1G alignment (EINVAL)"
else
	detail nogb "no hmem device-dax instance: $(ls /sys/bus/dax/devices 2>&1 | tr '\n' ' ')"
	ok_if 1 "hmem's device-dax instance takes a 4K and a 2M alignment (none found)"
	ok_if 1 "hmem's device-dax instance is refused a 1G alignment (none found)"
fi
exit $rc
