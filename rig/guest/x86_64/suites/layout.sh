# TAP suite "layout" (results/layout.tap, rig.only=layout): sourced by the
# job test.sh, last: it re-labels the NVDIMM.  dax_layout (the series'
# tools/kvm/dax_layout) must predict KVM's leaves for a 1 GiB guest file
# made three ways (fallocate, sparse, dax_layout -c) on ext4 and xfs with their
# default mkfs options and the recipes: the cells of make run's matrix
# (rig/guest/x86_64/matrix.sh) on one of its five namespaces (1G-aligned,
# 5 GiB: every recipe fits), for fallocated, sparse and dax_layout -c
# files (dd and cp only in make run's matrix: they take longer and add no
# path of the tool's); rig.matrix_ns= and rig.matrix_kinds= for others.
MATRIX_TAP=1 MATRIX_NS="1g:5G" MATRIX_KINDS="falloc sparse tool" /rig/matrix.sh || rc=1
