// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax_mapping_test: how KVM maps guest memory backed by DAX memory.
 *
 * KVM must treat ZONE_DEVICE/DAX pfns as ordinary refcounted pages and map
 * them in the TDP page tables as large as the host maps them: a 2M leaf for
 * every 2M-aligned extent of an fsdax file, a 1G leaf for every 1G-aligned
 * extent of a written fsdax file and every 1G page of a device-dax instance
 * aligned to 1G.  Each case runs a fresh VM whose memslot is DAX memory
 * (-s fsdax or -s fsdax_1gb with $KVM_FSDAX_DIR, or -s devdax with
 * $KVM_DEVDAX_PATH) and checks KVM's leaf-count stats after each guest
 * checkpoint:
 *
 *  huge_leaves    every huge host page of the slot is one huge leaf, also
 *                 after the VMM's smaps, numa_maps and pagemap are
 *                 read; an unmap (MADV_DONTNEED) that starts inside a
 *                 huge leaf takes every leaf it overlaps
 *  misaligned     gpa and hva disagree modulo the huge page size: 4K only
 *  dirty_log      dirty logging splits to 4K, the bitmap holds exactly the
 *                 pages the guest wrote; disabling it brings huge leaves back
 *                 (not on riscv, where KVM keeps the 4K leaves), and the
 *                 guest writes every page again
 *  punch_hole     (fsdax) a hole punched under the guest zaps its leaf,
 *                 the rest of the slot comes back huge; a one-page hole
 *                 inside a huge leaf reads as zeroes and takes the guest's
 *                 next write to the file
 *  truncate       (fsdax) truncating under the guest zaps the tail, a guest
 *                 access beyond EOF fails KVM_RUN with EFAULT, the rest of
 *                 the slot keeps working
 *  contents       what the guest wrote is in the file afterwards, read back
 *                 with pread() and from the block device at the offsets
 *                 FIEMAP reports (for device-dax: through a second mapping)
 *  exec           code the VMM put in the slot runs in the guest: DAX
 *                 memory is executable memory, not device memory
 *
 * "-c CASE" runs one case only.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/bitmap.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"

/* x86's processor.h has them; the test is written for 4K host pages. */
#ifndef PAGE_SIZE
#define PAGE_SHIFT	12
#define PAGE_SIZE	BIT(PAGE_SHIFT)
#endif

#define DAX_SLOT	10
#define DAX_GPA		(4ULL << 30)	/* 1G-aligned, above the PCI hole */
#define NR_VCPUS	2
#define SEED		0x5eed000000000000ULL

/* What the guest does between two GUEST_SYNCs, set per vCPU by the host. */
struct guest_job {
	u64 gpa;	/* first page */
	u64 npages;	/* pages to visit */
	u64 stride;	/* visit every stride-th page */
	bool write;	/* write gpa ^ SEED into each, else read */
	u64 call;	/* then call the function at this gva */
};

#define CALL_RET	42	/* what the function in test_exec() returns */

static struct guest_job jobs[NR_VCPUS];

static void guest_code(u64 id)
{
	for (;;) {
		struct guest_job *j = &jobs[id];
		u64 i;

		for (i = 0; i < j->npages; i += j->stride) {
			u64 *p = (u64 *)(j->gpa + i * PAGE_SIZE);

			if (j->write)
				WRITE_ONCE(*p, (u64)p ^ SEED);
			else
				READ_ONCE(*p);
		}
		if (j->call) {
#ifdef __riscv
			/* Fetches see the code the VMM wrote only after this. */
			asm volatile("fence.i" ::: "memory");
#endif
			GUEST_ASSERT_EQ(((u64 (*)(void))j->call)(), CALL_RET);
		}
		GUEST_SYNC(id);
	}
}

/*
 * The arch-specific part: whether TDP can map @size leaves, an identity
 * map of the DAX slot in the guest (with 2M guest pages where the library
 * can, which do not limit the TDP leaf size, to keep the guest's page tables
 * small), exception handling, and a function that returns CALL_RET.
 */
#ifdef __x86_64__
static void arch_require_tdp(u64 size)
{
	TEST_REQUIRE(kvm_is_tdp_enabled());
	if (size == SZ_1G)
		__TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_GBPAGES),
			       "1G DAX pages need 1G TDP pages (GBPAGES)");
}

static void arch_identity_map(struct kvm_vm *vm, u64 gpa, u64 size)
{
	virt_map_level(vm, gpa, gpa, size, PG_LEVEL_2M);
}

