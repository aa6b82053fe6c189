# The rig: Linux v6.12.y (Debian linux-source-6.12) + patches/ -> L1 kernel
# under QEMU/TCG with an emulated NVDIMM -> KVM guests on fsdax/devdax memory.
#
#   make run    build everything, boot, print the leaf-count table
#   make test   every test (series checks, DAX end-to-end, KVM selftests)
#
# Steps, each runnable alone: deps tree apply kernel selftests initramfs
# check; series work: export (build/linux -> patches/), mirror;
# negative: the tests must fail on a deliberately broken KVM.

SHELL := /bin/bash
R := rig
# Per-boot limits (seconds): a hung L1 is a failure, never a stuck CI.
RUN_TIMEOUT ?= 1200
TEST_TIMEOUT ?= 3000
ARM64_TIMEOUT ?= 1500

.PHONY: run test build deps tree apply export mirror check kernel selftests \
	initramfs negative arm64 arm64-build arm64-test clean distclean help

run: build
	@$(R)/boot.sh run $(RUN_TIMEOUT)
	@$(R)/table.sh

test: build
	@$(R)/series.sh check
	@rm -f results/*.tap
	@rc=0; $(R)/boot.sh test $(TEST_TIMEOUT) || rc=$$?; \
	 $(R)/arm64.sh test $(ARM64_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh | tee results/summary.txt; s=$${PIPESTATUS[0]}; \
	 [ $$rc = 0 ] && [ $$s = 0 ]

build: deps tree apply kernel selftests initramfs arm64-build

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
check:
	@$(R)/series.sh check
# Not part of "test": rebuilds the kernel with rig/negative.diff (~5 min).
negative: build
	@$(R)/negative.sh
export:
	@$(R)/series.sh export
mirror:
	@$(R)/series.sh mirror

clean:
	rm -rf results build/initramfs build/initramfs.cpio build/selftests build/obj-check
distclean:
	rm -rf results build

help:
	@sed -n '2,10p' Makefile
