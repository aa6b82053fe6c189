#!/bin/bash
# negative.sh [dax|pud|reliability|mainline]: show that the tests fail on the defects
# they guard.  Build the kernel with a throwaway breakage on top of the
# series, run the guarding suites, put the tree back.  Succeeds only if
# every guarding suite failed.
#   dax (make negative): rig/negative/dax.diff, DAX pfns treated as reserved,
#     MMIO and never huge; suites kunit, dax-e2e, dax-selftests.
#   pud (make negative-pud): rig/negative/pud.diff, fsdax falls back from
#     PUD faults to PMDs; suites dax-e2e, fsdax-pud, dax-selftests.
#   reliability (make negative-reliability): rig/negative/reliability.diff,
#     KVM ignores MMU-notifier invalidations; suite reliability (the cases
#     with a running guest, on the rig kernel: no KASAN needed to see it).
#   mainline (make negative-mainline): BASE=7.3, rig/negative/mainline.diff: the
#     three decisions the mainline KUnit suites test are broken (ZONE_DEVICE
#     pages A/D-tracked, x86 reserved RAM taken for MMIO whatever its
#     memtype, arm64 non-memblock pfns Device whatever the VMA); suites kunit
#     (x86 L1) and arm64-kunit (the arm64 leg).
#   pud-mainline (make negative-pud-mainline): BASE=7.3,
#     rig/negative/pud-mainline.diff, the same breakage as pud on the 7.3 tree;
#     the same suites.
#   contents (make negative-contents): BASE=7.3, rig/negative/contents.diff:
#     DAX accesses to file offsets 4M-6M and 6M-8M go to each other's
#     blocks, so pread() agrees with what the guest wrote through its
#     mapping; suite
#     dax-selftests (dax_mapping_test's contents case reads the device).
#   remap (make negative-remap): BASE=7.3, rig/negative/remap.diff: xfs maps
#     the source of a remap with PUDs while the remap runs (mainline patch
#     32 reverted); suite fsdax-pud (dax_pud remap: the clone's PMD faults
#     on a PUD folio warn).
#   optin (make negative-optin): BASE=7.3, rig/negative/optin.diff: erofs
#     takes PUD faults (its huge_fault handler passes PUD_ORDER on, as
#     before mainline patch 34 made it fall back); suite fsdax-pud (dax_pud
#     nopud on erofs).
#   smaps (make negative-smaps): BASE=7.3, rig/negative/smaps.diff: smaps,
#     numa_maps and pagemap have no pud_entry again (mainline patches 12-14
#     compiled out), so their walks split PUD leaves; suites fsdax-pud
#     (dax_pud map: Rss 0 kB, no pfn in pagemap, and each read of the GiB
#     after a /proc read faults again) and dax-selftests (dax_mapping_test
#     huge_leaves on 1G slots: KVM's 1G leaves gone after the reads).
#   split (make negative-split): BASE=7.3, rig/negative/split.diff: a VMA
#     split leaves a PUD leaf in place (mainline patch 15 compiled out);
#     suite fsdax-pud (dax_pud split: no fault to read the GiB after a
#     split at 2 MiB, where 512 PMD faults are due).
#   mremap (make negative-mremap): BASE=7.3, rig/negative/mremap.diff:
#     get_old_pud() clears a PUD leaf as a bad PUD again (mainline patch 16
#     in part); suite fsdax-pud (dax_pud mremap: a fault after the move, a
#     punch that waits for the reference the cleared PUD held; only that one
#     of the steps of pud_last runs, rig.pud_last=mremap).
#   swapoff (make negative-swapoff): BASE=7.3, rig/negative/swapoff.diff:
#     unuse_pud_range() clears a PUD leaf as a bad PUD again (mainline patch
#     17 reverted); suite fsdax-pud (dax_pud swapoff, rig.pud_last=swapoff).
#   layout (make negative-layout): BASE=7.3, rig/negative/layout.diff:
#     dax_layout (mainline patch 62) no longer checks that the blocks are
#     aligned on the device; suite layout (its predictions must differ from
#     KVM's leaves wherever extents are misaligned: xfs and ext4 defaults).
#   xfsalign (make negative-xfsalign): BASE=7.3, rig/negative/xfsalign.diff:
#     xfs no longer aligns DAX file data (mainline patch 63 switched off);
#     suite layout (its "xfs aligns it" lines: every xfs-default cell but cp
#     maps all 512 2M chunks with 4K pages).
#   ext4align (make negative-ext4align): BASE=7.3, rig/negative/ext4align.diff:
#     ext4 no longer aligns DAX file data (mainline patch 64 switched off);
#     suite layout (its "ext4 aligns it" lines: every ext4-default cell but
#     cp maps 44 of the 512 2M chunks with 4K pages).
# dax, pud, reliability: their diffs are for the 6.12 tree; the others: 7.3.
case ${1:-} in mainline|pud-mainline|contents|remap|optin|smaps|split|mremap|swapoff|layout|xfsalign|ext4align) export BASE=7.3 ;; *) export BASE=6.12 ;; esac
. "$(dirname "$0")/common.sh"
MODE=${1:-dax}
case $MODE in
dax)	DIFF=$TOP/rig/negative/dax.diff JOB=test SUITES="kunit dax-e2e dax-selftests"
	KARGS="rig.only=kunit-boot,kunit,dax-e2e,dax-selftests" RESULTS=$TOP/results/negative ;;
