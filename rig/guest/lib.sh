# Helpers for the L1 job scripts (busybox sh); sourced.
# log and tap also touch /tmp/rig.beat: init's stallwatch dumps where a
# job hangs that has printed nothing for a while.
log()  { echo "RIG:LOG $*"; : >/tmp/rig.beat; }
die()  { echo "RIG:ERROR $*" >&2; exit 1; }
json() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p" | head -1; }

# TAP for suite $1 goes to the console as "RIG:TAP <suite> <line>"; the
# host writes each suite's lines to results/<suite>.tap after "TAP version
# 13".  As in kselftest, a result line is "ok N - name" (or "not ok", or
# "ok N - name # SKIP why"), its details on "# " lines before it, and a
# test killed at its time limit "not ok N - name # TIMEOUT <n>s".
tap()  { suite=$1; shift; echo "RIG:TAP $suite $*"; : >/tmp/rig.beat; }
# detail SUITE TEXT...: TEXT as "# " lines of SUITE's TAP.
detail() {
	suite=$1; shift
	printf '%s\n' "$*" | while IFS= read -r l; do [ -n "$l" ] && tap "$suite" "# $l"; done
}

# karg NAME: the value of rig.NAME= on the kernel command line, if given.
karg() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# want SUITE: rig.only=SUITE[,SUITE...] is not given, or names SUITE.
ONLY=$(karg only)
want() { [ -z "$ONLY" ] || echo ",$ONLY," | grep -q ",$1,"; }
# run_suites SUITE...: source /rig/suites/SUITE.sh for each wanted SUITE, in
# this shell (they share provision's devices and set rc=1 on a failure).
run_suites() {
	for suite_file in "$@"; do
		want "$suite_file" || continue
		[ -f "/rig/suites/$suite_file.sh" ] || die "no suite /rig/suites/$suite_file.sh"
		log "suite $suite_file"
		. "/rig/suites/$suite_file.sh"
	done
}

# rig.base=: the series this kernel carries (boot.sh passes BASE).  Both
# series have fsdax PUD faults; rig.fsdax_pud=0 leaves the 1G fsdax cases,
# which test what those patches add, out of a run (a kernel without them).
BASE=$(karg base)
BASE=${BASE:-7.3}
FSDAX_PUD=yes
[ "$(karg fsdax_pud)" = 0 ] && FSDAX_PUD=

# step SUITE NAME CMD...: run CMD, its output to the log, and one TAP line
# for SUITE numbered by the caller's $n: ok with CMD's last output line, or
# not ok with its FAIL lines (and rc=1).
step() {
	suite=$1 name=$2; shift 2
	n=$((n + 1))
	start=$(date +%s)
	"$@" >/tmp/step.log 2>&1
	st=$?
	sed 's/^/RIG:LOG   | /' /tmp/step.log
	if [ $st = 0 ]; then
		detail $suite "$(( $(date +%s) - start ))s: $(grep -v -e '^# Totals' -e '^1\.\.' /tmp/step.log | tail -1)"
		tap $suite "ok $n - $name"
	else
		detail $suite "exit $st: $(grep -m3 -e FAIL -e '^not ok' -e '^Bail out' -e SKIP /tmp/step.log)"
		tap $suite "not ok $n - $name"
		rc=1
	fi
}

check_kvm() {
	[ -c /dev/kvm ] || die "no /dev/kvm in L1: kvm_amd did not load; QEMU must run with -cpu max (SVM) and the kernel with CONFIG_KVM_AMD=y"
	dmesg | grep -q "kvm_amd: Nested Paging enabled" ||
		die "kvm_amd loaded without Nested Paging: KVM would shadow-page, so the NPT leaf counts would be meaningless"
}

# ndctl_reset: the NVDIMM's regions with fresh labels and no namespace.
ndctl_reset() {
	ndctl disable-region all >/dev/null 2>&1
	ndctl init-labels -f all >/dev/null 2>&1
	ndctl enable-region all >/dev/null 2>&1 || die "ndctl enable-region failed: is the NVDIMM there (-machine nvdimm=on -device nvdimm)?"
}

