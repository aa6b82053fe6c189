#!/bin/sh
# make matrix: which leaves KVM makes for a guest on a DAX file, over
# {namespace} x {filesystem} x {how the file was made}, and whether
# dax_layout (tools/kvm/dax_layout, in the series) predicts them.
#
# Each cell is a fresh filesystem with one 1 GiB file, made as:
#   falloc  fallocate -l 1G
#   sparse  truncate -s 1G, the guest's touches allocate it (QEMU's
#           memory-backend-file makes its file so)
#   dd      written with dd (bs=2M)
#   cp      copied from a 1 GiB file on tmpfs (busybox cp)
#   tool    made by dax_layout -c 1G (an xfs extent size hint of 1G, or 2M
#           where xfs refuses it; fallocate; written once)
# A guest (daxvm -t 2M: one write per 2 MiB chunk, so pages_4k counts the
# chunks KVM maps with 4K, plus one for the guest's code page, which the
# counts here leave out) runs on it; dax_layout -q predicts its leaves
# before the guest (falloc, dd, cp), and, for every kind, a second guest
# on the file as the first left it, after a remount (the first guest's
# 2M DAX entries would keep a GiB at 2M), must get what dax_layout says
# then.  One RIG:MATRIX line per cell: ns= fs= file= kvm=1G/2M/4K
# pred=1G/2M/4K after=1G/2M/4K again=1G/2M/4K ok=0|1, or kvm=- why=...
# where the filesystem, the file or the guest failed (no room: the
# namespace or the recipe leaves too little).
#
# Run as a job (make matrix), by run.sh (make run's second boot) and by
# the suite "layout" (make test, MATRIX_TAP=1: a TAP line per cell, ok
# where dax_layout predicted KVM's leaves, SKIP where the cell could not be
# made), and for the cells that the kernel must align by itself (mkfs.xfs's
# and mkfs.ext4's defaults, every kind of file but cp: the xfs and ext4
# patches of the series) a TAP line that fails where KVM maps any of the
# file's 2M chunks with 4K pages.
# It re-labels the NVDIMM: run it after everything else in a boot.
# MATRIX_NS, MATRIX_KINDS: the namespaces and kinds of file (default all;
# rig.matrix_ns=, rig.matrix_kinds= override).
. /rig/lib.sh
check_kvm
rc=0
NS=$(karg matrix_ns); NS=${NS:-${MATRIX_NS:-2m:2G 1g:2G 1g:4G 1g:5G 1g:8G}}
NS=$(echo "$NS" | tr ',' ' ')
FS=$(karg matrix_fs); FS=${FS:-ext4-default ext4-recipe xfs-default xfs-recipe xfs-1g ext4-1g}
FS=$(echo "$FS" | tr ',' ' ')
KINDS=$(karg matrix_kinds); KINDS=${KINDS:-${MATRIX_KINDS:-falloc sparse dd cp tool}}
KINDS=$(echo "$KINDS" | tr ',' ' ')
VERBOSE=$(karg matrix_verbose)
n=0
# aligns LINE: whether the cell is one the kernel must align by itself.
aligns() {
	case $(field fs "$1") in xfs-default|ext4-default) ;; *) return 1 ;; esac
	[ "$(field file "$1")" != cp ]
}
nalign=$(( $(echo $FS | tr ' ' '\n' | grep -cx -e xfs-default -e ext4-default) *
	$(echo $NS | wc -w) * $(echo $KINDS | tr ' ' '\n' | grep -cvx cp) ))
[ "${MATRIX_TAP:-}" = 1 ] && tap layout "1..$(( $(echo $NS | wc -w) * $(echo $FS | wc -w) * $(echo $KINDS | wc -w) + nalign ))"
# cell LINE: report a cell: its RIG:MATRIX line, and with MATRIX_TAP a TAP
# line (ok where ok=1, SKIP where it could not be made).
cell() {
	echo "RIG:MATRIX $1"
	[ "${MATRIX_TAP:-}" = 1 ] || return 0
	n=$((n + 1))
	name=$(echo "$1" | cut -d' ' -f1-3)
	case $1 in
	*kvm=-*) tap layout "ok $n - $name # SKIP could not be made: $(field why "$1" | cut -c1-100)" ;;
	*ok=1*)  tap layout "ok $n - $name: KVM $(field kvm "$1"), dax_layout $(field pred "$1") (after the guest: $(field again "$1"), dax_layout $(field after "$1"))" ;;
	*)       tap layout "not ok $n - $name: KVM $(field kvm "$1"), dax_layout $(field pred "$1"); after the guest KVM $(field again "$1"), dax_layout $(field after "$1")" ;;
	esac
	aligns "$1" || return 0
	n=$((n + 1))
	k4=$(field kvm "$1" | cut -d/ -f3) a4=$(field again "$1" | cut -d/ -f3)
	fsn=$(field fs "$1"); fsn=${fsn%-default}
	case $1 in
	*kvm=-*) tap layout "ok $n - $name: $fsn aligns it # SKIP could not be made" ;;
	*)	if [ "$k4" = 0 ] && [ "$a4" = 0 ]; then
			tap layout "ok $n - $name: $fsn aligns it: no 2M chunk mapped 4K (KVM $(field kvm "$1"), after the guest $(field again "$1"))"
		else
			tap layout "not ok $n - $name: $fsn aligns it: KVM maps $k4 (after the guest $a4) of the 512 2M chunks with 4K pages"
		fi ;;
	esac
}

