# TAP suite "dax-selftests" (results/dax-selftests.tap, rig.only=dax-selftests): sourced by
# the job test.sh once the namespaces exist (provision).
# The series' DAX selftests, and existing tests on DAX.
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
if [ -x $S/dax_mapping_test ]; then
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
else
	tap dax-selftests "1..1"
	tap dax-selftests "not ok 1 - no $S/dax_mapping_test in the initramfs"
	rc=1
fi