static void arch_init_exceptions(struct kvm_vm *vm, struct kvm_vcpu **vcpus)
{
}

/* With the iTLB multihit mitigation, executable pages are mapped 4K. */
static bool arch_exec_maps_huge(void)
{
	return !get_kvm_param_bool("nx_huge_pages");
}

static bool arch_recovers_huge_leaves(void)
{
	return true;
}

/* mov $CALL_RET, %eax; ret */
static const u8 call_code[] = { 0xb8, CALL_RET, 0, 0, 0, 0xc3 };
#elif defined(__aarch64__)
static void arch_require_tdp(u64 size)
{
	/* arm64 has no PUD-sized THP: the host maps DAX with PMDs at most. */
	__TEST_REQUIRE(size <= SZ_2M,
		       "arm64 hosts map DAX memory with at most 2M blocks");
}

static void arch_identity_map(struct kvm_vm *vm, u64 gpa, u64 size)
{
	virt_map(vm, gpa, gpa, size / vm->page_size);
}

/* Unexpected exceptions, like a prefetch abort, become UCALL_UNHANDLED. */
static void arch_init_exceptions(struct kvm_vm *vm, struct kvm_vcpu **vcpus)
{
	int i;

	vm_init_descriptor_tables(vm);
	for (i = 0; i < NR_VCPUS; i++)
		vcpu_init_descriptor_tables(vcpus[i]);
}

static bool arch_exec_maps_huge(void)
{
	return true;
}

static bool arch_recovers_huge_leaves(void)
{
	return true;
}

/* mov x0, #CALL_RET; ret */
static const u32 call_code[] = { 0xd2800000 | CALL_RET << 5, 0xd65f03c0 };
#elif defined(__riscv)
/* riscv64 hosts map 1G-aligned DAX memory with PUDs, which KVM follows. */
static void arch_require_tdp(u64 size)
{
}

static void arch_identity_map(struct kvm_vm *vm, u64 gpa, u64 size)
{
	virt_map(vm, gpa, gpa, size / vm->page_size);
}

/*
 * The library's default trap handler already fails the test on an
 * unexpected exception, with the vCPU's registers.
 */
static void arch_init_exceptions(struct kvm_vm *vm, struct kvm_vcpu **vcpus)
{
}

static bool arch_exec_maps_huge(void)
{
	return true;
}

/*
 * KVM keeps the 4K leaves that dirty logging split once it stops, until
 * the host invalidates them.
 */
static bool arch_recovers_huge_leaves(void)
{
	return false;
}

/* li a0, CALL_RET; ret */
static const u32 call_code[] = { 0x00000513 | CALL_RET << 20, 0x00008067 };
#endif

static enum vm_mem_backing_src_type src = VM_MEM_SRC_FSDAX;
static bool fsdax;	/* src is a file, not a device */
static u64 slot_size;	/* bytes */
static u64 huge_size;	/* the backing's huge page size */

struct leaves {
	u64 l4k, l2m, l1g;
};

static struct leaves get_leaves(struct kvm_vm *vm)
{
	return (struct leaves) {
		.l4k = vm_get_stat(vm, pages_4k),
		.l2m = vm_get_stat(vm, pages_2m),
		.l1g = vm_get_stat(vm, pages_1g),
	};
}

/* Huge leaves of the backing's size that KVM has installed. */
static u64 huge_leaves(struct kvm_vm *vm)
{
	struct leaves l = get_leaves(vm);

	return huge_size == SZ_1G ? l.l1g : l.l2m;
}

/* Run @job on @vcpu up to its next GUEST_SYNC. */
static void run_job(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		    struct guest_job job)
{
	struct ucall uc;

	jobs[vcpu->id] = job;
	sync_global_to_guest(vm, jobs);
	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		TEST_ASSERT_EQ(uc.args[1], vcpu->id);
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	default:
		TEST_FAIL("Unexpected exit: %s",
			  exit_reason_str(vcpu->run->exit_reason));
	}
}

static struct guest_job touch(u64 off, u64 len, bool write)
{
	return (struct guest_job) {
		.gpa = DAX_GPA + off, .npages = len / PAGE_SIZE,
		.stride = 1, .write = write,
	};
}

/*
 * A VM with NR_VCPUS vCPUs and a DAX memslot of slot_size bytes at DAX_GPA,
 * identity mapped in the guest.  The vCPUs have run to their first sync.
 */
