# The L2 guest (sourced by run.sh and test.sh): Debian's qemu-system-x86_64
# in L1 boots our own kernel as L2 with its RAM on DAX memory; L2's init is
# l2pat (rig/l2pat.c), which fills most of its RAM with a pattern.
#
# l2_boot NAME PATH MIB ALIGN: boot one L2 guest with MIB MiB of RAM from
# PATH (fsdax file or devdax device, mapped with ALIGN), read KVM's leaf
# counts for its VM while it holds its pattern, let it power off, then find
# the pattern in PATH.  L2 holds its pattern for 10 s after READY; L1 polls
# its console every second.  Prints the L2 console as "RIG:L2 NAME ..." lines and
# one "RIG:L2ROW key=value..." line (also left in L2_ROW); returns non-zero
# on any failure and leaves the reason in L2_WHY.
L2_TIMEOUT=75		# per L2 boot, seconds (a good one takes 10-30 s)
L2_TRIES=5
# rig.l2args=a,b on L1's command line adds "a b" to L2's (e.g. l2.max_mib=64).
L2_ARGS=$(sed -n 's/.*rig\.l2args=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
# l2_try: one boot of the L2 guest; returns 1 when it stalled (was killed).
l2_try() {
	seed=$(( $(date +%s) % 1000000 * 1000 + $$ % 1000 + try ))
	rm -f "$l2log"
	start=$(date +%s)
	timeout -s KILL $L2_TIMEOUT qemu-system-x86_64 -L /usr/share/qemu -L /usr/share/seabios \
		-nodefaults -no-user-config -display none -vga none -no-reboot \
		-accel kvm -cpu host -smp 1 -machine pc,smm=off,memory-backend=ram -m "${mib}M" \
		-object memory-backend-file,id=ram,mem-path="$path",size="${mib}M",share=on,align="$align" \
		-kernel /rig/l2/bzImage -initrd /rig/l2/initramfs.cpio \
		-append "console=ttyS0 loglevel=4 panic=-1 no_timer_check idle=poll rdinit=/init l2.seed=$seed $L2_ARGS" \
		-serial file:"$l2log" >/tmp/l2-qemu.log 2>&1 &
	qpid=$!
	# Wait for the pattern to be in place, then read the VM's leaf counts.
	while kill -0 $qpid 2>/dev/null; do
		if grep -q "^L2PAT: READY" "$l2log" 2>/dev/null; then
			ready=$(( $(date +%s) - start ))
			d=$(ls -d /sys/kernel/debug/kvm/*-* 2>/dev/null | head -1)
			if [ -n "$d" ]; then
				stats="pages_4k=$(cat $d/pages_4k) pages_2m=$(cat $d/pages_2m) pages_1g=$(cat $d/pages_1g)"
			else
				L2_WHY="no per-VM KVM debugfs directory under /sys/kernel/debug/kvm"
			fi
			break
		fi
		sleep 1
	done
	wait $qpid
	qrc=$?
	# A stall anywhere, or a panic before l2pat ran, is a TCG flake: retry.
	[ $qrc = 137 ] && return 1
	if ! grep -q "^L2PAT: up" "$l2log" && grep -q "Kernel panic" "$l2log"; then
		qrc=137
		return 1
	fi
	return 0
}

l2_boot() {
	name=$1 path=$2 mib=$3 align=$4
	l2log="/tmp/l2-$name.log"
	L2_STALL="" L2_WHY="" stats="" ready="" try=0
	# Nested SVM under TCG stalls some L2 boots at random points (in the
	# decompressor, in early boot with RCU stalls, in userspace; about half
	# of them with -cpu host, idle=poll), with anonymous guest memory exactly
	# as with DAX memory; such a try is retried.
	while [ $try -lt $L2_TRIES ]; do
		try=$((try + 1))
		l2_try && break
		log "L2 on $name: try $try stalled under TCG at: $(tail -1 "$l2log" | tr -d '\r' | cut -c1-100)"
		[ $try -lt $L2_TRIES ] && tr -d '\r' <"$l2log" | sed "s/^/RIG:L2 $name-stalled-$try /"
	done
	if [ $qrc = 137 ]; then
		L2_STALL=1
		L2_WHY="L2 stalled or panicked while booting in all $L2_TRIES tries (${L2_TIMEOUT}s each) under nested TCG"
	fi
	secs=$(( $(date +%s) - start ))
	tr -d '\r' <"$l2log" | sed "s/^/RIG:L2 $name /"
	[ -s /tmp/l2-qemu.log ] && sed "s/^/RIG:L2 $name qemu: /" /tmp/l2-qemu.log
	res=$(sed -n 's/^L2PAT: \(PASS\|FAIL\) //p' "$l2log" | tr -d '\r')
	pages=$(field pages "$res") sum=$(field sum "$res")
	if grep -q -E 'Kernel panic|Oops|BUG:|WARNING:|general protection fault' "$l2log"; then
		L2_WHY="L2 kernel reported a problem"
	elif [ -n "$L2_STALL" ]; then
		:
	elif [ $qrc != 0 ]; then
		L2_WHY="qemu-system-x86_64 exited $qrc: $(tail -1 /tmp/l2-qemu.log)"
	elif [ -z "$res" ]; then
		L2_WHY="L2 never reported its pattern"
	elif ! grep -q "^L2PAT: PASS" "$l2log"; then
		L2_WHY="L2 could not read back its own pattern: $res"
	fi
	chk=$(/rig/l2pat check "$path" $((mib << 20)) "$seed" 2>&1)
	found=$(field found "$chk") fsum=$(field sum "$chk") bad=$(field bad "$chk")
	if [ -z "$L2_WHY" ] && { [ "$found" != "$pages" ] || [ "$fsum" != "$sum" ] || [ "$bad" != 0 ]; }; then
		L2_WHY="pattern not intact in $path after L2 powered off: L2 wrote $pages pages sum=$sum; found $chk"
	fi
	[ -z "$L2_WHY" ] && [ -z "$stats" ] && L2_WHY="L2 was not READY, no KVM stats read"
	L2_ROW="backing=$name size_mib=$mib tries=$try $stats l2_pages=$pages l2_sum=$sum backing_found=$found backing_sum=$fsum backing_bad=$bad ready_s=${ready:-?} total_s=$secs"
	echo "RIG:L2ROW $L2_ROW"
	[ -z "$L2_WHY" ]
}

# The three L2 runs: name, backing (from lib.sh's backing()), MiB, align.
# devdax gets 2 GiB so that gpa 1G-2G lies inside one memslot (QEMU splits
# the first MiB off for the legacy VGA/BIOS holes) and can be one 1G leaf.
L2_RUNS="ext4-aligned:1024:2M xfs-aligned:1024:2M devdax:2048:1G"

# l2_expect NAME ROW: does the row show the huge leaves this backing allows?
#   fsdax: nearly every 2M region of the guest's RAM is a 2M leaf (the first
#   2M region straddles QEMU's legacy hole; the guest leaves a little free);
#   devdax: gpa 1G-2G is one 1G leaf, and 2M leaves below it.
l2_expect() {
	mib=$(field size_mib "$2") p2=$(field pages_2m "$2") p1=$(field pages_1g "$2")
	want2=$(( mib / 2 * 9 / 10 ))
	case $1 in
	devdax) [ "${p1:-0}" -ge 1 ] && [ "${p2:-0}" -ge $(( 512 * 9 / 10 )) ] ||
			{ L2_WHY="devdax: pages_1g=$p1 pages_2m=$p2, want pages_1g>=1 and pages_2m>=460"; return 1; } ;;
	*)	[ "${p2:-0}" -ge $want2 ] ||
			{ L2_WHY="$1: pages_2m=$p2, want >= $want2 (90% of the guest's 2M regions)"; return 1; } ;;
	esac
}
