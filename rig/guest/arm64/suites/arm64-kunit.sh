# TAP suite "arm64-kunit" (results/arm64-kunit.tap, rig.only=arm64-kunit):
# the series' KUnit suites run again now that the namespaces exist; sourced
# by the arm64 job test.sh.
KSUITES="kvm_pfn kvm_arm64_mmu"
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

