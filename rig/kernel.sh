#!/bin/bash
# Configure and build the rig kernel:
#   x86_64: defconfig + config/x86_64.config [+ config/debug.config] -> bzImage
#   arm64 (RIG_ARCH=arm64): allnoconfig + config/arm64.config -> Image, cross-built
. "$(dirname "$0")/common.sh"
need gcc; need ccache; need flex; need bison
FRAGS="$TOP/config/$RIG_ARCH.config"
BASECFG=defconfig TARGETS="bzImage modules" LOG=$BUILD/kernel${VARIANT:+-$VARIANT}.log
KARCH=x86 CROSS=
if [ "$RIG_ARCH" = arm64 ]; then
	need aarch64-linux-gnu-gcc
	BASECFG=allnoconfig TARGETS=Image LOG=$BUILD/kernel-arm64.log
	KARCH=arm64 CROSS=aarch64-linux-gnu-
fi
KMAKE=(make -C "$SRC" O="$OBJ" ARCH=$KARCH CROSS_COMPILE=$CROSS)
[ "${VARIANT:-}" = debug ] && FRAGS="$FRAGS $TOP/config/debug.config"
mkdir -p "$OBJ"
cat $FRAGS | sha256sum >"$OBJ/.frags.new"
if [ ! -f "$OBJ/.config" ] || ! cmp -s "$OBJ/.frags.new" "$OBJ/.frags"; then
	say "kernel: configuring ($BASECFG + $(echo $FRAGS | sed "s|$TOP/||g"))"
	"${KMAKE[@]}" -s $BASECFG >/dev/null
	(cd "$SRC" && ARCH=$KARCH CROSS_COMPILE=$CROSS scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" $FRAGS >"$OBJ/merge.log" 2>&1)
	"${KMAKE[@]}" -s olddefconfig
	for f in $FRAGS; do
		grep '^CONFIG_.*=[ym]$' "$f" | while IFS= read -r l; do
			grep -qx "$l" "$OBJ/.config" || fail "kernel: $l from $(basename "$f") did not stick (unmet dependency?)"
		done
	done
	mv "$OBJ/.frags.new" "$OBJ/.frags"
fi
say "kernel: building $RIG_ARCH $TARGETS with ccache, -j$JOBS (cold: ~15 min on 2 cores; progress in ${LOG#$TOP/})"
start=$(date +%s)
if ! "${KMAKE[@]}" CC="ccache ${CROSS}gcc" -j"$JOBS" $TARGETS >"$LOG" 2>&1; then
	grep -E 'error|Error' "$LOG" | head -20
	fail "kernel build failed: see ${LOG#$TOP/}"
fi
"${KMAKE[@]}" -s headers >>"$LOG" 2>&1 || fail "make headers failed"
say "kernel: $("${KMAKE[@]}" -s kernelrelease) built in $(( $(date +%s) - start ))s ($(ccache -s 2>/dev/null | grep -m1 -i 'hits' | tr -s ' ' || true))"
