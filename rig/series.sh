#!/bin/bash
# Series plumbing: apply | export | check.   patches/series is the source of truth.
. "$(dirname "$0")/common.sh"
PATCHES=$TOP/patches
STAMP=$BUILD/applied.stamp
MIRRORS="virt include mm tools Documentation arch fs drivers lib"
# The base tree is a single commit without upstream history, so checkpatch
# cannot look up the upstream commits that changelogs cite
# (UNKNOWN_COMMIT_ID); and it asks about MAINTAINERS for every new file
# (FILE_PATH_CHANGES), which "check" verifies itself with get_maintainer.pl.
CHECKPATCH_IGNORE="--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES"

series_files() {
	[ -f "$PATCHES/series" ] || fail "patches/series missing"
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
			fail "patch $(basename "$p") does not apply (see above); fix it in patches/ or rebase the series"
		fi
	done
}

cmd_apply() {
	git -C "$SRC" rev-parse -q --verify base >/dev/null || fail "no kernel tree: run 'make tree'"
	local want; want=$(series_hash)
	local head; head=$(git -C "$SRC" rev-parse HEAD)
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want $head" ]; then
		say "apply: series already applied ($(git -C "$SRC" rev-list --count base..HEAD) patches)"
		return
	fi
	if [ "${FORCE:-0}" != 1 ] && [ "$(git -C "$SRC" rev-parse base)" != "$head" ] &&
	   { [ ! -f "$STAMP" ] || [ "$(cut -d' ' -f2 "$STAMP")" != "$head" ]; }; then
		fail "build/linux has commits that are not in patches/: run 'make export' first (or FORCE=1 to drop them)"
	fi
	git -C "$SRC" am --abort >/dev/null 2>&1 || true
	git -C "$SRC" checkout -q -f dax
	git -C "$SRC" reset -q --hard base
	am_series "$SRC"
	echo "$want $(git -C "$SRC" rev-parse HEAD)" >"$STAMP"
	say "apply: $(git -C "$SRC" rev-list --count base..HEAD) patches applied on $(git -C "$SRC" log -1 --format=%s base)"
}

