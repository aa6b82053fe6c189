#!/bin/bash
# Series plumbing: apply | export | check | mirror, for $BASE (common.sh):
# 7.3 = the mainline series in patches/, 6.12 = its stable backport in
# patches/stable-6.12/.  Each folder's "series" file is the source of truth;
# the mirror folders (every file the series adds) follow the mainline one.
. "$(dirname "$0")/common.sh"
STAMP=$BDIR/applied.stamp
MIRRORS="virt include mm tools Documentation arch fs drivers lib"
# The base tree is a single commit without upstream history, so checkpatch
# cannot look up the upstream commits that changelogs cite
# (UNKNOWN_COMMIT_ID); and it asks about MAINTAINERS for every new file
# (FILE_PATH_CHANGES), which "check" verifies itself with get_maintainer.pl.
CHECKPATCH_IGNORE="--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES"

series_files() {
	[ -f "$PATCHES/series" ] || fail "${PATCHES#$TOP/}/series missing"
	grep -v -e '^\s*#' -e '^\s*$' "$PATCHES/series" | while read -r p; do
		[ -f "$PATCHES/$p" ] || fail "patches/series names $p, which does not exist"
		echo "$PATCHES/$p"
	done
}

series_hash() { { cat "$PATCHES/series"; series_files | xargs -r cat; } | sha256sum | cut -c1-16; }

# git am every patch of the series on top of the current HEAD of repo $1.
am_series() {
	local repo=$1 p
	for p in $(series_files); do
		if ! git -C "$repo" am -q --keep-cr "$p" >"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			git -C "$repo" am --abort >/dev/null 2>&1 || true
			fail "patch $(basename "$p") does not apply (see above); fix it in ${PATCHES#$TOP/}/ or rebase the series"
		fi
	done
}

cmd_apply() {
	git -C "$SRC" rev-parse -q --verify base >/dev/null || fail "no kernel tree: run 'make tree BASE=$BASE'"
	local want; want=$(series_hash)
	local head; head=$(git -C "$SRC" rev-parse HEAD)
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want $head" ]; then
		say "apply: series already applied ($(git -C "$SRC" rev-list --count base..HEAD) patches)"
		return
	fi
	if [ "${FORCE:-0}" != 1 ] && [ "$(git -C "$SRC" rev-parse base)" != "$head" ] &&
	   { [ ! -f "$STAMP" ] || [ "$(cut -d' ' -f2 "$STAMP")" != "$head" ]; }; then
		fail "${SRC#$TOP/} has commits that are not in ${PATCHES#$TOP/}/: run 'make export BASE=$BASE' first (or FORCE=1 to drop them)"
	fi
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	git -C "$SRC" checkout -q -f dax
	git -C "$SRC" reset -q --hard base
	am_series "$SRC"
	mkdir -p "$BDIR"
	echo "$want $(git -C "$SRC" rev-parse HEAD)" >"$STAMP"
	say "apply: $(git -C "$SRC" rev-list --count base..HEAD) patches applied on $(git -C "$SRC" log -1 --format=%s base)"
}

