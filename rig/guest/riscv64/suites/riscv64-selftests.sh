# TAP suite "riscv64-selftests" (results/riscv64-selftests.tap,
# rig.only=riscv64-selftests): dax_mapping_test on 1G device-dax, on an
# fsdax file with 2M extents (ext4, 2M recipe) and with 1G extents (ext4,
# 1G recipe: lib.sh's mkfs1g, each case after a remount as on x86), and
# kvm_binary_stats_test; sourced by the riscv64 job test.sh.
S=/selftests
C=${DAX_CASE:+-c $DAX_CASE}
DAX_CASES=${DAX_CASE:-huge_leaves misaligned dirty_log punch_hole truncate contents exec}
set -- \
	"dax_mapping_test devdax" "KVM_DEVDAX_PATH=$DEVDAX $S/dax_mapping_test -s devdax $C" \
	"dax_mapping_test fsdax-ext4" "2M ext4 KVM_FSDAX_DIR=/mnt/ext4 $S/dax_mapping_test -s fsdax $C" \
	"dax_mapping_test fsdax_1gb-ext4" "1G ext4 . /rig/lib.sh; for c in $DAX_CASES; do remount1g ext4 && KVM_FSDAX_DIR=/mnt/ext41g $S/dax_mapping_test -s fsdax_1gb -m 2048 -c \$c || exit \$?; done"
[ -z "$DAX_CASE" ] && set -- "$@" "kvm_binary_stats_test" "$S/kvm_binary_stats_test"
tap riscv64-selftests "1..$(($# / 2))"
n=0
while [ $# -gt 0 ]; do
	n=$((n + 1))
	case $2 in
	"2M "*) umount /mnt/ext4 /mnt/ext41g 2>/dev/null
		mkfs_ext4_aligned "$PMEM_1G" >/dev/null 2>&1 || die "mkfs.ext4 on $PMEM_1G failed"
		mount_dax "$PMEM_1G" /mnt/ext4 ext4
		c=${2#2M }; run_one riscv64-selftests $n "$1" 1 sh -c "${c#* }" ;;
	"1G "*) umount /mnt/ext4 2>/dev/null
		c=${2#1G }; mkfs1g ${c%% *}
		run_one riscv64-selftests $n "$1" 1 sh -c "${c#* }" ;;
	*) run_one riscv64-selftests $n "$1" 1 sh -c "$2" ;;
	esac
	shift 2
done
