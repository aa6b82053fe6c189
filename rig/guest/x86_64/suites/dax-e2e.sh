# TAP suite "dax-e2e" (results/dax-e2e.tap, rig.only=dax-e2e): sourced by
# the job test.sh once the namespaces exist (provision).
# KVM maps exactly what the host maps: daxvm (rig/progs/daxvm.c) runs a
# guest on each backing and compares KVM's pages_* with the host's page
# table.
n=0
tap dax-e2e "1..$(echo $BACKINGS | wc -w)"
for b in $BACKINGS; do
	n=$((n + 1))
	set -- $(backing "$b")
	path=$1 kind=${2%%=*} hostn=${2#*=}
	out=$(/rig/daxvm -s "${GUEST_MIB}M" -l "$b" "$path" 2>&1)
	st=$?
	got=$(field "pages_$kind" "$out")
	detail dax-e2e "$out"
	if [ $st = 0 ] && [ "$got" = "$hostn" ] && [ "$hostn" -gt 0 ]; then
		tap dax-e2e "ok $n - $b: pages_$kind=$got as the host maps it"
	else
		tap dax-e2e "not ok $n - $b: pages_$kind=$got, host maps $hostn (exit $st)"
		rc=1
	fi
	[ -f "$path" ] && rm -f "$path"
done
