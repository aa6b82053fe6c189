#!/bin/sh
# The arm64 leg's job, inside the arm64 L1 (QEMU virt, EL2/VHE under TCG):
# pmem from of_pmem "pmem-region" nodes outside memblock (mem= on the
# command line), an fsdax namespace (ext4 -o dax) and a devdax one, both 2M
# aligned; then the TAP suites in rig/guest/arm64/suites/ (/rig/suites/).
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

run_suites arm64-kunit arm64-selftests
exit $rc
