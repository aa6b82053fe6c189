#!/bin/sh
# make test's L1 on a CPU without 1G pages (rig/qemu/x86_64.sh boots job
# "nogb" with -cpu max,pdpe1gb=off), inside L1.  There bit 7 (PS) of a PUD
# entry is reserved (Intel SDM: a reserved-bit page fault, which the kernel
# reports as a corrupted page table), so no pmem namespace may be given a
# 1G alignment: device-dax maps its alignment, fsdax takes PUD faults on
# 1G-aligned extents.  TCG does not model that fault (a kernel that made
# the 1G fsdax namespace here mapped a PUD, 1 fault for 1 GiB, no error),
# so the checks are on what the kernel offers.  TAP suite "nogb".
. /rig/lib.sh
rc=0 n=0
ok_if() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then tap nogb "ok $n - $2"; else tap nogb "not ok $n - $2"; rc=1; fi
}
tap nogb "1..4"
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
exit $rc
