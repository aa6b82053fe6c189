#!/bin/sh
# The arm64 leg, inside the arm64 L1 (QEMU virt, EL2/VHE under TCG): pmem
# from of_pmem "pmem-region" nodes outside memblock (mem= on the command
# line), an fsdax namespace (ext4 -o dax) and a devdax one, both 2M
# aligned; then the KUnit suites and the DAX selftests.
. /rig/lib.sh
rc=0
ST_TIMEOUT=$(karg st_timeout)
ST_TIMEOUT=${ST_TIMEOUT:-300}
# rig.dax_case=CASE runs only that dax_mapping_test case (e.g. exec).
DAX_CASE=$(karg dax_case)

[ -c /dev/kvm ] || die "no /dev/kvm in the arm64 L1: QEMU needs -M virt,virtualization=on and the kernel CONFIG_KVM=y"
log "$(dmesg | grep -m1 -o 'kvm \[[0-9]*\]: .*mode initialized.*' || echo 'KVM mode: unknown')"

# --- pmem: region0 -> fsdax, region1 -> devdax ----------------------------
ndctl list -R >/tmp/regions 2>&1
[ "$(grep -c '"dev":"region' /tmp/regions)" -ge 2 ] ||
	die "want two pmem regions from the DT's pmem-region nodes: $(cat /tmp/regions)"
# The regions lie outside System RAM (memblock): the case this leg is for.
log "iomem: $(grep -E 'System RAM|Persistent|namespace|dax' /proc/iomem | sed 's/^ *//' | tr '\n' ';')"
out=$(ndctl create-namespace -f -e namespace0.0 -m fsdax -a 2M 2>&1) ||
	die "ndctl: fsdax on namespace0.0 failed: $out"
PMEM=/dev/$(echo "$out" | json blockdev)
out=$(ndctl create-namespace -f -e namespace1.0 -m devdax -a 2M 2>&1) ||
	die "ndctl: devdax on namespace1.0 failed: $out"
DEVDAX=/dev/$(echo "$out" | json chardev)
[ -b "$PMEM" ] && [ -c "$DEVDAX" ] || die "namespaces created but devices missing: $PMEM $DEVDAX"
mkfs_ext4_aligned "$PMEM" >/dev/null 2>&1 || die "mkfs.ext4 on $PMEM failed"
mount_dax "$PMEM" /mnt/ext4 ext4
log "fsdax $PMEM ($(( $(cat /sys/block/${PMEM#/dev/}/size) >> 11 )) MiB, ext4 -o dax on /mnt/ext4), devdax $DEVDAX ($(( $(cat /sys/bus/dax/devices/${DEVDAX#/dev/}/size) >> 20 )) MiB, align 2M)"

# --- KUnit: boot-time results (no namespace yet), then again now ----------
KSUITES="kvm_pfn kvm_arm64_mmu"
K=/sys/kernel/debug/kunit
ks=
for s in $KSUITES; do [ -d $K/$s ] && ks="$ks $s"; done
if [ "$(echo $ks)" != "$KSUITES" ]; then
	tap arm64-kunit "1..1"
	tap arm64-kunit "not ok 1 - KUnit suites missing: have '$(echo $ks)', want '$KSUITES' (config/arm64-$BASE.config: the series' KUnit options?)"
	rc=1
else
	rm -f /tmp/kfail
	for s in $ks; do echo run >$K/$s/run; done
	kunit_tap arm64-kunit $(for s in $ks; do echo $K/$s/results; done)
	[ -f /tmp/kfail ] && rc=1
fi

# --- DAX selftests --------------------------------------------------------
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
exit $rc
