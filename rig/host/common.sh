# Shared settings for the rig's scripts; sourced, not run.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
# BASE: which kernel and series.  7.3 = mainline (Debian linux-source-7.3,
# patches/), the default; 6.12 = the stable backport (Debian
# linux-source-6.12, patches/stable-6.12/), whose paths are the ones the
# rig used first (build/linux, build/obj-*).
BASE=${BASE:-7.3}
RIG_ARCH=${RIG_ARCH:-x86_64}      # x86_64 (the L1 rig), arm64 or riscv64 (their legs)
case $BASE in
6.12)	PATCHES=$TOP/patches/stable-6.12 BDIR=$BUILD SRC=$BUILD/linux RPFX=6.12- ;;
7.3)	PATCHES=$TOP/patches BDIR=$BUILD/7.3 SRC=$BUILD/linux-7.3 RPFX= ;;
*)	printf '[rig] ERROR: BASE=%s: 7.3 (mainline) or 6.12 (stable)\n' "$BASE" >&2; exit 1 ;;
esac
# SRC: git repo whose tag "base" is the pristine Debian tree; BDIR: that
# base's build outputs; RPFX: prefix of its results/ files (6.12-kunit.tap).
OBJ=$BDIR/obj-$RIG_ARCH${VARIANT:+-$VARIANT}  # kernel O= directory (VARIANT=debug: its own)
KST=$BDIR/selftests              # KVM selftests OUTPUT
RESULTS=${RESULTS:-$TOP/results}
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=true
# Deterministic build identity, so ccache hits across clones and re-runs.
export KBUILD_BUILD_USER=rig KBUILD_BUILD_HOST=rig
export KBUILD_BUILD_TIMESTAMP="2024-11-17"

# Kernel problem reports that fail a boot: rig/guest/problems, one extended
# regex per line, the same file L1's init greps its dmesg with.
# kernel_problems CONSOLE: the first five such lines of CONSOLE, outside the
# rig's own RIG: lines.
kernel_problems() {
	grep -v '^RIG:' "$1" | grep -n -E -f "$TOP/rig/guest/problems" | head -5 || true
}

# split_taps CONSOLE: each suite's "RIG:TAP <suite> <line>" lines to
# $RESULTS/$RPFX<suite>.tap, after the "TAP version 13" header (kselftest's).
split_taps() {
	local s
	for s in $(sed -n 's/^RIG:TAP \([^ ]*\) .*/\1/p' "$1" | sort -u); do
		{ echo "TAP version 13"; sed -n "s/^RIG:TAP $s //p" "$1"; } >"$RESULTS/$RPFX$s.tap"
	done
}

say()  { printf '[rig %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { printf '[rig] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' not found: run 'make deps' (apt-get installs it)"; }