static struct kvm_vm *create_vm(struct kvm_vcpu **vcpus)
{
	struct kvm_vm *vm;
	int i;

	/*
	 * The DAX slot's pages: the library sizes memslot 0 for the page
	 * tables of an identity map of them with 4K guest pages.
	 */
	vm = __vm_create_with_vcpus(VM_SHAPE_DEFAULT, NR_VCPUS,
				    slot_size / PAGE_SIZE, guest_code, vcpus);
	arch_init_exceptions(vm, vcpus);
	vm_userspace_mem_region_add(vm, src, DAX_GPA, DAX_SLOT,
				    slot_size / PAGE_SIZE, 0);
	arch_identity_map(vm, DAX_GPA, slot_size);
	for (i = 0; i < NR_VCPUS; i++) {
		vcpu_args_set(vcpus[i], 1, i);
		run_job(vm, vcpus[i], (struct guest_job){ .stride = 1 });
	}
	return vm;
}

static struct userspace_mem_region *dax_region(struct kvm_vm *vm)
{
	return memslot2region(vm, DAX_SLOT);
}

/*
 * Whether extent @b continues extent @a, in the file and on the device,
 * and both are written.  A DAX fault finds such extents as one mapping
 * (ext4's extents hold at most 128M; xfs merges them itself).
 */
static bool extent_continues(struct fiemap_extent *a, struct fiemap_extent *b)
{
	return !((a->fe_flags | b->fe_flags) & FIEMAP_EXTENT_UNWRITTEN) &&
	       b->fe_logical == a->fe_logical + a->fe_length &&
	       b->fe_physical == a->fe_physical + a->fe_length;
}

/* The extents of [start, start + len) of the file @fd, written back first. */
static struct fiemap *get_fiemap(int fd, u64 start, u64 len)
{
	struct fiemap *fm;

	fm = calloc(1, sizeof(*fm) + 512 * sizeof(struct fiemap_extent));
	TEST_ASSERT(fm, "Insufficient Memory");
	fm->fm_start = start;
	fm->fm_length = len;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = 512;
	TEST_ASSERT(!ioctl(fd, FS_IOC_FIEMAP, fm), "FIEMAP failed");
	TEST_ASSERT(fm->fm_mapped_extents < 512, "Too many extents");
	return fm;
}

/*
 * Which huge_size chunks of [0, len) of the region's file the host can map
 * with one huge page: those inside a single mapping that is aligned on the
 * device.  For device-dax every chunk can.  Fills @map (one bool per chunk)
 * if not NULL, and returns the number of such chunks.
 */
static u64 host_huge_chunks(struct userspace_mem_region *r, u64 len,
			    bool *map)
{
	struct fiemap *fm;
	u64 n = 0, i;

	if (map)
		memset(map, !fsdax, len / huge_size);
	if (!fsdax)
		return len / huge_size;

	fm = get_fiemap(r->fd, 0, len);
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];
		u64 s = align_up(e->fe_logical, huge_size);
		u64 end = e->fe_logical + e->fe_length;

		while (i + 1 < fm->fm_mapped_extents &&
		       extent_continues(&fm->fm_extents[i],
					&fm->fm_extents[i + 1])) {
			i++;
			end += fm->fm_extents[i].fe_length;
		}
		if ((e->fe_logical - e->fe_physical) % huge_size)
			continue;
		while (s + huge_size <= end && s + huge_size <= len) {
			if (map)
				map[s / huge_size] = true;
			n++;
			s += huge_size;
		}
	}
	free(fm);
	return n;
}

/*
 * Read what tools that monitor a VMM read: /proc/self/smaps and numa_maps
 * (where the kernel has NUMA) to their end, and pagemap over region @r.
 */
static void read_proc(struct userspace_mem_region *r)
{
	static const char * const files[] = { "smaps", "numa_maps" };
	char path[64], buf[4096];
	ssize_t n;
	size_t off;
	int fd, i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "/proc/self/%s", files[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0 && errno == ENOENT && i)
			continue;
		TEST_ASSERT(fd >= 0, "open %s", path);
		do
			n = read(fd, buf, sizeof(buf));
		while (n > 0);
		TEST_ASSERT(!n, "read %s", path);
		close(fd);
	}
	fd = open("/proc/self/pagemap", O_RDONLY);
	TEST_ASSERT(fd >= 0, "open /proc/self/pagemap");
	for (off = 0; off < slot_size; off += sizeof(buf) / 8 * PAGE_SIZE) {
		n = pread(fd, buf, sizeof(buf),
			  ((uintptr_t)r->host_mem + off) / PAGE_SIZE * 8);
		TEST_ASSERT(n == sizeof(buf), "read /proc/self/pagemap");
	}
	close(fd);
}

