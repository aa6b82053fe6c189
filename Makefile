# The rig: Linux v6.12.y (Debian linux-source-6.12) + patches/ -> L1 kernel
# under QEMU/TCG with an emulated NVDIMM -> KVM guests on fsdax/devdax memory.
#
#   make run    build everything, boot, print the leaf-count table
#   make test   every test (series checks, DAX end-to-end, KVM selftests,
#               the arm64 leg, the reliability suite on a KASAN kernel)
#
# Steps, each runnable alone: deps tree apply kernel selftests initramfs
# check kernel-debug; arm64, reliability: those legs alone; series work:
# export (build/linux -> patches/), mirror; negative, negative-pud,
# negative-reliability: the tests must fail on a deliberately broken kernel.

SHELL := /bin/bash
R := rig
# Per-boot limits (seconds): a hung L1 is a failure, never a stuck CI.
RUN_TIMEOUT ?= 1200
TEST_TIMEOUT ?= 3000
ARM64_TIMEOUT ?= 1500
REL_TIMEOUT ?= 2400

.PHONY: run test build deps tree apply export mirror check kernel selftests \
	initramfs negative negative-pud negative-reliability arm64 arm64-build arm64-test kernel-debug reliability \
	reliability-test clean distclean help

run: build
	@$(R)/boot.sh run $(RUN_TIMEOUT)
	@$(R)/table.sh

test: build
	@$(R)/series.sh check
	@rm -f results/*.tap
	@rc=0; $(R)/boot.sh test $(TEST_TIMEOUT) || rc=$$?; \
	 $(R)/arm64.sh test $(ARM64_TIMEOUT) || rc=$$?; \
	 VARIANT=debug $(R)/boot.sh reliability $(REL_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh | tee results/summary.txt; s=$${PIPESTATUS[0]}; \
	 [ $$rc = 0 ] && [ $$s = 0 ]

build: deps tree apply kernel selftests initramfs arm64-build kernel-debug

deps:
	@$(R)/deps.sh
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
	@$(R)/arm64.sh build
arm64-test:
	@rm -f results/arm64-*.tap
	@rc=0; $(R)/arm64.sh test $(ARM64_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh arm64-; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
# The reliability suite alone: the debug kernel (KASAN, kmemleak, lockdep,
# DEBUG_VM: config/debug.config) boots rig/l1/reliability.sh.
kernel-debug: apply
	@VARIANT=debug $(R)/kernel.sh
reliability: kernel-debug initramfs reliability-test
reliability-test:
	@rm -f results/reliability.tap
	@rc=0; VARIANT=debug $(R)/boot.sh reliability $(REL_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh reliability; s=$$?; [ $$rc = 0 ] && [ $$s = 0 ]
check:
	@$(R)/series.sh check
# Not part of "test": rebuild the kernel with rig/negative*.diff (~5 min
# each), run the guarding suites, which must fail; the tree is put back.
negative: build
	@$(R)/negative.sh dax
negative-pud: build
	@$(R)/negative.sh pud
negative-reliability: build
	@$(R)/negative.sh reliability
export:
	@$(R)/series.sh export
mirror:
	@$(R)/series.sh mirror

clean:
	rm -rf results build/initramfs build/initramfs.cpio build/selftests build/obj-check
distclean:
	rm -rf results build

help:
	@sed -n '2,11p' Makefile
