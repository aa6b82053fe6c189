# The rig: Debian's Linux source + our series -> L1 kernel under QEMU/TCG
# with an emulated NVDIMM -> KVM guests on fsdax/devdax memory.
# Two series: BASE=7.3 (the default), mainline (linux-source-7.3,
# patches/), and BASE=6.12, the stable backport (linux-source-6.12,
# patches/stable-6.12/).  Every leg boots 7.3; "stable" boots 6.12 for the
# x86 L1 suites that test the series itself.
#
#   make run    build a lean 7.3 x86 kernel, boot it under Debian's QEMU and
#               print the leaf-count table; then build the patched QEMU and
#               boot the L2 Linux guests and the alignment matrix
#   make test   every test (both series' checks, DAX end-to-end, fsdax PUD,
#               KVM selftests, L2 guests, the arm64 and RISC-V legs, the reliability
#               suite on KASAN, an L1 CPU without 1G pages, the stable leg)
#
# Steps, each runnable alone: deps tree apply kernel selftests initramfs
# (run-kernel run-initramfs: make run's) check (both series) kernel-debug;
# matrix: make run's alignment matrix alone, in one boot;
# qemuopts: QEMU's memory-backend-file options for DAX memory, measured;
# arm64, reliability, stable: those legs alone; shell: an L1 shell by hand;
# series work (BASE=7.3 or 6.12): tree, apply, export (build tree ->
# patches/); mirror (mainline);
# negative, negative-pud, negative-reliability (6.12), negative-mainline,
# negative-pud-mainline, negative-contents, negative-remap, negative-optin,
# negative-smaps, negative-split, negative-mremap, negative-swapoff,
# negative-layout, negative-xfsalign, negative-ext4align (7.3): the tests must
# fail on a deliberately broken kernel.

SHELL := /bin/bash
# Steps share build trees (tree/apply/configure): never in parallel.
.NOTPARALLEL:
R := rig/host
# Per-boot limits (seconds): a hung L1 is a failure, never a stuck CI.
RUN_TIMEOUT ?= 1200
TEST_TIMEOUT ?= 3000
ARM64_TIMEOUT ?= 1500
REL_TIMEOUT ?= 2400
NOGB_TIMEOUT ?= 600
RISCV64_TIMEOUT ?= 2400

.PHONY: run run-kernel run-initramfs matrix test build deps qemu tree apply export mirror check kernel selftests \
	stable stable-apply stable-build stable-test kunit initramfs negative negative-pud negative-reliability negative-mainline negative-pud-mainline negative-contents negative-remap negative-optin negative-smaps negative-split negative-mremap negative-swapoff negative-layout negative-xfsalign negative-ext4align arm64 arm64-build arm64-test riscv64 riscv64-build riscv64-test kernel-debug reliability \
	reliability-test l2stat qemuopts shell clean distclean help

# make run builds only what it boots: a lean kernel of its own (VARIANT=run:
# allnoconfig + config/x86_64-run.config, in build/7.3/obj-x86_64-run), daxvm
# and l2pat (no KVM selftests), its own initramfs.  Two boots: the leaf-count
# table first, under Debian's QEMU (daxvm's guests take no interrupts); then,
# once rig/host/qemu.sh has built the patched QEMU, the L2 Linux guests, whose
# interrupts need its fix.
run: run-initramfs
	@p=results/$(if $(filter 6.12,$(BASE)),6.12-)run; \
	 rm -f $$p.rows $$p.l2rows $$p.table $$p-l2.* $$p-l2-*; rc=0; \
	 QEMU=qemu-system-x86_64 VARIANT=run KARGS="rig.run=table $(KARGS)" \
		$(R)/boot.sh run $(RUN_TIMEOUT) || rc=$$?; \
	 $(R)/table.sh || rc=1; \
	 if [ $$rc != 0 ]; then echo "make run: the first boot failed: no L2 guests"; \
	 elif $(R)/qemu.sh; then \
		VARIANT=run RESNAME=run-l2 KARGS="rig.run=l2 $(KARGS)" \
			$(R)/boot.sh run $(RUN_TIMEOUT) || rc=$$?; \
		$(R)/table.sh l2 || rc=1; \
		$(R)/matrix.sh run-l2 || rc=1; \
	 else rc=1; fi; \
	 [ $$rc = 0 ] && echo "make run: every guest booted and its data checked out" || \
	 { echo "make run: FAILED (see the lines above)"; exit 1; }
# The alignment matrix: KVM's leaves for a 1 GiB file over namespaces x
# filesystems x ways to make the file, each checked against dax_layout's
# prediction (rig/guest/x86_64/matrix.sh; make run's kernel, one boot).
MATRIX_TIMEOUT ?= 3000
matrix: run-initramfs
	@rc=0; VARIANT=run $(R)/boot.sh matrix $(MATRIX_TIMEOUT) || rc=$$?; \
	 $(R)/matrix.sh || rc=1; exit $$rc
run-kernel: apply
	@VARIANT=run $(R)/kernel.sh