/*
 * Every huge host page of the slot becomes one huge leaf.  An unmap range
 * that starts inside a huge leaf takes every leaf it overlaps.
 */
static void test_huge_leaves(void)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);
	u64 want = host_huge_chunks(r, slot_size, NULL);
	struct leaves l;
	u64 after;

	TEST_ASSERT(want == slot_size / huge_size,
		    "Only %lu of %lu %luK chunks of the file are aligned single extents: make the filesystem with the recipe in Documentation/virt/kvm/dax.rst",
		    want, slot_size / huge_size, huge_size >> 10);
	run_job(vm, vcpus[0], touch(0, slot_size, false));
	l = get_leaves(vm);
	pr_info("huge_leaves: %lu MiB slot: pages_4k=%lu pages_2m=%lu pages_1g=%lu (want %lu x %luM)\n",
		slot_size >> 20, l.l4k, l.l2m, l.l1g, want, huge_size >> 20);
	TEST_ASSERT(huge_leaves(vm) == want,
		    "%lu huge leaves, want %lu", huge_leaves(vm), want);
	if (huge_size == SZ_1G)
		TEST_ASSERT_EQ(l.l2m, 0);

	/*
	 * Reading smaps, numa_maps or pagemap must leave the host's mappings
	 * alone: a walk that split the host's PUDs zapped them, and the
	 * guest's 1G leaves with them.
	 */
	read_proc(r);
	after = huge_leaves(vm);
	pr_info("huge_leaves: after reading smaps, numa_maps and pagemap: huge leaves %lu -> %lu\n",
		want, after);
	TEST_ASSERT(after == want,
		    "%lu huge leaves after reading /proc/self/smaps, numa_maps and pagemap, want %lu",
		    after, want);

	/*
	 * All but the first page.  The host reports the whole range to KVM
	 * once, and the first huge page once more as its own when it splits
	 * that page's mapping; it zaps the others without another report,
	 * so KVM must unmap every leaf the range overlaps at the first
	 * report.  The guest gets them back huge.
	 */
	kvm_madvise(r->host_mem + PAGE_SIZE, slot_size - PAGE_SIZE,
		    MADV_DONTNEED);
	after = huge_leaves(vm);
	run_job(vm, vcpus[0], touch(0, slot_size, false));
	pr_info("huge_leaves: MADV_DONTNEED of all but the first page: huge leaves %lu -> %lu, %lu after the guest read all\n",
		want, after, huge_leaves(vm));
	TEST_ASSERT(!after, "%lu huge leaves left in the MADV_DONTNEED range",
		    after);
	TEST_ASSERT(huge_leaves(vm) == want,
		    "%lu huge leaves after the guest read all, want %lu",
		    huge_leaves(vm), want);
	kvm_vm_free(vm);
}

/*
 * Memslot whose gpa and hva disagree modulo the huge page size: the host
 * still maps huge pages, but no KVM leaf may span the mismatch, so
 * everything is mapped with 4K leaves.
 */
static void test_misaligned(void)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);
	u64 len = slot_size - PAGE_SIZE;
	struct leaves before, l;

	vm_set_user_memory_region(vm, DAX_SLOT, 0, DAX_GPA, 0, NULL);
	vm_set_user_memory_region(vm, DAX_SLOT, 0, DAX_GPA, len,
				  r->host_mem + PAGE_SIZE);
	before = get_leaves(vm);
	run_job(vm, vcpus[0], touch(0, len, false));
	l = get_leaves(vm);
	pr_info("misaligned: hva = gpa + 4K: pages_4k=+%lu pages_2m=%lu pages_1g=%lu\n",
		l.l4k - before.l4k, l.l2m, l.l1g);
	TEST_ASSERT(!l.l2m && !l.l1g, "Huge leaf across a gpa/hva mismatch");
	TEST_ASSERT(l.l4k - before.l4k >= len >> PAGE_SHIFT,
		    "%lu new 4K leaves for %lu pages", l.l4k - before.l4k,
		    len >> PAGE_SHIFT);
	/* Put the slot back as the library knows it, for kvm_vm_free(). */
	vm_set_user_memory_region(vm, DAX_SLOT, 0, DAX_GPA, 0, NULL);
	vm_set_user_memory_region(vm, DAX_SLOT, 0, DAX_GPA, slot_size,
				  r->host_mem);
	kvm_vm_free(vm);
}

