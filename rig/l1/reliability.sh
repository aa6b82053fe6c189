#!/bin/sh
# make reliability (and make test), inside L1 running the debug kernel
# (KASAN, kmemleak, lockdep, DEBUG_VM): DAX memory pulled out from under
# running guests (rig/daxrel.c), durability across remount and namespace
# disable/enable, the fsdax PUD integrity checks (dax_pud), and a
# kmemleak scan at the end.  TAP suite "reliability"; boot.sh fails the run
# on any KASAN/lockdep/WARN/BUG/kmemleak report on the console.
. /rig/lib.sh
check_kvm
rc=0 n=0
log "reliability: kernel checkers: $(dmesg | grep -o -m1 'KernelAddressSanitizer initialized.*' || echo 'no KASAN');$(dmesg | grep -o -m1 'kmemleak: Kernel memory leak detector initialized.*' || echo ' no kmemleak'); lockdep: $(grep -c . /proc/lockdep_stats 2>/dev/null || echo none) stats lines"
# rig.rel_secs=N: seconds per disturbing case (default 6; load runs 3N).
T=$(karg rel_secs)
T=${T:-6}
CYCLES=$(karg rel_cycles)
CYCLES=${CYCLES:-200}

# ok_if NAME COND-DESCRIPTION: a TAP line for a check done by the script.
ok_if() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then tap reliability "ok $n - $2"; else tap reliability "not ok $n - $2"; rc=1; fi
}

