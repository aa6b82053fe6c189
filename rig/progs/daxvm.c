// SPDX-License-Identifier: GPL-2.0
/*
 * daxvm - the rig's measuring VMM.
 *
 * Maps SIZE bytes of PATH (a file on a filesystem mounted -o dax, or a
 * device-dax character device; for the anchors a file on hugetlbfs, or
 * "anon": anonymous memory with MADV_HUGEPAGE) shared into its address
 * space, aligned to 1 GiB, and gives it to a one-vCPU KVM guest as a
 * memslot at GPA.  The
 * guest, in 32-bit protected mode without paging, writes one dword per
 * 4 KiB page (or per STRIDE bytes, -t) over the whole slot (value =
 * gpa ^ seed) and halts.  daxvm
 * then prints KVM's own leaf counts for the VM (binary stats pages_4k,
 * pages_2m, pages_1g), the time the guest took to populate the slot, and
 * verifies the pattern through the mapping and, for regular files, through
 * pread() on the file.
 *
 * Output is a single line of key=value pairs so that the rig can tabulate
 * it; exit status is non-zero on any error.
 *
 * Why a VMM of its own beside the series' KVM selftest dax_mapping_test,
 * which checks the same stats: daxvm shares no code with the selftests
 * library (its own memslot setup, a guest without page tables, its own
 * binary stats reader in vmm.h), so a bug in the library's DAX backing
 * sources or in the test cannot make both agree on a wrong count ("make
 * test": dax-e2e); and it is what "make run" times, with the anchors
 * (anonymous THP, a hugetlbfs 1G page) on the same code path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define VMM_DIE_PREFIX "daxvm: "
#include "vmm.h"

#define SZ_4K	0x1000ULL
#define SZ_1G	0x40000000ULL
#define CODE_GPA 0x1000ULL

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: daxvm [-s SIZE] [-o OFFSET] [-g GPA] [-S SEED] [-t STRIDE] [-l LABEL] PATH\n"
		"  PATH    file on a -o dax filesystem, or /dev/daxX.Y; or, to compare,\n"
		"          a file on hugetlbfs, or \"anon\" (anonymous THP memory)\n"
		"  -s      bytes to map and populate (default 1G)\n"
		"  -o      offset into PATH (default 0)\n"
		"  -g      guest physical address of the slot (default 1G; GPA+SIZE <= 4G)\n"
		"  -S      pattern seed (default 0x5a5a0000)\n"
		"  -t      write one dword per STRIDE bytes (default 4K): with 2M, one\n"
		"          per 2 MiB chunk, so pages_4k counts the chunks mapped with 4K\n"
		"  -l      label printed as backing= (default PATH)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	/*
	 * 32-bit code at CODE_GPA: esi = gpa, ecx = pages, edx = seed.
	 *   loop: mov eax,esi; xor eax,edx; mov [esi],eax;
	 *         add esi,STRIDE; dec ecx; jnz loop; hlt
	 */
	uint8_t code[] = {
		0x89, 0xf0, 0x31, 0xd0, 0x89, 0x06,
		0x81, 0xc6, 0x00, 0x10, 0x00, 0x00,
		0x49, 0x75, 0xf1, 0xf4,
	};
	unsigned long long size = SZ_1G, offset = 0, gpa = SZ_1G, stride = SZ_4K;
	uint32_t seed = 0x5a5a0000;
	struct kvm_userspace_memory_region r;
	int kvm, vm, vcpu, fd = -1, stats_fd, opt;
	const char *label = NULL, *path;
	unsigned long long i, bad = 0;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *lowmem, *mem;
	double t0, t1;
	bool regular = false, anon;
	struct stat st;
	int mmap_sz;
	void *resv;

	while ((opt = getopt(argc, argv, "s:o:g:S:t:l:h")) != -1) {
		switch (opt) {
		case 's': size = parse_size(optarg); break;
		case 'o': offset = parse_size(optarg); break;
		case 'g': gpa = parse_size(optarg); break;
		case 'S': seed = strtoul(optarg, NULL, 0); break;
		case 't': stride = parse_size(optarg); break;
		case 'l': label = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	path = argv[optind];
	if (!label)
		label = path;
	errno = 0;
	if (!size || size % SZ_4K || gpa % SZ_4K || gpa < 0x100000 ||
	    gpa + size > 0x100000000ULL || !stride || stride % SZ_4K ||
	    size % stride)
		die("need 4K-aligned SIZE and GPA with 1M <= GPA, GPA+SIZE <= 4G, and SIZE a multiple of a 4K-aligned STRIDE");
	memcpy(code + 8, &(uint32_t){ stride }, 4);

	anon = !strcmp(path, "anon");
	if (!anon) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			die("open %s", path);
		if (fstat(fd, &st))
			die("stat %s", path);
		regular = S_ISREG(st.st_mode);
	}

	/* Reserve size + 1G so the mapping can start 1G-aligned. */
	resv = mmap(NULL, size + SZ_1G, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		die("reserve address space");
	mem = (uint8_t *)(((uintptr_t)resv + SZ_1G - 1) & ~(SZ_1G - 1));
	if (anon) {
		if (mmap(mem, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != mem)
			die("mmap anonymous memory");
		if (madvise(mem, size, MADV_HUGEPAGE))
			die("madvise(MADV_HUGEPAGE)");
	} else if (mmap(mem, size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, fd, offset) != mem) {
		die("mmap %s", path);
	}

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	/* Harmless on SVM, required by VMX without unrestricted guest. */
	ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000);

	lowmem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (lowmem == MAP_FAILED)
		die("mmap low memory");
	memcpy(lowmem + CODE_GPA, code, sizeof(code));
	r = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = 0x10000,
		.userspace_addr = (uintptr_t)lowmem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION slot 0");
	r = (struct kvm_userspace_memory_region){
		.slot = 1, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION slot 1 (%s)", path);

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	mmap_sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, mmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	set_flat_pm32(vcpu);
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 2;
	regs.rsi = gpa;
	regs.rcx = size / stride;
	regs.rdx = seed;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");

	t0 = now_ms();
	if (ioctl(vcpu, KVM_RUN, 0))
		die("KVM_RUN");
	t1 = now_ms();
	if (run->exit_reason != KVM_EXIT_HLT) {
		errno = 0;
		die("guest exit reason %u, expected HLT (%u)", run->exit_reason,
		    KVM_EXIT_HLT);
	}

	stats_fd = ioctl(vm, KVM_GET_STATS_FD, 0);
	if (stats_fd < 0)
		die("KVM_GET_STATS_FD");

	for (i = 0; i < size / stride; i++) {
		uint32_t want = (uint32_t)(gpa + i * stride) ^ seed, got;

		got = *(uint32_t *)(mem + i * stride);
		if (regular && got == want &&
		    pread(fd, &got, sizeof(got), offset + i * stride) !=
		    sizeof(got))
			die("pread %s", path);
		if (got != want)
			bad++;
	}

	printf("backing=%s size_mib=%llu pages_4k=%lld pages_2m=%lld pages_1g=%lld populate_ms=%.0f verify=%s(%llu/%llu%s)\n",
	       label, size >> 20, vm_stat(stats_fd, "pages_4k"),
	       vm_stat(stats_fd, "pages_2m"), vm_stat(stats_fd, "pages_1g"),
	       t1 - t0, bad ? "FAIL" : "ok", size / stride - bad, size / stride,
	       regular ? ",mmap+pread" : ",mmap");
	return bad ? 1 : 0;
}
