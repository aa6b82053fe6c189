#!/bin/bash
# Configure (defconfig + config/x86_64.config [+ config/debug.config]) and build bzImage.
. "$(dirname "$0")/common.sh"
need gcc; need ccache; need flex; need bison
FRAGS="$TOP/config/x86_64.config"
[ "${VARIANT:-}" = debug ] && FRAGS="$FRAGS $TOP/config/debug.config"
mkdir -p "$OBJ"
cat $FRAGS | sha256sum >"$OBJ/.frags.new"
if [ ! -f "$OBJ/.config" ] || ! cmp -s "$OBJ/.frags.new" "$OBJ/.frags"; then
	say "kernel: configuring (defconfig + $(echo $FRAGS | sed "s|$TOP/||g"))"
	make -s -C "$SRC" O="$OBJ" defconfig >/dev/null
	(cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" $FRAGS >"$OBJ/merge.log" 2>&1)
	make -s -C "$SRC" O="$OBJ" olddefconfig
	for f in $FRAGS; do
		grep '^CONFIG_.*=[ym]$' "$f" | while IFS= read -r l; do
			grep -qx "$l" "$OBJ/.config" || fail "kernel: $l from $(basename "$f") did not stick (unmet dependency?)"
		done
	done
	mv "$OBJ/.frags.new" "$OBJ/.frags"
fi
say "kernel: building bzImage with ccache, -j$JOBS (cold: ~15 min on 2 cores; progress in build/kernel.log)"
start=$(date +%s)
if ! make -C "$SRC" O="$OBJ" CC="ccache gcc" -j"$JOBS" bzImage modules >"$BUILD/kernel.log" 2>&1; then
	grep -E 'error|Error' "$BUILD/kernel.log" | head -20
	fail "kernel build failed: see build/kernel.log"
fi
make -s -C "$SRC" O="$OBJ" headers >>"$BUILD/kernel.log" 2>&1 || fail "make headers failed"
say "kernel: $(make -s -C "$SRC" O="$OBJ" kernelrelease) built in $(( $(date +%s) - start ))s ($(ccache -s 2>/dev/null | grep -m1 -i 'hits' | tr -s ' ' || true))"
