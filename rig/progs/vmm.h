/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rig's VMMs (daxvm.c, daxrel.c) share: sizes on the command
 * line, KVM's binary stats, a vCPU in flat 32-bit protected mode, and
 * die(), whose messages start with VMM_DIE_PREFIX (defined before this
 * file is included).
 */
#ifndef RIG_VMM_H
#define RIG_VMM_H
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

/* Print the message (and errno's, if set), exit 1. */
static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, VMM_DIE_PREFIX);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fprintf(stderr, "\n");
	exit(1);
}

/* "1G", "256M", "64K" or a number of bytes. */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fallthrough */
	case 'M': case 'm': v <<= 10; /* fallthrough */
	case 'K': case 'k': v <<= 10; end++; break;
	}
	if (*end) {
		errno = 0;
		die("bad size '%s'", s);
	}
	return v;
}

/* The value of stat @name in the VM's binary stats (@stats_fd), or -1. */
static long long vm_stat(int stats_fd, const char *name)
{
	struct kvm_stats_header hdr;
	long long ret = -1;
	size_t dsz;
	char *descs;
	uint32_t i;

	if (pread(stats_fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
		die("read stats header");
	dsz = sizeof(struct kvm_stats_desc) + hdr.name_size;
	descs = calloc(hdr.num_desc, dsz);
	if (!descs || pread(stats_fd, descs, hdr.num_desc * dsz, hdr.desc_offset) !=
	    (ssize_t)(hdr.num_desc * dsz))
		die("read stats descriptors");
	for (i = 0; i < hdr.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * dsz);
		uint64_t val;

		if (strcmp(d->name, name))
			continue;
		if (pread(stats_fd, &val, sizeof(val), hdr.data_offset + d->offset) !=
		    sizeof(val))
			die("read stat %s", name);
		ret = val;
		break;
	}
	free(descs);
	return ret;
}

/* Flat 4G code and data segments, protected mode, paging off. */
static void set_flat_pm32(int vcpu_fd)
{
	struct kvm_sregs sregs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cr0 = 0x11;	/* PE | ET */
	sregs.cs = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
		.present = 1, .db = 1, .s = 1, .g = 1,
	};
	sregs.ds = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = 16, .type = 3,
		.present = 1, .db = 1, .s = 1, .g = 1,
	};
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
}
#endif
