# TAP suite "arm64-selftests" (results/arm64-selftests.tap,
# rig.only=arm64-selftests): the DAX selftests and existing tests on DAX;
# sourced by the arm64 job test.sh.
S=/selftests
C=${DAX_CASE:+-c $DAX_CASE}
set -- \
	"dax_mapping_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/dax_mapping_test -s fsdax -m 256 $C" \
	"dax_mapping_test devdax" "KVM_DEVDAX_PATH=$DEVDAX $S/dax_mapping_test -s devdax -m 256 $C"
[ -z "$DAX_CASE" ] && set -- "$@" \
	"kvm_binary_stats_test" "$S/kvm_binary_stats_test" \
	"dirty_log_perf_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/dirty_log_perf_test -s fsdax -b 128M -i 2" \
	"kvm_page_table_test thp" "$S/kvm_page_table_test -m 0 -s anonymous_thp -b 128M" \
	"kvm_page_table_test fsdax-ext4" "KVM_FSDAX_DIR=/mnt/ext4 $S/kvm_page_table_test -m 0 -s fsdax -b 128M"
tap arm64-selftests "1..$(($# / 2))"
n=0
while [ $# -gt 0 ]; do
	n=$((n + 1))
	run_one arm64-selftests $n "$1" 1 sh -c "$2"
	shift 2
done