# Create the namespaces: devdax (1G aligned) and two fsdax (2M aligned).
# Sets DEVDAX, PMEM_EXT4, PMEM_XFS.
provision() {
	ndctl_reset
	out=$(ndctl create-namespace -m devdax -a 1G -s 3G 2>&1) || die "cannot create the devdax namespace (-m devdax -a 1G -s 3G): $out"
	DEVDAX=/dev/$(echo "$out" | json chardev)
	out=$(ndctl create-namespace -m fsdax -a 2M -s 2G 2>&1) || die "cannot create the fsdax namespace for ext4: $out"
	PMEM_EXT4=/dev/$(echo "$out" | json blockdev)
	out=$(ndctl create-namespace -m fsdax -a 2M -s 2G 2>&1) || die "cannot create the fsdax namespace for xfs: $out"
	PMEM_XFS=/dev/$(echo "$out" | json blockdev)
	# fsdax aligned to 1G, so that 1G-aligned file blocks are 1G-aligned pfns.
	out=$(ndctl create-namespace -m fsdax -a 1G -s 5G 2>&1) || die "cannot create the 1G-aligned fsdax namespace: $out"
	PMEM_1G=/dev/$(echo "$out" | json blockdev)
	[ -c "$DEVDAX" ] && [ -b "$PMEM_EXT4" ] && [ -b "$PMEM_XFS" ] && [ -b "$PMEM_1G" ] ||
		die "namespaces created but devices missing: $DEVDAX $PMEM_EXT4 $PMEM_XFS $PMEM_1G"
	log "namespaces: devdax $DEVDAX (align 1G, $(($(cat /sys/bus/dax/devices/${DEVDAX#/dev/}/size) >> 20)) MiB), fsdax $PMEM_EXT4 and $PMEM_XFS (align 2M), fsdax $PMEM_1G (align 1G, $(( $(cat /sys/block/${PMEM_1G#/dev/}/size) >> 11 )) MiB)"
}

# The allocation recipe (Documentation/virt/kvm/dax.rst): 2M-aligned extents for guest files.
#   ext4: 2M stripe for mballoc, and no backup superblocks/reserved GDT
#         blocks inside the data area (sparse_super2, ^resize_inode): they
#         shift every extent after them off 2M alignment.
#   xfs:  stripe unit 2M and a 2M extent-size hint on the directory.
mkfs_ext4_aligned() { mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 -O ^resize_inode,sparse_super2 "$1"; }
mkfs_ext4_default() { mkfs.ext4 -q -F "$1"; }
mkfs_xfs_aligned()  { mkfs.xfs -q -f -m reflink=0 -d su=2m,sw=1 "$1"; }
# 1G: stripe unit 1G, two 2G allocation groups (xfs needs at least two and
# an extent size hint of at most half an AG), and a 1G extent-size hint.
# reflink stays on, mkfs.xfs's default: pud_checks clones a PUD-mapped file.
mkfs_xfs_1g()       { mkfs.xfs -q -f -d agcount=2,su=1g,sw=1 "$@"; }
# ext4 has no extent-size hint, but it allocates large files from a cursor
# that starts at the first free block when the filesystem is mounted and
# moves on with each allocation.  Keep all group metadata at the start
# (one flex group of 32 groups, no backup superblocks or reserved GDT
# blocks) and the journal at 3G; then, right after mount, a pad file that
# ends at 1G (ext4_pad_1g) makes the next 1 GiB file lie at 1G-2G.
mkfs_ext4_1g()      { mkfs.ext4 -q -F -b 4096 -G 32 -J location=3G -O ^resize_inode,sparse_super2 -E num_backup_sb=0 "$@"; }
# remount1g FS: umount and mount /mnt/<FS>1g ($PMEM_1G) again.
remount1g() {
	umount /mnt/${1}1g && mount -t $1 -o dax "$PMEM_1G" /mnt/${1}1g || die "remount of /mnt/${1}1g failed"
}
# ext4_pad_1g: /mnt/ext41g/pad, from where allocation starts after a mount
# up to 1 GiB.  Where that is depends on the allocator's request sizes, so
# allocate, look where the pad ends (filefrag), and redo it that much
# shorter after a remount (which resets the cursor): it converges in one
# or two steps.
ext4_pad_1g() {
	size=262144
	for try in 1 2 3 4; do
		remount1g ext4
		fallocate -l $((size * 4096)) /mnt/ext41g/pad || die "fallocate /mnt/ext41g/pad failed"
		end=$(filefrag -v -b4096 /mnt/ext41g/pad | awk '/^ *[0-9]+:/ { gsub(/[:.]+/, " "); e = $5 + 1 } END { print e }')
		[ "$end" = 262144 ] && return 0
		rm -f /mnt/ext41g/pad
		size=$((size - end + 262144))
		[ "$size" -gt 0 ] || break
	done
	die "ext4_pad_1g: the pad ends at block $end, not at 1 GiB (262144)"
}

