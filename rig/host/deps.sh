#!/bin/bash
# Install every Debian package the rig needs (idempotent).
. "$(dirname "$0")/common.sh"
PKGS="build-essential flex bison bc libelf-dev libssl-dev
      cpio xz-utils kmod rsync ccache git python3 python3-ply python3-git qemu-system-x86 qemu-utils
      busybox-static ndctl daxctl e2fsprogs xfsprogs erofs-utils util-linux
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm device-tree-compiler
      gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-system-misc
      dpkg-dev ninja-build meson pkg-config libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev
      sparse python3-sphinx python3-yaml python3-sphinx-rtd-theme"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	grep -q '^install ok installed$' || echo "$p"; done)
if [ -n "$missing" ]; then
	say "installing: $(echo $missing)"
	[ "$(id -u)" = 0 ] || fail "need root to apt-get install: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || fail "apt-get update failed"
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
		fail "apt-get install failed for: $missing"
fi
# Mainline's source: linux-source-7.3 from trixie-backports.  The suite is
# added pinned at priority 1, so apt never upgrades this bookworm system from
# it; tree.sh only downloads that one arch-all package and unpacks it.
SRCLIST=/etc/apt/sources.list.d/rig-trixie-backports.sources
PIN=/etc/apt/preferences.d/rig-trixie-backports
if [ ! -f "$SRCLIST" ] || [ ! -f "$PIN" ]; then
	[ "$(id -u)" = 0 ] || fail "need root to add trixie-backports (for linux-source-7.3)"
	say "adding trixie-backports (pinned at priority 1) for linux-source-7.3"
	printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$SRCLIST"
	printf 'Package: *\nPin: release n=trixie-backports\nPin-Priority: 1\n' >"$PIN"
	apt-get update -q >/dev/null || fail "apt-get update failed"
fi
# QEMU's source (rig/host/qemu.sh builds Debian's qemu-system-x86 with the fixes
# in rig/qemu/patches/): deb-src for the suites the installed package comes from.
SRCSRC=/etc/apt/sources.list.d/rig-bookworm-src.sources
if [ ! -f "$SRCSRC" ]; then
	[ "$(id -u)" = 0 ] || fail "need root to add bookworm's deb-src (for QEMU's source)"
	say "adding bookworm's deb-src (QEMU's source for rig/host/qemu.sh)"
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$SRCSRC"
	apt-get update -q >/dev/null || { rm -f "$SRCSRC"; fail "apt-get update failed"; }
fi
cand() { apt-cache policy linux-source-7.3 | sed -n 's/^ *Candidate: //p'; }
case $(cand) in [0-9]*) ;; *)
	apt-get update -q >/dev/null || fail "apt-get update failed"
	case $(cand) in [0-9]*) ;; *) fail "linux-source-7.3 not found in trixie-backports" ;; esac ;;
esac
say "packages ok; linux-source-7.3 candidate $(cand) (tree.sh downloads the pinned versions)"
