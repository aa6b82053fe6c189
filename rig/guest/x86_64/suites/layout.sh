# TAP suite "layout" (results/layout.tap, rig.only=layout): sourced by the
# job test.sh, last: it re-labels the NVDIMM.  dax_layout (the series'
# tools/kvm/dax_layout) must predict KVM's leaves for a 1 GiB guest file
# made each way (fallocate, sparse, dd, cp) on ext4 and xfs with their
# default mkfs options and the recipes, on a 2M-aligned and a 1G-aligned
# namespace: the cells of make run's matrix (rig/guest/x86_64/matrix.sh)
# on two of its five namespaces.
MATRIX_TAP=1 MATRIX_NS=${LAYOUT_NS:-2m:2G 1g:5G} /rig/matrix.sh || rc=1
