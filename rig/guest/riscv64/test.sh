#!/bin/sh
# The RISC-V leg's job, inside the riscv64 L1 (QEMU virt with the hypervisor
# extension, under TCG): pmem from two of_pmem "pmem-region" nodes outside
# memblock (mem= on the command line), a device-dax namespace aligned to 1G
# on the 3G region and an fsdax one aligned to 1G on the 5G region (ext4
# -o dax, with the 2M recipe and then the 1G one); then the TAP suites in
# rig/guest/riscv64/suites/ (/rig/suites/).
. /rig/lib.sh
rc=0
ST_TIMEOUT=$(karg st_timeout)
ST_TIMEOUT=${ST_TIMEOUT:-600}
# rig.dax_case=CASE runs only that dax_mapping_test case (e.g. huge_leaves).
DAX_CASE=$(karg dax_case)

[ -c /dev/kvm ] || die "no /dev/kvm in the riscv64 L1: QEMU needs -cpu rv64,h=true and the kernel CONFIG_KVM=y"
log "$(dmesg | grep -m3 -i 'kvm' | tr '\n' ';')"

# --- pmem: the 3G region -> devdax, the 5G region -> fsdax, both 1G-aligned ---
ndctl list -R >/tmp/regions 2>&1
[ "$(grep -c '"dev":"region' /tmp/regions)" -ge 2 ] ||
	die "want two pmem regions from the DT's pmem-region nodes: $(cat /tmp/regions)"
log "iomem: $(grep -E 'System RAM|Persistent|namespace|dax' /proc/iomem | sed 's/^ *//' | tr '\n' ';')"
ns_dax= ns_fs=
for r in /sys/bus/nd/devices/region*; do
	case $(cat "$r/size") in
	3221225472) ns_dax=namespace${r##*region}.0 ;;
	5368709120) ns_fs=namespace${r##*region}.0 ;;
	esac
done
[ -n "$ns_dax" ] && [ -n "$ns_fs" ] || die "want a 3G and a 5G pmem region: $(cat /tmp/regions)"
out=$(ndctl create-namespace -f -e $ns_dax -m devdax -a 1G 2>&1) ||
	die "ndctl: devdax on $ns_dax failed: $out"
DEVDAX=/dev/$(echo "$out" | json chardev)
out=$(ndctl create-namespace -f -e $ns_fs -m fsdax -a 1G 2>&1) ||
	die "ndctl: fsdax on $ns_fs failed: $out"
PMEM_1G=/dev/$(echo "$out" | json blockdev)
[ -b "$PMEM_1G" ] && [ -c "$DEVDAX" ] || die "namespaces created but devices missing: $PMEM_1G $DEVDAX"
export PMEM_1G
log "devdax $DEVDAX ($(( $(cat /sys/bus/dax/devices/${DEVDAX#/dev/}/size) >> 20 )) MiB, align $(cat /sys/bus/dax/devices/${DEVDAX#/dev/}/align)), fsdax $PMEM_1G ($(( $(cat /sys/block/${PMEM_1G#/dev/}/size) >> 11 )) MiB, align 1G)"

run_suites riscv64-selftests
exit $rc
