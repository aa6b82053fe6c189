#!/bin/bash
# boot.sh JOB [TIMEOUT]: boot the rig kernel of RIG_ARCH (x86_64: L1 under
# QEMU/TCG with an emulated NVDIMM; arm64: QEMU virt at EL2 with of_pmem),
# as rig/qemu/$RIG_ARCH.sh describes, run the guest job rig/guest/.../JOB.sh
# there and collect its output in results/.  Fails on timeout, a non-zero
# job, or a kernel problem report (rig/guest/problems) in the console.
# JOB=shell: an interactive L1 shell on this terminal (no time limit).
. "$(dirname "$0")/common.sh"
JOB=$1
TMO=${2:-1800}
# RESNAME: the name of this boot's results/ files (default: the job's), so
# that two boots of one job keep theirs apart (make run's two boots); other
# architectures' carry their name first (results/arm64-test.console).
NAME=${RESNAME:-$JOB}
[ "$RIG_ARCH" = x86_64 ] || NAME=$RIG_ARCH-$NAME
[ -f "$TOP/rig/qemu/$RIG_ARCH.sh" ] || fail "RIG_ARCH=$RIG_ARCH: no rig/qemu/$RIG_ARCH.sh"
. "$TOP/rig/qemu/$RIG_ARCH.sh"
command -v "$QEMU" >/dev/null 2>&1 || fail "no $QEMU: $QEMU_HINT"
[ -f "$KIMG" ] || fail "no kernel ${KIMG#$TOP/}: $KHINT"
[ -f "$INITRD" ] || fail "no initramfs ${INITRD#$TOP/}: $RDHINT"
APPEND="console=$CONSOLE loglevel=4 panic=-1 oops=panic rig.job=$JOB rig.base=$BASE $CMDLINE ${KARGS:-}"
qemu_prepare
if [ "$JOB" = shell ]; then
	say "boot: an L1 shell under ${QEMU#$TOP/} $QEMU_SHOW (Ctrl-a x quits QEMU; 'exit' powers L1 off)"
	trap qemu_cleanup EXIT
	"$QEMU" "${QEMU_ARGS[@]}" -kernel "$KIMG" -initrd "$INITRD" -append "$APPEND" \
		-display none -serial mon:stdio -no-reboot
	exit
fi
mkdir -p "$RESULTS"
# Another architecture's suites carry its name: none of an earlier boot's.
[ "$RIG_ARCH" = x86_64 ] || rm -f "$RESULTS/$RPFX$RIG_ARCH-"*.tap
CON=$RESULTS/$RPFX$NAME.console
# Nothing of an earlier boot of this job may pass for this one's.
rm -f "$CON" "$RESULTS/$RPFX$NAME.rows" "$RESULTS/$RPFX$NAME.l2rows" "$RESULTS/$RPFX$NAME"-l2-*.console
say "boot: $LABEL job '$JOB' under ${QEMU#$TOP/} ($("$QEMU" --version | head -1 | sed 's/^QEMU emulator //')) $QEMU_SHOW (timeout ${TMO}s; console in ${CON#$TOP/})"
start=$(date +%s)
set +e
timeout -k 10 "$TMO" "$QEMU" "${QEMU_ARGS[@]}" -kernel "$KIMG" -initrd "$INITRD" -append "$APPEND" \
	-display none -serial stdio -monitor none -no-reboot </dev/null 2>&1 |
	sed -u 's/\r$//' | tee "$CON" |
	grep --line-buffered -e '^RIG:LOG' -e '^RIG:ERROR' -e '^RIG:TAP' |
	sed -u -e "s/^RIG:LOG /  $LABEL: /" -e "s/^RIG:ERROR /  $LABEL ERROR: /" -e 's/^RIG:TAP /  /'
qrc=${PIPESTATUS[0]}
set -e
secs=$(( $(date +%s) - start ))
qemu_cleanup
# TAP per suite.
split_taps "$CON"
sed -n 's/^RIG:ROW //p' "$CON" >"$RESULTS/$RPFX$NAME.rows"
sed -n 's/^RIG:L2ROW //p' "$CON" >"$RESULTS/$RPFX$NAME.l2rows"
# The L2 guests' consoles (relayed by L1 as "RIG:L2 NAME line").
for s in $(sed -n 's/^RIG:L2 \([^ ]*\) .*/\1/p' "$CON" | sort -u); do
	sed -n "s/^RIG:L2 $s //p" "$CON" >"$RESULTS/$RPFX$NAME-l2-$s.console"
done
bad=$(kernel_problems "$CON")
done_rc=$(sed -n 's/^RIG:DONE rc=//p' "$CON" | tail -1)
tailshow() { echo "----- last 40 lines of ${CON#$TOP/} -----" >&2; tail -40 "$CON" >&2; }
if [ -n "$bad" ]; then
	tailshow; fail "$LABEL reported a kernel problem (rig/guest/problems): $bad"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	tailshow; fail "$LABEL job '$JOB' hung: no result within ${TMO}s"
fi
if [ -z "$done_rc" ]; then
	tailshow; fail "$LABEL job '$JOB' ended without a result (QEMU exit $qrc, after ${secs}s)"
fi
say "boot: $LABEL job '$JOB' (BASE=$BASE) finished in ${secs}s, rc=$done_rc"
[ "$done_rc" = 0 ] || { grep '^RIG:ERROR' "$CON" >&2 || true; exit 1; }
