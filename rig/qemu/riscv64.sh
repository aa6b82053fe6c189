# rig/qemu/riscv64.sh: how the RISC-V leg boots and builds (sourced by
# rig/host/boot.sh and rig/host/cross.sh, with RIG_ARCH=riscv64): QEMU virt
# with the hypervisor extension (HS mode, KVM) under TCG, OpenSBI from
# Debian's qemu-system-data, and two of_pmem "pmem-region" nodes added to
# QEMU's device tree outside the kernel's RAM (mem=).
LABEL=riscv64
A=$BDIR/riscv64			# the leg's build outputs (rig/host/cross.sh)
QEMU=qemu-system-riscv64
QEMU_HINT="run 'make deps'"
KIMG=${KIMAGE:-$OBJ/arch/riscv/boot/Image}	# KIMAGE: another kernel
INITRD=$A/initramfs.cpio
DTB=$A/virt-pmem.dtb
KHINT="run 'make riscv64-build'" RDHINT="run 'make riscv64-build'"
CONSOLE=ttyS0
# Guest RAM 9G at 0x80000000; the kernel uses the first 1G (mem=1G), then
# a 3G region for device-dax and a 5G one for fsdax, both 1G-aligned, as the
# x86 L1's devdax (3G) and 1G fsdax (5G) namespaces.
MACHINE=virt
PMEM_REGIONS="0xc0000000:0xc0000000 0x180000000:0x140000000"
PMEM_SIZE=0x40000000
CMDLINE="mem=1G earlycon=uart8250,mmio,0x10000000"
QEMU_MACHINE_ARGS=(-M "$MACHINE" -cpu rv64,h=true -smp 2 -m 9G)
QEMU_ARGS=("${QEMU_MACHINE_ARGS[@]}" -dtb "$DTB")
QEMU_SHOW="-M $MACHINE -cpu rv64,h=true"
qemu_prepare() { [ -f "$DTB" ] || fail "no ${DTB#$TOP/}: $RDHINT"; }
qemu_cleanup() { :; }
# Its build (rig/host/cross.sh): cross compiler, the selftests' ARCH=, and
# the userland: trixie's riscv64 packages (bookworm has no riscv64 port),
# unpacked (not installed).
CROSS=riscv64-linux-gnu- KSARCH=riscv DEB_ARCH=riscv64 LDSO=ld-linux-riscv64-lp64d.so.1
DEBS="busybox-static ndctl libc6 libgcc-s1 libcxl1 libdaxctl1 libiniparser4
      libjson-c5 libkeyutils1 libndctl6 libtraceevent1 libtracefs1 libuuid1
      libkmod2 libudev1 liblzma5 libssl3t64 libzstd1 libcap2 zlib1g
      e2fsprogs libblkid1 libcom-err2 libext2fs2t64 libss2"
SELFTESTS="dax_mapping_test kvm_binary_stats_test"
