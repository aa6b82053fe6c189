#!/bin/bash
# arm64.sh deps|kernel|selftests|initramfs|build: the arm64 leg's build steps.
# Cross-builds a lean arm64 kernel (allnoconfig + config/arm64.config) from the
# same tree, the DAX selftests for arm64, an initramfs from Debian's arm64
# packages with rig/guest/ and rig/guest/arm64/, and the device tree with the
# two of_pmem "pmem-region" nodes rig/qemu/arm64.sh describes.  The leg boots
# like every other: RIG_ARCH=arm64 rig/host/boot.sh test (make arm64-test);
# its TAP lands in results/arm64-*.tap.
. "$(dirname "$0")/common.sh"
export RIG_ARCH=arm64
OBJ=$BDIR/obj-arm64
NAME=arm64-build JOB=test
. "$TOP/rig/qemu/arm64.sh"	# A, DTB, INITRD, MACHINE, QEMU_MACHINE_ARGS, PMEM_*
DEBDIR=$BUILD/arm64/debs	# Debian's arm64 packages: one copy for both bases
KST64=$A/selftests
CPIO=$INITRD
# The arm64 userland: Debian's arm64 packages, unpacked (not installed).
DEBS="busybox-static ndctl libc6 libgcc-s1 libcxl1 libdaxctl1 libiniparser1
      libjson-c5 libkeyutils1 libndctl6 libtraceevent1 libtracefs1 libuuid1
      libkmod2 libudev1 liblzma5 libssl3 libzstd1 e2fsprogs libblkid1
      libcom-err2 libext2fs2 libss2"
SELFTESTS="dax_mapping_test kvm_binary_stats_test dirty_log_perf_test
      kvm_page_table_test"

deps() {
	need aarch64-linux-gnu-gcc; need qemu-system-aarch64; need dtc
	mkdir -p "$DEBDIR"
	local missing=
	for p in $DEBS; do ls "$DEBDIR/${p}_"*_arm64.deb >/dev/null 2>&1 || missing="$missing $p:arm64"; done
	[ -z "$missing" ] && return 0
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		[ "$(id -u)" = 0 ] || fail "need root for dpkg --add-architecture arm64"
		dpkg --add-architecture arm64
		apt-get update -q >/dev/null || fail "apt-get update failed"
	fi
	say "arm64: downloading$missing"
	(cd "$DEBDIR" && apt-get download $missing >/dev/null 2>&1) ||
		{ apt-get update -q >/dev/null; (cd "$DEBDIR" && apt-get download $missing >/dev/null); } ||
		fail "apt-get download failed for:$missing"
}

selftests() {
	[ -d "$OBJ/usr/include/linux" ] || fail "no arm64 kernel headers: run '$0 kernel'"
	mkdir -p "$KST64"
	say "arm64: selftests: $(echo $SELFTESTS)"
	make -C "$SRC/tools/testing/selftests/kvm" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" OUTPUT="$KST64" \
		KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="-static" \
		-j"$JOBS" $(for t in $SELFTESTS; do echo "$KST64/$t"; done) >"$A/selftests.log" 2>&1 ||
		{ grep -E 'error' "$A/selftests.log" | head; fail "arm64 selftests build failed: see ${A#$TOP/}/selftests.log"; }
}

initramfs() {
	local root=$A/root p
	rm -rf "$root"; mkdir -p "$root"
	for p in $DEBS; do dpkg-deb -x "$DEBDIR/${p}_"*_arm64.deb "$root"; done
	rm -rf "$root"/usr/share/{doc,man,locale,lintian,info,bug}
	mkdir -p "$root"/{proc,sys,dev,tmp,mnt,run,etc,rig,selftests}
	# The binaries' interpreter, from libc6.
	[ -e "$root/lib/ld-linux-aarch64.so.1" ] || fail "arm64 initramfs: no ld-linux-aarch64.so.1 in libc6"
	ln -sf mke2fs "$root/sbin/mkfs.ext4"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	# busybox's applets are linked at boot (it is an arm64 binary), then
	# the L1 init runs as on x86.
	printf '#!/bin/busybox sh\n/bin/busybox --install -s 2>/dev/null\nexec /bin/sh /rig/init\n' >"$root/init"
	cp "$TOP/rig/guest/init" "$TOP/rig/guest/lib.sh" "$TOP/rig/guest/problems" \
		"$TOP/rig/guest/shell.sh" "$TOP/rig/guest/arm64/test.sh" "$root/rig/"
	mkdir -p "$root/rig/suites"
	cp "$TOP/rig/guest/arm64/suites/"*.sh "$root/rig/suites/"
	chmod +x "$root/init" "$root/rig/init" "$root/rig/"*.sh
	(cd "$KST64" && for t in $SELFTESTS; do echo "$t"; done | cpio -pdm --quiet "$root/selftests")
	find "$root/selftests" -type f -exec aarch64-linux-gnu-strip --strip-unneeded {} + 2>/dev/null || true
	(cd "$root" && find . -print0 | cpio -0 -o -H newc --quiet >"$CPIO")
	say "arm64: initramfs $(du -h "$CPIO" | cut -f1)"
	# QEMU's own device tree for this machine, plus the pmem regions.
	"$QEMU" "${QEMU_MACHINE_ARGS[@]}" -M "$MACHINE",dumpdtb="$A/virt.dtb" -display none >/dev/null 2>&1 ||
		fail "qemu-system-aarch64 dumpdtb failed"
	dtc -q -I dtb -O dts -o "$A/virt.dts" "$A/virt.dtb"
	{
		sed '$d' "$A/virt.dts"	# drop the root node's closing "};"
		for r in $PMEM_REGIONS; do
			printf '\tpmem@%x {\n\t\tcompatible = "pmem-region";\n\t\treg = <0x0 %s 0x0 %s>;\n\t};\n' \
				"$r" "$r" "$PMEM_SIZE"
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
*)         fail "usage: $0 deps|kernel|selftests|initramfs|build (the leg boots with: RIG_ARCH=arm64 rig/host/boot.sh test)" ;;
esac
