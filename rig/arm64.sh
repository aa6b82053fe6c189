#!/bin/bash
# arm64.sh deps|kernel|selftests|initramfs|test [TIMEOUT]: the arm64 leg.
# Cross-builds a lean arm64 kernel (allnoconfig + config/arm64.config) from the
# same tree, the DAX selftests for arm64, an initramfs from Debian's arm64
# packages, and boots it under qemu-system-aarch64 -M virt,virtualization=on
# -cpu max (EL2, VHE, under TCG) with two of_pmem "pmem-region" nodes added to
# QEMU's device tree, outside the kernel's RAM (mem=): rig/arm64/job.sh runs
# there and its TAP lands in results/arm64-*.tap.
. "$(dirname "$0")/common.sh"
export RIG_ARCH=arm64
OBJ=$BDIR/obj-arm64
A=$BDIR/arm64
DEBDIR=$BUILD/arm64/debs	# Debian's arm64 packages: one copy for both bases
KST64=$A/selftests
CPIO=$A/initramfs.cpio
DTB=$A/virt-pmem.dtb
# Guest RAM 3G at 0x40000000; the kernel uses the first 1G (mem=1G), the
# other two are the pmem regions, 1G each.
RAM=3G KMEM=1G
PMEM_REGIONS="0x80000000 0xc0000000"
PMEM_SIZE=0x40000000
QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max
      -smp 2 -m $RAM -display none -monitor none -no-reboot)
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
	cp "$TOP/rig/l1/init" "$root/rig/init"
	cp "$TOP/rig/l1/lib.sh" "$root/rig/lib.sh"
	cp "$TOP/rig/arm64/job.sh" "$root/rig/arm64.sh"
	chmod +x "$root/init" "$root/rig/init" "$root/rig/"*.sh
	(cd "$KST64" && for t in $SELFTESTS; do echo "$t"; done | cpio -pdm --quiet "$root/selftests")
	find "$root/selftests" -type f -exec aarch64-linux-gnu-strip --strip-unneeded {} + 2>/dev/null || true
	(cd "$root" && find . -print0 | cpio -0 -o -H newc --quiet >"$CPIO")
	say "arm64: initramfs $(du -h "$CPIO" | cut -f1)"
	# QEMU's own device tree for this machine, plus the pmem regions.
	"${QEMU[@]}" -M virt,virtualization=on,gic-version=3,dumpdtb="$A/virt.dtb" >/dev/null 2>&1 ||
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

boot() {
	local tmo=${1:-1500} con=$RESULTS/${RPFX}arm64.console start qrc
	local kimg=${KIMAGE:-$OBJ/arch/arm64/boot/Image}	# KIMAGE: another kernel
	[ -f "$kimg" ] || fail "no arm64 kernel: run '$0 kernel'"
	[ -f "$CPIO" ] && [ -f "$DTB" ] || fail "no arm64 initramfs/dtb: run '$0 initramfs'"
	mkdir -p "$RESULTS"
	rm -f "$RESULTS"/${RPFX}arm64-*.tap
	say "arm64: booting BASE=$BASE under qemu-system-aarch64 -M virt,virtualization=on -cpu max (timeout ${tmo}s; console in ${con#$TOP/})"
	start=$(date +%s)
	set +e
	timeout -k 10 "$tmo" "${QEMU[@]}" -kernel "$kimg" \
		-initrd "$CPIO" -dtb "$DTB" -serial stdio \
		-append "console=ttyAMA0 mem=$KMEM loglevel=4 panic=-1 oops=panic rig.job=arm64 rig.base=$BASE ${KARGS:-}" \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$con" |
		grep --line-buffered -e '^RIG:LOG' -e '^RIG:ERROR' -e '^RIG:TAP' |
		sed -u -e 's/^RIG:LOG /  arm64: /' -e 's/^RIG:ERROR /  arm64 ERROR: /' -e 's/^RIG:TAP /  /'
	qrc=${PIPESTATUS[0]}
	set -e
	split_taps "$con"
	local bad done_rc
	bad=$(grep -v '^RIG:' "$con" | grep -n -E "$KERNEL_PROBLEMS" | head -5 || true)
	done_rc=$(sed -n 's/^RIG:DONE rc=//p' "$con" | tail -1)
	if [ -n "$bad" ] || [ -z "$done_rc" ]; then
		tail -40 "$con" >&2
		[ -n "$bad" ] && fail "arm64 L1 reported a kernel problem: $bad"
		fail "arm64 L1 ended without a result (QEMU exit $qrc, after $(( $(date +%s) - start ))s)"
	fi
	say "arm64: finished in $(( $(date +%s) - start ))s, rc=$done_rc"
	[ "$done_rc" = 0 ]
}

case ${1:-} in
deps)      deps ;;
kernel)    deps; "$TOP/rig/kernel.sh" ;;
selftests) selftests ;;
initramfs) deps; initramfs ;;
build)     deps; "$TOP/rig/kernel.sh"; selftests; initramfs ;;
test)      boot "${2:-}" ;;
*)         fail "usage: $0 deps|kernel|selftests|initramfs|build|test [TIMEOUT]" ;;
esac
