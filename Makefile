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

.PHONY: run test build deps tree apply export mirror check kernel selftests \
	initramfs negative clean distclean help

run: build
	@$(R)/boot.sh run $(RUN_TIMEOUT)
	@$(R)/table.sh

test: build
	@$(R)/series.sh check
	@rm -f results/*.tap
	@rc=0; $(R)/boot.sh test $(TEST_TIMEOUT) || rc=$$?; \
	 $(R)/summary.sh | tee results/summary.txt; s=$${PIPESTATUS[0]}; \
	 [ $$rc = 0 ] && [ $$s = 0 ]

build: deps tree apply kernel selftests initramfs

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
