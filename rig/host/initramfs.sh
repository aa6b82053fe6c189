#!/bin/bash
# Build build/initramfs.cpio: busybox-static, ndctl/daxctl, mkfs.ext4, mkfs.xfs,
# xfs_io, filefrag and their libraries (all from the host's Debian packages),
# the KVM selftests, daxvm and the guest side in rig/guest/ (x86_64).
. "$(dirname "$0")/common.sh"
# VARIANT=run: make run's, build/<base>/initramfs-run.cpio, for the run
# kernel, without the selftests, dax_pud and daxrel it does not run.
# PSFX: the suffix of the programs selftests.sh built for it.
ROOT=$BDIR/initramfs OUTF=$BDIR/initramfs.cpio RUNONLY=0 PSFX=
if [ "${VARIANT:-}" = run ]; then
	ROOT=$BDIR/initramfs-run OUTF=$BDIR/initramfs-run.cpio RUNONLY=1 PSFX=-run
fi
BINS="/bin/busybox /usr/bin/ndctl /usr/bin/daxctl /sbin/mkfs.ext4 /sbin/mkfs.xfs
      /usr/sbin/xfs_io /usr/sbin/filefrag /usr/bin/fallocate /sbin/dumpe2fs
      /usr/bin/mkfs.erofs /usr/bin/qemu-system-x86_64"
# QEMU's firmware for "-machine pc -nodefaults -kernel": SeaBIOS and the
# option ROMs that load a Linux kernel.
FIRMWARE="/usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
      /usr/share/qemu/kvmvapic.bin"
for b in $BINS; do [ -x "$b" ] || fail "initramfs: $b missing: run 'make deps'"; done
for f in $FIRMWARE; do [ -f "$f" ] || fail "initramfs: $f missing: run 'make deps'"; done
prog=selftests; [ "$RUNONLY" = 1 ] && prog=run-initramfs
[ -x "$BDIR/daxvm$PSFX" ] || fail "initramfs: daxvm$PSFX missing: run 'make $prog'"
[ -x "$BDIR/l2pat$PSFX" ] || fail "initramfs: l2pat$PSFX missing: run 'make $prog'"
[ -x "$BDIR/dax_layout$PSFX" ] || fail "initramfs: dax_layout$PSFX missing: run 'make $prog'"
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,run,etc,rig,selftests,lib64}
for b in $BINS; do
	cp -L "$b" "$ROOT$b"
	{ ldd "$b" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r l; do
		mkdir -p "$ROOT$(dirname "$l")"
		cp -Ln "$l" "$ROOT$l"
	done
done
for a in $("$ROOT/bin/busybox" --list-full); do
	[ -e "$ROOT/$a" ] || ln -s /bin/busybox "$ROOT/$a"
done
ln -sf mkfs.ext4 "$ROOT/sbin/mke2fs"
echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
# The kernel's builtin module list lets ndctl/libkmod see that drivers are built in.
KREL=$(cat "$OBJ/include/config/kernel.release")
mkdir -p "$ROOT/lib/modules/$KREL"
cp "$OBJ"/modules.builtin* "$ROOT/lib/modules/$KREL/" 2>/dev/null || true
# KVM, where it is modular (BASE=7.3: config/x86_64-7.3.config): the init
# loads it; the kunit suite loads it again once DAX memory exists.
# In load order (modinfo -F depends): irqbypass.ko is KVM's only dependency.
for m in virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd; do
	if [ -f "$OBJ/$m.ko" ]; then cp "$OBJ/$m.ko" "$ROOT/lib/modules/$KREL/"; fi
done
if grep -q '^CONFIG_KVM=m' "$OBJ/.config" && [ ! -f "$ROOT/lib/modules/$KREL/kvm-amd.ko" ]; then
	fail "initramfs: KVM is modular but $OBJ/arch/x86/kvm/kvm-amd.ko is missing: run 'make kernel'"
fi
# The guest side: rig/guest/ (init, lib.sh, problems, shell.sh) and
# rig/guest/x86_64/ (jobs, l2.sh, selftest lists) in /rig, the suites in
# /rig/suites; init as /init.
cp "$TOP"/rig/guest/lib.sh "$TOP"/rig/guest/problems "$TOP"/rig/guest/shell.sh "$TOP"/rig/guest/x86_64/*.* "$ROOT/rig/"
mkdir -p "$ROOT/rig/suites"
cp "$TOP"/rig/guest/x86_64/suites/*.sh "$ROOT/rig/suites/"
cp "$TOP/rig/guest/init" "$ROOT/init"
chmod +x "$ROOT/init" "$ROOT"/rig/*.sh
cp "$BDIR/daxvm$PSFX" "$ROOT/rig/daxvm"
cp "$BDIR/dax_layout$PSFX" "$ROOT/rig/dax_layout"
for f in $FIRMWARE; do mkdir -p "$ROOT$(dirname "$f")"; cp -L "$f" "$ROOT$f"; done
# The L2 guest: our own kernel, and an initramfs whose only file is l2pat
# as /init (it mounts devtmpfs itself for its console).
mkdir -p "$ROOT/rig/l2" "$BDIR/l2root$PSFX"
cp "$OBJ/arch/x86/boot/bzImage" "$ROOT/rig/l2/bzImage"
cp "$BDIR/l2pat$PSFX" "$BDIR/l2root$PSFX/init"
cp "$BDIR/l2pat$PSFX" "$ROOT/rig/l2pat"
(cd "$BDIR/l2root$PSFX" && echo init | cpio -o -H newc --quiet >"$ROOT/rig/l2/initramfs.cpio")
if [ "$RUNONLY" = 0 ]; then
	cp "$BDIR/mm-selftests/dax_pud" "$ROOT/rig/dax_pud"
	cp "$BDIR/daxrel" "$ROOT/rig/daxrel"
	# Selftests: executables only, keeping their x86_64/ sub-folder, stripped.
	(cd "$KST" && find . -type f -perm -u+x ! -name '*.o' ! -name '*.d' -print0 |
		cpio -0 -pdm --quiet "$ROOT/selftests")
	find "$ROOT/selftests" -type f -exec strip --strip-unneeded {} + 2>/dev/null || true
fi
(cd "$ROOT" && find . -print0 | cpio -0 -o -H newc --quiet >"$OUTF")
if [ "$RUNONLY" = 1 ]; then
	say "initramfs: ${OUTF#$TOP/}, $(du -h "$OUTF" | cut -f1) (make run's: no selftests)"
else
	say "initramfs: $(du -h "$OUTF" | cut -f1) ($(find "$ROOT/selftests" -type f | wc -l) selftests)"
fi
