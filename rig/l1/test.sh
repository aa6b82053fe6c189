#!/bin/sh
# make test, inside L1: end-to-end DAX checks, the DAX selftests, then the
# upstream KVM selftests.
. /rig/lib.sh
. /rig/l2.sh
check_kvm
provision
rc=0
# Per-selftest time limit (seconds); rig.st_timeout= on the kernel command line.
ST_TIMEOUT=$(karg st_timeout)
ST_TIMEOUT=${ST_TIMEOUT:-120}
# rig.only=SUITE[,SUITE...] runs just those suites (want, in lib.sh).

# --- kunit: the series' KVM suites --------------------------------------
# They ran when KVM started, at boot or when init loaded kvm.ko, before any
# DAX namespace existed (kunit-boot: the DAX cases skip); run them again now
# that fsdax and devdax exist.  Built in (6.12), through debugfs.  As a
# module (7.3, whose KUnit does not run a case that skipped itself again on
# a debugfs re-run): load kvm.ko again, with a file on an fsdax ext4 for the
# fault-in case (kvm.kunit_dax_path).
KSUITES="kvm_pfn kvm_x86_spte"
if want kunit; then
	K=/sys/kernel/debug/kunit
	for s in $KSUITES; do
		[ -d $K/$s ] || die "KUnit suite $s is not in this kernel (config/x86_64-$BASE.config: the series' KUnit options?)"
	done
	rm -f /tmp/kfail
	kunit_tap kunit-boot $(for s in $KSUITES; do echo $K/$s/results; done)
	if [ -f /sys/module/kvm/initstate ]; then
		kmods=/lib/modules/$(uname -r)
		mkdir -p /mnt/kunit
		mkfs_ext4_aligned "$PMEM_EXT4" && mount -t ext4 -o dax "$PMEM_EXT4" /mnt/kunit &&
			fallocate -l 2M /mnt/kunit/guest || die "kunit: cannot make a DAX file on $PMEM_EXT4"
		rmmod kvm_amd kvm || die "kunit: cannot unload kvm_amd and kvm"
		insmod $kmods/kvm.ko kunit_dax_path=/mnt/kunit/guest && insmod $kmods/kvm-amd.ko ||
			die "kunit: cannot load kvm.ko (kunit_dax_path=/mnt/kunit/guest) and kvm-amd.ko again"
		check_kvm
		umount /mnt/kunit || die "kunit: cannot unmount /mnt/kunit"
	else
		for s in $KSUITES; do echo run >$K/$s/run; done
	fi
	kunit_tap kunit $(for s in $KSUITES; do echo $K/$s/results; done)
	[ -f /tmp/kfail ] && rc=1
fi

