#!/bin/bash
# Print results/run.rows (daxvm's key=value lines) as the "make run" table.
. "$(dirname "$0")/common.sh"
ROWS=$RESULTS/run.rows
[ -s "$ROWS" ] || fail "no rows in results/run.rows: did 'make run' boot?"
{
	printf '%-14s %8s %9s %9s %9s %14s %12s  %s\n' backing size_MiB pages_4k pages_2m pages_1g host_can_map populate_ms verify
	while read -r line; do
		get() { echo "$line" | sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }
		h2=$(get host_2m); h1=$(get host_1g)
		host=${h2:+${h2}x2M}${h1:+${h1}x1G}
		printf '%-14s %8s %9s %9s %9s %14s %12s  %s\n' "$(get backing)" "$(get size_mib)" \
			"$(get pages_4k)" "$(get pages_2m)" "$(get pages_1g)" "$host" "$(get populate_ms)" "$(get verify)"
	done <"$ROWS"
} | tee "$RESULTS/run.table"
