#!/bin/bash
# make negative: show that the tests fail on the defects they guard.  Build
# the kernel with rig/negative.diff applied on top of the series (DAX pfns
# treated as reserved, MMIO and never huge), run the DAX suites, put the
# tree back.  Succeeds only if every guarding suite failed.
. "$(dirname "$0")/common.sh"
git -C "$SRC" diff --quiet || fail "build/linux has uncommitted changes; commit or drop them first"
git -C "$SRC" apply "$TOP/rig/negative.diff" || fail "rig/negative.diff does not apply"
trap 'git -C "$SRC" apply -R "$TOP/rig/negative.diff"' EXIT
"$TOP/rig/kernel.sh"
"$TOP/rig/initramfs.sh"
export RESULTS=$TOP/results/negative
rm -rf "$RESULTS"
KARGS="rig.only=kunit,dax-e2e,dax-selftests" "$TOP/rig/boot.sh" test 1200 || true
"$TOP/rig/summary.sh" >"$RESULTS/summary.txt" || true
cat "$RESULTS/summary.txt"
missed=""
for s in kunit dax-e2e dax-selftests; do
	grep -q '^not ok' "$RESULTS/$s.tap" 2>/dev/null || missed="$missed $s"
done
[ -z "$missed" ] || fail "negative: no failure in:$missed -- these tests do not catch the breakage"
say "negative: every guarding suite failed on the broken kernel, as it must (results/negative/)"
