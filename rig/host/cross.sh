#!/bin/bash
# cross.sh deps|kernel|selftests|initramfs|build: the build steps of a
# cross-built leg, RIG_ARCH=arm64 or riscv64 (rig/qemu/$RIG_ARCH.sh names
# its emulator, cross compiler, Debian packages and selftests).
# Cross-builds a lean kernel (allnoconfig + config/$RIG_ARCH.config) from the
# same tree, the DAX selftests for that architecture, an initramfs from
# Debian's packages of that architecture with rig/guest/ and
# rig/guest/$RIG_ARCH/, and QEMU's device tree plus the of_pmem
# "pmem-region" nodes that rig/qemu/$RIG_ARCH.sh describes.  The leg boots
# like every other: RIG_ARCH=$RIG_ARCH rig/host/boot.sh test (make
# arm64-test, make riscv64-test); its TAP lands in results/$RIG_ARCH-*.tap.
. "$(dirname "$0")/common.sh"
case $RIG_ARCH in
arm64|riscv64) ;;
*) fail "cross.sh: RIG_ARCH=arm64 or riscv64, not $RIG_ARCH" ;;
esac
export RIG_ARCH
NAME=$RIG_ARCH-build JOB=test
# A, DTB, INITRD, MACHINE, QEMU_MACHINE_ARGS, PMEM_*, CROSS, KSARCH, DEB_ARCH,
# LDSO, DEBS, SELFTESTS
. "$TOP/rig/qemu/$RIG_ARCH.sh"
DEBDIR=$BUILD/$RIG_ARCH/debs	# Debian's packages: one copy for both bases
KSTX=$A/selftests
CPIO=$INITRD
# trixie's riscv64 packages (bookworm has no riscv64 port): an apt source
# restricted to that architecture, pinned low.
RVSRC=/etc/apt/sources.list.d/rig-trixie-riscv64.sources
RVPIN=/etc/apt/preferences.d/rig-trixie-riscv64

deps() {
	need "${CROSS}gcc"; need "$QEMU"; need dtc
	mkdir -p "$DEBDIR"
	local missing= update=
	for p in $DEBS; do ls "$DEBDIR/${p}_"*_$DEB_ARCH.deb >/dev/null 2>&1 || missing="$missing $p:$DEB_ARCH"; done
	[ -z "$missing" ] && return 0
	if ! dpkg --print-foreign-architectures | grep -qx $DEB_ARCH; then
		[ "$(id -u)" = 0 ] || fail "need root for dpkg --add-architecture $DEB_ARCH"
		dpkg --add-architecture $DEB_ARCH
		update=1
	fi
	if [ $DEB_ARCH = riscv64 ] && [ ! -f $RVSRC ]; then
		[ "$(id -u)" = 0 ] || fail "need root to add trixie's riscv64 packages"
		say "$RIG_ARCH: adding trixie for riscv64 only (pinned at priority 1)"
		printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nArchitectures: riscv64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >$RVSRC
		printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' >$RVPIN
		update=1
	fi
	[ -n "$update" ] && { apt-get update -q >/dev/null || fail "apt-get update failed"; }
	say "$RIG_ARCH: downloading$missing"
	(cd "$DEBDIR" && apt-get download $missing >/dev/null 2>&1) ||
		{ apt-get update -q >/dev/null; (cd "$DEBDIR" && apt-get download $missing >/dev/null); } ||
		fail "apt-get download failed for:$missing"
}

selftests() {
	[ -d "$OBJ/usr/include/linux" ] || fail "no $RIG_ARCH kernel headers: run '$0 kernel'"
	mkdir -p "$KSTX"
	say "$RIG_ARCH: selftests: $(echo $SELFTESTS)"
	make -C "$SRC/tools/testing/selftests/kvm" ARCH=$KSARCH CROSS_COMPILE=$CROSS \
		CC="ccache ${CROSS}gcc" OUTPUT="$KSTX" \
		KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="-static" \
		-j"$JOBS" $(for t in $SELFTESTS; do echo "$KSTX/$t"; done) >"$A/selftests.log" 2>&1 ||
		{ grep -E 'error' "$A/selftests.log" | head; fail "$RIG_ARCH selftests build failed: see ${A#$TOP/}/selftests.log"; }
	# riscv has PUD THP: the series' mm selftest dax_pud (its "protnone"
	# mode) runs there too.
	[ "$RIG_ARCH" = riscv64 ] || return 0
	rm -f "$A/mm/dax_pud"
	mkdir -p "$A/mm"
	make -C "$SRC/tools/testing/selftests/mm" ARCH=$KSARCH CROSS_COMPILE=$CROSS \
		CC="ccache ${CROSS}gcc" OUTPUT="$A/mm" \
		KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="-static" \
		"$A/mm/dax_pud" >"$A/selftests-mm.log" 2>&1 ||
		{ tail -20 "$A/selftests-mm.log"; fail "$RIG_ARCH dax_pud build failed: see ${A#$TOP/}/selftests-mm.log"; }
}