# --- namespaces: devdax (2M), xfs and ext4 (2M), xfs with 1G extents ------
ndctl_reset
mkns() { ndctl create-namespace "$@" 2>&1 || die "ndctl create-namespace $* failed"; }
out=$(mkns -m devdax -a 2M -s 1G); DAXNS=$(echo "$out" | json dev); DEVDAX=/dev/$(echo "$out" | json chardev)
out=$(mkns -m fsdax -a 2M -s 2G); XFSNS=$(echo "$out" | json dev); PMEM_XFS=/dev/$(echo "$out" | json blockdev)
out=$(mkns -m fsdax -a 2M -s 1G); EXT4NS=$(echo "$out" | json dev); PMEM_EXT4=/dev/$(echo "$out" | json blockdev)
out=$(mkns -m fsdax -a 1G -s 5G); PMEM_1G=/dev/$(echo "$out" | json blockdev)
DAXDEV=${DEVDAX#/dev/}
log "reliability: devdax $DEVDAX ($DAXNS), xfs on $PMEM_XFS ($XFSNS), ext4 on $PMEM_EXT4, 1G xfs on $PMEM_1G; ${T}s per case, $CYCLES VM cycles"
mkfs_xfs_aligned "$PMEM_XFS" >/dev/null 2>&1 || die "mkfs.xfs failed"
mount_dax "$PMEM_XFS" /mnt/xfs xfs
mkfs_ext4_aligned "$PMEM_EXT4" >/dev/null 2>&1 || die "mkfs.ext4 failed"
mount_dax "$PMEM_EXT4" /mnt/ext4 ext4
R=/rig/daxrel
X=/mnt/xfs/rel.img E=/mnt/ext4/rel.img
new() { rm -f "$1"; fallocate -l 256M "$1" || die "fallocate $1"; }

# durable NAME SEED PATH SUM: PATH holds the guest's pattern and checksum SUM.
durable() {
	out=$($R -S $2 verify $3 2>&1); st=$?
	echo "$out" | sed 's/^/RIG:LOG   | /'
	s2=$(echo "$out" | sed -n 's/^sum=//p')
	[ $st = 0 ] && [ -n "$4" ] && [ "$s2" = "$4" ]
	ok_if $? "$1: pattern verified, checksum $s2 (before: $4)"
}

# --- guests disturbed while running -----------------------------------------
if want disturb; then
	for c in load punch dontneed munmap truncate memslot; do
		t=$T; [ $c = load ] && t=$((3 * T))
		new $X; step reliability "xfs: $c" $R -t $t $c $X
	done
	for c in punch truncate; do
		new $E; step reliability "ext4: $c" $R -t $T $c $E
	done
	for c in load dontneed munmap memslot; do
		t=$T; [ $c = load ] && t=$((3 * T))
		step reliability "devdax: $c" $R -t $t $c $DEVDAX
	done
	new $X; step reliability "xfs: $CYCLES VMs on one file" $R -s 64M -n $CYCLES cycles $X
	step reliability "devdax: $CYCLES VMs on one device" $R -s 64M -n $CYCLES cycles $DEVDAX
fi

# --- namespaces and filesystems go away under the data ------------------------
if want durability; then
	# A mounted fsdax namespace whose file backs a running guest cannot
	# be disabled; the guest does not notice.
	new $X
	$R -t $((2 * T)) punch $X >/tmp/bg.log 2>&1 &
	bg=$!
	sleep $T
	out=$(ndctl disable-namespace "$XFSNS" 2>&1); st=$?
	wait $bg; bgst=$?
	sed 's/^/RIG:LOG   | /' /tmp/bg.log
	log "ndctl disable-namespace $XFSNS (mounted, guest running): exit $st: $out"
	[ $st != 0 ] && [ $bgst = 0 ] && [ -b "$PMEM_XFS" ]; ok_if $? "xfs: disabling the mounted namespace under a running guest is refused (exit $st), the guest's checks pass (exit $bgst)"

	# Durability: guest writes, msync, umount, namespace off and on, mount.
	for fs in xfs ext4; do
		f=/mnt/$fs/dur.img dev=$PMEM_XFS ns=$XFSNS seed=0x12340001
		[ $fs = ext4 ] && dev=$PMEM_EXT4 ns=$EXT4NS seed=0x12340002
		new $f
		step reliability "$fs: guest writes, msync" $R -S $seed write $f
		s1=$($R -S $seed verify $f 2>&1 | sed -n 's/^sum=//p')
		umount /mnt/$fs && ndctl disable-namespace "$ns" >/dev/null 2>&1 &&
			ndctl enable-namespace "$ns" >/dev/null 2>&1 && mount -t $fs -o dax $dev /mnt/$fs
		ok_if $? "$fs: umount, ndctl disable-namespace/enable-namespace $ns, mount -o dax"
		durable "$fs: the guest's data after remount" $seed $f "$s1"
	done
	step reliability "devdax: guest writes" $R -S 0x4321 write $DEVDAX
	s1=$($R -S 0x4321 verify $DEVDAX 2>&1 | sed -n 's/^sum=//p')
	ndctl disable-namespace "$DAXNS" >/dev/null 2>&1 && ndctl enable-namespace "$DAXNS" >/dev/null 2>&1 && [ -c $DEVDAX ]
	ok_if $? "devdax: ndctl disable-namespace/enable-namespace $DAXNS"
	durable "devdax: the guest's data after disable/enable" 0x4321 $DEVDAX "$s1"

	# Unbind device-dax under a running guest: every page reference KVM
	# took must be gone, or the unbind waits forever.
	step reliability "devdax: unbind $DAXDEV under a running guest" $R -t $T -S 0x777 -u $DAXDEV unbind $DEVDAX
	echo "$DAXDEV" >/sys/bus/dax/drivers/device_dax/bind 2>/dev/null
	[ -c $DEVDAX ]; ok_if $? "devdax: $DAXDEV bound again"
	step reliability "devdax: contents after unbind and bind" $R -S 0x777 verify $DEVDAX
fi

# --- memory failure ---------------------------------------------------------
if want hwpoison; then
	new $X; step reliability "xfs: hwpoison" $R hwpoison $X
	step reliability "devdax: hwpoison" $R hwpoison $DEVDAX
fi

# --- fsdax PUD integrity (pud_checks in lib.sh), here under KASAN ----------
if want pud; then
	pud_step() { step reliability "$@"; }
	for fs in xfs ext4; do
		mkfs1g $fs
		pud_checks $fs
		# Memory failure inside a PUD: KVM maps a 1 GiB file with one leaf.
		fresh1g $fs /mnt/${fs}1g/pud.img
		step reliability "$fs-1g: hwpoison inside a 1G leaf" $R -s 1G hwpoison /mnt/${fs}1g/pud.img
	done
fi

# --- leaks --------------------------------------------------------------------
if [ -f /sys/kernel/debug/kmemleak ]; then
	rm -f $X $E /mnt/*/dur.img
	echo scan >/sys/kernel/debug/kmemleak; sleep 5; echo scan >/sys/kernel/debug/kmemleak
	k=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	head -40 /sys/kernel/debug/kmemleak | sed 's/^/RIG:LOG   | /'
	[ "$k" = 0 ]; ok_if $? "kmemleak: $k unreferenced objects after the suite"
else
	log "no /sys/kernel/debug/kmemleak: not the debug kernel, no leak scan"
fi
tap reliability "1..$n"
exit $rc
