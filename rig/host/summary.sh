#!/bin/bash
# Summarise every results/*.tap: one row per suite, then the closing line.
# Exit 1 if any test failed or a suite's plan does not match its results.
. "$(dirname "$0")/common.sh"
shopt -s nullglob
P=0 F=0 S=0 rc=0
printf '%-22s %6s %6s %6s %6s\n' suite planned passed failed skipped
# summary.sh [PREFIX]: only the suites whose name starts with PREFIX.
for t in "$RESULTS"/${1:-}*.tap; do
	s=$(basename "$t" .tap)
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$t" | head -1)
	skip=$(grep -c '^ok .*# SKIP' "$t" || true)
	pass=$(( $(grep -c '^ok ' "$t" || true) - skip ))
	failn=$(grep -c '^not ok ' "$t" || true)
	printf '%-22s %6s %6s %6s %6s\n' "$s" "${plan:-?}" "$pass" "$failn" "$skip"
	if [ "${plan:-x}" != $((pass + failn + skip)) ]; then
		echo "  $s: plan ${plan:-missing} but $((pass + failn + skip)) results (crash or hang?)"; rc=1
	fi
	# Each failure with the "# " detail lines just before it (kselftest's
	# layout); each retried pass.
	awk '/^# / { d[nd++] = $0; if (/passed on 2nd run/) r = $0; next }
	     /^not ok / { for (i = (nd > 3 ? nd - 3 : 0); i < nd; i++) print d[i]; print }
	     /^ok / && r != "" { print r; print }
	     { nd = 0; r = "" }' "$t" | sed "s/^/  $s: /"
	P=$((P + pass)) F=$((F + failn)) S=$((S + skip))
done
[ $((P + F + S)) -gt 0 ] || { echo "no test results found in results/"; exit 1; }
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ] && [ "$rc" = 0 ]
