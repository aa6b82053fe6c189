#!/bin/bash
# Extract Debian's kernel source for $BASE into $SRC and commit it as tag
# "base":  6.12: linux-source-6.12 (bookworm-security);
#          7.3:  linux-source-7.3 (trixie-backports; deps.sh adds the
#                suite, pinned at priority 1).
# Both are arch-all packages of a pinned version, downloaded with apt-get
# download and unpacked with dpkg -x, never installed: an installed
# linux-source-6.12 moves to each new stable release (6.12.118 replaced
# 6.12.117 in bookworm-security), and the series' base must not.
. "$(dirname "$0")/common.sh"
PKG=linux-source-$BASE
if git -C "$SRC" rev-parse -q --verify base >/dev/null 2>&1; then
	say "tree: reusing ${SRC#$TOP/} ($(git -C "$SRC" log -1 --format=%s base))"
	exit 0
fi
# The version each cover letter's base-commit names; another one (the
# archive keeps a few; backports only the newest) is used with a warning.
case $BASE in
6.12)	DEBVER=${LINUX_612_DEBVER:-6.12.117-1~deb12u1} ;;
7.3)	DEBVER=${LINUX_73_DEBVER:-7.3.4-1~bpo13+1} ;;
esac
if ! apt-cache show "$PKG=$DEBVER" >/dev/null 2>&1; then
	cand=$(apt-cache policy "$PKG" | sed -n 's/^ *Candidate: //p')
	[ -n "$cand" ] && [ "$cand" != "(none)" ] ||
		fail "$PKG not known to apt: run 'make deps'"
	say "tree: WARNING: $PKG $DEBVER is gone from the archive, using $cand: the base-commit will differ from the cover letter's"
	DEBVER=$cand
fi
DEB=$BUILD/deb/${PKG}_${DEBVER//:/%3a}_all.deb
mkdir -p "$BUILD/deb"
if [ ! -f "$DEB" ]; then
	say "tree: apt-get download $PKG=$DEBVER ..."
	(cd "$BUILD/deb" && apt-get download -q "$PKG=$DEBVER" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	[ -f "$DEB" ] || fail "apt-get download $PKG=$DEBVER failed"
fi
rm -rf "$BUILD/deb/x"
dpkg -x "$DEB" "$BUILD/deb/x"
TARBALL=$BUILD/deb/x/usr/src/$PKG.tar.xz
rm -rf "$SRC" "$BUILD/$PKG"
mkdir -p "$BUILD"
say "tree: extracting ${TARBALL#$TOP/} (Debian $DEBVER) ..."
tar -C "$BUILD" -xf "$TARBALL"
mv "$BUILD/$PKG" "$SRC"
D="$(date -u -r "$TARBALL" +%FT%TZ)"
rm -rf "$BUILD/deb/x"
KVER=$(make -s -C "$SRC" kernelversion)
say "tree: committing pristine $KVER as tag 'base' ..."
cd "$SRC"
git init -q -b dax .
# git am needs a committer: a machine without a git identity gets a
# repo-local one that says so (the patches' From: is their author's).
git config user.email >/dev/null || git config user.email rig@localhost
git config user.name >/dev/null || git config user.name "rig (no git identity configured)"
git add -A -f . >/dev/null
# Fixed identity and date for this synthetic commit only (the series' own
# commits carry the exporter's git identity): the same tarball gives the
# same base commit everywhere, so the cover letter's base-commit names it.
GIT_AUTHOR_NAME="KVM DAX Team" GIT_AUTHOR_EMAIL=kvm-dax@example.com GIT_AUTHOR_DATE="$D" \
GIT_COMMITTER_NAME="KVM DAX Team" GIT_COMMITTER_EMAIL=kvm-dax@example.com GIT_COMMITTER_DATE="$D" \
	git commit -q -m "Linux $KVER (Debian $PKG $DEBVER)"
git tag base
say "tree: base = Linux $KVER, Debian $PKG $DEBVER ($(git rev-parse --short=12 base))"