cmd_export() {
	local n old="$PATCHES/0000-cover-letter.patch" tmp
	n=$(git -C "$SRC" rev-list --count base..HEAD)
	[ "$n" -gt 0 ] || fail "export: no commits on top of base in ${SRC#$TOP/}"
	tmp=$(mktemp -d)
	# The mainline series is an RFC until it carries the fsdax PUD core.
	local pfx=PATCH
	[ "$BASE" = 7.3 ] && pfx="RFC PATCH"
	git -C "$SRC" format-patch -q --cover-letter --base=base --subject-prefix="$pfx" -o "$tmp" base..HEAD
	# Keep the subject and blurb of the existing cover letter.
	[ -f "$old" ] && python3 "$TOP/rig/host/cover.py" "$old" "$tmp/0000-cover-letter.patch"
	rm -f "$PATCHES"/*.patch
	mkdir -p "$PATCHES"
	cp "$tmp"/*.patch "$PATCHES/"
	rm -rf "$tmp"
	(cd "$PATCHES" && ls [0-9]*.patch | grep -v '^0000-cover-letter' >series)
	mkdir -p "$BDIR"
	echo "$(series_hash) $(git -C "$SRC" rev-parse HEAD)" >"$STAMP"
	say "export: $n patches -> ${PATCHES#$TOP/}/ (series updated)"
	[ "$BASE" != 7.3 ] || "$0" mirror
}

# Copy every file the series adds into the mirror folders.
cmd_mirror() {
	local f
	[ "$BASE" = 7.3 ] || fail "mirror: the mirror folders follow the mainline series (BASE=7.3)"
	for f in $(git -C "$SRC" diff --name-only --diff-filter=A base HEAD); do
		mkdir -p "$TOP/$(dirname "$f")"
		cp "$SRC/$f" "$TOP/$f"
	done
	say "mirror: $(git -C "$SRC" diff --name-only --diff-filter=A base HEAD | wc -l) added files copied"
}

# target_or_skip TREE F ARCH CONFIG TARGET [OBJ]: print TARGET, which builds
# F, unless an option that CONFIG leaves off gates it: the one F's directory's
# Makefile builds OBJ under, or the one its parent's Makefile enters that
# directory under (fs/xfs/ under CONFIG_XFS_FS); the directory is the nearest
# with a Makefile (fs/xfs/ for fs/xfs/libxfs/*).
target_or_skip() {
	local dir cfg=
	dir=$(dirname "$2")
	while [ ! -f "$1/$dir/Makefile" ] && [ "$dir" != . ]; do dir=$(dirname "$dir"); done
	[ -n "${6:-}" ] && cfg=$(sed -n "s/^obj-\$(\(CONFIG_[A-Z0-9_]*\))[[:space:]]*+=.*[[:space:]]$6\b.*/\1/p" \
		"$1/$dir/Makefile" 2>/dev/null | head -1)
	[ -n "$cfg" ] || cfg=$(sed -n "s/^obj-\$(\(CONFIG_[A-Z0-9_]*\))[[:space:]]*+=.*[[:space:]]$(basename "$dir")\/[[:space:]]*$/\1/p" \
		"$1/$(dirname "$dir")/Makefile" 2>/dev/null | head -1)
	if [ -n "$cfg" ] && [ -f "$4" ] && ! grep -q "^$cfg=[ym]" "$4"; then
		echo "build: skip $2 ($cfg is off in the $3 check config)" >&2
	else
		echo "${5/\{dir\}/$dir}"
	fi
}