/* Dirty logging splits DAX mappings to 4K and logs exactly what was written. */
static void test_dirty_log(void)
{
	u64 npages = slot_size / PAGE_SIZE, i, bad = 0, set = 0;
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	const u64 stride = 5;
	unsigned long *bmap;
	struct leaves l;

	u64 n = host_huge_chunks(dax_region(vm), slot_size, NULL);

	bmap = bitmap_zalloc(npages);
	run_job(vm, vcpus[0], touch(0, slot_size, false));
	TEST_ASSERT(n && huge_leaves(vm) == n, "%lu huge leaves, host maps %lu",
		    huge_leaves(vm), n);

	vm_mem_region_set_flags(vm, DAX_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
	kvm_vm_get_dirty_log(vm, DAX_SLOT, bmap);	/* start clean */
	/* Every stride-th page: every huge page gets written. */
	run_job(vm, vcpus[0], (struct guest_job){ .gpa = DAX_GPA,
		.npages = npages, .stride = stride, .write = true });
	l = get_leaves(vm);
	pr_info("dirty_log: logging on, guest wrote every %luth page: pages_4k=%lu pages_2m=%lu pages_1g=%lu\n",
		stride, l.l4k, l.l2m, l.l1g);
	TEST_ASSERT(!l.l2m && !l.l1g, "Huge leaves left with dirty logging on");

	kvm_vm_get_dirty_log(vm, DAX_SLOT, bmap);
	for (i = 0; i < npages; i++) {
		set += test_bit(i, bmap);
		bad += !!test_bit(i, bmap) != !(i % stride);
	}
	TEST_ASSERT(!bad, "%lu pages wrongly logged (%lu set, want %lu)",
		    bad, set, (npages + stride - 1) / stride);

	vm_mem_region_set_flags(vm, DAX_SLOT, 0);
	run_job(vm, vcpus[0], touch(0, slot_size, false));
	l = get_leaves(vm);
	pr_info("dirty_log: logging off, guest read all: pages_2m=%lu pages_1g=%lu, %lu pages were logged\n",
		l.l2m, l.l1g, set);
	if (arch_recovers_huge_leaves())
		TEST_ASSERT(huge_leaves(vm) == n,
			    "Huge leaves did not come back: %lu of %lu",
			    huge_leaves(vm), n);
	else
		pr_info("dirty_log: KVM keeps 4K leaves after logging here: return of huge leaves not checked\n");

	/* Every page takes a write again, whatever leaf maps it. */
	run_job(vm, vcpus[0], touch(0, slot_size, true));
	l = get_leaves(vm);
	pr_info("dirty_log: logging off, guest wrote all: pages_4k=%lu pages_2m=%lu pages_1g=%lu\n",
		l.l4k, l.l2m, l.l1g);
	free(bmap);
	kvm_vm_free(vm);
}

/*
 * A hole punched in the file under the guest takes KVM's mapping of it
 * with it.  The filesystem may unmap more than the hole (ext4 and xfs
 * break the layout of the whole file), but the rest of the slot must come
 * back huge and the hole must read as zeroes.  So must a hole of one page
 * inside a huge leaf, and the guest's next write to it must reach the
 * file's new block, not the freed one.
 */
static void test_punch_hole(void)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);
	bool *map = calloc(slot_size / huge_size, sizeof(*map));
	u64 nr = slot_size / huge_size, hole, n, i, j, after, off, *p;

	/*
	 * Punch out a chunk that the host maps huge, from the middle on, and
	 * later a page of another one, if there is one.
	 */
	TEST_ASSERT(map, "Insufficient Memory");
	n = host_huge_chunks(r, slot_size, map);
	for (i = nr / 2; i < nr && !map[i]; i++)
		;
	TEST_ASSERT(i < nr, "No huge chunk in the second half");
	for (j = 0; j < nr && (j == i || !map[j]); j++)
		;
	free(map);
	hole = i * huge_size;
	p = r->host_mem + hole;

	run_job(vm, vcpus[0], touch(0, slot_size, true));
	TEST_ASSERT(huge_leaves(vm) == n, "%lu huge leaves, host maps %lu",
		    huge_leaves(vm), n);
	kvm_fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, hole,
		      huge_size);
	after = huge_leaves(vm);
	TEST_ASSERT(after <= n - 1,
		    "%lu huge leaves after punching one huge page out of %lu",
		    after, n);

	/* Everything but the hole comes back huge. */
	run_job(vm, vcpus[0], touch(0, hole, false));
	run_job(vm, vcpus[0], touch(hole + huge_size,
				    slot_size - hole - huge_size, false));
	pr_info("punch_hole: %luM hole at +%luM: huge leaves %lu -> %lu, %lu after the guest read all but the hole\n",
		huge_size >> 20, hole >> 20, n, after, huge_leaves(vm));
	TEST_ASSERT(huge_leaves(vm) == n - 1,
		    "%lu huge leaves without the hole, want %lu",
		    huge_leaves(vm), n - 1);
	TEST_ASSERT(!*p, "Punched range reads %lx, not zeroes", *p);

	/* The guest can use the range again: the filesystem refills it. */
	run_job(vm, vcpus[0], touch(hole, huge_size, true));
	TEST_ASSERT_EQ(*p, (DAX_GPA + hole) ^ SEED);

	/*
	 * One page in the middle of chunk j, which the guest mapped huge
	 * again above: it reads as zeroes, and what the guest writes there
	 * afterwards lands in the file.
	 */
	if (j == nr) {
		pr_info("punch_hole: no second huge chunk for a one-page hole\n");
		kvm_vm_free(vm);
		return;
	}
	off = j * huge_size + huge_size / 2;
	p = r->host_mem + off;
	n = huge_leaves(vm);
	kvm_fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		      PAGE_SIZE);
	after = huge_leaves(vm);
	pr_info("punch_hole: 4K hole at +%luK: huge leaves %lu -> %lu\n",
		off >> 10, n, after);
	TEST_ASSERT(!*p, "Punched page reads %lx, not zeroes", *p);
	run_job(vm, vcpus[0], touch(j * huge_size, huge_size, true));
	TEST_ASSERT_EQ(*p, (DAX_GPA + off) ^ SEED);
	kvm_vm_free(vm);
}

