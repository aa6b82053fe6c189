# TAP suite "riscv64-selftests" (results/riscv64-selftests.tap,
# rig.only=riscv64-selftests): dax_mapping_test on 1G device-dax, and on
# fsdax files with 2M pages (-s fsdax) and 1G pages (-s fsdax_1gb) on ext4
# made with the 1G recipe (lib.sh's mkfs1g; each case after a remount, as
# on x86: each new file then lands after the pad, 1G-aligned); and
# kvm_binary_stats_test; the series' mm selftest dax_pud "protnone"
# (mprotect(PROT_NONE) of a PUD mapping and back) on a fresh 1 GiB file of
# the 1G recipe; sourced by the riscv64 job test.sh.  (ext4 with
# the 2M recipe on 2 or 4 GiB of this device gave a 512 MiB file only 212
# of 256 aligned 2M extents.)
S=/selftests
C=${DAX_CASE:+-c $DAX_CASE}
DAX_CASES=${DAX_CASE:-huge_leaves misaligned dirty_log punch_hole truncate contents exec}
set -- \
	"dax_mapping_test devdax" "KVM_DEVDAX_PATH=$DEVDAX $S/dax_mapping_test -s devdax $C" \
	"dax_mapping_test fsdax-ext4" "1G ext4 . /rig/lib.sh; for c in $DAX_CASES; do remount1g ext4 && KVM_FSDAX_DIR=/mnt/ext41g $S/dax_mapping_test -s fsdax -c \$c || exit \$?; done" \
	"dax_mapping_test fsdax_1gb-ext4" "1G ext4 . /rig/lib.sh; for c in $DAX_CASES; do remount1g ext4 && KVM_FSDAX_DIR=/mnt/ext41g $S/dax_mapping_test -s fsdax_1gb -m 2048 -c \$c || exit \$?; done"
[ -z "$DAX_CASE" ] && set -- "$@" "kvm_binary_stats_test" "$S/kvm_binary_stats_test" \
	"dax_pud protnone ext4-1g" "1G ext4 . /rig/lib.sh; f=/mnt/ext41g/pud.img; fresh1g ext4 \$f && /rig/dax_pud protnone \$f 0"
tap riscv64-selftests "1..$(($# / 2))"
n=0
while [ $# -gt 0 ]; do
	n=$((n + 1))
	case $2 in
	"1G "*) c=${2#1G }; mkfs1g ${c%% *}
		run_one riscv64-selftests $n "$1" 1 sh -c "${c#* }" ;;
	*) run_one riscv64-selftests $n "$1" 1 sh -c "$2" ;;
	esac
	shift 2
done
