#!/bin/sh
# make reliability (and make test), inside L1 running the debug kernel
# (KASAN, kmemleak, lockdep, DEBUG_VM): DAX memory pulled out from under
# running guests (rig/progs/daxrel.c), durability across remount and namespace
# disable/enable, the fsdax PUD integrity checks (dax_pud), the longest
# interrupts-off section around 1G fsdax entries (irqsoff tracer), and a
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
	PUD_NO_REMAP=1
	for fs in xfs ext4; do
		mkfs1g $fs
		pud_checks $fs
		# Memory failure inside a PUD: KVM maps a 1 GiB file with one leaf.
		fresh1g $fs /mnt/${fs}1g/pud.img
		step reliability "$fs-1g: hwpoison inside a 1G leaf" $R -s 1G hwpoison /mnt/${fs}1g/pud.img
	done
fi

# --- interrupts off around fsdax PUD entries (irqsoff tracer) -------------
# Setting up a PUD entry's folio (a fault) and tearing it down (a punch, a
# truncate) visit its 2^18 struct pages: under the i_pages lock, that holds
# interrupts off some 512 times as long as for a PMD entry.  The irqsoff
# tracer's tracing_max_latency (us, one CPU online) and the stack where that
# section ended are read around dax_pud's map (PUD read and write faults,
# msync, a punch inside the entry), sync and truncate modes on a 1G-aligned
# xfs file, around PUD faults at file offset 1 GiB before and after an
# umount, and around the same work on 2 MiB entries (xfs_io on a 64 MiB
# file of the 2M-aligned xfs), the yardstick.  The check fails if, during
# the 1G work, the longest section that ended in fs/dax.c (a dax_ function
# first on its stack) outside a PMD or PTE fault was longer than the
# longest of the yardstick.  Under TCG with KASAN the yardstick is mostly
# noise or PMD teardown (interrupt entry, softirqs: 2-10 ms seen); a PUD
# folio's reset under the lock took 21-42 ms.  On 6.12 (no KASAN) without
# its batches, the PUD faults' and the truncate's sections took 2.2-5.6 ms
# against a 0.8-1.7 ms yardstick.  The 1G work makes PMD entries too (the
# truncate leaves PMD faults), and one such PMD insert took 1515 us
# against a 1107 us yardstick (session 36): PMD and PTE faults are the
# yardstick's kind of work, left out.  Not covered: a copy-on-write PTE
# fault's downgrade of a PUD entry (none of the work here makes one).
if want irqsoff; then
	TR=/sys/kernel/tracing
	[ -f $TR/current_tracer ] || mount -t tracefs nodev $TR 2>/dev/null
	if grep -qw irqsoff $TR/available_tracers 2>/dev/null; then
		# One vCPU only: under single-threaded TCG a vCPU waits while the
		# other runs, so any section of the idle one reads as long as a
		# TCG time slice (seen: 8 ms from default_idle_call()).
		for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
			echo 0 >$c
		done
		echo irqsoff >$TR/current_tracer
		# irqs_off NAME CMD...: run CMD; irq_us gets the longest IRQ-off
		# section meanwhile, irq_stack where it ended; CMD's output and
		# both go to the log; a failed CMD fails the check.
		irq_bad=
		irqs_off() {
			irq_name=$1
			shift
			echo 0 >$TR/tracing_max_latency
			"$@" >/tmp/irq.log 2>&1 || irq_bad="$irq_bad $irq_name"
			irq_us=$(cat $TR/tracing_max_latency)
			irq_stack=$(grep '^ => ' $TR/trace | head -8 | tr -d '=>' | tr -s ' \n' ' ' | sed 's/^ //')
			sed 's/^/RIG:LOG   | /' /tmp/irq.log
			log "irqsoff: $irq_name: longest IRQ-off section ${irq_us} us;" \
				"$(grep -e 'started at' -e 'ended at' $TR/trace | tr -s ' #=>' ' ' | tr '\n' ';')" \
				"stack: $irq_stack"
		}
		# The yardstick: 2 MiB entries (PMD faults) on the 2M xfs.
		y=/mnt/xfs/irq.img
		rm -f $y
		xfs_io -f -c "pwrite -q -b 2m 0 64m" $y || die "writing $y failed"
		irqs_off "2M entries: read and write faults, msync, punch" \
			xfs_io -c "mmap -rw 0 64m" -c "mread 0 64m" -c "mwrite 0 64m" \
			-c "msync -s 0 64m" -c "fpunch 0 2m" $y
		y1=$irq_us
		irqs_off "2M entries: truncate while mapped" \
			xfs_io -c "mmap -r 0 64m" -c "mread 0 64m" -c "truncate 32m" $y
		[ $irq_us -gt $y1 ] && y1=$irq_us
		rm -f $y
		# 1G entries (dax_pud checks that it got PUD faults): g1 the
		# longest section, gdax the longest that ended in fs/dax.c.
		g1=0 gdax=0
		irq_1g() {
			irqs_off "$@"
			[ $irq_us -gt $g1 ] && g1=$irq_us
			case " $irq_stack " in
			*" dax_iomap_pmd_fault "*|*" dax_iomap_pte_fault "*) return ;;
			esac
			# (the first frame: where interrupts came back on)
			case "${irq_stack%% *}" in
			*dax_*) [ $irq_us -gt $gdax ] && gdax=$irq_us ;;
			esac
		}
		mkfs1g xfs
		f=/mnt/xfs1g/irq.img
		fresh1g xfs $f
		irq_1g "1G entry: PUD read and write faults, msync, punch" /rig/dax_pud map $f 11
		fresh1g xfs $f
		irq_1g "1G entry: MAP_SYNC PUD faults" /rig/dax_pud sync $f 12
		irq_1g "1G entry: truncate while PUD-mapped" /rig/dax_pud truncate $f 12
		# A PUD entry at file offset 1 GiB, whose folio->index (262144)
		# shares a word with folio->share: read 16 pages 64 MiB apart
		# (1 fault with a PUD), umount/mount, the same again.  A folio
		# that a teardown left compound WARNs in dax_folio_init().
		f2=/mnt/xfs1g/irq2.img
		rm -f $f
		remount1g xfs
		# (its first GiB a hole: two 1G extents do not fit on the 1G
		# recipe's 5G namespace)
		{ fallocate -o 1G -l 1G $f2 &&
			dd if=/dev/zero of=$f2 bs=2M seek=512 count=512 conv=notrunc 2>/dev/null; } ||
			die "writing $f2 failed"
		# faults_of CMD...: the page faults CMD took.
		faults_of() {
			sh -c '"$@" >/dev/null 2>&1; set -- $(cat /proc/$$/stat); echo $((${11} + ${13}))' sh "$@"
		}
		# reads_at: xfs_io maps the second GiB and reads 16 pages $step
		# apart; second_gib compares 64 MiB apart (1 fault with a PUD,
		# 16 with PMDs) with 4 KiB apart (1 fault with either), after
		# a first run that made the entries.
		reads_at() {
			set -- -c "mmap -r 1g 1g"
			i=0
			while [ $i -lt 16 ]; do
				set -- "$@" -c "mread $((1073741824 + i * step)) 4096"
				i=$((i + 1))
			done
			faults_of xfs_io "$@" $f2
		}
		second_gib() {
			echo "# $(extents $f2 3) mapped at $(xfs_io -c "mmap -r 1g 1g" -c mmap $f2 | tr -s ' ' | tr '\n' ' ')"
			step=4096
			reads_at >/dev/null
			sg0=$(reads_at)
			step=67108864
			sg1=$(reads_at)
			echo "# 16 reads 64 MiB apart in the second GiB: $((sg1 - sg0)) more faults than 4 KiB apart ($sg1, $sg0; 0 with a PUD, 15 with PMDs)"
			[ $((sg1 - sg0)) -lt 8 ] || { echo "FAIL: not mapped with a PUD"; return 1; }
		}
		irq_1g "1G entry at 1 GiB: PUD fault" second_gib
		remount1g xfs
		irq_1g "1G entry at 1 GiB after umount/mount: PUD fault" second_gib
		rm -f $f2
		echo nop >$TR/current_tracer
		for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
			echo 1 >$c
		done
		[ -z "$irq_bad" ] && [ $gdax -le $y1 ]
		ok_if $? "irqsoff: with 1G fsdax entries the longest IRQ-off section took $g1 us, the longest in fs/dax.c $gdax us; with 2M entries the longest took $y1 us${irq_bad:+; failed:$irq_bad}"
	else
		log "irqsoff: no irqsoff tracer in this kernel (config/debug.config sets it): not measured"
	fi
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
