#!/bin/sh
# make test, inside L1: end-to-end DAX checks, then the KVM selftests.
. /rig/lib.sh
check_kvm
provision
rc=0

# --- dax-e2e: KVM maps exactly what the host maps -------------------------
n=0
echo "$BACKINGS" | wc -w | { read c; tap dax-e2e "1..$c"; }
for b in $BACKINGS; do
	n=$((n + 1))
	set -- $(backing "$b")
	path=$1 kind=${2%%=*} want=${2#*=}
	out=$(/rig/daxvm -s 1G -l "$b" "$path" 2>&1)
	st=$?
	got=$(field "pages_$kind" "$out")
	if [ $st = 0 ] && [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then
		tap dax-e2e "ok $n - $b: pages_$kind=$got as the host maps it ($out)"
	else
		tap dax-e2e "not ok $n - $b: pages_$kind=$got, host maps $want (exit $st: $out)"
		rc=1
	fi
done

# --- kvm-selftests: upstream, minus rig/l1/selftests-skip.txt -------------
cd /selftests
tests=$(find . -type f | sed 's|^\./||' | sort)
c=$(echo "$tests" | wc -l)
tap kvm-selftests "1..$c"
n=0
for t in $tests; do
	n=$((n + 1))
	why=$(awk -v t="$t" '$1 == t { $1 = ""; sub(/^ /, ""); print; exit }' /rig/selftests-skip.txt)
	if [ -n "$why" ]; then
		tap kvm-selftests "ok $n - $t # SKIP $why"
		continue
	fi
	start=$(date +%s)
	timeout -s KILL 240 "./$t" >/tmp/st.log 2>&1
	st=$?
	secs=$(( $(date +%s) - start ))
	case $st in
	0) tap kvm-selftests "ok $n - $t (${secs}s)" ;;
	4) tap kvm-selftests "ok $n - $t # SKIP $(grep -m1 -i 'skip\|requirement' /tmp/st.log | tr -d '\r' | cut -c1-150)" ;;
	*) tap kvm-selftests "not ok $n - $t (exit $st, ${secs}s)"
	   sed 's/^/RIG:LOG   | /' /tmp/st.log | tail -15
	   rc=1 ;;
	esac
done
exit $rc
