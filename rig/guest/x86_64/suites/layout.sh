# TAP suite "layout" (results/layout.tap, rig.only=layout): sourced by the
# job test.sh, last: it re-labels the NVDIMM.  dax_layout (the series'
# tools/kvm/dax_layout) must predict KVM's leaves for a 1 GiB guest file
# made each way (fallocate, sparse, dd, cp) on ext4 and xfs with their
# default mkfs options and the recipes: the cells of make run's matrix
# (rig/guest/x86_64/matrix.sh) on one of its five namespaces (1G-aligned,
# 5 GiB: every recipe fits); LAYOUT_NS (rig.matrix_ns=) for others.
MATRIX_TAP=1 MATRIX_NS=${LAYOUT_NS:-1g:5G} /rig/matrix.sh || rc=1