# mount_dax DEV DIR TYPE; for xfs also set the 2M extent-size hint on DIR.
mount_dax() {
	mkdir -p "$2"
	mount -t "$3" -o dax "$1" "$2" || die "mount -t $3 -o dax $1 failed"
	grep -q " $2 .*dax" /proc/mounts || die "$2 is not mounted with dax"
	[ "$3" = xfs ] && { xfs_io -c "extsize ${4:-2m}" "$2" || die "xfs_io extsize ${4:-2m} on $2 failed"; }
	return 0
}

# extents FILE N: FILE's first N extents (filefrag, 4K blocks) on one line.
extents() {
	filefrag -v -b4096 "$1" | awk '/^ *[0-9]+:/' | head -"$2" | tr -s ' ' | tr '\n' ';'
}

# listed LIST TEST: TEST's line in LIST (/rig/selftests-skip.txt or
# -args.txt) without the name, if it has one.  The lists name x86 tests
# x86_64/ (6.12's folder) or x86/ (7.3's): either matches.
listed() {
	awk -v t="$2" '{ k = $1; sub(/^x86_64\//, "x86/", k); u = t; sub(/^x86_64\//, "x86/", u) }
		k == u { $1 = ""; sub(/^ /, ""); print; exit }' "$1"
}

# aligned2m FILE [BLOCKS [merge]]: number of 2M (or BLOCKS x 4K) chunks of
# FILE that lie in one extent, aligned (what a DAX fault can map with one
# PMD/PUD, so what KVM can map with a 2M/1G leaf: DAX faults take one
# iomap lookup), and the total.  "merge": written extents that follow each
# other on the device count as one (ext4 returns them as one iomap to DAX
# faults; its extents hold at most 128 MiB).
aligned2m() {
	filefrag -v -b4096 "$1" | awk -v C="${2:-512}" -v M="${3:-}" '
		function count(l, p, n) {
			if (n && (l - p) % C == 0) {
				s = int((l + C - 1) / C) * C;
				while (s + C <= l + n) { c++; s += C }
			}
		}
		/^ *[0-9]+:/ { u = /unwritten/; gsub(/[:.]+/, " ");
			l = $2; p = $4; n = $6;
			if (M == "merge" && !u && !pu && pn && l == pl + pn && p == pp + pn) {
				pn += n
			} else {
				count(pl, pp, pn); pl = l; pp = p; pn = n; pu = u
			}
			tot = l + n }
		END { count(pl, pp, pn); printf "%d/%d\n", c, int(tot / C) }'
}

# mkfs1g FS [ARG...]: make and mount FS (xfs or ext4) on $PMEM_1G with the
# 1G recipe plus mkfs options ARG, at /mnt/<FS>1g (ext4: with the pad).
mkfs1g() {
	m1fs=$1
	shift
	umount /mnt/xfs1g /mnt/ext41g 2>/dev/null
	mkfs_${m1fs}_1g "$@" "$PMEM_1G" >/dev/null 2>&1 ||
		die "mkfs.$m1fs (1G recipe${1:+ $*}) on $PMEM_1G failed"
	if [ $m1fs = xfs ]; then
		mount_dax "$PMEM_1G" /mnt/xfs1g xfs 1g
	else
		mount_dax "$PMEM_1G" /mnt/ext41g ext4
		ext4_pad_1g
	fi
}