/*
 * Truncating the file under the guest zaps the tail; the guest touching it
 * again fails KVM_RUN cleanly, while the rest of the slot keeps working.
 */
static void test_truncate(void)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);
	u64 eof, n, below, after;
	int ret;

	/* Cut off the last two huge pages, or half of a smaller slot. */
	eof = slot_size > 2 * huge_size ? slot_size - 2 * huge_size :
					  slot_size / 2;
	n = host_huge_chunks(r, slot_size, NULL);
	below = host_huge_chunks(r, eof, NULL);
	run_job(vm, vcpus[0], touch(0, slot_size, true));
	TEST_ASSERT(huge_leaves(vm) == n, "%lu huge leaves, host maps %lu",
		    huge_leaves(vm), n);
	kvm_ftruncate(r->fd, eof);
	after = huge_leaves(vm);
	TEST_ASSERT(after <= below,
		    "%lu huge leaves after truncating to %lu of %lu below EOF",
		    after, below, n);

	jobs[0] = touch(eof, PAGE_SIZE, false);
	sync_global_to_guest(vm, jobs);
	ret = _vcpu_run(vcpus[0]);
	pr_info("truncate: guest read beyond EOF: KVM_RUN = %d, errno %d (%s)\n",
		ret, errno, strerror(errno));
	TEST_ASSERT(ret == -1 && errno == EFAULT,
		    "KVM_RUN beyond EOF: ret %d errno %d, want EFAULT", ret, errno);

	/* Another vCPU still reads and writes everything below EOF. */
	run_job(vm, vcpus[1], touch(0, eof, true));
	pr_info("truncate: to %luM of %luM: huge leaves %lu -> %lu, %lu after the guest wrote all below EOF\n",
		eof >> 20, slot_size >> 20, n, after, huge_leaves(vm));
	TEST_ASSERT(huge_leaves(vm) == below,
		    "%lu huge leaves below EOF, want %lu", huge_leaves(vm), below);
	kvm_vm_free(vm);
}

/*
 * The block device that holds the filesystem of @fd, opened for O_DIRECT
 * reads (no page cache of the device in the way).  The test needs read
 * access to it.
 */