cmd_export() {
	local n old="$PATCHES/0000-cover-letter.patch" tmp
	n=$(git -C "$SRC" rev-list --count base..HEAD)
	[ "$n" -gt 0 ] || fail "export: no commits on top of base in build/linux"
	tmp=$(mktemp -d)
	git -C "$SRC" format-patch -q --cover-letter --base=base -o "$tmp" base..HEAD
	# Keep the subject and blurb of the existing cover letter.
	[ -f "$old" ] && python3 "$TOP/rig/cover.py" "$old" "$tmp/0000-cover-letter.patch"
	rm -f "$PATCHES"/*.patch
	mkdir -p "$PATCHES"
	cp "$tmp"/*.patch "$PATCHES/"
	rm -rf "$tmp"
	(cd "$PATCHES" && ls [0-9]*.patch | grep -v '^0000-cover-letter' >series)
	echo "$(series_hash) $(git -C "$SRC" rev-parse HEAD)" >"$STAMP"
	say "export: $n patches -> patches/ (series updated)"
	"$0" mirror
}

# Copy every file the series adds into the mirror folders.
cmd_mirror() {
	local f
	for f in $(git -C "$SRC" diff --name-only --diff-filter=A base HEAD); do
		mkdir -p "$TOP/$(dirname "$f")"
		cp "$SRC/$f" "$TOP/$f"
	done
	say "mirror: $(git -C "$SRC" diff --name-only --diff-filter=A base HEAD | wc -l) added files copied"
}

# build_targets TREE COMMIT ARCH: Kbuild targets that compile what COMMIT
# touches, for ARCH (x86 or arm64): the object of each .c file (of that arch
# under arch/), and all of that arch's KVM (arch/ARCH/kvm/, which also builds
# virt/kvm/) for KVM sources and headers.  tools/ and Documentation/ are
# handled elsewhere.
build_targets() {
	git -C "$1" diff --name-only "$2~1" "$2" | while read -r f; do
		case $f in
		tools/*|Documentation/*) ;;
		virt/kvm/*|include/linux/kvm*|include/uapi/linux/kvm*|arch/$3/kvm/*|arch/$3/include/asm/kvm*)
			echo "arch/$3/kvm/" ;;
		arch/$3/*.c) echo "${f%.c}.o" ;;
		arch/*) ;;
		*.c) echo "${f%.c}.o" ;;
		esac
	done | sort -u | tr '\n' ' '
}

cmd_check() {
	local wt=$BUILD/check-tree errs=0 p out c f added objs t64
	git -C "$SRC" rev-parse -q --verify base >/dev/null || fail "no kernel tree: run 'make tree'"
	[ -f "$OBJ/.config" ] || fail "no kernel config: run 'make kernel'"
	say "check: checkpatch --strict on each patch"
	for p in $(series_files); do
		# Debian's python3 (with python3-ply) for the SPDX check, not a pyenv one.
		out=$(cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q $CHECKPATCH_IGNORE "$p" 2>&1 || true)
		if echo "$out" | grep -q -e '^ERROR' -e '^WARNING'; then
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
	say "check: files the series adds are mirrored byte-identically"
	added=$(git -C "$wt" diff --name-only --diff-filter=A base HEAD)
	for f in $added; do
		if cmp -s "$wt/$f" "$TOP/$f"; then echo "mirror: ok   $f"
		else echo "mirror: FAIL $f differs from or is missing in the repo"; errs=$((errs + 1)); fi
	done
	for f in $added; do
		(cd "$wt" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" 2>/dev/null) |
			grep -q -v 'linux-kernel@vger.kernel.org' ||
			{ echo "maintainers: FAIL no MAINTAINERS entry covers $f"; errs=$((errs + 1)); }
	done
	for f in $(cd "$TOP" && git ls-files $MIRRORS 2>/dev/null); do
		echo "$added" | grep -qx "$f" ||
			{ echo "mirror: FAIL $f is in the repo but the series does not add it"; errs=$((errs + 1)); }
	done
	say "check: each patch compiles the objects it touches (x86_64 and arm64)"
	local a64=$BUILD/obj-arm64 kmake
	[ -f "$a64/.config" ] || fail "no arm64 kernel config: run 'make arm64-build'"
	mkdir -p "$BUILD/obj-check" "$BUILD/obj-check-arm64"
	cp "$OBJ/.config" "$BUILD/obj-check/.config"
	cp "$a64/.config" "$BUILD/obj-check-arm64/.config"
	for c in $(git -C "$wt" rev-list --reverse base..HEAD); do
		git -C "$wt" checkout -q "$c"
		for arch in x86 arm64; do
			objs=$(build_targets "$wt" "$c" $arch)
			[ -n "$objs" ] || continue
			if [ $arch = x86 ]; then
				kmake=(O="$BUILD/obj-check" CC="ccache gcc")
			else
				kmake=(O="$BUILD/obj-check-arm64" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
				       CC="ccache aarch64-linux-gnu-gcc")
			fi
			if make -s -C "$wt" "${kmake[@]}" -j"$JOBS" olddefconfig $objs >"$BUILD/check-build.log" 2>&1
			then echo "build: ok   $(git -C "$wt" log -1 --format=%s "$c") [$arch: $(echo $objs)]"
			else tail -30 "$BUILD/check-build.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [$arch]"; errs=$((errs + 1)); fi
		done
		if git -C "$wt" diff --name-only "$c~1" "$c" | grep -q '^tools/testing/selftests/kvm/'; then
			# arm64: the library and dax_mapping_test once it is built there.
			t64=kvm_binary_stats_test
			grep -q '^TEST_GEN_PROGS_aarch64 += dax_mapping_test' "$wt/tools/testing/selftests/kvm/Makefile" &&
				t64=dax_mapping_test
			if make -s -C "$wt/tools/testing/selftests/kvm" OUTPUT="$BUILD/check-selftests" CC="ccache gcc" \
				KHDR_INCLUDES="-isystem $OBJ/usr/include" -j"$JOBS" >"$BUILD/check-build.log" 2>&1 &&
			   make -s -C "$wt/tools/testing/selftests/kvm" OUTPUT="$BUILD/check-selftests-arm64" \
				ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc" \
				KHDR_INCLUDES="-isystem $a64/usr/include" -j"$JOBS" \
				"$BUILD/check-selftests-arm64/$t64" >>"$BUILD/check-build.log" 2>&1
			then echo "build: ok   $(git -C "$wt" log -1 --format=%s "$c") [kvm selftests: x86_64 all, arm64 $t64]"
			else tail -30 "$BUILD/check-build.log"; echo "build: FAIL $(git -C "$wt" log -1 --format=%s "$c") [kvm selftests]"; errs=$((errs + 1)); fi
		fi
	done
	git -C "$SRC" worktree remove -f "$wt"
	[ "$errs" = 0 ] || fail "check: $errs problem(s), see above"
	say "check: all ok"
}

case "${1:-}" in
apply|export|check|mirror) "cmd_$1" ;;
*) echo "usage: $0 apply|export|check|mirror" >&2; exit 2 ;;
esac
