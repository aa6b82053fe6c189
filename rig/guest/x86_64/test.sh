#!/bin/sh
# make test's x86 job, inside L1: provision the namespaces, then run the
# TAP suites in rig/guest/x86_64/suites/ (/rig/suites/ here), each named as
# its file, in this order; rig.only=SUITE[,SUITE...] runs just those.
. /rig/lib.sh
. /rig/l2.sh
check_kvm
provision
rc=0
# Per-selftest time limit (seconds); rig.st_timeout= on the kernel command line.
ST_TIMEOUT=$(karg st_timeout)
ST_TIMEOUT=${ST_TIMEOUT:-120}
# layout last: it re-labels the NVDIMM that provision set up.
run_suites kunit-boot kunit dax-e2e fsdax-pud l2-guest dax-selftests kvm-selftests layout
exit $rc