static int open_fs_device(int fd)
{
	char path[128], line[128], name[64] = "";
	struct stat st;
	FILE *f;
	int dev;

	TEST_ASSERT(!fstat(fd, &st), "fstat failed");
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
		 major(st.st_dev), minor(st.st_dev));
	f = fopen(path, "re");
	TEST_ASSERT(f, "Cannot open %s: the file is on no block device?",
		    path);
	while (fgets(line, sizeof(line), f) &&
	       sscanf(line, "DEVNAME=%63s", name) != 1)
		;
	fclose(f);
	TEST_ASSERT(name[0], "No DEVNAME in %s", path);
	snprintf(path, sizeof(path), "/dev/%s", name);
	dev = open(path, O_RDONLY | O_DIRECT);
	TEST_ASSERT(dev >= 0, "Cannot open %s", path);
	return dev;
}

/*
 * How many of the region's pages do not hold what the guest wrote on the
 * filesystem's block device, at the physical offsets FIEMAP reports.  The
 * blocks are read without fs/dax.c (FIEMAP reports the filesystem's block
 * map, the block driver reads it), so a DAX fault path and pread() that
 * agree on the wrong blocks show here.  Pages in no extent count as wrong.
 */
static u64 bad_on_device(struct userspace_mem_region *r)
{
	const u64 chunk = SZ_2M, start = r->offset, end = start + slot_size;
	u64 seen = 0, bad = 0, i, off, lo, hi, n, p;
	struct fiemap *fm;
	u8 *buf = NULL;
	int dev, ret;

	dev = open_fs_device(r->fd);
	ret = posix_memalign((void **)&buf, PAGE_SIZE, chunk);
	TEST_ASSERT(!ret, "posix_memalign: %s", strerror(ret));
	fm = get_fiemap(r->fd, start, slot_size);
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];
		u64 e_start = e->fe_logical, e_end = e_start + e->fe_length;

		TEST_ASSERT(!(e->fe_flags & (FIEMAP_EXTENT_UNKNOWN |
					     FIEMAP_EXTENT_ENCODED |
					     FIEMAP_EXTENT_NOT_ALIGNED)),
			    "Extent at %llu (flags 0x%x): no plain device offset",
			    e->fe_logical, e->fe_flags);
		lo = max(e_start, start);
		hi = min(e_end, end);
		for (off = lo; off < hi; off += n) {
			n = min(chunk, hi - off);
			TEST_ASSERT(pread(dev, buf, n, e->fe_physical +
					  off - e_start) == (ssize_t)n,
				    "pread of the device failed");
			for (p = 0; p < n; p += PAGE_SIZE, seen++)
				bad += *(u64 *)(buf + p) !=
				       ((DAX_GPA + off - start + p) ^ SEED);
		}
	}
	free(fm);
	free(buf);
	close(dev);
	return bad + slot_size / PAGE_SIZE - seen;
}

/* What the guest wrote is in the backing store, read without the mapping. */
static void test_contents(void)
{
	u64 npages = slot_size / PAGE_SIZE, i, bad = 0, raw;
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);

	run_job(vm, vcpus[0], touch(0, slot_size, true));
	for (i = 0; i < npages; i++) {
		u64 want = (DAX_GPA + i * PAGE_SIZE) ^ SEED, got;

		if (fsdax)
			TEST_ASSERT(pread(r->fd, &got, sizeof(got),
					  r->offset + i * PAGE_SIZE) == sizeof(got),
				    "pread failed");
		else
			got = *(u64 *)(r->host_alias + i * PAGE_SIZE);
		bad += got != want;
	}
	pr_info("contents: %lu of %lu pages hold what the guest wrote (%s)\n",
		npages - bad, npages,
		fsdax ? "pread" : "second mapping");
	TEST_ASSERT(!bad, "%lu pages differ", bad);
	if (fsdax) {
		raw = bad_on_device(r);
		pr_info("contents: %lu of %lu pages hold it on the device (FIEMAP offsets)\n",
			npages - raw, npages);
		TEST_ASSERT(!raw, "%lu pages differ on the device", raw);
	}
	kvm_vm_free(vm);
}

static void on_alarm(int sig)
{
}

/*
 * KVM keeps no reference on a DAX page once its fault is handled.  Punch
 * out the huge page at @off, which the filesystem does only once none of
 * its pages is busy (dax_layout_busy_page()): a reference left behind
 * makes it wait forever, so give it 10 seconds.  This is the fault in the
 * middle of a huge page whose reference was dropped on the huge page's
 * first page instead.
 */
