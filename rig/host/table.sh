#!/bin/bash
# table.sh [l2]: print results/run.rows (daxvm's key=value lines) as the
# "make run" table, and the L2 guests' rows of the same boot if it had any;
# "l2": only the L2 guests', from make run's second boot (results/run-l2.*).
. "$(dirname "$0")/common.sh"
ROWS=$RESULTS/${RPFX}run.rows L2NAME=run
if [ "${1:-}" = l2 ]; then
	L2NAME=run-l2
else
	[ -s "$ROWS" ] || fail "no rows in results/run.rows: did 'make run' boot?"
	# The anchors (run.sh): populate times of the same guest on anonymous THP
	# memory and on a hugetlbfs 1G page, measured in the same boot.
	anchor_ms() { sed -n "/\banchor=$1\b/s/.*\bpopulate_ms=\([0-9]*\).*/\1/p" "$ROWS" | head -1; }
	thp=$(anchor_ms thp) g1=$(anchor_ms 1g)
	ratio() { if [ -n "$2" ] && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo -; fi; }
	{
		printf '%-14s %8s %9s %9s %9s %14s %12s %6s %6s  %s\n' backing size_MiB pages_4k pages_2m pages_1g host_can_map populate_ms x_thp x_1g verify
		while read -r line; do
			get() { echo "$line" | sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }
			h2=$(get host_2m); h1=$(get host_1g)
			host=${h2:+${h2}x2M}${h1:+${h1}x1G}
			[ -n "$(get anchor)" ] && host="anchor:$host"
			ms=$(get populate_ms)
			printf '%-14s %8s %9s %9s %9s %14s %12s %6s %6s  %s\n' "$(get backing)" "$(get size_mib)" \
				"$(get pages_4k)" "$(get pages_2m)" "$(get pages_1g)" "$host" "$ms" \
				"$(ratio "$ms" "$thp")" "$(ratio "$ms" "$g1")" "$(get verify)"
		done <"$ROWS"
		echo "x_thp, x_1g: populate_ms as a multiple of the anchors' in the same boot (anon-thp: anonymous"
		echo "memory with MADV_HUGEPAGE; hugetlbfs-1g: one 1G hugetlbfs page); '-': that anchor did not run."
	} | tee "$RESULTS/${RPFX}run.table"
fi
# The L2 guests (Debian's QEMU in L1, our kernel as L2, RAM on DAX).
L2=$RESULTS/${RPFX}$L2NAME.l2rows
if [ ! -s "$L2" ]; then
	[ "$L2NAME" = run ] && exit 0
	fail "no L2 rows in ${L2#$TOP/}: did make run's second boot run its L2 guests?"
fi
{
	echo
	echo "L2 Linux guests booted by qemu-system-x86_64 -accel kvm in L1; leaf counts read while L2 held its pattern:"
	printf '%-14s %8s %9s %9s %9s %9s  %s\n' backing ram_MiB pages_4k pages_2m pages_1g l2_pages result
	while read -r line; do
		get() { echo "$line" | sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }
		s=$(get l2_sum); b=$(get backing_sum)
		if [ "$(get ready_s)" = "?" ]; then
			r="did not boot: no READY from L2 in $(get tries) tries (see results/${RPFX}$L2NAME-l2-$(get backing).console)"
		elif [ "$(get ok)" != 1 ]; then
			r="booted, but failed a check: see 'L2 on $(get backing) failed: ...' above"
		elif [ -n "$s" ] && [ "$s" = "$b" ] && [ "$(get backing_bad)" = 0 ]; then
			r="booted, wrote its pattern; pattern found intact in the backing (sum $s)"
			[ -n "$(get killed_after_ready)" ] && r="$r; L2 did not power off (killed)"
		else
			r="booted, but its pattern is NOT intact in the backing: L2 sum ${s:-none}, backing sum ${b:-none}, $(get backing_bad) bad pages"
		fi
		printf '%-14s %8s %9s %9s %9s %9s  %s\n' "$(get backing)" "$(get size_mib)" \
			"$(get pages_4k)" "$(get pages_2m)" "$(get pages_1g)" "$(get l2_pages)" "$r"
	done <"$L2"
} | tee -a "$RESULTS/${RPFX}run.table"
# make run fails when an L2 guest did not boot or lost its data.
grep -q -E 'did not boot|NOT intact|L2 did not power off|failed a check' "$RESULTS/${RPFX}run.table" && exit 1
exit 0