# mkfs_cell FS DEV: make and mount FS on DEV at /mnt/m (the 1G recipes at
# the mount points mkfs1g uses); prints the directory, or fails.
mkfs_cell() {
	umount /mnt/m /mnt/xfs1g /mnt/ext41g 2>/dev/null
	case $1 in
	ext4-default) mkfs_ext4_default "$2" && mount_dax "$2" /mnt/m ext4 && echo /mnt/m ;;
	ext4-recipe)  mkfs_ext4_aligned "$2" && mount_dax "$2" /mnt/m ext4 && echo /mnt/m ;;
	# mkfs.xfs's defaults: reflink=1, no stripe unit, no hint.
	xfs-default)  mkfs.xfs -q -f "$2" && mkdir -p /mnt/m && mount -t xfs -o dax "$2" /mnt/m && echo /mnt/m ;;
	xfs-recipe)   mkfs_xfs_aligned "$2" && mount_dax "$2" /mnt/m xfs && echo /mnt/m ;;
	# The 1G recipes (lib.sh): die() in a subshell only fails this cell.
	xfs-1g|ext4-1g) (mkfs1g ${1%-1g}) >/dev/null && echo /mnt/${1%-1g}1g ;;
	esac >/tmp/cell.dir 2>/tmp/cell.err
	st=$?
	[ $st = 0 ] && tail -1 /tmp/cell.dir
	return $st
}

# trip OUT: "1G/2M/4K" from daxvm's (less its code page) or dax_layout
# -q's key=value line.
trip() {
	if echo "$1" | grep -q pages_1g; then
		echo "$(field pages_1g "$1")/$(field pages_2m "$1")/$(( $(field pages_4k "$1") - 1 ))"
	else
		echo "$(field chunks_1g "$1")/$(field chunks_2m "$1")/$(field chunks_4k "$1")"
	fi
}

dd if=/dev/zero of=/tmp/src.img bs=2M count=512 2>/dev/null || die "cannot make /tmp/src.img"
# What the boot's earlier suites left on the NVDIMM (mounts, swap) would
# keep ndctl from disabling its region.
swapoff -a 2>/dev/null
awk '$1 ~ /^\/dev\/(pmem|loop)/ { print $2 }' /proc/mounts | sort -r | while read -r m; do
	umount "$m" || log "matrix: cannot unmount $m"
done
for ns in $NS; do
	a=${ns%%:*} s=${ns#*:}
	ndctl_reset
	if ! out=$(ndctl create-namespace -m fsdax -a $a -s $s 2>&1); then
		log "matrix: namespace -a $a -s $s: $out"
		rc=1
		for fs in $FS; do for k in $KINDS; do
			cell "ns=$a-$s fs=$fs file=$k kvm=- why=namespace:$(echo "$out" | head -c 60 | tr ' \n' '_;')"
		done; done
		continue
	fi
	dev=/dev/$(echo "$out" | json blockdev)
	PMEM_1G=$dev
	log "matrix: namespace fsdax -a $a -s $s: $dev, data at $(cat /sys/block/${dev#/dev/}/device/resource)"
	for fs in $FS; do
		for k in $KINDS; do
			t0=$(date +%s)
			line="ns=$a-$s fs=$fs file=$k"
			if ! dir=$(mkfs_cell $fs $dev); then
				cell "$line kvm=- why=mkfs:$(head -c 80 /tmp/cell.err | tr ' \n' '_;')"
				continue
			fi
			f=$dir/guest.img
			case $k in
			falloc) fallocate -l 1G "$f" ;;
			sparse) truncate -s 1G "$f" ;;
			dd)     dd if=/dev/zero of="$f" bs=2M count=512 2>/dev/null ;;
			cp)     cp /tmp/src.img "$f" ;;
			tool)   /rig/dax_layout -q -c 1G "$f" >/dev/null ;;
			esac 2>/tmp/cell.err || {
				cell "$line kvm=- why=$k:$(head -c 80 /tmp/cell.err | tr ' \n' '_;')"
				rm -f "$f"; continue
			}
			# ext4 1G recipe: a cold extent status cache, as after a boot.
			[ $fs = ext4-1g ] && remount1g ext4
			pred=-
			[ $k = sparse ] || pred=$(trip "$(/rig/dax_layout -q "$f" 2>&1)")
			# rig.matrix_verbose=1: the file's first extents and dax_layout's report.
			if [ "$VERBOSE" = 1 ] && [ $k != sparse ]; then
				log "matrix: $line: $(extents "$f" 6)"
				/rig/dax_layout "$f" 2>&1 | sed 's/^/RIG:LOG   | /'
			fi
			if ! o1=$(/rig/daxvm -s 1G -t 2M -l $fs "$f" 2>&1); then
				cell "$line kvm=- why=guest:$(echo "$o1" | head -c 80 | tr ' \n' '_;')"
				rm -f "$f"; continue
			fi
			# A fresh mapping: the remount drops the file's DAX entries.
			umount "$dir" && mount -t ${fs%%-*} -o dax $dev "$dir" || die "remount of $dir failed"
			after=$(trip "$(/rig/dax_layout -q "$f" 2>&1)")
			o2=$(/rig/daxvm -s 1G -t 2M -l $fs "$f" 2>&1) || { log "matrix: $line: daxvm again: $o2"; rc=1; }
			kvm=$(trip "$o1") again=$(trip "$o2")
			ok=1
			[ $k = sparse ] || [ "$pred" = "$kvm" ] || ok=0
			[ "$after" = "$again" ] || ok=0
			[ $ok = 1 ] || { rc=1; log "matrix: $line: dax_layout disagrees with KVM:"; /rig/dax_layout "$f" 2>&1 | sed 's/^/RIG:LOG   | /'; }
			cell "$line kvm=$kvm pred=$pred after=$after again=$again ok=$ok secs=$(( $(date +%s) - t0 ))"
			rm -f "$f"
		done
	done
	umount /mnt/m /mnt/xfs1g /mnt/ext41g 2>/dev/null
done
exit $rc
