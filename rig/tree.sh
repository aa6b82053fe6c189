#!/bin/bash
# Extract Debian's linux-source-6.12 into build/linux and commit it as "base".
. "$(dirname "$0")/common.sh"
TARBALL=/usr/src/linux-source-6.12.tar.xz
[ -f "$TARBALL" ] || fail "$TARBALL missing: run 'make deps' (apt-get install linux-source-6.12)"
DEBVER=$(dpkg-query -W -f='${Version}' linux-source-6.12)
if git -C "$SRC" rev-parse -q --verify base >/dev/null 2>&1; then
	say "tree: reusing $SRC ($(git -C "$SRC" log -1 --format=%s base))"
	exit 0
fi
rm -rf "$SRC" "$BUILD/linux-source-6.12"
mkdir -p "$BUILD"
say "tree: extracting $TARBALL (Debian $DEBVER) ..."
tar -C "$BUILD" -xf "$TARBALL"
mv "$BUILD/linux-source-6.12" "$SRC"
KVER=$(make -s -C "$SRC" kernelversion)
say "tree: committing pristine $KVER as tag 'base' ..."
cd "$SRC"
git init -q -b dax .
git config user.name "KVM DAX Team"
git config user.email kvm-dax@example.com
git add -A -f . >/dev/null
# Fixed identity and date: the same tarball gives the same base commit
# everywhere, so the cover letter's base-commit names it.
GIT_AUTHOR_DATE="$(date -u -r "$TARBALL" +%FT%TZ)" GIT_COMMITTER_DATE="$(date -u -r "$TARBALL" +%FT%TZ)" \
	git commit -q -m "Linux $KVER (Debian linux-source-6.12 $DEBVER)"
git tag base
say "tree: base = Linux $KVER, Debian linux-source-6.12 $DEBVER"
