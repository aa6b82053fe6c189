# TAP suite "kvm-selftests" (results/kvm-selftests.tap, rig.only=kvm-selftests): sourced by
# the job test.sh once the namespaces exist (provision).
# Upstream KVM selftests, minus /rig/selftests-skip.txt
# (rig/guest/x86_64/selftests-skip.txt), with /rig/selftests-args.txt.
cd /selftests
tests=$(find . -type f | sed 's|^\./||' | sort)
tap kvm-selftests "1..$(echo "$tests" | wc -l)"
n=0
for t in $tests; do
	n=$((n + 1))
	why=$(listed /rig/selftests-skip.txt "$t")
	if [ -n "$why" ]; then
		tap kvm-selftests "ok $n - $t # SKIP $why"
		continue
	fi
	# Smaller workloads for tests whose defaults take minutes under TCG.
	args=$(listed /rig/selftests-args.txt "$t")
	RETRY=1 run_one kvm-selftests $n "$t${args:+ $args}" 0 sh -c "./$t $args"
done
cd /