static void check_not_busy(struct userspace_mem_region *r, u64 off)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int ret;

	TEST_ASSERT(!sigaction(SIGALRM, &sa, NULL), "sigaction failed");
	alarm(10);
	ret = fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			off / huge_size * huge_size, huge_size);
	alarm(0);
	TEST_ASSERT(!ret,
		    "Punching out the huge page at +0x%lx: %s (a page left busy, i.e. a leaked reference?)",
		    off / huge_size * huge_size, strerror(errno));
}

/*
 * Code the VMM writes into the slot runs in the guest.  The fetch is the
 * first access to that huge page (create_vm() touches nothing in the slot),
 * so KVM maps it on an instruction fetch, executable, and as large as the
 * host maps it.
 */
static void test_exec(void)
{
	/* In the middle of a huge page, in the middle of the slot. */
	u64 off = slot_size / huge_size / 2 * huge_size + huge_size / 2 +
		       3 * PAGE_SIZE;
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm = create_vm(vcpus);
	struct userspace_mem_region *r = dax_region(vm);
	u64 want = arch_exec_maps_huge();

	memcpy(r->host_mem + off, call_code, sizeof(call_code));
	run_job(vm, vcpus[1], (struct guest_job){ .call = DAX_GPA + off });
	pr_info("exec: guest called code at gpa 0x%lx in DAX memory: returned %d, huge leaves %lu\n",
		(u64)DAX_GPA + off, CALL_RET, huge_leaves(vm));
	TEST_ASSERT(huge_leaves(vm) == want,
		    "Fetch from DAX memory mapped %lu huge leaves, want %lu",
		    huge_leaves(vm), want);
	if (fsdax)
		check_not_busy(r, off);
	kvm_vm_free(vm);
}

static void help(char *name)
{
	puts("");
	printf("usage: %s [-s fsdax|fsdax_1gb|devdax] [-m slot_MiB] [-c case]\n",
	       name);
	backing_src_help("-s");
	printf(" -m: memslot size in MiB (default: 512 for fsdax, 1024 otherwise)\n");
	printf(" -c: run only this case (see the comment at the top)\n");
	puts("");
	exit(0);
}

int main(int argc, char *argv[])
{
	static const struct {
		const char *name;
		void (*fn)(void);
		bool fsdax_only;
	} cases[] = {
		{ "huge_leaves", test_huge_leaves },
		{ "misaligned", test_misaligned },
		{ "dirty_log", test_dirty_log },
		{ "punch_hole", test_punch_hole, true },
		{ "truncate", test_truncate, true },
		{ "contents", test_contents },
		{ "exec", test_exec },
	};
	const char *only = NULL;
	u64 mib = 0;
	int opt, i;

	while ((opt = getopt(argc, argv, "hs:m:c:")) != -1) {
		switch (opt) {
		case 's':
			src = parse_backing_src_type(optarg);
			break;
		case 'm':
			mib = atoi_positive("Memslot size (MiB)", optarg);
			break;
		case 'c':
			only = optarg;
			break;
		default:
			help(argv[0]);
		}
	}
	__TEST_REQUIRE(is_backing_src_dax(src),
		       "Needs a DAX backing: -s fsdax, fsdax_1gb or devdax (see -h)");
	__TEST_REQUIRE(getpagesize() == PAGE_SIZE, "Needs %lu-byte host pages",
		       (unsigned long)PAGE_SIZE);
	fsdax = is_backing_src_fsdax(src);
	huge_size = get_backing_src_pagesz(src);
	arch_require_tdp(huge_size);
	slot_size = (mib ? mib : src == VM_MEM_SRC_FSDAX ? 512 : 1024) << 20;
	TEST_ASSERT(slot_size >= huge_size && !(slot_size % huge_size),
		    "-m %lu: the memslot must hold whole %lu MiB DAX pages",
		    slot_size >> 20, huge_size >> 20);

	for (i = 0; only && i < ARRAY_SIZE(cases); i++)
		if (!strcmp(only, cases[i].name))
			break;
	TEST_ASSERT(i < ARRAY_SIZE(cases), "-c %s: no such case", only);

	ksft_print_header();
	ksft_set_plan(only ? 1 : ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (only && strcmp(only, cases[i].name))
			continue;
		if (cases[i].fsdax_only && !fsdax) {
			ksft_test_result_skip("%s: needs a file (fsdax)\n",
					      cases[i].name);
			continue;
		}
		cases[i].fn();
		ksft_test_result_pass("%s\n", cases[i].name);
	}
	ksft_finished();
}
