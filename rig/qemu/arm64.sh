# rig/qemu/arm64.sh: how the arm64 leg boots and builds (sourced by rig/host/boot.sh
# and rig/host/cross.sh, with RIG_ARCH=arm64): QEMU virt at EL2 (VHE) under
# TCG, with two of_pmem "pmem-region" nodes added to QEMU's device tree
# outside the kernel's RAM (mem=).
LABEL=arm64
A=$BDIR/arm64			# the leg's build outputs (rig/host/arm64.sh)
QEMU=qemu-system-aarch64
QEMU_HINT="run 'make deps'"
KIMG=${KIMAGE:-$OBJ/arch/arm64/boot/Image}	# KIMAGE: another kernel
INITRD=$A/initramfs.cpio
DTB=$A/virt-pmem.dtb
KHINT="run 'make arm64-build'" RDHINT="run 'make arm64-build'"
CONSOLE=ttyAMA0
# Guest RAM 3G at 0x40000000; the kernel uses the first 1G (mem=1G), the
# other two are the pmem regions, 1G each.
MACHINE=virt,virtualization=on,gic-version=3
PMEM_REGIONS="0x80000000 0xc0000000"
PMEM_SIZE=0x40000000
CMDLINE="mem=1G"
# The machine (rig/host/arm64.sh dumps its device tree), then that tree with
# the pmem nodes.
QEMU_MACHINE_ARGS=(-M "$MACHINE" -cpu max -smp 2 -m 3G)
QEMU_ARGS=("${QEMU_MACHINE_ARGS[@]}" -dtb "$DTB")
QEMU_SHOW="-M $MACHINE -cpu max"
qemu_prepare() { [ -f "$DTB" ] || fail "no ${DTB#$TOP/}: $RDHINT"; }
qemu_cleanup() { :; }
# Its build (rig/host/cross.sh): cross compiler, the selftests' ARCH=, and
# the userland: Debian's arm64 packages, unpacked (not installed).
CROSS=aarch64-linux-gnu- KSARCH=arm64 DEB_ARCH=arm64 LDSO=ld-linux-aarch64.so.1
DEBS="busybox-static ndctl libc6 libgcc-s1 libcxl1 libdaxctl1 libiniparser1
      libjson-c5 libkeyutils1 libndctl6 libtraceevent1 libtracefs1 libuuid1
      libkmod2 libudev1 liblzma5 libssl3 libzstd1 e2fsprogs libblkid1
      libcom-err2 libext2fs2 libss2"
SELFTESTS="dax_mapping_test kvm_binary_stats_test dirty_log_perf_test
      kvm_page_table_test"
