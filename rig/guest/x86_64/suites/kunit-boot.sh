# TAP suite "kunit-boot" (results/kunit-boot.tap, rig.only=kunit-boot): sourced by
# the job test.sh once the namespaces exist (provision).
# The series' KVM KUnit suites ran when KVM started, at boot or when init
# loaded kvm.ko, before any DAX namespace existed: their results as they
# stand (the DAX cases skip).
KSUITES="kvm_pfn kvm_x86_spte mm_huge_pud"
need_ksuites $KSUITES
rm -f /tmp/kfail
kunit_tap kunit-boot $(for s in $KSUITES; do echo $K/$s/results; done)
[ -f /tmp/kfail ] && rc=1