# build_targets TREE COMMIT ARCH: Kbuild targets that compile what COMMIT
# touches, for ARCH (x86, arm64 or riscv): the object of each .c file (of that arch
# under arch/), and all of that arch's KVM (arch/ARCH/kvm/, which also builds
# virt/kvm/) for KVM sources and headers.  tools/ and Documentation/ are
# handled elsewhere.  A generic object that its directory's Makefile builds
# only under a CONFIG_ option that CONFIG (the arch's .config) leaves off is
# skipped (e.g. mm/memory-failure.o on the arm64 check config), as is one
# in a directory that its parent's Makefile enters only under such an
# option (fs/xfs/, CONFIG_XFS_FS, off on arm64).  A header of its own
# directory (drivers/dax/dax-private.h; not include/) builds that
# directory, under the same rule, where HDRS is set (the per-patch builds,
# not the W=1 lint, which would rebuild whole directories twice).
build_targets() {
	git -C "$1" diff --name-only "$2~1" "$2" | while read -r f; do
		case $f in
		tools/*|Documentation/*) ;;
		virt/kvm/*|include/linux/kvm*|include/uapi/linux/kvm*|arch/$3/kvm/*|arch/$3/include/asm/kvm*)
			echo "arch/$3/kvm/" ;;
		arch/$3/*.c) echo "${f%.c}.o" ;;
		arch/*) ;;
		include/*) ;;
		*.h)	[ -n "${HDRS:-}" ] && target_or_skip "$1" "$f" "$3" "$4" "{dir}/" ;;
		*.c)	target_or_skip "$1" "$f" "$3" "$4" "${f%.c}.o" "$(basename "${f%.c}.o")" ;;
		esac
	done | sort -u | tr '\n' ' '
}

# lint_series TREE: what maintainers' bots run first, on the series' tip
# (TREE's HEAD) against its base: W=1 (and sparse, C=1, where Debian's
# sparse can check this base) on the objects the series touches, x86_64
# and arm64, and "make htmldocs" for Documentation/virt/kvm/.  Every
# warning the tip's build prints (a header's too: gcc reports a macro's
# warning where the macro is defined) is compared with the base's, line
# numbers dropped, by count: one the base does not have fails.  Debian's
# sparse 0.6.4 lacks __typeof_unqual__, which 7.3's
# scripts/checker-valid.sh requires, so sparse runs on the 6.12 backport
# only.
lint_series() {
	local wt=$1 tip arch L objs c side new pre rc errs=0 sp="" base_rc
	tip=$(git -C "$wt" rev-parse HEAD)
	# 7.3's Makefile runs sparse only if scripts/checker-valid.sh accepts it;
	# 6.12 has no such script and runs it whenever C=1 is given.
	if [ -x "$wt/scripts/checker-valid.sh" ]; then
		"$wt/scripts/checker-valid.sh" sparse -m64 2>/dev/null | grep -qx 1 && sp="C=1"
	elif command -v sparse >/dev/null; then
		sp="C=1"
	fi
	say "check: W=1${sp:+ and sparse} warnings of the objects the series touches, htmldocs (virt/kvm)"
	for arch in $(check_arches); do
		L=$BDIR/obj-lint-$arch
		mkdir -p "$L"
		cp "$(check_obj $arch)/.config" "$L/config.orig"
	done
	# Base, then tip; at each, every architecture builds at once, each in
	# its own O= directory (lint_arch).
	for side in base "$tip"; do
		git -C "$wt" checkout -q "$side" || { echo "lint: FAIL cannot check out $side"; return 1; }
		for arch in $(check_arches); do
			lint_arch "$wt" "$tip" $arch "$side" "$sp" &
		done
		wait
	done
	for arch in $(check_arches); do
		L=$BDIR/obj-lint-$arch
		base_rc=$(cat "$L/base.rc")
		rc=$(cat "$L/$tip.rc")
		objs=$(cat "$L/$tip.objs")
		if [ "$rc" != 0 ] && [ "$base_rc" = 0 ]; then
			grep -E 'error|Error' "$L/$tip.log" | head -10
			echo "lint: FAIL [$arch] the tip does not build with W=1${sp:+ C=1} (the base does)"
			errs=$((errs + 1))
		fi
		new=$(comm -13 "$L/base.warn" "$L/$tip.warn")
		pre=$(wc -l <"$L/base.warn")
		if [ -n "$new" ]; then
			echo "$new" | sed 's/^/  /'
			echo "lint: FAIL [$arch] $(echo "$new" | wc -l) new W=1${sp:+/sparse} warning(s) (base has $pre)"
			errs=$((errs + 1))
		else
			echo "lint: ok   [$arch] no new W=1${sp:+/sparse} warnings (base has $pre): $(echo $objs)"
		fi
		# Every C file the series adds was compiled, as an object of its own
		# or #included by one (the KUnit suites are): kbuild's .cmd files
		# list each object's sources.
		for c in $(git -C "$wt" diff --name-only --diff-filter=A base "$tip" | grep '\.c$' | grep -v '^tools/'); do
			case $c in arch/*) case $c in arch/$arch/*) ;; *) continue ;; esac ;; esac
			case $arch:$c in riscv:arch/riscv/*) ;; riscv:*) continue ;; esac
			grep -rqF --include='.*.cmd' "/$c" "$L" ||
				{ echo "lint: FAIL [$arch] $c was not compiled (config?)"; errs=$((errs + 1)); }
		done
	done
	L=$BDIR/docs-lint
	for side in base "$tip"; do
		git -C "$wt" checkout -q "$side" || { echo "lint: FAIL cannot check out $side"; return 1; }
		rm -rf "$L/$side"
		mkdir -p "$L/$side"
		PATH=/usr/bin:$PATH make -s -C "$wt" O="$L/$side" SPHINXDIRS=virt/kvm htmldocs >"$L/$side.log" 2>&1 ||
			{ tail -20 "$L/$side.log"; echo "lint: FAIL htmldocs does not build at $side"; errs=$((errs + 1)); }
		grep -E -i '(warning|error)' "$L/$side.log" | grep -v 'dot(1) not found' |
			sed -E "s#$L/$side#OUT#g; s#$wt/##g; s#:[0-9]+:#:#" | sort >"$L/$side.warn"
	done
	new=$(comm -13 "$L/base.warn" "$L/$tip.warn")
	if [ -n "$new" ]; then
		echo "$new" | sed 's/^/  /'
		echo "lint: FAIL htmldocs (virt/kvm): $(echo "$new" | wc -l) new warning(s)"; errs=$((errs + 1))
	else
		echo "lint: ok   htmldocs (virt/kvm): no new warnings ($(find "$L/$tip" -name 'dax.html' | wc -l) dax.html)"
	fi
	git -C "$wt" checkout -q "$tip"
	return $errs
}

# lint_arch TREE TIP ARCH SIDE SPARSE: lint_series' build of one side for
# ARCH, in $BDIR/obj-lint-ARCH, with TREE checked out at SIDE: the same
# config for both sides (the check config, the series' fragment, W=1
# warnings not errors: KVM_WERROR/WERROR would stop the build), the
# objects the series touches compiled again (ccache replays the warnings);
# leaves SIDE.objs, SIDE.log, SIDE.rc and SIDE.warn (gcc and sparse:
# "FILE:LINE:COL: warning: ..."; kernel-doc: "Warning: FILE:LINE ..."
# (7.3) or "FILE:LINE: warning: ..." (6.12); line numbers dropped).
lint_arch() {
	local wt=$1 tip=$2 arch=$3 side=$4 sp=$5 L=$BDIR/obj-lint-$3 objs o c rc=0 kmake
	set +e	# (run in the background: a warning-free grep is no failure)
	set_kmake $arch "$L"
	cp "$L/config.orig" "$L/.config"
	with_fragment "$L/.config" $arch
	"$wt/scripts/config" --file "$L/.config" -d KVM_WERROR -d WERROR
	make -s -C "$wt" "${kmake[@]}" olddefconfig >/dev/null 2>&1
	objs=$(for c in $(git -C "$wt" rev-list --reverse base.."$tip"); do
		build_targets "$wt" "$c" $arch "$L/.config" 2>/dev/null; done | tr ' ' '\n' | sort -u | grep . |
		while read -r o; do [ -f "$wt/${o%.o}.c" ] || [ -d "$wt/$o" ] && echo "$o"; done | arch_objs $arch)
	for o in $objs; do
		case $o in */) rm -rf "${L:?}/$o"; [ ${o#arch/*/kvm} = / ] && rm -rf "$L/virt/kvm" ;;
		*) rm -f "$L/$o" ;; esac
	done
	make -k -C "$wt" "${kmake[@]}" W=1 $sp -j"$JOBS" $objs >"$L/$side.log" 2>&1 || rc=$?
	echo "$objs" >"$L/$side.objs"
	echo $rc >"$L/$side.rc"
	sed -E "s#$wt/##g; s#^(\.\./)+##; s#^arch/[a-z0-9]+/kvm/\.\./\.\./\.\./##;
		s#^(Warning|WARNING|Error|ERROR): ([^ :]+):[0-9]+ #\2: warning: #;
		s#^([^: ]+):[0-9]+(:[0-9]+)?: #\1: #" "$L/$side.log" |
		grep -E '^[^ ]+: (warning|error):' | sort >"$L/$side.warn" || true
}

