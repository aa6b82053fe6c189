# TAP suite "fsdax-pud" (results/fsdax-pud.tap, rig.only=fsdax-pud): sourced by
# the job test.sh once the namespaces exist (provision).
# The fsdax PUD integrity checks (pud_checks in lib.sh) on a 1G-aligned file
# on xfs and on ext4, and on 7.3 that an erofs file takes none (pud_erofs)
# and that GUP faults on a userfaultfd-RWP-protected 1 GiB page (pud_rwp);
# last, the steps whose failure leaves a filesystem that cannot unmount
# (pud_last).
# Without fsdax PUD faults (rig.fsdax_pud=0) it is left out.
if [ -n "$FSDAX_PUD" ]; then
	tap fsdax-pud "1..$PUD_CHECKS"
	n=0
	pud_step() { step fsdax-pud "$@"; }
	for fs in xfs ext4; do
		mkfs1g $fs
		pud_checks $fs
		log "fsdax-pud: $fs: $(extents /mnt/${fs}1g/pud.img 2)"
		rm -f /mnt/${fs}1g/pud.img
	done
	[ "$BASE" = 6.12 ] || pud_erofs
	[ "$BASE" = 6.12 ] || pud_rwp
	pud_last
fi
