#!/bin/bash
# Build the KVM selftests and the series' mm selftest dax_pud (static) from
# the same tree, and the rig's own programs (daxvm, l2pat, daxrel).
. "$(dirname "$0")/common.sh"
MK=; [ "${VARIANT:-}" = run ] && MK=run-
[ -d "$OBJ/usr/include/linux" ] || fail "no kernel headers: run 'make ${MK}kernel' first"
# make run (VARIANT=run) boots only daxvm, dax_layout and the L2 guest's l2pat.
# Its own copies (-run), so that it never rewrites make test's under a
# build running beside it.
progs() {
	gcc -static -O2 -Wall -Werror -isystem "$OBJ/usr/include" -o "$BDIR/daxvm$1" "$TOP/rig/progs/daxvm.c" ||
		fail "daxvm build failed"
	gcc -static -O2 -Wall -Werror -o "$BDIR/l2pat$1" "$TOP/rig/progs/l2pat.c" || fail "l2pat build failed"
	# The series' user tool, from the tree.
	gcc -static -O2 -Wall -Werror -isystem "$OBJ/usr/include" -o "$BDIR/dax_layout$1" \
		"$SRC/tools/kvm/dax_layout/dax_layout.c" || fail "dax_layout (tools/kvm/dax_layout) build failed: is the series applied?"
}
if [ "${VARIANT:-}" = run ]; then
	progs -run
	say "selftests: daxvm, l2pat and dax_layout only (make run; make test builds the KVM selftests)"
	exit 0
fi
say "selftests: building KVM selftests statically from ${SRC#$TOP/} (BASE=$BASE)"
start=$(date +%s)
if ! make -C "$SRC/tools/testing/selftests/kvm" OUTPUT="$KST" \
	CC="ccache gcc" KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="-static" \
	-j"$JOBS" >"$BDIR/selftests.log" 2>&1; then
	grep -E 'error' "$BDIR/selftests.log" | head -20
	fail "KVM selftests build failed: see ${BDIR#$TOP/}/selftests.log"
fi
progs ""
rm -f "$BDIR/mm-selftests/dax_pud"
mkdir -p "$BDIR/mm-selftests"
make -C "$SRC/tools/testing/selftests/mm" OUTPUT="$BDIR/mm-selftests" CC="ccache gcc" \
	KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="-static" \
	"$BDIR/mm-selftests/dax_pud" >"$BDIR/selftests-mm.log" 2>&1 ||
	{ tail -20 "$BDIR/selftests-mm.log"; fail "dax_pud (tools/testing/selftests/mm) build failed: is the series applied?"; }
gcc -static -O2 -Wall -Werror -pthread -isystem "$OBJ/usr/include" -o "$BDIR/daxrel" "$TOP/rig/progs/daxrel.c" ||
	fail "daxrel build failed"
n=$(find "$KST" -type f -perm -u+x ! -name '*.o' ! -name '*.sh' | wc -l)
say "selftests: $n binaries in $(( $(date +%s) - start ))s"