# fresh1g FS FILE: FILE (in /mnt/<FS>1g) anew, 1 GiB, 1G-aligned, written.
# A file whose hole was punched and refilled is no longer one contiguous
# extent, so every PUD check starts from a fresh file; both remount before
# (see below), ext4 also after.
fresh1g() {
	rm -f "$2"
	# Remount after rm: ext4's allocation cursor starts after the pad
	# again, and xfs frees a removed file's blocks in the background
	# (inodegc): without the unmount, which waits for that, the new file
	# may land off 1G alignment (seen once in CI: 262144 4K faults).
	remount1g $1
	fallocate -l 1G "$2" ||
		die "fallocate -l 1G $2 failed; $(df -k "$(dirname "$2")" | tail -1 | tr -s ' '); files: $(ls -a "$(dirname "$2")" | tr '\n' ' ')"
	# Written blocks, not unwritten ones: a write fault on an unwritten
	# extent is converted in pieces and maps 2M (measured: 512 2M leaves
	# for a fallocated file, 1 1G leaf for a written one).
	dd if=/dev/zero of="$2" bs=2M count=512 conv=notrunc 2>/dev/null || die "writing $2 failed"
	# The PUD checks need the file in one 1G-aligned extent: say so when
	# the allocator did not give it one, instead of failing fault counts.
	[ "$(aligned2m "$2" 262144 merge)" = 1/1 ] ||
		log "fresh1g: $2 is not one 1G-aligned extent: $(extents "$2" 3)"
	# ext4: start from a cold extent status cache, as after a boot.  The
	# writes above left merged entries there that cover the whole file,
	# which a DAX fault would find whole even without the patch that
	# merges extents for it.
	[ $1 = ext4 ] && remount1g ext4
	return 0
}