pud)	DIFF=$TOP/rig/negative/pud.diff JOB=test SUITES="dax-e2e fsdax-pud dax-selftests"
	KARGS="rig.only=dax-e2e,fsdax-pud,dax-selftests" RESULTS=$TOP/results/negative-pud ;;
reliability)
	DIFF=$TOP/rig/negative/reliability.diff JOB=reliability SUITES=reliability
	KARGS="rig.only=disturb,hwpoison rig.rel_secs=3 rig.rel_cycles=20"
	RESULTS=$TOP/results/negative-reliability ;;
mainline)
	DIFF=$TOP/rig/negative/mainline.diff JOB=test SUITES="kunit arm64-kunit"
	KARGS="rig.only=kunit-boot,kunit,arm64-kunit" RESULTS=$TOP/results/negative-7.3 ;;
pud-mainline)
	DIFF=$TOP/rig/negative/pud-mainline.diff JOB=test SUITES="dax-e2e fsdax-pud dax-selftests"
	KARGS="rig.only=dax-e2e,fsdax-pud,dax-selftests" RESULTS=$TOP/results/negative-pud-7.3 ;;
contents)
	DIFF=$TOP/rig/negative/contents.diff JOB=test SUITES=dax-selftests
	KARGS="rig.only=dax-selftests" RESULTS=$TOP/results/negative-contents ;;
remap)	DIFF=$TOP/rig/negative/remap.diff JOB=test SUITES=fsdax-pud
	KARGS="rig.only=fsdax-pud" RESULTS=$TOP/results/negative-remap ;;
optin)	DIFF=$TOP/rig/negative/optin.diff JOB=test SUITES=fsdax-pud
	KARGS="rig.only=fsdax-pud" RESULTS=$TOP/results/negative-optin ;;
smaps)	DIFF=$TOP/rig/negative/smaps.diff JOB=test SUITES="fsdax-pud dax-selftests"
	KARGS="rig.only=fsdax-pud,dax-selftests" RESULTS=$TOP/results/negative-smaps ;;
split)	DIFF=$TOP/rig/negative/split.diff JOB=test SUITES=fsdax-pud
	KARGS="rig.only=fsdax-pud" RESULTS=$TOP/results/negative-split ;;
mremap)	DIFF=$TOP/rig/negative/mremap.diff JOB=test SUITES=fsdax-pud
	KARGS="rig.only=fsdax-pud rig.pud_last=mremap" RESULTS=$TOP/results/negative-mremap ;;
swapoff) DIFF=$TOP/rig/negative/swapoff.diff JOB=test SUITES=fsdax-pud
	KARGS="rig.only=fsdax-pud rig.pud_last=swapoff" RESULTS=$TOP/results/negative-swapoff ;;
layout)	DIFF=$TOP/rig/negative/layout.diff JOB=test SUITES=layout
	KARGS="rig.only=layout" RESULTS=$TOP/results/negative-layout ;;
xfsalign) DIFF=$TOP/rig/negative/xfsalign.diff JOB=test SUITES=layout
	KARGS="rig.only=layout" RESULTS=$TOP/results/negative-xfsalign ;;
ext4align) DIFF=$TOP/rig/negative/ext4align.diff JOB=test SUITES=layout
	KARGS="rig.only=layout" RESULTS=$TOP/results/negative-ext4align ;;
*)	fail "negative.sh: unknown mode '$MODE' (dax, pud, reliability, mainline, pud-mainline, contents, remap, optin, smaps, split, mremap, swapoff, layout, xfsalign or ext4align)" ;;
esac
export KARGS RESULTS
git -C "$SRC" diff --quiet || fail "${SRC#$TOP/} has uncommitted changes; commit or drop them first"
git -C "$SRC" apply "$DIFF" || fail "${DIFF#$TOP/} does not apply"
trap 'git -C "$SRC" apply -R "$DIFF"' EXIT
"$TOP/rig/host/kernel.sh"
# layout breaks the user tool, not the kernel: rebuild the programs
# (selftests.sh builds the tool with them), and again once the tree is back.
if [ "$MODE" = layout ]; then
	trap 'git -C "$SRC" apply -R "$DIFF"; "$TOP/rig/host/selftests.sh"' EXIT
	"$TOP/rig/host/selftests.sh"
fi
"$TOP/rig/host/initramfs.sh"
rm -rf "$RESULTS"
"$TOP/rig/host/boot.sh" $JOB 1200 || true
if [ "$MODE" = mainline ]; then
	RIG_ARCH=arm64 "$TOP/rig/host/cross.sh" build
	RIG_ARCH=arm64 "$TOP/rig/host/boot.sh" test 1500 || true
fi
"$TOP/rig/host/summary.sh" >"$RESULTS/summary.txt" || true
cat "$RESULTS/summary.txt"
missed=""
for s in $SUITES; do
	grep -q '^not ok' "$RESULTS/$RPFX$s.tap" 2>/dev/null || missed="$missed $s"
done
[ -z "$missed" ] || fail "negative: no failure in:$missed -- these tests do not catch the breakage"
say "negative ($MODE): every guarding suite failed on the broken kernel, as it must (${RESULTS#$TOP/}/)"
