# TAP suite "kunit" (results/kunit.tap, rig.only=kunit): sourced by
# the job test.sh once the namespaces exist (provision).
# The series' KVM KUnit suites again, now that fsdax and devdax exist.  Built
# in (6.12), through debugfs.  As a module (7.3, whose KUnit does not run a
# case that skipped itself again on a debugfs re-run): load kvm.ko again,
# with a file on an fsdax ext4 for the fault-in case (kvm.kunit_dax_path).
KSUITES="kvm_pfn kvm_x86_spte"
need_ksuites $KSUITES
rm -f /tmp/kfail
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