# check_arches: the architectures whose per-patch builds and lint "check"
# runs: x86 and arm64; riscv too on 7.3, whose series has RISC-V patches
# and a RISC-V leg (config/riscv64.config).
check_arches() {
	if [ "$BASE" = 7.3 ]; then echo x86 arm64 riscv; else echo x86 arm64; fi
}

# check_obj ARCH: the O= directory of ARCH's per-patch builds.
check_obj() {
	case $1 in
	x86) echo "$BDIR/obj-check" ;;
	*) echo "$BDIR/obj-check-$1" ;;
	esac
}

# arch_objs ARCH: the targets on stdin that ARCH's builds compile, on one
# line: all of them, but on riscv only its own (arch/riscv/, which KVM's
# generic files build into): the generic objects compile on x86_64 and
# arm64 already.
arch_objs() {
	tr ' ' '\n' | if [ "$1" = riscv ]; then grep '^arch/riscv/' || true; else grep . || true; fi | tr '\n' ' '
}

# set_kmake ARCH DIR: kmake=(make's O=DIR, ARCH=, CROSS_COMPILE=, CC= for ARCH).
set_kmake() {
	case $1 in
	x86) kmake=(O="$2" CC="ccache gcc") ;;
	arm64) kmake=(O="$2" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc") ;;
	riscv) kmake=(O="$2" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- CC="ccache riscv64-linux-gnu-gcc") ;;
	esac
}

