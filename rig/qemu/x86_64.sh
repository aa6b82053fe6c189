# rig/qemu/x86_64.sh: how rig/host/boot.sh boots an x86_64 L1 (sourced; JOB,
# NAME, VARIANT and common.sh's paths are set).  Data, and the two hooks
# qemu_prepare/qemu_cleanup.
LABEL=L1
# The emulator: Debian's QEMU rebuilt with rig/qemu/patches/*.patch
# (rig/host/qemu.sh, 'make qemu'); QEMU=qemu-system-x86_64 boots under
# Debian's own binary (which stalls L2 guests: rig/README.md, "l2-guest").
QEMU=${QEMU:-$BUILD/qemu/b/qemu-system-x86_64}
QEMU_HINT="run 'make qemu'"
KIMG=$OBJ/arch/x86/boot/bzImage
# make run's kernel (VARIANT=run) boots make run's initramfs; the debug
# kernel boots make test's.  INITRD=: another one (debugging).
MK=; [ "${VARIANT:-}" = run ] && MK=run-
INITRD=${INITRD:-$BDIR/initramfs${MK:+-run}.cpio}
KHINT="run 'make ${MK}kernel'" RDHINT="run 'make ${MK}initramfs'"
CONSOLE=ttyS0
# The KASAN kernel (VARIANT=debug) gets a vCPU without LA57.  With 5-level
# paging, identify_boot_cpu() clears boot_cpu_data's LA57 bit for a moment
# while interrupts are on and before code patching, so KASAN's range check
# (addr_has_metadata()) takes the 4-level bound and reports a valid slab
# address (0xff11...) as "wild-memory-access", e.g. in do_raw_spin_lock()
# from handle_edge_irq() (issue 19; a KASAN fix was posted to LKML in June
# 2026, "kasan: Fix false-positive wild-memory-access on x86 under 5-level
# paging", not in 6.12.117 or 7.3.4).  KASAN reports once per boot, so that
# report also silenced every later one of the reliability run.
CPU=max
[ "${VARIANT:-}" = debug ] && CPU=max,la57=off
# Job nogb: a CPU without 1G pages, where no PUD leaf may be made.
[ "$JOB" = nogb ] && CPU=max,pdpe1gb=off
# make run's hugetlbfs anchor needs a free, 1G-aligned GiB of RAM: reserved
# at boot, with a GiB more for it (with 3G, neither at run time nor at boot
# was one free: measured).  run.sh gives the page back after the anchor.
CMDLINE="" MEM=3G
[ "$JOB" = run ] && CMDLINE="hugepagesz=1G hugepages=1" MEM=4G
# The test job's fsdax-pud suite protects a 1 GiB hugetlb page with
# userfaultfd RWP on 7.3 (pud_rwp in rig/guest/lib.sh): reserved the same
# way, so that the other suites keep the 3G they had (and dbg, for
# debugging it).
case $BASE/$JOB in 7.3/test|7.3/dbg) CMDLINE="hugepagesz=1G hugepages=1" MEM=4G ;; esac
# Job nogb also checks a device-dax instance whose alignment is set through
# the dax bus: hmem's, on the GiB of RAM above 4G (q35 with 3G puts 2G below
# 4G) made soft-reserved (E820 type 0xefffffff), its device left empty.
[ "$JOB" = nogb ] && CMDLINE="memmap=1G%4G-1+0xefffffff dax_hmem.region_idle=1"
# The emulated NVDIMM: a sparse 13G file, one per boot name (boots may run
# side by side); L1 writes its labels afresh.
NV=$BDIR/nvdimm-$NAME${VARIANT:+-$VARIANT}.img
# Single-threaded TCG: with thread=multi, L1's int3-based live text patching
# (static keys) raced with the other vCPU thread and oopsed L1 in
# __schedule() ("Oops: int3"); one TCG thread runs both vCPUs coherently.
QEMU_ARGS=(-L /usr/share/qemu -L /usr/share/seabios
	-accel tcg,thread=single -cpu "$CPU" -smp 2
	-machine q35,nvdimm=on -m "$MEM",slots=2,maxmem=16G
	-object memory-backend-file,id=nv0,share=on,mem-path="$NV",size=13G,align=1G
	-device nvdimm,memdev=nv0,label-size=128K -nic none)
QEMU_SHOW="-accel tcg -cpu $CPU"
qemu_prepare() { rm -f "$NV"; truncate -s 13G "$NV"; }
qemu_cleanup() { rm -f "$NV"; }
