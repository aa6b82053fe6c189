#!/bin/bash
# matrix.sh: print results/matrix.console's RIG:MATRIX lines (the job
# rig/guest/x86_64/matrix.sh) as the table of KVM's leaves per GiB file:
# rows filesystem x how the file was made, columns the namespaces.  A cell
# is "1G/2M/4K": 1G leaves, and 2 MiB chunks mapped with 2M and with 4K
# leaves, for the first guest on the file; "!" marks a cell where
# dax_layout's prediction differed from KVM's leaves, "n/a" one whose
# filesystem or file could not be made (the reason below the table).
. "$(dirname "$0")/common.sh"
CON=$RESULTS/${RPFX}${1:-matrix}.console
[ -s "$CON" ] || fail "no ${CON#$TOP/}: did 'make matrix' boot?"
sed -n 's/^RIG:MATRIX //p' "$CON" >"$RESULTS/${RPFX}matrix.rows"
[ -s "$RESULTS/${RPFX}matrix.rows" ] || fail "no RIG:MATRIX lines in ${CON#$TOP/}"
awk '
	function get(k,   i, f) { for (i = 1; i <= NF; i++) { split($i, f, "="); if (f[1] == k) return substr($i, length(k) + 2) } return "" }
	{
		ns = get("ns"); row = get("fs") " " get("file")
		if (!(ns in seen)) { seen[ns] = 1; cols[++nc] = ns }
		if (!(row in rseen)) { rseen[row] = 1; rows[++nr] = row }
		k = get("kvm")
		if (k == "-") { c = "n/a"; why[++nw] = ns " " row ": " get("why") }
		else c = k (get("ok") == "1" ? "" : "!")
		cell[row, ns] = c
		if (get("ok") == "0") bad++
	}
	END {
		printf "%-22s", "fs / file \\ namespace"
		for (j = 1; j <= nc; j++) printf " %12s", cols[j]
		printf "\n"
		for (i = 1; i <= nr; i++) {
			printf "%-22s", rows[i]
			for (j = 1; j <= nc; j++) printf " %12s", ((rows[i], cols[j]) in cell) ? cell[rows[i], cols[j]] : "-"
			printf "\n"
		}
		print "cells: 1G leaves / 2M chunks mapped 2M / 2M chunks mapped 4K, for a guest writing once per 2 MiB"
		print "of a 1 GiB file (best: 1/0/0 on a 1G-aligned namespace, 0/512/0 on a 2M one)."
		printf "dax_layout predicted every measured cell%s\n", bad ? ": NO, " bad " cells differ (!)" : ""
		for (i = 1; i <= nw; i++) print "n/a " why[i]
		exit bad ? 1 : 0
	}' "$RESULTS/${RPFX}matrix.rows" | tee "$RESULTS/${RPFX}matrix.table"
exit "${PIPESTATUS[0]}"
