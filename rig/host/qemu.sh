#!/bin/bash
# qemu.sh: build the emulator the x86 L1 boots run under: Debian's own QEMU
# (the source package of the installed qemu-system-x86, fetched with
# apt-get source) plus the fixes in rig/qemu/patches/*.patch, x86_64-softmmu only,
# into build/qemu/.  boot.sh runs it with Debian's firmware (-L).
#
# Why: QEMU's TCG emulation of SVM delivers an interrupt that VMRUN injects
# (EVENTINJ) and leaves its vector in cs->exception_index, so the vector is
# delivered a second time, ignoring EFLAGS.IF, the next time the CPU loop
# exits (rig/qemu/patches/0001-*.patch).  KVM in L1 injects every L2 interrupt that
# way, and L2 then stalls in about every other boot (rig/README.md, "l2-guest").
# Upstream QEMU (10.0 and later) has the same code.
. "$(dirname "$0")/common.sh"
need ninja; need meson; need dpkg-source
QDIR=$BUILD/qemu
BIN=$QDIR/b/qemu-system-x86_64
VER=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	fail "qemu-system-x86 is not installed: run 'make deps'"
PATCHES=$(ls "$TOP"/rig/qemu/patches/*.patch 2>/dev/null) || fail "no rig/qemu/patches/*.patch"
# Rebuilt when Debian's version, a patch or this script changes.
stamp="$VER $(cat $PATCHES "$0" | sha256sum | cut -c1-16)"
if [ -x "$BIN" ] && [ "$(cat "$QDIR/stamp" 2>/dev/null)" = "$stamp" ]; then
	say "qemu: reusing ${BIN#$TOP/} (Debian qemu $VER + $(echo "$PATCHES" | wc -l) patch(es))"
	exit 0
fi
rm -rf "$QDIR"
mkdir -p "$QDIR"
cd "$QDIR"
say "qemu: apt-get source qemu=$VER ..."
if ! apt-get source -q "qemu=$VER" >apt-source.log 2>&1; then
	# A stale index (update it), or the installed version's source gone
	# from the archive (take the newest, with a warning).
	apt-get update -q >/dev/null 2>&1 || true
	if ! apt-get source -q "qemu=$VER" >apt-source.log 2>&1; then
		say "qemu: WARNING: no source for the installed qemu $VER; building the archive's newest"
		rm -rf "$QDIR"/qemu*
		apt-get source -q qemu >apt-source.log 2>&1 || { tail -5 apt-source.log >&2; fail "apt-get source qemu failed (deb-src: run 'make deps')"; }
	fi
fi
SRCDIR=$(find . -maxdepth 1 -type d -name 'qemu-*' | head -1)
[ -n "$SRCDIR" ] || fail "apt-get source qemu=$VER: no source tree"
mv "$SRCDIR" src
for p in $PATCHES; do
	patch -d src -p1 -s <"$p" || fail "qemu: ${p#$TOP/} does not apply to Debian's qemu $VER"
done
# Debian's source has no EDK2 firmware blobs; this build installs none.
sed -i 's/^\( *\)unpack_edk2_blobs = bzip2.found()/\1unpack_edk2_blobs = false/' src/meson.build
printf '#!/bin/sh\nexec ccache gcc "$@"\n' >ccache-gcc
chmod +x ccache-gcc
mkdir b
cd b
say "qemu: configuring (x86_64-softmmu, TCG only)"
../src/configure --cc="$QDIR/ccache-gcc" --target-list=x86_64-softmmu \
	--disable-docs --disable-werror --disable-tools --disable-guest-agent \
	--disable-sdl --disable-gtk --disable-vnc --disable-opengl --disable-spice \
	--disable-curses --disable-libusb --disable-usb-redir --disable-capstone \
	--disable-slirp --disable-kvm --disable-xen --disable-linux-io-uring \
	--disable-gnutls --disable-nettle --disable-gcrypt --disable-seccomp \
	--disable-vhost-user --disable-fuse --disable-brlapi --audio-drv-list= \
	--disable-install-blobs >../configure.log 2>&1 || { tail -20 ../configure.log >&2; fail "qemu: configure failed"; }
start=$(date +%s)
say "qemu: building with ccache, -j$JOBS (cold: ~15 min on 2 cores; progress in ${QDIR#$TOP/}/build.log)"
ninja -j"$JOBS" qemu-system-x86_64 >../build.log 2>&1 || { tail -20 ../build.log >&2; fail "qemu: build failed"; }
echo "$stamp" >"$QDIR/stamp"
say "qemu: $("$BIN" --version | head -1) + rig/qemu patches built in $(( $(date +%s) - start ))s"
