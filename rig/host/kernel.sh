#!/bin/bash
# Configure and build the rig kernel:
#   x86_64: defconfig + config/x86_64.config + config/x86_64-$BASE.config
#           [+ config/debug.config] -> bzImage
#   VARIANT=run: allnoconfig + config/x86_64-run.config ("make run")
#   arm64 (RIG_ARCH=arm64): allnoconfig + config/arm64.config
#           + config/arm64-$BASE.config -> Image, cross-built
#   riscv64 (RIG_ARCH=riscv64): allnoconfig + config/riscv64.config
#           -> Image, cross-built
# CONFIG_ONLY=1: configure and install the uapi headers only (series checks).
. "$(dirname "$0")/common.sh"
need gcc; need ccache; need flex; need bison
FRAGS="$TOP/config/$RIG_ARCH.config"
# Each series' own options (its KUnit suites): config/<arch>-<base>.config.
[ -f "$TOP/config/$RIG_ARCH-$BASE.config" ] && FRAGS="$FRAGS $TOP/config/$RIG_ARCH-$BASE.config"
BASECFG=defconfig TARGETS="bzImage modules" LOG=$BDIR/kernel${VARIANT:+-$VARIANT}.log
KARCH=x86 CROSS=
if [ "$RIG_ARCH" = arm64 ]; then
	need aarch64-linux-gnu-gcc
	BASECFG=allnoconfig TARGETS=Image LOG=$BDIR/kernel-arm64.log
	KARCH=arm64 CROSS=aarch64-linux-gnu-
elif [ "$RIG_ARCH" = riscv64 ]; then
	need riscv64-linux-gnu-gcc
	BASECFG=allnoconfig TARGETS=Image LOG=$BDIR/kernel-riscv64.log
	KARCH=riscv CROSS=riscv64-linux-gnu-
fi
# make run's kernel (VARIANT=run, x86_64): allnoconfig + config/x86_64-run.config
# alone, everything built in; make test boots the one above.
if [ "${VARIANT:-}" = run ]; then
	[ "$RIG_ARCH" = x86_64 ] || fail "kernel: VARIANT=run is an x86_64 kernel"
	BASECFG=allnoconfig FRAGS="$TOP/config/x86_64-run.config"
fi
KMAKE=(make -C "$SRC" O="$OBJ" ARCH=$KARCH CROSS_COMPILE=$CROSS)
[ "${VARIANT:-}" = debug ] && FRAGS="$FRAGS $TOP/config/debug.config"
mkdir -p "$OBJ"
cat $FRAGS | sha256sum >"$OBJ/.frags.new"
# frags_in_config: every option the fragments set to y or m is so in .config
# (a later fragment overrides an earlier one, as in merge_config.sh).  A make
# run in $OBJ on a tree without the series' Kconfig (another branch) drops
# its options from .config: configure again then.
frags_in_config() {
	local l
	while IFS= read -r l; do
		grep -qx "$l" "$OBJ/.config" || return 1
	done < <(awk -F= '/^CONFIG_[A-Z0-9_]+=/ { v[$1] = $2 }
		END { for (s in v) if (v[s] == "y" || v[s] == "m") print s "=" v[s] }' $FRAGS)
}
if [ ! -f "$OBJ/.config" ] || ! cmp -s "$OBJ/.frags.new" "$OBJ/.frags" || ! frags_in_config; then
	say "kernel: configuring ($BASECFG + $(echo $FRAGS | sed "s|$TOP/||g"))"
	"${KMAKE[@]}" -s $BASECFG >/dev/null
	(cd "$SRC" && ARCH=$KARCH CROSS_COMPILE=$CROSS scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" $FRAGS >"$OBJ/merge.log" 2>&1)
	"${KMAKE[@]}" -s olddefconfig
	frags_in_config || fail "kernel: an option of $(echo $FRAGS | sed "s|$TOP/||g") did not stick (unmet dependency?)"
	mv "$OBJ/.frags.new" "$OBJ/.frags"
fi
if [ "${CONFIG_ONLY:-0}" = 1 ]; then
	"${KMAKE[@]}" -s headers >"$OBJ/headers.log" 2>&1 || { tail "$OBJ/headers.log"; fail "make headers failed"; }
	say "kernel: $RIG_ARCH configured, uapi headers in ${OBJ#$TOP/}/usr/include (BASE=$BASE)"
	exit 0
fi
say "kernel: building $RIG_ARCH${VARIANT:+ ($VARIANT)} $TARGETS with ccache, -j$JOBS (progress in ${LOG#$TOP/}; rig/README.md, \"Speed\", gives cold times)"
start=$(date +%s)
if ! "${KMAKE[@]}" CC="ccache ${CROSS}gcc" -j"$JOBS" $TARGETS >"$LOG" 2>&1; then
	grep -E 'error|Error' "$LOG" | head -20
	fail "kernel build failed: see ${LOG#$TOP/}"
fi
"${KMAKE[@]}" -s headers >>"$LOG" 2>&1 || fail "make headers failed"
say "kernel: $("${KMAKE[@]}" -s kernelrelease) built in $(( $(date +%s) - start ))s ($(ccache -s 2>/dev/null | grep -m1 -i 'hits' | tr -s ' ' || true))"