# pud_checks FS: the fsdax PUD integrity checks (the series' mm selftest
# dax_pud, tools/testing/selftests/mm/dax_pud.c) on a 1 GiB
# file of /mnt/<FS>1g; each check is one call of the caller's
# "pud_step NAME CMD...".
pud_checks() {
	f=/mnt/${1}1g/pud.img
	seed=$(( $(date +%s) % 100000 + 7 ))
	fresh1g $1 $f
	pud_step "$1-1g: PUD faults, mkwrite, msync write-protect, punch" /rig/dax_pud map $f $seed
	remount1g $1
	pud_step "$1-1g: pattern after umount/mount" /rig/dax_pud verify $f $seed
	fresh1g $1 $f
	pud_step "$1-1g: MAP_SYNC PUD faults" /rig/dax_pud sync $f $((seed + 1))
	pud_step "$1-1g: truncate while PUD-mapped" /rig/dax_pud truncate $f $((seed + 1))
	fresh1g $1 $f
	pud_step "$1-1g: a pinned page in a PUD mapping holds off a punch, also after a fault maps it again" /rig/dax_pud busy $f 0
	pud_step "$1-1g: a 4K write fault into a sparse 1G-aligned file allocates at most 2 MiB" /rig/dax_pud alloc /mnt/${1}1g/sparse.img 0
	fresh1g $1 $f
	pud_step "$1-1g: fork() of a private PUD mapping with an anonymous page, then a punch" /rig/dax_pud fork $f $((seed + 3))
	fresh1g $1 $f
	pud_step "$1-1g: a second mapping, 2M- but not 1G-aligned, takes PMDs inside the PUD entry; writeback write-protects them all" /rig/dax_pud misaligned $f $((seed + 4))
	fresh1g $1 $f
	pud_step "$1-1g: a VMA split inside a PUD mapping splits the PUD" /rig/dax_pud split $f $((seed + 8))
	fresh1g $1 $f
	pud_step "$1-1g: mprotect(PROT_NONE) of a PUD mapping and back keeps the PUD; GUP-fast pins none of it, FOLL_FORCE reads it" /rig/dax_pud protnone $f 0
	fresh1g $1 $f
	pud_step "$1-1g: page-table walks leave a PUD mapping in place (MADV_COLD, MADV_PAGEOUT, clear_refs, PAGEMAP_SCAN, mincore) and report it; uffd-wp over it" /rig/dax_pud walk $f $((seed + 9))
	# 7.3: smaps accounts a PUD folio that only PUDs map with one call
	# (6.12's DAX pages are no compound folios; its backport has no
	# such mode).
	if [ "$BASE" != 6.12 ]; then
		fresh1g $1 $f
		pud_step "$1-1g: smaps of a PUD folio mapped 8 times: each Pss an eighth of the Rss, and no pass over its 2^18 pages per mapping" /rig/dax_pud smaps $f $((seed + 10))
	fi
	pud_poison $1
	# xfs: made with reflink=1 (mkfs.xfs's default): no PUD entry may
	# cover shared blocks (a COW write under one made umount BUG()).
	[ $1 = xfs ] || return 0
	mkfs1g xfs
	fresh1g xfs $f
	pud_step "xfs-1g: FICLONE while PUD-mapped, copy-on-write through the mapping" /rig/dax_pud clone $f $((seed + 2))
	remount1g xfs
	pud_step "xfs-1g: both files after the clone, umount/mount" /rig/dax_pud clonecheck $f $((seed + 2))
	rm -f $f.clone
	# A page held by GUP (a pipe) in a PMD entry over shared blocks: a
	# copy-on-write fault next to it waits, it does not spin.
	pud_step "xfs-1g: copy-on-write faults next to a page held by a pipe do not spin, then complete" /rig/dax_pud cowbusy $f $((seed + 5))
	# 7.3 (v6.15+: refcounted DAX folios): a truncate of a file whose page
	# a pipe holds, and its last close once unlinked, wait for the page
	# (dax_break_layout(), dax_break_layout_final()), and must return once
	# the pipe is drained, also while a clone maps the shared blocks
	# (nothing frees the folio then).  6.12's DAX pages take no references
	# for mappings; its backport has no such mode.
	if [ "$BASE" != 6.12 ]; then
		fresh1g xfs $f
		pud_step "xfs-1g: a truncate and the last close of a file wait for a page a pipe holds, and return once the pipe is drained while its clone maps the blocks" /rig/dax_pud evict $f $((seed + 11))
	fi
	# The 1 GiB extent-size hint is xfs's copy-on-write extent size too: a
	# 4 KiB copy with 64 MiB left must not fail for want of 1 GiB.
	fresh1g xfs $f
	pud_step "xfs-1g: a 4 KiB copy-on-write write with 64 MiB free succeeds" /rig/dax_pud cowfull $f $((seed + 6))
	# Read faults on the source while a remap shares its blocks: no PUD
	# entry may be left for the clone's PMD faults to share (7.3: DAX
	# folios; 6.12 shares DAX pages one by one, and the backport has no
	# such test).
	[ "$BASE" = 6.12 ] && return 0
	# PUD_NO_REMAP=1 (the reliability job, under KASAN): not there.  Its
	# reader took no PUD fault during the remap under KASAN (remap_pud=0,
	# sessions 23 and 26), so it checked nothing the fsdax-pud suite does
	# not, and it took 7-10 minutes (remap_s=411, 507).
	[ "${PUD_NO_REMAP:-0}" = 1 ] && return 0
	rm -f $f
	remount1g xfs
	pud_step "xfs-1g: read faults on a remap's source, then the clone's PMD faults on the shared blocks" /rig/dax_pud remap /mnt/xfs1g/remap.img $((seed + 7))
}
# PUD_CHECKS: how many steps pud_checks runs for xfs and ext4 together,
# and pud_last after them; pud_erofs and pud_rwp: one more each on 7.3 (the
# 6.12 kernel has no erofs and no userfaultfd RWP).
PUD_LAST=$(karg pud_last)
if [ "$BASE" = 6.12 ]; then PUD_CHECKS=30; else PUD_CHECKS=36; fi
if [ -n "$PUD_LAST" ]; then PUD_CHECKS=$((PUD_CHECKS + 1)); else PUD_CHECKS=$((PUD_CHECKS + 2)); fi

# pud_last: the steps whose bug, where its fix is missing, leaks a folio
# reference (mremap() and swapoff() took a PUD leaf for a bad table and
# cleared it), which might keep the filesystem from unmounting: they run
# last in the suite, on xfs.
# rig.pud_last=STEP (make negative-mremap, negative-swapoff) runs that one
# only.  swapoff swaps to the 2M xfs namespace, which the suites after
# this one make anew.
pud_last() {
	f=/mnt/xfs1g/pud.img
	seed=$(( $(date +%s) % 100000 + 17 ))
	mkfs1g xfs
	if [ -z "$PUD_LAST" ] || [ "$PUD_LAST" = mremap ]; then
		fresh1g xfs $f
		pud_step "xfs-1g: mremap() moves a PUD mapping whole, and splits it for a part" /rig/dax_pud mremap $f $seed
	fi
	if [ -z "$PUD_LAST" ] || [ "$PUD_LAST" = swapoff ]; then
		fresh1g xfs $f
		umount /mnt/xfs 2>/dev/null
		mkswap "$PMEM_XFS" >/dev/null 2>&1 || die "mkswap $PMEM_XFS failed"
		export DAX_PUD_SWAP=$PMEM_XFS
		pud_step "xfs-1g: swapoff() with a private PUD mapping's anonymous page swapped out keeps the PUD" /rig/dax_pud swapoff $f $((seed + 1))
		unset DAX_PUD_SWAP
		swapoff "$PMEM_XFS" 2>/dev/null
	fi
	return 0
}

