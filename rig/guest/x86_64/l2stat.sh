#!/bin/sh
# make l2stat (rig/host/boot.sh l2stat): boot the L2 guest of l2.sh many times
# and classify every try, to measure how often nested TCG stalls it.
#   rig.l2_tries=N   tries per backing (default 20)
#   rig.l2_backings=ext4-aligned:1024:2M,...  (default: l2.sh's L2_RUNS)
# One "RIG:L2TRY" line per try (outcome, seconds, where it stopped) and one
# "RIG:L2STAT" line per backing with the counts; the consoles of tries
# that did not pass are relayed as "RIG:L2 NAME-TRY ..." lines.
# Outcomes: pass (READY, pattern read back, powered off); ready_fail
# (READY, then no power-off within the limit, no KVM stats or no PASS);
# oops (a panic/Oops/BUG/general protection report before READY);
# stall_report (a soft lockup or RCU stall report, no READY); and the
# stalls without a report, by the last thing L2 printed: stall_quiet
# (nothing yet: firmware, decompressor or a kernel that has not printed at
# loglevel 4), stall_early (kernel messages, l2pat not started), stall_user
# (l2pat started, no READY).  A stall's L2 registers and interrupt frames
# (l2.sh's l2_regs) are in its line.
. /rig/lib.sh
. /rig/l2.sh
check_kvm
provision
N=$(karg l2_tries); N=${N:-20}
runs=$(karg l2_backings | tr , ' '); runs=${runs:-$L2_RUNS}
for r in $runs; do
	l2_run_fields "$r"
	set -- $(backing "$b")
	name=$b path=$1 l2log="/tmp/l2-$b.log"
	counts=""
	try=0
	while [ $try -lt "$N" ]; do
		try=$((try + 1))
		l2_try
		secs=$(( $(date +%s) - start ))
		clean=$(tr -d '\r' <"$l2log")
		last=$(echo "$clean" | grep -v '^ *$' | tail -1 | tr '"' "'" | cut -c1-90)
		if echo "$clean" | grep -q '^L2PAT: READY'; then
			if echo "$clean" | grep -q '^L2PAT: PASS' && [ $qrc = 0 ]; then
				o=pass
			else
				o=ready_fail
			fi
		elif echo "$clean" | grep -q -E 'Kernel panic|Oops|general protection fault|BUG: (unable|kernel|KASAN|scheduling)'; then
			o=oops
		elif echo "$clean" | grep -q -E 'soft lockup|rcu.*stall'; then
			o=stall_report
		elif echo "$clean" | grep -q '^L2PAT'; then
			o=stall_user
		elif echo "$clean" | grep -q '\['; then
			o=stall_early
		else
			o=stall_quiet
		fi
		counts="$counts $o"
		echo "RIG:L2TRY backing=$b try=$try outcome=$o secs=$secs ready_s=${ready:-none} last=\"$last\"${regs:+ regs=\"$regs\"}"
		: >/tmp/rig.beat
		[ $o = pass ] || echo "$clean" | sed "s/^/RIG:L2 $b-$try /"
	done
	summary=$(for o in $counts; do echo $o; done | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
	log "l2stat: $b: $N tries: $summary"
	echo "RIG:L2STAT backing=$b tries=$N $summary"
	[ -f "$path" ] && rm -f "$path"
done
exit 0
