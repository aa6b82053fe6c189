#!/bin/sh
# make qemuopts (rig/host/boot.sh qemuopts): QEMU's memory-backend-file
# options for a guest on DAX memory, measured.  Each variant boots l2.sh's
# L2 guest (Debian's QEMU in L1, -accel kvm) on the same backing file with
# other options, and reports KVM's leaves while L2 holds its pattern, the
# seconds to L2's READY, and whether the pattern reached the file.
#   rig.qemuopts=NAME:BACKING:MIB:OPTS,...   (OPTS: '+' for ','; default below)
# One "RIG:QOPT" line per variant.
. /rig/lib.sh
. /rig/l2.sh
check_kvm
provision
# README's line (share=on, align= the backing's largest page) against
# dropping align=, share=off (a private copy) and prealloc=on; a 1G file
# mapped with align=2M.
DEF="readme:xfs-aligned:1024:share=on+align=2M noalign:xfs-aligned:1024:share=on"
DEF="$DEF private:xfs-aligned:1024:share=off+align=2M prealloc:xfs-aligned:1024:share=on+align=2M+prealloc=on"
[ -n "$FSDAX_PUD" ] && [ "$BASE" = 7.3 ] &&
	DEF="$DEF readme-1g:xfs-1g-2g:2048:share=on+align=1G align2m-1g:xfs-1g-2g:2048:share=on+align=2M"
runs=$(karg qemuopts | tr , ' '); runs=${runs:-$DEF}
made=
for r in $runs; do
	v=${r%%:*} r=${r#*:} b=${r%%:*} r=${r#*:} mib=${r%%:*} opts=$(echo "${r#*:}" | tr + ,)
	# a backing's file is made when its run of variants starts, so that
	# consecutive variants map the same blocks
	[ "$b" = "$made" ] || { set -- $(backing "$b"); path=$1 made=$b; }
	L2_MEMOPTS=$opts
	l2_boot "$v" "$path" "$mib" "" && why=none || why=$L2_WHY
	echo "RIG:QOPT variant=$v backing=$b opts=$opts $(echo "$L2_ROW" | tr ' ' '\n' |
		grep -E '^(tries|pages_4k|pages_2m|pages_1g|l2_pages|backing_found|backing_bad|ready_s|total_s)=' | tr '\n' ' ')why=\"$why\""
	: >/tmp/rig.beat
done
exit 0