# pud_erofs: a 1 GiB file in one 1G-aligned extent of erofs, which takes no
# PUD faults (it shares deduplicated blocks between files without reporting
# them as shared), must be mapped with PMDs (dax_pud nopud).  The image,
# written to $PMEM_1G, holds a pad of 1 GiB less its first block (the
# superblock and inodes), then the file: at 1 GiB.  Both are sparse, in a
# tmpfs (its holes read as the zero page, not as new pages); the file's
# first word is its name, so that a misplaced file shows.
pud_erofs() {
	umount /mnt/xfs1g /mnt/ext41g /mnt/erofs1g 2>/dev/null
	src=/tmp/erofs-src
	t="erofs-1g: a file of a filesystem without PUD faults (erofs) takes PMDs"
	mkdir -p $src /mnt/erofs1g && mount -t tmpfs -o size=2G tmpfs $src || die "mount -t tmpfs $src failed"
	truncate -s $((262143 * 4096)) $src/a_pad && truncate -s 1G $src/big &&
		printf 'big.....' | dd of=$src/big conv=notrunc 2>/dev/null ||
		die "pud_erofs: cannot make the sparse files in $src"
	mkfs.erofs -T0 --all-root -x-1 "$PMEM_1G" $src >/tmp/erofs.log 2>&1
	rc=$?
	umount $src
	log "pud_erofs: $(head -1 /tmp/erofs.log) made the image (exit $rc)"
	if [ $rc != 0 ]; then
		pud_step "$t" because "mkfs.erofs failed: $(tr '\r\n' '  ' </tmp/erofs.log | tail -c 300)"
		return
	fi
	mount -t erofs -o dax "$PMEM_1G" /mnt/erofs1g || die "mount -t erofs -o dax $PMEM_1G failed"
	ext=$(aligned2m /mnt/erofs1g/big 262144)
	if [ "$ext" = 1/1 ] && [ "$(head -c 8 /mnt/erofs1g/big)" = big..... ]; then
		pud_step "$t" /rig/dax_pud nopud /mnt/erofs1g/big 0
	else
		pud_step "$t" because "the file is not one 1G-aligned extent ($ext): $(extents /mnt/erofs1g/big 3)"
	fi
	umount /mnt/erofs1g
}
# pud_rwp: GUP of a 1 GiB hugetlb page that userfaultfd read-write-protects
# (a PROT_NONE PUD leaf in an accessible VMA) must take the RWP fault (dax_pud
# rwp; DAX cannot be registered for RWP).  The test job reserves the page at
# boot (rig/qemu/x86_64.sh).
pud_rwp() {
	h=/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages
	log "pud_rwp: free 1G hugetlb pages: $(cat $h 2>/dev/null || echo none)"
	pud_step "hugetlb-1g: GUP of a userfaultfd-RWP-protected 1 GiB page takes the RWP fault" /rig/dax_pud rwp - 0
}
# because MSG: a failed step that says why.
because() { echo "FAIL: $1"; return 1; }

# pud_poison FS: MADV_HWPOISON on one page of a PUD-mapped 1 GiB file, then
# of the same file cut to 4 MiB (PMD-mapped): the kernel must poison that
# page, not the huge entry's first one.  ext4 has no ->notify_failure(), so
# mm's generic handler acts; xfs handles it (mf_dax_kill_procs()) only with
# the reverse-mapping btree, so its filesystem is made with rmapbt=1 here
# (mkfs.xfs 6.1 defaults to 0).  The poisoned pages stay marked until L1
# reboots; the filesystem is made anew by the next user.

