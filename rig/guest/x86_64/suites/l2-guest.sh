# TAP suite "l2-guest" (results/l2-guest.tap, rig.only=l2-guest): sourced by
# the job test.sh once the namespaces exist (provision).
# Debian's QEMU boots a real L2 Linux on each backing (l2.sh).
n=0
tap l2-guest "1..$(echo $L2_RUNS | wc -w)"
for r in $L2_RUNS; do
	n=$((n + 1))
	l2_run_fields "$r"
	set -- $(backing "$b")
	if l2_boot "$b" "$1" "$mib" "$align" && l2_expect "$b" "$L2_ROW" "$align"; then
		detail l2-guest "$L2_ROW"
		tap l2-guest "ok $n - L2 on $b"
	else
		detail l2-guest "$L2_WHY ($L2_ROW)"
		tap l2-guest "not ok $n - L2 on $b"
		rc=1
	fi
	[ -f "$1" ] && rm -f "$1"
done
