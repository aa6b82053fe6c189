# TAP suite "layout" (results/layout.tap, rig.only=layout): sourced by the
# job test.sh, last: it re-labels the NVDIMM.  dax_layout (the series'
# tools/kvm/dax_layout) must predict KVM's leaves for a 1 GiB guest file
# made four ways (fallocate, sparse, cp, dax_layout -c) on ext4 and xfs
# with their default mkfs options and the recipes: the cells of make run's
# matrix (rig/guest/x86_64/matrix.sh) on one of its five namespaces
# (1G-aligned, 5 GiB: every recipe fits).  cp is the kind whose first 2M
# (ext4) or whole file (xfs's defaults) the allocators leave off alignment,
# so the predictions of misaligned blocks are tested too; dd only in make
# run's matrix (it adds no path of the tool's); rig.matrix_ns= and
# rig.matrix_kinds= for others.  The "aligns it" lines check the ext4 and
# xfs patches: their default-mkfs cells but cp have no 2M chunk mapped 4K.
MATRIX_TAP=1 MATRIX_NS="1g:5G" MATRIX_KINDS="falloc sparse cp tool" /rig/matrix.sh || rc=1