pud_poison() {
	[ $1 = xfs ] && mkfs1g xfs -m rmapbt=1
	# (pf, not f: the caller's pud_checks keeps its file in f)
	pf=/mnt/${1}1g/poison.img
	fresh1g $1 $pf
	pud_step "$1-1g: MADV_HWPOISON in a PUD mapping poisons that page, not the entry's first" /rig/dax_pud poison $pf 0
	truncate -s 4M $pf
	pud_step "$1-1g: MADV_HWPOISON in a PMD mapping poisons that page, not the entry's first" /rig/dax_pud poison $pf 0
	rm -f $pf
}

# Prepare the backings measured by "make run" and checked by "make test".
# Each call of backing NAME prints "PATH EXPECT" where EXPECT says what KVM
# must map: "2m=<aligned 2M chunks of the file>" or "1g=<GiB>".
GUEST_MIB=1024
backing() {
	case $1 in
	ext4-default|ext4-aligned)
		umount /mnt/ext4 2>/dev/null
		if [ "$1" = ext4-default ]; then mkfs_ext4_default "$PMEM_EXT4"; else mkfs_ext4_aligned "$PMEM_EXT4"; fi >/dev/null 2>&1 ||
			die "mkfs.ext4 on $PMEM_EXT4 failed"
		mount_dax "$PMEM_EXT4" /mnt/ext4 ext4
		f=/mnt/ext4/guest.img ;;
	xfs-aligned)
		umount /mnt/xfs 2>/dev/null
		mkfs_xfs_aligned "$PMEM_XFS" >/dev/null 2>&1 || die "mkfs.xfs on $PMEM_XFS failed"
		mount_dax "$PMEM_XFS" /mnt/xfs xfs
		f=/mnt/xfs/guest.img ;;
	xfs-1g|ext4-1g)
		mkfs1g ${1%-1g}
		f=/mnt/${1%-1g}1g/guest.img
		fresh1g ${1%-1g} "$f"
		n=$(aligned2m "$f" 262144 merge | cut -d/ -f1)
		# filefrag filled ext4's extent status cache: empty it again.
		[ $1 = ext4-1g ] && remount1g ext4
		echo "$f 1g=$n"
		return ;;
	xfs-1g-2g)
		# The L2 guest's RAM on the xfs 1G recipe: 2 GiB, of which the
		# second GiB (L2's gpa 1G-2G, inside one memslot: QEMU splits
		# the first MiB off for the legacy holes) is one 1G-aligned
		# extent that KVM can map with a 1G leaf.  agcount=2 on the
		# 4 GiB namespace leaves one free GiB that is 1G-aligned: that
		# GiB is allocated first (at the file's end, so aligned to the
		# stripe unit), with a 2M extent-size hint instead of the
		# directory's 1G one, which would need a second aligned GiB for
		# the first GiB (measured: ENOSPC).  The first GiB's extents
		# were not 2M-aligned on the device all the same before the
		# series' xfs patch (54) (4K leaves there; see l2_expect).
		mkfs1g xfs
		f=/mnt/xfs1g/guest.img
		touch "$f" && xfs_io -c "extsize 2m" "$f" &&
			truncate -s 2G "$f" && fallocate -o 1G -l 1G "$f" && fallocate -l 1G "$f" ||
			die "fallocate of the 2 GiB $f failed"
		dd if=/dev/zero of="$f" bs=2M count=1024 conv=notrunc 2>/dev/null || die "writing $f failed"
		n=$(aligned2m "$f" 262144 merge | cut -d/ -f1)
		[ "$n" -ge 1 ] || log "backing xfs-1g-2g: no GiB of $f is one 1G-aligned extent: $(extents "$f" 4)" >&2
		echo "$f 1g=$n"
		return ;;
	devdax)
		echo "$DEVDAX 1g=$((GUEST_MIB / 1024))"
		return ;;
	*)	die "unknown backing $1" ;;
	esac
	fallocate -l "${GUEST_MIB}M" "$f" || die "fallocate -l ${GUEST_MIB}M $f failed"
	echo "$f 2m=$(aligned2m "$f" | cut -d/ -f1)"
}
BACKINGS="ext4-default ext4-aligned xfs-aligned${FSDAX_PUD:+ xfs-1g ext4-1g} devdax"