initramfs() {
	local root=$A/root p
	rm -rf "$root"; mkdir -p "$root"
	for p in $DEBS; do dpkg-deb -x "$DEBDIR/${p}_"*_$DEB_ARCH.deb "$root"; done
	rm -rf "$root"/usr/share/{doc,man,locale,lintian,info,bug}
	mkdir -p "$root"/{proc,sys,dev,tmp,mnt,run,etc,rig,selftests}
	# trixie's packages install under /usr only (merged /usr): the
	# top-level directories are links, as on an installed system.
	for p in bin sbin lib; do
		[ -e "$root/$p" ] || [ ! -d "$root/usr/$p" ] || ln -s "usr/$p" "$root/$p"
	done
	# The binaries' interpreter, from libc6.
	[ -e "$root/lib/$LDSO" ] || fail "$RIG_ARCH initramfs: no $LDSO in libc6"
	ln -sf mke2fs "$root/sbin/mkfs.ext4"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	# busybox's applets are linked at boot (it is a $RIG_ARCH binary), then
	# the L1 init runs as on x86.
	printf '#!/bin/busybox sh\n/bin/busybox --install -s 2>/dev/null\nexec /bin/sh /rig/init\n' >"$root/init"
	cp "$TOP/rig/guest/init" "$TOP/rig/guest/lib.sh" "$TOP/rig/guest/problems" \
		"$TOP/rig/guest/shell.sh" "$TOP/rig/guest/$RIG_ARCH/test.sh" "$root/rig/"
	mkdir -p "$root/rig/suites"
	cp "$TOP/rig/guest/$RIG_ARCH/suites/"*.sh "$root/rig/suites/"
	chmod +x "$root/init" "$root/rig/init" "$root/rig/"*.sh
	(cd "$KSTX" && for t in $SELFTESTS; do echo "$t"; done | cpio -pdm --quiet "$root/selftests")
	[ ! -x "$A/mm/dax_pud" ] || cp "$A/mm/dax_pud" "$root/rig/dax_pud"
	find "$root/selftests" -type f -exec ${CROSS}strip --strip-unneeded {} + 2>/dev/null || true
	(cd "$root" && find . -print0 | cpio -0 -o -H newc --quiet >"$CPIO")
	say "$RIG_ARCH: initramfs $(du -h "$CPIO" | cut -f1)"
	# QEMU's own device tree for this machine, plus the pmem regions.
	"$QEMU" "${QEMU_MACHINE_ARGS[@]}" -M "$MACHINE",dumpdtb="$A/virt.dtb" -display none >/dev/null 2>&1 ||
		fail "$QEMU dumpdtb failed"
	dtc -q -I dtb -O dts -o "$A/virt.dts" "$A/virt.dtb"
	{
		sed '$d' "$A/virt.dts"	# drop the root node's closing "};"
		# ADDR or ADDR:SIZE (PMEM_SIZE by default); two cells each.
		for r in $PMEM_REGIONS; do
			a=$((${r%%:*})) sz=$PMEM_SIZE
			[ "${r#*:}" = "$r" ] || sz=${r#*:}
			sz=$((sz))
			printf '\tpmem@%x {\n\t\tcompatible = "pmem-region";\n\t\treg = <0x%x 0x%x 0x%x 0x%x>;\n\t};\n' \
				$a $((a >> 32)) $((a & 0xffffffff)) $((sz >> 32)) $((sz & 0xffffffff))
		done
		echo "};"
	} >"$A/virt-pmem.dts"
	dtc -q -I dts -O dtb -o "$DTB" "$A/virt-pmem.dts" || fail "dtc failed on ${A#$TOP/}/virt-pmem.dts"
}

case ${1:-} in
deps)      deps ;;
kernel)    deps; "$TOP/rig/host/kernel.sh" ;;
selftests) selftests ;;
initramfs) deps; initramfs ;;
build)     deps; "$TOP/rig/host/kernel.sh"; selftests; initramfs ;;
*)         fail "usage: RIG_ARCH=arm64|riscv64 $0 deps|kernel|selftests|initramfs|build (the leg boots with: RIG_ARCH=$RIG_ARCH rig/host/boot.sh test)" ;;
esac