# with_fragment CONFIG ARCH (x86, arm64 or riscv): append the base's own fragment
# (config/<x86_64|arm64>-BASE.config: the series' symbols, e.g. its KUnit
# suites) to CONFIG before an olddefconfig, so that a commit that has
# those symbols builds with them on; a commit that has not yet drops them.
# The check configs are rewritten (olddefconfig) at the first commit and
# at every commit that touches a Kconfig file, so a symbol dropped at the
# base would otherwise stay off for the rest of the series.
with_fragment() {
	local f=$TOP/config/${2/#x86/x86_64}-$BASE.config
	if [ -f "$f" ]; then cat "$f" >>"$1"; fi
}

# selftest_warnings LOG FILES: the compiler warnings in LOG (a KVM
# selftests build, paths relative to tools/testing/selftests/kvm) that
# belong to one of FILES: located there, or in a header through a macro
# used in a function of one of them ("FILE: In function ...").
selftest_warnings() {
	awk -v files=" $2 " '
		/^[^ ]+\.c: In function/ { cur = $1; sub(/:$/, "", cur) }
		/^[^ ]+\.c:[0-9]+:[0-9]+: (warning|error):/ { cur = $1; sub(/:.*/, "", cur) }
		/: (warning|error):/ { if (index(files, " " cur " ")) print }' "$1"
}

# warn_result SUBJECT WARNINGS FAIL_NOTE OK_NOTE: the "build:" line of a
# selftests build of patch SUBJECT; fails, after the warnings, if any.
warn_result() {
	if [ -n "$2" ]; then
		echo "$2" | sed 's/^/  /'
		echo "build: FAIL $1 [$3]"
		return 1
	fi
	echo "build: ok   $1 [$4]"
}

cmd_check() {
	local wt=$BDIR/check-tree errs=0 p out c f added objs t64 trv a64=$BDIR/obj-arm64 r64=$BDIR/obj-riscv64 kmake
	local -A cfg_done=() pids=() objs_of=()
	git -C "$SRC" rev-parse -q --verify base >/dev/null || fail "no kernel tree: run 'make tree BASE=$BASE'"
	say "check: BASE=$BASE, ${PATCHES#$TOP/}/ on $(git -C "$SRC" log -1 --format=%s base)"
	# Kernel configs (and uapi headers for the selftests): those of the
	# built kernels, else configured here without building.
	[ -f "$OBJ/.config" ] || CONFIG_ONLY=1 "$TOP/rig/host/kernel.sh"
	[ -f "$a64/.config" ] || RIG_ARCH=arm64 CONFIG_ONLY=1 "$TOP/rig/host/kernel.sh"
	[ "$BASE" != 7.3 ] || [ -f "$r64/.config" ] || RIG_ARCH=riscv64 CONFIG_ONLY=1 "$TOP/rig/host/kernel.sh"
	say "check: checkpatch --strict on each patch"
	for p in $(series_files); do
		# Debian's python3 (with python3-ply) for the SPDX check, not a pyenv one.
		out=$(cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q $CHECKPATCH_IGNORE "$p" 2>&1 || true)
		if grep -q -e '^ERROR' -e '^WARNING' <<<"$out"; then
			echo "$out"; echo "checkpatch: FAIL $(basename "$p")"; errs=$((errs + 1)); continue
		fi
		echo "checkpatch: ok   $(basename "$p")$(echo "$out" | grep -c '^CHECK' | sed 's/^0$//;s/.\+/ (& CHECK)/')"
	done
	say "check: series applies to the pristine base"
	git -C "$SRC" worktree remove -f "$wt" >/dev/null 2>&1 || rm -rf "$wt"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" base
	am_series "$wt"
	echo "apply: ok   $(git -C "$wt" rev-list --count base..HEAD) patches"
	added=$(git -C "$wt" diff --name-only --diff-filter=A base HEAD)
	if [ "$BASE" = 7.3 ]; then
		say "check: files the series adds are mirrored byte-identically"
		for f in $added; do
			if cmp -s "$wt/$f" "$TOP/$f"; then echo "mirror: ok   $f"
			else echo "mirror: FAIL $f differs from or is missing in the repo"; errs=$((errs + 1)); fi
		done
		for f in $(cd "$TOP" && git ls-files $MIRRORS 2>/dev/null); do
			grep -qx "$f" <<<"$added" ||
				{ echo "mirror: FAIL $f is in the repo but the series does not add it"; errs=$((errs + 1)); }
		done
	fi
	for f in $added; do
		grep -q -v 'linux-kernel@vger.kernel.org' \
			<<<"$(cd "$wt" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" 2>/dev/null)" ||
			{ echo "maintainers: FAIL no MAINTAINERS entry covers $f"; errs=$((errs + 1)); }
	done
	say "check: each patch compiles the objects it touches ($(check_arches | sed 's/x86/x86_64/; s/ /, /g'))"
	mkdir -p "$BDIR/obj-check" "$BDIR/obj-check-arm64"
	cp "$OBJ/.config" "$BDIR/obj-check/.config"
	cp "$a64/.config" "$BDIR/obj-check-arm64/.config"
	if [ "$BASE" = 7.3 ]; then
		mkdir -p "$BDIR/obj-check-riscv"
		cp "$r64/.config" "$BDIR/obj-check-riscv/.config"
	fi
	for c in $(git -C "$wt" rev-list --reverse base..HEAD); do
		git -C "$wt" checkout -q "$c"
		pids=()
		for arch in $(check_arches); do
			set_kmake $arch "$(check_obj $arch)"
			# The fragment again and olddefconfig at the first commit and
			# after one that touches a Kconfig file; otherwise the config
			# is the previous commit's (an olddefconfig and the prepare
			# it sets off cost ~20 s a build).
			if [ -z "${cfg_done[$arch]:-}" ] || grep -q 'Kconfig' <<<"$(git -C "$wt" diff --name-only "$c~1" "$c")"; then
				with_fragment "${kmake[0]#O=}/.config" $arch
				cfg_done[$arch]=
			fi
			# (riscv builds only its own objects: no "skip" lines for others)
			objs=$(HDRS=1 build_targets "$wt" "$c" $arch "${kmake[0]#O=}/.config" 2>"$BDIR/check-skip.log" |
				arch_objs $arch)
			[ $arch = riscv ] || cat "$BDIR/check-skip.log"
			[ -n "$objs" ] || continue
			# Each architecture builds in its own O= directory, all at
			# once: most of a build's time is make's own, on one CPU.
			objs_of[$arch]=$objs
			make -s -C "$wt" "${kmake[@]}" -j"$JOBS" ${cfg_done[$arch]:-olddefconfig} $objs \
				>"$BDIR/check-build-$arch.log" 2>&1 &
			pids[$arch]=$!
		done
		for arch in $(check_arches); do
			[ -n "${pids[$arch]:-}" ] || continue
			if wait "${pids[$arch]}"
			then echo "build: ok   $(git -C "$wt" log -1 --format=%s "$c") [$arch: $(echo ${objs_of[$arch]})]"
				cfg_done[$arch]=" "
			else tail -30 "$BDIR/check-build-$arch.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [$arch]"; errs=$((errs + 1)); fi
		done
		if grep -q '^tools/testing/selftests/kvm/' <<<"$(git -C "$wt" diff --name-only "$c~1" "$c")"; then
			# arm64: the library and dax_mapping_test once it is built there.
			t64=kvm_binary_stats_test
			grep -q -e '^TEST_GEN_PROGS_aarch64 += dax_mapping_test' \
				-e '^TEST_GEN_PROGS_arm64 += dax_mapping_test' \
				"$wt"/tools/testing/selftests/kvm/Makefile* && t64=dax_mapping_test
			trv=kvm_binary_stats_test
			grep -q '^TEST_GEN_PROGS_riscv += dax_mapping_test' \
				"$wt"/tools/testing/selftests/kvm/Makefile* && trv=dax_mapping_test
			if make -s -C "$wt/tools/testing/selftests/kvm" OUTPUT="$BDIR/check-selftests" CC="ccache gcc" \
				KHDR_INCLUDES="-isystem $OBJ/usr/include" -j"$JOBS" >"$BDIR/check-build.log" 2>&1 &&
			   make -s -C "$wt/tools/testing/selftests/kvm" OUTPUT="$BDIR/check-selftests-arm64" \
				ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
				KHDR_INCLUDES="-isystem $a64/usr/include" -j"$JOBS" \
				"$BDIR/check-selftests-arm64/$t64" >>"$BDIR/check-build.log" 2>&1 &&
			   { [ "$BASE" != 7.3 ] ||
			     make -s -C "$wt/tools/testing/selftests/kvm" OUTPUT="$BDIR/check-selftests-riscv" \
				ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- CC="ccache riscv64-linux-gnu-gcc" \
				KHDR_INCLUDES="-isystem $r64/usr/include" -j"$JOBS" \
				"$BDIR/check-selftests-riscv/$trv" >>"$BDIR/check-build.log" 2>&1; }
			then
				w=$(selftest_warnings "$BDIR/check-build.log" "$(git -C "$wt" diff --name-only base "$c" -- tools/testing/selftests/kvm |
					sed 's#^tools/testing/selftests/kvm/##' | tr '\n' ' ')")
				warn_result "$(git -C "$wt" log -1 --format=%s "$c")" "$w" \
					"kvm selftests: warnings in the series' files" \
					"kvm selftests: x86_64 all, arm64 $t64$([ "$BASE" != 7.3 ] || echo ", riscv $trv"), no warning in the series' files" || errs=$((errs + 1))
			else tail -30 "$BDIR/check-build.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [kvm selftests]"; errs=$((errs + 1)); fi
		fi
		# The mm selftests the series adds (dax_pud), with the mm Makefile's
		# flags, x86_64 and arm64; no warning allowed.
		for f in $(git -C "$wt" diff --name-only --diff-filter=AM "$c~1" "$c" -- 'tools/testing/selftests/mm/*.c'); do
			t=$(basename "$f" .c)
			rm -rf "$BDIR/check-mm"
			mkdir -p "$BDIR/check-mm/arm64"
			if make -s -C "$wt/tools/testing/selftests/mm" OUTPUT="$BDIR/check-mm" CC="ccache gcc" \
				KHDR_INCLUDES="-isystem $OBJ/usr/include" "$BDIR/check-mm/$t" >"$BDIR/check-build.log" 2>&1 &&
			   make -s -C "$wt/tools/testing/selftests/mm" OUTPUT="$BDIR/check-mm/arm64" ARCH=arm64 \
				CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
				KHDR_INCLUDES="-isystem $a64/usr/include" "$BDIR/check-mm/arm64/$t" >>"$BDIR/check-build.log" 2>&1
			then
				warn_result "$(git -C "$wt" log -1 --format=%s "$c")" \
					"$(grep -E ': (warning|error):' "$BDIR/check-build.log")" \
					"mm selftest $t: warnings" "mm selftest $t: x86_64 and arm64, no warning" ||
					errs=$((errs + 1))
			else tail -30 "$BDIR/check-build.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [mm selftest $t]"; errs=$((errs + 1)); fi
		done
		# The user tool (tools/kvm/dax_layout) with its own Makefile,
		# x86_64, arm64 and riscv64, -Wextra; no warning allowed.
		if git -C "$wt" diff --name-only "$c~1" "$c" | grep -q '^tools/kvm/dax_layout/'; then
			if make -B -s -C "$wt/tools/kvm/dax_layout" CC="ccache gcc" CFLAGS="-O2 -Wextra" \
				>"$BDIR/check-build.log" 2>&1 &&
			   make -B -s -C "$wt/tools/kvm/dax_layout" CC="ccache aarch64-linux-gnu-gcc" \
				CFLAGS="-O2 -Wextra" >>"$BDIR/check-build.log" 2>&1 &&
			   make -B -s -C "$wt/tools/kvm/dax_layout" CC="ccache riscv64-linux-gnu-gcc" \
				CFLAGS="-O2 -Wextra" >>"$BDIR/check-build.log" 2>&1
			then
				warn_result "$(git -C "$wt" log -1 --format=%s "$c")" \
					"$(grep -E ': (warning|error):' "$BDIR/check-build.log")" \
					"dax_layout: warnings" "dax_layout: x86_64, arm64 and riscv64, no warning" ||
					errs=$((errs + 1))
			else tail -30 "$BDIR/check-build.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [dax_layout]"; errs=$((errs + 1)); fi
			make -s -C "$wt/tools/kvm/dax_layout" clean
		fi
	done
	[ "${LINT:-1}" = 0 ] || lint_series "$wt" || errs=$((errs + $?))
	git -C "$SRC" worktree remove -f "$wt"
	[ "$errs" = 0 ] || fail "check: BASE=$BASE: $errs problem(s), see above"
	say "check: BASE=$BASE: all ok"
}

# lint alone: the series on a fresh worktree of the base, then lint_series.
cmd_lint() {
	local wt=$BDIR/check-tree rc=0
	[ -f "$BDIR/obj-check/.config" ] && [ -f "$BDIR/obj-check-arm64/.config" ] || fail "run 'make check' once first"
	git -C "$SRC" worktree remove -f "$wt" >/dev/null 2>&1 || rm -rf "$wt"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" base
	am_series "$wt"
	lint_series "$wt" || rc=$?
	git -C "$SRC" worktree remove -f "$wt"
	[ $rc = 0 ] || fail "lint: BASE=$BASE: $rc problem(s), see above"
	say "lint: BASE=$BASE: all ok"
}

case "${1:-}" in
apply|export|check|mirror|lint) "cmd_$1" ;;
*) echo "usage: $0 apply|export|check|mirror|lint" >&2; exit 2 ;;
esac