# field KEY LINE: value of KEY=... in a daxvm output line.
field() { echo "$2" | sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }

# show LOG: a selftest's output, without the page-table lines of a VM dump,
# the first 40 and last 30 lines if it is long.
show() {
	grep -v '^ *\(pte\|pde\|pdpe\|pml4e\) ' "$1" >/tmp/show.log
	if [ "$(wc -l </tmp/show.log)" -le 80 ]; then cat /tmp/show.log
	else head -40 /tmp/show.log; echo "[...]"; tail -30 /tmp/show.log; fi |
		sed 's/^/RIG:LOG   | /'
}

# run_one SUITE N NAME VERBOSE CMD...: one TAP line from one selftest binary
# (exit 0 pass, 4 skip, else fail).  VERBOSE=1 logs its whole output.
run_one() {
	suite=$1 n=$2 name=$3 verbose=$4
	shift 4
	start=$(date +%s)
	timeout -s KILL "$ST_TIMEOUT" "$@" >/tmp/st.log 2>&1
	st=$?
	secs=$(( $(date +%s) - start ))
	[ "$verbose" = 1 ] && show /tmp/st.log
	case $st in
	0) detail "$suite" "${secs}s"; tap "$suite" "ok $n - $name" ;;
	4) tap "$suite" "ok $n - $name # SKIP $(grep -m1 -i 'skip\|requirement' /tmp/st.log | tr -d '\r' | cut -c1-150)" ;;
	*) [ "$verbose" = 1 ] || show /tmp/st.log
	   # RETRY=1 (upstream tests only): timing-sensitive tests can miss
	   # their windows under TCG; a second run decides, and the TAP line
	   # says so.  A test that fails twice fails.
	   if [ "$RETRY" = 1 ]; then
		log "$name failed (exit $st), running it once more"
		start=$(date +%s)
		timeout -s KILL "$ST_TIMEOUT" "$@" >/tmp/st.log 2>&1
		st2=$?
		if [ $st2 = 0 ]; then
			detail "$suite" "${secs}s; passed on 2nd run, 1st run exit $st"
			tap "$suite" "ok $n - $name"
			return
		fi
		show /tmp/st.log
		detail "$suite" "1st run exit $st after ${secs}s"
		st=$st2 secs=$(( $(date +%s) - start ))
	   fi
	   # timeout -s KILL: exit 137.
	   if [ $st = 137 ] && [ $secs -ge "$ST_TIMEOUT" ]; then
		tap "$suite" "not ok $n - $name # TIMEOUT ${ST_TIMEOUT}s"
	   else
		detail "$suite" "exit $st, ${secs}s"
		# Killed by a signal (exit 128 + N): the kernel's report of it
		# (x86 "segfault at", arm64 "unhandled ... fault", with the pc).
		[ $st -gt 128 ] && { dmesg | tail -n 12 >/tmp/dmesg.log; show /tmp/dmesg.log; }
		tap "$suite" "not ok $n - $name"
	   fi
	   rc=1 ;;
	esac
}

# need_ksuites SUITE...: every KUnit suite named is in this kernel (KUnit's
# debugfs, K), or the job dies.
K=/sys/kernel/debug/kunit
need_ksuites() {
	for s; do
		[ -d $K/$s ] || die "KUnit suite $s is not in this kernel (config/$(uname -m | sed 's/aarch64/arm64/')-$BASE.config: the series' KUnit options?)"
	done
}

# kunit_tap NAME FILE...: the cases of KTAP results files as one flat TAP.
kunit_tap() {
	name=$1; shift
	cat "$@" >/tmp/ktap
	tap "$name" "1..$(grep -c '^    \(ok\|not ok\) ' /tmp/ktap)"
	awk '/^    (ok|not ok) / { sub(/^    /, ""); n++; sub(/ [0-9]+ /, " " n " - "); print }
	     /^        # / { sub(/^ +/, ""); print }' /tmp/ktap |
	while IFS= read -r l; do
		case $l in
		"#"*) log "  $l"; tap "$name" "$l" ;;
		"not ok"*) tap "$name" "$l"; echo fail >>/tmp/kfail ;;
		*) tap "$name" "$l" ;;
		esac
	done
}