run-initramfs: run-kernel
	@VARIANT=run $(R)/selftests.sh
	@VARIANT=run $(R)/initramfs.sh

# The boots run in two lanes at once: each x86 L1 is one TCG thread, and the
# machine has two cores.  Lane 2 (the KASAN reliability suite, then the RISC-V
# leg; its lines start with "[lane 2]") takes as long as lane 1 (the x86 L1,
# arm64, nogb, the stable leg).  Every boot has its own NVDIMM file and
# results; BOOT_LANES=1 runs them one after the other.
BOOT_LANES ?= 2
LANE2 = BASE=7.3 VARIANT=debug $(R)/boot.sh reliability $(REL_TIMEOUT) || rc=$$?; \
	 BASE=7.3 RIG_ARCH=riscv64 $(R)/boot.sh test $(RISCV64_TIMEOUT) || rc=$$?;
test: build check
	@rm -f results/*.tap results/lane2.rc; mkdir -p results
	@rc=0; \
	 if [ "$(BOOT_LANES)" = 2 ]; then \
		{ rc=0; $(LANE2) echo $$rc >results/lane2.rc; } 2>&1 | sed -u 's/^/[lane 2] /' & \
	 fi; \
	 BASE=7.3 $(R)/boot.sh test $(TEST_TIMEOUT) || rc=$$?; \
	 BASE=7.3 RIG_ARCH=arm64 $(R)/boot.sh test $(ARM64_TIMEOUT) || rc=$$?; \
	 BASE=7.3 $(R)/boot.sh nogb $(NOGB_TIMEOUT) || rc=$$?; \
	 $(STABLE_BOOTS) \
	 if [ "$(BOOT_LANES)" = 2 ]; then \
		wait; r2=$$(cat results/lane2.rc 2>/dev/null || echo 1); \
		[ "$$r2" = 0 ] || { echo "make test: lane 2 failed (rc=$$r2)"; rc=1; }; \
	 else $(LANE2) fi; \
	 $(R)/summary.sh | tee results/summary.txt; s=$${PIPESTATUS[0]}; \
	 [ $$rc = 0 ] && [ $$s = 0 ]

build: deps qemu tree apply kernel selftests initramfs arm64-build riscv64-build kernel-debug stable-build

deps:
	@$(R)/deps.sh
# The x86 L1 boots' emulator: Debian's QEMU source + rig/qemu/patches/*.patch.
qemu: deps
	@$(R)/qemu.sh
tree: deps
	@$(R)/tree.sh
apply: tree
	@$(R)/series.sh apply
kernel: apply
	@$(R)/kernel.sh
selftests: kernel
	@$(R)/selftests.sh
initramfs: selftests
	@$(R)/initramfs.sh
# The arm64 leg alone: cross-built kernel, QEMU virt at EL2, of_pmem.
arm64: arm64-build arm64-test
arm64-build: apply
	@RIG_ARCH=arm64 $(R)/cross.sh build
arm64-test:
	@rm -f results/arm64-*.tap
	@rc=0; RIG_ARCH=arm64 $(R)/boot.sh test $(ARM64_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh arm64-; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
# The RISC-V leg alone: cross-built kernel, QEMU virt with
# the hypervisor extension, of_pmem, 1G device-dax and fsdax.
riscv64: riscv64-build riscv64-test
riscv64-build: apply
	@RIG_ARCH=riscv64 $(R)/cross.sh build
riscv64-test:
	@rm -f results/riscv64-*.tap
	@rc=0; RIG_ARCH=riscv64 $(R)/boot.sh test $(RISCV64_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh riscv64-; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
# The stable leg alone: Linux 6.12 + patches/stable-6.12/ (x86 kernel,
# selftests, initramfs under build/): the x86 L1 job "test" restricted to
# the suites below, then the reliability job's irqsoff check on the same
# kernel (6.12 has no debug kernel here: config/x86_64-6.12.config gives it
# the irqsoff tracer), and the job "nogb" (an L1 CPU without 1G pages);
# results in results/6.12-*.tap.  STABLE_BOOTS: its boots, for this target
# and "test".
STABLE_SUITES ?= rig.only=kunit-boot,kunit,dax-e2e,fsdax-pud,l2-guest,dax-selftests
STABLE_TIMEOUT ?= 1500
STABLE_REL ?= rig.only=irqsoff
STABLE_REL_TIMEOUT ?= 900
STABLE_BOOTS = BASE=6.12 KARGS="$(STABLE_SUITES)" $(R)/boot.sh test $(STABLE_TIMEOUT) || rc=$$?; \
	BASE=6.12 KARGS="$(STABLE_REL)" $(R)/boot.sh reliability $(STABLE_REL_TIMEOUT) || rc=$$?; \
	BASE=6.12 $(R)/boot.sh nogb $(NOGB_TIMEOUT) || rc=$$?;
stable: qemu stable-build stable-test
# The 6.12 tree with the stable series applied (as tree and apply do for 7.3).
stable-apply: deps
	@BASE=6.12 $(R)/tree.sh
	@BASE=6.12 $(R)/series.sh apply
stable-build: stable-apply
	@BASE=6.12 $(R)/kernel.sh
	@BASE=6.12 $(R)/selftests.sh
	@BASE=6.12 $(R)/initramfs.sh
stable-test:
	@rm -f results/6.12-*.tap
	@rc=0; $(STABLE_BOOTS) \
	 $(R)/summary.sh 6.12-; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
# The mainline KUnit suites as reviewers run them: kunit.py under QEMU
# (x86_64), the series' .kunitconfig, no pmem (the DAX cases skip).  Not
# part of "test": it builds a kernel of its own (build/7.3/kunit).
# kunit.py asks QEMU for -accel kvm first; a /dev/kvm that cannot run the
# guest (this rig's machines have one: "KVM internal error ... emulation
# failure") is hidden from it, so QEMU falls back to TCG like the rig.
kunit: apply
	@cd build/linux-7.3 && unshare -m sh -c 'mount --bind /dev/null /dev/kvm 2>/dev/null; \
		exec ./tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig=virt/kvm/tests --build_dir=$(CURDIR)/build/7.3/kunit \
		--jobs=$$(nproc) --make_options CC="ccache gcc"'
# The reliability suite alone: the debug kernel (KASAN, kmemleak, lockdep,
# DEBUG_VM: config/debug.config) boots rig/guest/x86_64/reliability.sh.
kernel-debug: apply
	@VARIANT=debug $(R)/kernel.sh
reliability: kernel-debug initramfs qemu reliability-test
# Nested TCG's L2 stalls, measured: boot the L2 guest L2_TRIES times on
# each backing and classify every try (rig/guest/x86_64/l2stat.sh).
L2_TRIES ?= 20
l2stat: initramfs qemu
	@rc=0; KARGS="rig.l2_tries=$(L2_TRIES) $(KARGS)" $(R)/boot.sh l2stat 5400 || rc=$$?; \
	 sed -n "s/^RIG:L2STAT //p" results/$(if $(filter 6.12,$(BASE)),6.12-)l2stat.console; exit $$rc
# QEMU's memory-backend-file options for DAX memory, measured (README's
# command line): the L2 guest on one backing file per variant
# (rig/guest/x86_64/qemuopts.sh; rig.qemuopts=... picks the variants).
qemuopts: initramfs qemu
	@rc=0; $(R)/boot.sh qemuopts 3000 || rc=$$?; \
	 sed -n "s/^RIG:QOPT //p" results/qemuopts.console; exit $$rc
reliability-test:
	@rm -f results/reliability.tap
	@rc=0; VARIANT=debug $(R)/boot.sh reliability $(REL_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh reliability; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
# Both series: each patch applies, is checkpatch --strict clean and compiles
# what it touches (x86_64, arm64; riscv on 7.3); mainline's added files are mirrored.
check: apply stable-apply
	@BASE=7.3 $(R)/series.sh check
	@BASE=6.12 $(R)/series.sh check
# Not part of "test": rebuild the kernel with rig/negative/*.diff (~5 min
# each), run the guarding suites, which must fail; the tree is put back.
negative: qemu stable-build
	@$(R)/negative.sh dax
negative-pud: qemu stable-build
	@$(R)/negative.sh pud
negative-mainline: qemu kernel arm64-build
	@$(R)/negative.sh mainline
negative-pud-mainline: qemu kernel
	@$(R)/negative.sh pud-mainline
negative-contents: qemu kernel
	@$(R)/negative.sh contents
negative-remap: qemu kernel
	@$(R)/negative.sh remap
negative-optin: qemu kernel
	@$(R)/negative.sh optin
negative-smaps: qemu selftests
	@$(R)/negative.sh smaps
negative-split: qemu selftests
	@$(R)/negative.sh split
negative-mremap: qemu selftests
	@$(R)/negative.sh mremap
negative-swapoff: qemu selftests
	@$(R)/negative.sh swapoff
negative-layout: qemu selftests
	@$(R)/negative.sh layout
negative-xfsalign: qemu selftests
	@$(R)/negative.sh xfsalign
negative-ext4align: qemu selftests
	@$(R)/negative.sh ext4align
negative-reliability: qemu stable-build
	@$(R)/negative.sh reliability
export:
	@$(R)/series.sh export
mirror:
	@BASE=7.3 $(R)/series.sh mirror

clean:
	rm -rf results build/initramfs build/initramfs.cpio build/selftests build/obj-check \
		build/7.3/initramfs build/7.3/initramfs.cpio build/7.3/selftests build/7.3/obj-check \
		build/7.3/initramfs-run build/7.3/initramfs-run.cpio
distclean:
	rm -rf results build

# An interactive shell in L1 (rig.job=shell), with make test's kernel and
# initramfs (RIG_ARCH=arm64: the arm64 leg's); 'exit' in it powers L1 off.
shell:
	@$(R)/boot.sh shell
# The targets (this file's head), then every setting (README's table).
help:
	@sed -n '2,/^$$/p' Makefile
	@echo; sed -n '/^<!-- settings -->/,/^<!-- \/settings -->/p' README.md | sed '1d;$$d'

