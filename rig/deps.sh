#!/bin/bash
# Install every Debian package the rig needs (idempotent).
. "$(dirname "$0")/common.sh"
PKGS="linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev
      cpio xz-utils kmod rsync ccache git python3 python3-ply python3-git qemu-system-x86 qemu-utils
      busybox-static ndctl daxctl e2fsprogs xfsprogs util-linux
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm device-tree-compiler"
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
say "packages ok; linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)"