# --- dax-e2e: KVM maps exactly what the host maps -------------------------
n=0
want dax-e2e && tap dax-e2e "1..$(echo $BACKINGS | wc -w)"
want dax-e2e && for b in $BACKINGS; do
	n=$((n + 1))
	set -- $(backing "$b")
	path=$1 kind=${2%%=*} hostn=${2#*=}
	out=$(/rig/daxvm -s "${GUEST_MIB}M" -l "$b" "$path" 2>&1)
	st=$?
	got=$(field "pages_$kind" "$out")
	if [ $st = 0 ] && [ "$got" = "$hostn" ] && [ "$hostn" -gt 0 ]; then
		tap dax-e2e "ok $n - $b: pages_$kind=$got as the host maps it ($out)"
	else
		tap dax-e2e "not ok $n - $b: pages_$kind=$got, host maps $hostn (exit $st: $out)"
		rc=1
	fi
	[ -f "$path" ] && rm -f "$path"
done

# --- fsdax-pud: the fsdax PUD integrity checks (pud_checks in lib.sh) on a
# 1G-aligned file on xfs and on ext4 -------------------------------------
if want fsdax-pud && [ -n "$FSDAX_PUD" ]; then
	tap fsdax-pud "1..$PUD_CHECKS"
	n=0
	pud_step() { step fsdax-pud "$@"; }
	for fs in xfs ext4; do
		mkfs1g $fs
		pud_checks $fs
		log "fsdax-pud: $fs: $(extents /mnt/${fs}1g/pud.img 2)"
		rm -f /mnt/${fs}1g/pud.img
	done
fi

# --- l2-guest: Debian's QEMU boots a real L2 Linux on each backing --------
n=0
want l2-guest && tap l2-guest "1..$(echo $L2_RUNS | wc -w)"
want l2-guest && for r in $L2_RUNS; do
	n=$((n + 1))
	l2_run_fields "$r"
	set -- $(backing "$b")
	if l2_boot "$b" "$1" "$mib" "$align" && l2_expect "$b" "$L2_ROW" "$align"; then
		tap l2-guest "ok $n - L2 on $b: $L2_ROW"
	else
		tap l2-guest "not ok $n - L2 on $b: $L2_WHY ($L2_ROW)"
		rc=1
	fi
	[ -f "$1" ] && rm -f "$1"
done

# --- dax-selftests: the series' DAX selftests, and existing tests on DAX ---
# Both filesystems now carry the aligned recipe (see lib.sh).  A command
# "1G FS CMD" runs on $PMEM_1G (4 GiB) made anew with FS's 1G recipe
# (mkfs1g).  xfs has one free 1G-aligned GiB there (3G-4G), so a 1 GiB
# slot.  ext4 has two (1G-3G, after the pad) for a 2 GiB slot, in which
# punch_hole and truncate leave a 1G leaf standing; but it places each new
# file after the last one until the next mount, so there each case runs
# after a mount of its own.
S=/selftests
export PMEM_1G	# for remount1g in the ext4 command's shell
DAX_CASES="huge_leaves misaligned dirty_log punch_hole truncate contents exec"
set -- \
	"dax_mapping_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/dax_mapping_test -s fsdax" \
	"dax_mapping_test fsdax-xfs" "KVM_FSDAX_DIR=/mnt/xfs $S/dax_mapping_test -s fsdax" \
	"dax_mapping_test devdax" "KVM_DEVDAX_PATH=$DEVDAX $S/dax_mapping_test -s devdax" \
	"dax_mapping_test fsdax_1gb-xfs" "1G xfs KVM_FSDAX_DIR=/mnt/xfs1g $S/dax_mapping_test -s fsdax_1gb" \
	"dax_mapping_test fsdax_1gb-ext4" "1G ext4 . /rig/lib.sh; for c in $DAX_CASES; do remount1g ext4 && KVM_FSDAX_DIR=/mnt/ext41g $S/dax_mapping_test -s fsdax_1gb -m 2048 -c \$c || exit \$?; done" \
	"kvm_page_table_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/kvm_page_table_test -s fsdax -b 256M" \
	"kvm_page_table_test devdax" "KVM_DEVDAX_PATH=$DEVDAX $S/kvm_page_table_test -s devdax -b 1G" \
	"dirty_log_perf_test fsdax-xfs" "KVM_FSDAX_DIR=/mnt/xfs $S/dirty_log_perf_test -s fsdax -b 256M -i 2" \
	"demand_paging_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/demand_paging_test -s fsdax -b 256M" \
	"kvm_page_table_test fsdax_1gb-xfs" "1G xfs KVM_FSDAX_DIR=/mnt/xfs1g $S/kvm_page_table_test -s fsdax_1gb -b 1G" \
	"dirty_log_perf_test fsdax_1gb-xfs" "1G xfs KVM_FSDAX_DIR=/mnt/xfs1g $S/dirty_log_perf_test -s fsdax_1gb -b 1G -i 2" \
	"demand_paging_test fsdax_1gb-xfs" "1G xfs KVM_FSDAX_DIR=/mnt/xfs1g $S/demand_paging_test -s fsdax_1gb -b 1G" \
	"access_tracking_perf_test fsdax-xfs" "SKIP idle page tracking (/sys/kernel/mm/page_idle) covers only pfns below max_pfn, never ZONE_DEVICE/DAX pfns: reading DAX bits returns 0 bytes"
# Without fsdax PUD faults (FSDAX_PUD empty, lib.sh) the fsdax_1gb entries
# are left out.
if [ -z "$FSDAX_PUD" ]; then
	i=0
	for a; do
		shift
		i=$((i + 1))
		[ $((i % 2)) = 1 ] && { name=$a; continue; }
		case $name in *fsdax_1gb*) continue ;; esac
		set -- "$@" "$name" "$a"
	done
	log "rig.fsdax_pud=0: no fsdax PUD faults in this kernel; fsdax_1gb entries left out"
fi
if [ -x $S/dax_mapping_test ] && want dax-selftests; then
	# Filesystems with the aligned recipe (dax-e2e leaves them so too).
	for b in ext4-aligned xfs-aligned; do backing $b >/dev/null; rm -f /mnt/*/guest.img; done
	tap dax-selftests "1..$(($# / 2))"
	n=0
	while [ $# -gt 0 ]; do
		n=$((n + 1))
		case $2 in
		"SKIP "*) tap dax-selftests "ok $n - $1 # SKIP ${2#SKIP }" ;;
		"1G "*) c=${2#1G }; mkfs1g ${c%% *}
			run_one dax-selftests $n "$1" 1 sh -c "${c#* }" ;;
		*) run_one dax-selftests $n "$1" 1 sh -c "$2" ;;
		esac
		shift 2
	done
fi

# --- kvm-selftests: upstream, minus rig/l1/selftests-skip.txt -------------
want kvm-selftests || exit $rc
cd $S
tests=$(find . -type f | sed 's|^\./||' | sort)
tap kvm-selftests "1..$(echo "$tests" | wc -l)"
n=0
for t in $tests; do
	n=$((n + 1))
	why=$(listed /rig/selftests-skip.txt "$t")
	if [ -n "$why" ]; then
		tap kvm-selftests "ok $n - $t # SKIP $why"
		continue
	fi
	# Smaller workloads for tests whose defaults take minutes under TCG.
	args=$(listed /rig/selftests-args.txt "$t")
	RETRY=1 run_one kvm-selftests $n "$t${args:+ $args}" 0 sh -c "./$t $args"
done
exit $rc
