// SPDX-License-Identifier: GPL-2.0
/*
 * daxrel - pull DAX memory out from under a running KVM guest.
 *
 *   daxrel [options] CASE PATH
 *
 * PATH is a file on a filesystem mounted -o dax or a device-dax character
 * device.  SIZE bytes of it are mapped shared, 1 GiB aligned, and become
 * memslot 1 at GPA 1 GiB of a VM with NVCPU vCPUs.  Each vCPU owns an equal
 * share of the slot and runs passes over it: pass P writes, into every
 * 4 KiB page, dword 0 = gpa ^ SEED and dword 1 = P, then exits to the VMM
 * (OUT to port 0x10).  The VMM can pause all vCPUs between passes.
 *
 * Every case starts the guest, waits until every vCPU has completed a pass
 * (the slot is mapped: KVM must show huge leaves), disturbs the memory as
 * the case says, then lets each vCPU run one more pass that starts after
 * the last disturbance ("clean pass") and checks that every page holds that
 * pass's pattern, through the mapping and, for files, through pread().
 * "No leaves" below means KVM's binary stats show pages_2m == pages_1g == 0
 * and at most LOW_LEAVES 4K leaves (slot 0, the guest's code).
 *
 * Cases:
 *   load      for -t seconds: dirty logging on (the dirty bitmap must hold
 *             every page whose contents changed; huge leaves split), then
 *             off with hole punches (files) or MADV_DONTNEED (devdax) of
 *             random 2M ranges while the vCPUs run (huge leaves come back)
 *   punch     random 2M hole punches while running; then, paused, the
 *             whole slot: no leaves
 *   dontneed  the same with MADV_DONTNEED in the VMM
 *   munmap    random 2M munmap+mmap while running; then, paused, munmap
 *             the slot: no leaves, every vCPU gets EFAULT from KVM_RUN;
 *             mmap again
 *   truncate  truncate the file to half the slot while running: the vCPUs
 *             beyond EOF get EFAULT, KVM maps nothing beyond EOF; extend
 *   memslot   delete and re-create, and move away and back, the slot while
 *             the vCPUs fault; then, paused, delete: no leaves
 *   hwpoison  MADV_HWPOISON on one page of the slot while paused: the VMM
 *             gets SIGBUS with BUS_MCEERR_AR at that address, and KVM's
 *             leaf over it is gone
 *   unbind    (device-dax, -u DEV) unbind DEV from device_dax while the
 *             guest runs: must complete within 30 s, every vCPU then gets
 *             EFAULT, no leaves; content is checked after a rebind by
 *             "daxrel verify"
 *   cycles    -n times: a new VM on the same mapping, one vCPU populates
 *             the slot, KVM must map it huge, the VM is destroyed
 *   write     one VM writes pass 1 over the slot, msync for files (durability)
 *   verify    no VM: every page of PATH holds what "write" (or the last
 *             pass of any case) left; prints a checksum
 *
 * After punch, dontneed, munmap, truncate, memslot and cycles on a file,
 * the whole slot range is punched out with a 10 s alarm: the filesystem
 * waits for DAX pages to become idle first (dax_layout_busy_page()), so
 * a page reference leaked by KVM fails this check (EINTR).
 *
 * Output: "daxrel: ok|FAIL ..." lines and a final key=value line; exit
 * status 0 when every check held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
#include <sys/wait.h>

#define VMM_DIE_PREFIX "daxrel: FAIL "
#include "vmm.h"

#define SZ_4K		0x1000UL
#define SZ_2M		0x200000UL
#define SZ_1G		0x40000000UL
#define SLOT_GPA	SZ_1G
#define CODE_GPA	0x1000UL
#define LOW_SIZE	0x10000UL
#define LOW_LEAVES	16
#define MAX_VCPUS	8
#define PASS_PORT	0x10

/*
 * 32-bit guest code at CODE_GPA: ebp = region gpa, edi = pages, edx = seed,
 * ebx = passes done.
 *   pass: inc ebx; mov esi,ebp; mov ecx,edi
 *   1:    mov eax,esi; xor eax,edx; mov [esi],eax; mov [esi+4],ebx
 *         add esi,0x1000; dec ecx; jnz 1b
 *         mov eax,ebx; out 0x10,eax; jmp pass
 */
static const uint8_t guest_code[] = {
	0x43, 0x89, 0xee, 0x89, 0xf9, 0x89, 0xf0, 0x31, 0xd0, 0x89, 0x06, 0x89,
	0x5e, 0x04, 0x81, 0xc6, 0x00, 0x10, 0x00, 0x00, 0x49, 0x75, 0xee, 0x89,
	0xd8, 0xe7, 0x10, 0xeb, 0xe3,
};

struct vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	uint32_t pass;		/* passes completed */
	uint32_t final;		/* the clean pass, once done */
	unsigned long efaults, mmio;
	bool parked, faulted;
};

static struct {
	int kvm, vm, stats, fd, nvcpu, mmap_sz;
	bool regular;
	uint8_t *low, *mem;
	uint64_t size;
	uint32_t seed;
	struct vcpu v[MAX_VCPUS];
} g;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_vcpu = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_main = PTHREAD_COND_INITIALIZER;
static bool pause_req, quiet;
static int failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("daxrel: %s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failed |= !ok;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct leaves { long long l4k, l2m, l1g; };

static struct leaves leaves(void)
{
	return (struct leaves){ vm_stat(g.stats, "pages_4k"),
				vm_stat(g.stats, "pages_2m"),
				vm_stat(g.stats, "pages_1g") };
}

static bool no_leaves(struct leaves l)
{
	return !l.l2m && !l.l1g && l.l4k <= LOW_LEAVES;
}

static uint64_t mapped_bytes(struct leaves l)
{
	return l.l4k * SZ_4K + l.l2m * SZ_2M + l.l1g * SZ_1G;
}

static void set_slot(uint64_t gpa, uint64_t size, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = 1, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)g.mem,
	};

	if (ioctl(g.vm, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION slot 1 gpa %#lx size %#lx flags %u",
		    (unsigned long)gpa, (unsigned long)size, flags);
}

static void map_slot_range(uint64_t off, uint64_t len)
{
	if (mmap(g.mem + off, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 g.fd, off) != g.mem + off)
		die("mmap +%#lx", (unsigned long)off);
}

static void open_backing(const char *path)
{
	struct stat st;
	void *resv;

	g.fd = open(path, O_RDWR);
	if (g.fd < 0)
		die("open %s", path);
	if (fstat(g.fd, &st))
		die("stat %s", path);
	g.regular = S_ISREG(st.st_mode);
	if (g.regular && (uint64_t)st.st_size < g.size && ftruncate(g.fd, g.size))
		die("ftruncate %s", path);
	resv = mmap(NULL, g.size + SZ_1G, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		die("reserve address space");
	g.mem = (uint8_t *)(((uintptr_t)resv + SZ_1G - 1) & ~(SZ_1G - 1));
	map_slot_range(0, g.size);
}

static void vcpu_regs(struct vcpu *v)
{
	uint64_t share = g.size / g.nvcpu;
	struct kvm_regs regs;

	set_flat_pm32(v->fd);
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 2;
	regs.rbp = SLOT_GPA + v->id * share;
	regs.rdi = share / SZ_4K;
	regs.rdx = g.seed;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");
}

static void create_vm(int nvcpu)
{
	struct kvm_userspace_memory_region r;
	int i;

	g.nvcpu = nvcpu;
	g.vm = ioctl(g.kvm, KVM_CREATE_VM, 0);
	if (g.vm < 0)
		die("KVM_CREATE_VM");
	ioctl(g.vm, KVM_SET_TSS_ADDR, 0xfffbd000);
	if (!g.low) {
		g.low = mmap(NULL, LOW_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (g.low == MAP_FAILED)
			die("mmap low memory");
		memcpy(g.low + CODE_GPA, guest_code, sizeof(guest_code));
	}
	r = (struct kvm_userspace_memory_region){
		.slot = 0, .memory_size = LOW_SIZE, .userspace_addr = (uintptr_t)g.low,
	};
	if (ioctl(g.vm, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION slot 0");
	set_slot(SLOT_GPA, g.size, 0);
	g.stats = ioctl(g.vm, KVM_GET_STATS_FD, 0);
	if (g.stats < 0)
		die("KVM_GET_STATS_FD");
	for (i = 0; i < nvcpu; i++) {
		struct vcpu *v = &g.v[i];

		memset(v, 0, sizeof(*v));
		v->id = i;
		v->fd = ioctl(g.vm, KVM_CREATE_VCPU, i);
		if (v->fd < 0)
			die("KVM_CREATE_VCPU %d", i);
		v->run = mmap(NULL, g.mmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED,
			      v->fd, 0);
		if (v->run == MAP_FAILED)
			die("mmap kvm_run");
		vcpu_regs(v);
	}
}

static void destroy_vm(void)
{
	int i;

	for (i = 0; i < g.nvcpu; i++) {
		munmap(g.v[i].run, g.mmap_sz);
		close(g.v[i].fd);
	}
	close(g.stats);
	close(g.vm);
}

/*
 * Run @v until it completes a pass.  Returns 0 then, or the errno of a
 * failed KVM_RUN.  MMIO exits (the slot is deleted or moved) are skipped.
 */
static int run_pass(struct vcpu *v)
{
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno;
		}
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			if (v->run->io.port != PASS_PORT)
				break;
			v->pass = *(uint32_t *)((uint8_t *)v->run + v->run->io.data_offset);
			return 0;
		case KVM_EXIT_MMIO:
			v->mmio++;
			continue;
		}
		errno = 0;
		die("vCPU %d: unexpected exit reason %u", v->id, v->run->exit_reason);
	}
}

static void park(struct vcpu *v, bool faulted)
{
	pthread_mutex_lock(&lock);
	v->parked = true;
	v->faulted = faulted;
	pthread_cond_broadcast(&cv_main);
	while (pause_req || v->faulted)
		pthread_cond_wait(&cv_vcpu, &lock);
	v->parked = false;
	pthread_mutex_unlock(&lock);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	/* Clean: this pass started after finish() (re-read at each pass start). */
	bool clean = __atomic_load_n(&quiet, __ATOMIC_ACQUIRE);

	for (;;) {
		int err = run_pass(v);

		/* After EFAULT the vCPU goes on with the same pass. */
		if (err) {
			if (err != EFAULT) {
				errno = err;
				die("vCPU %d: KVM_RUN", v->id);
			}
			v->efaults++;
			park(v, true);
			continue;
		}
		if (clean) {
			v->final = v->pass;	/* read after pthread_join() */
			return NULL;
		}
		if (__atomic_load_n(&pause_req, __ATOMIC_ACQUIRE))
			park(v, false);
		clean = __atomic_load_n(&quiet, __ATOMIC_ACQUIRE);
	}
}

static void start_vcpus(void)
{
	int i;

	quiet = false;
	pause_req = false;
	for (i = 0; i < g.nvcpu; i++)
		if (pthread_create(&g.v[i].thread, NULL, vcpu_thread, &g.v[i]))
			die("pthread_create");
}

/* Wait until every vCPU is parked (at a pass end, or after EFAULT). */
static void pause_all(void)
{
	int i, n;

	pthread_mutex_lock(&lock);
	__atomic_store_n(&pause_req, true, __ATOMIC_RELEASE);
	for (;;) {
		for (i = n = 0; i < g.nvcpu; i++)
			n += g.v[i].parked;
		if (n == g.nvcpu)
			break;
		pthread_cond_wait(&cv_main, &lock);
	}
	pthread_mutex_unlock(&lock);
}

static void resume_all(void)
{
	int i;

	pthread_mutex_lock(&lock);
	__atomic_store_n(&pause_req, false, __ATOMIC_RELEASE);
	for (i = 0; i < g.nvcpu; i++)
		g.v[i].faulted = false;
	pthread_cond_broadcast(&cv_vcpu);
	pthread_mutex_unlock(&lock);
}

static uint32_t min_pass(void)
{
	uint32_t m = UINT32_MAX;
	int i;

	for (i = 0; i < g.nvcpu; i++)
		if (__atomic_load_n(&g.v[i].pass, __ATOMIC_RELAXED) < m)
			m = g.v[i].pass;
	return m;
}

/* Wait until every vCPU has completed pass @p (or @secs passed). */
static bool wait_pass(uint32_t p, double secs)
{
	double end = now() + secs;

	while (min_pass() < p) {
		if (now() > end)
			return false;
		usleep(10000);
	}
	return true;
}

/* The clean pass: every vCPU runs one pass that starts after this call. */
static void finish(void)
{
	int i;

	__atomic_store_n(&quiet, true, __ATOMIC_RELEASE);
	resume_all();
	for (i = 0; i < g.nvcpu; i++)
		pthread_join(g.v[i].thread, NULL);
}

/* Every page of the slot holds the pattern of its vCPU's clean pass. */
static void verify_slot(const char *when)
{
	uint64_t pages = g.size / SZ_4K, per = pages / g.nvcpu, i, bad = 0, badp = 0;
	uint32_t buf[2];

	for (i = 0; i < pages; i++) {
		uint32_t want0 = (uint32_t)(SLOT_GPA + i * SZ_4K) ^ g.seed;
		uint32_t want1 = g.v[i / per].final;
		uint32_t *p = (uint32_t *)(g.mem + i * SZ_4K);

		if (p[0] != want0 || p[1] != want1)
			bad++;
		if (g.regular) {
			if (pread(g.fd, buf, sizeof(buf), i * SZ_4K) != sizeof(buf))
				die("pread");
			if (buf[0] != want0 || buf[1] != want1)
				badp++;
		}
	}
	check(!bad && !badp, "%s: %lu/%lu pages hold the clean pass's pattern through the mapping%s",
	      when, (unsigned long)(pages - bad), (unsigned long)pages,
	      !g.regular ? "" : badp ? ", NOT through pread" : " and through pread");
}

static void check_huge(const char *when)
{
	struct leaves l = leaves();

	check(l.l2m + l.l1g > 0 && mapped_bytes(l) >= g.size,
	      "%s: KVM maps the slot huge: pages_4k=%lld pages_2m=%lld pages_1g=%lld",
	      when, l.l4k, l.l2m, l.l1g);
}

static void check_gone(const char *when)
{
	struct leaves l = leaves();

	check(no_leaves(l), "%s: KVM's leaves are gone: pages_4k=%lld pages_2m=%lld pages_1g=%lld",
	      when, l.l4k, l.l2m, l.l1g);
}

static uint64_t rand_2m(void)
{
	return (uint64_t)(random() % (g.size / SZ_2M)) * SZ_2M;
}

static void on_alarm(int sig) { (void)sig; }

/* fallocate(PUNCH_HOLE) with a @secs alarm: -1 and EINTR if it is still waiting. */
static int punch_timed(uint64_t off, uint64_t len, unsigned int secs)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int r;

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: EINTR */
	alarm(secs);
	r = fallocate(g.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
	alarm(0);
	return r;
}

/*
 * A hole punch while the vCPUs run, with a 30 s alarm: the filesystem's
 * layout break waits for busy DAX pages, and one that never sees the page
 * idle would otherwise hang the case (and the suite) without a word.
 */
static void punch(uint64_t off, uint64_t len)
{
	if (!punch_timed(off, len, 30))
		return;
	if (errno == EINTR)
		die("punch hole +%#lx len %#lx: still waiting for a busy DAX page after 30 s (the layout break never saw it idle)",
		    (unsigned long)off, (unsigned long)len);
	die("punch hole +%#lx len %#lx", (unsigned long)off, (unsigned long)len);
}

static void dontneed(uint64_t off, uint64_t len)
{
	if (madvise(g.mem + off, len, MADV_DONTNEED))
		die("MADV_DONTNEED +%#lx", (unsigned long)off);
}

/* Punch out the slot's range with a 10 s alarm: fails if a page stays busy. */
static void check_idle(const char *when)
{
	double t0 = now();
	int r;

	if (!g.regular)
		return;
	r = punch_timed(0, g.size, 10);
	check(!r, "%s: punching out the slot's range found no busy DAX page (%.2f s%s%s)",
	      when, now() - t0, r ? ", " : "", r ? strerror(errno) : "");
}

/* ---- load ---------------------------------------------------------------- */

/* @v[i]: the pass number the guest last wrote into page i. */
static void read_passes(uint32_t *v)
{
	uint64_t i;

	for (i = 0; i < g.size / SZ_4K; i++)
		v[i] = *(volatile uint32_t *)(g.mem + i * SZ_4K + 4);
}

#define SWAP(a, b) do { __typeof__(a) t_ = (a); (a) = (b); (b) = t_; } while (0)

static void case_load(double secs)
{
	uint64_t pages = g.size / SZ_4K, words = (pages + 63) / 64, i;
	uint64_t *b_prev = calloc(words, 8), *b_cur = calloc(words, 8);
	uint32_t *v_prev2 = calloc(pages, 4), *v_prev = calloc(pages, 4);
	uint32_t *v_cur = calloc(pages, 4);
	unsigned long rounds = 0, changed = 0, logged = 0, missed = 0, phases = 0;
	unsigned long disturbed = 0, split = 0, rehuge = 0;
	double end = now() + secs;

	if (!b_prev || !b_cur || !v_prev2 || !v_prev || !v_cur)
		die("calloc");
	while (now() < end) {
		struct kvm_dirty_log dl = { .slot = 1 };
		struct leaves l;
		uint32_t p;
		int k;

		phases++;
		/*
		 * Phase A: dirty logging, 6 collections 300 ms apart.  v_cur is
		 * read right after logging is on and after each collection;
		 * the check needs two collections and three reads.
		 */
		set_slot(SLOT_GPA, g.size, KVM_MEM_LOG_DIRTY_PAGES);
		read_passes(v_cur);
		for (k = 1; k <= 6; k++) {
			usleep(300000);
			SWAP(b_prev, b_cur);
			memset(b_cur, 0, words * 8);
			dl.dirty_bitmap = b_cur;
			if (ioctl(g.vm, KVM_GET_DIRTY_LOG, &dl))
				die("KVM_GET_DIRTY_LOG");
			SWAP(v_prev2, v_prev);
			SWAP(v_prev, v_cur);
			read_passes(v_cur);
			for (i = 0; i < pages; i++)
				logged += !!(b_cur[i / 64] & (1ULL << (i % 64)));
			if (k == 1)
				continue;
			/*
			 * A page that changed between the reads before and
			 * after the previous collection was written after
			 * logging was on, so it is in that collection's
			 * bitmap or, written after it, in this one's.
			 */
			for (i = 0; i < pages; i++) {
				bool dirty = (b_prev[i / 64] | b_cur[i / 64]) & (1ULL << (i % 64));

				if (v_prev[i] == v_prev2[i])
					continue;
				changed++;
				if (!dirty && missed++ < 5)
					printf("daxrel: page %#lx changed (pass %u -> %u) but was not logged\n",
					       (unsigned long)i, v_prev2[i], v_prev[i]);
			}
			rounds++;
		}
		l = leaves();
		split += l.l4k > LOW_LEAVES;
		/* Phase B: logging off, then disturb for 1 s, then a full pass. */
		set_slot(SLOT_GPA, g.size, 0);
		p = min_pass();
		if (!wait_pass(p + 2, 60))
			die("vCPUs made no progress after dirty logging");
		l = leaves();
		rehuge += l.l2m + l.l1g > 0;
		for (double t = now() + 1; now() < t; disturbed++) {
			if (g.regular)
				punch(rand_2m(), SZ_2M);
			else
				dontneed(rand_2m(), SZ_2M);
			usleep(20000);
		}
		if (!wait_pass(min_pass() + 1, 60))
			die("vCPUs made no progress after disturbing");
	}
	check(rounds > 0 && changed > 0 && !missed,
	      "load: dirty bitmap: %lu pages changed in %lu collections, %lu bits logged, %lu changed pages not logged",
	      changed, rounds, logged, missed);
	check(split == phases && rehuge == phases,
	      "load: %lu phases: huge leaves split under dirty logging in %lu, back after it in %lu; %lu ranges %s",
	      phases, split, rehuge, disturbed, g.regular ? "punched" : "MADV_DONTNEED'd");
	free(b_prev);
	free(b_cur);
	free(v_prev2);
	free(v_prev);
	free(v_cur);
}

/* ---- cases with a running guest ---------------------------------------- */

static void case_disturb(const char *cs, double secs)
{
	double end = now() + secs;
	unsigned long n = 0, mmio = 0;
	int i;

	if (!strcmp(cs, "punch") || !strcmp(cs, "dontneed")) {
		bool p = !strcmp(cs, "punch");

		for (; now() < end; n++) {
			if (p)
				punch(rand_2m(), SZ_2M);
			else
				dontneed(rand_2m(), SZ_2M);
			usleep(10000);
		}
		pause_all();
		if (p)
			punch(0, g.size);
		else
			dontneed(0, g.size);
		check_gone(cs);
		check(true, "%s: %lu random 2M ranges while the vCPUs ran", cs, n);
	} else if (!strcmp(cs, "munmap")) {
		for (; now() < end; n++) {
			uint64_t off = rand_2m();

			if (munmap(g.mem + off, SZ_2M))
				die("munmap");
			usleep(5000);
			map_slot_range(off, SZ_2M);
			resume_all();	/* vCPUs that got EFAULT meanwhile */
			usleep(10000);
		}
		pause_all();
		if (munmap(g.mem, g.size))
			die("munmap");
		check_gone("munmap");
		for (i = 0; i < g.nvcpu; i++)
			g.v[i].efaults = 0;
		resume_all();
		usleep(200000);
		pause_all();
		for (i = n = 0; i < g.nvcpu; i++)
			n += g.v[i].efaults > 0;
		check(n == (unsigned long)g.nvcpu,
		      "munmap: %lu of %d vCPUs got EFAULT from KVM_RUN on the unmapped slot", n, g.nvcpu);
		map_slot_range(0, g.size);
	} else if (!strcmp(cs, "truncate")) {
		uint64_t half = g.size / 2;
		struct leaves l;

		usleep(200000);
		if (ftruncate(g.fd, half))
			die("ftruncate");
		usleep(500000);
		pause_all();
		l = leaves();
		for (i = n = 0; i < g.nvcpu; i++)
			if (i >= g.nvcpu / 2)
				n += g.v[i].efaults > 0;
		check(n == (unsigned long)(g.nvcpu - g.nvcpu / 2),
		      "truncate: %lu of %d vCPUs beyond EOF got EFAULT from KVM_RUN", n,
		      g.nvcpu - g.nvcpu / 2);
		check(mapped_bytes(l) <= half + LOW_LEAVES * SZ_4K,
		      "truncate: KVM maps %llu MiB, the file has %llu MiB: pages_4k=%lld pages_2m=%lld pages_1g=%lld",
		      (unsigned long long)mapped_bytes(l) >> 20, (unsigned long long)half >> 20,
		      l.l4k, l.l2m, l.l1g);
		if (ftruncate(g.fd, g.size))
			die("ftruncate");
	} else {	/* memslot: main() let no other case name through */
		for (; now() < end; n++) {
			if (n % 2) {
				set_slot(SLOT_GPA, 0, 0);	/* delete */
				usleep(5000);
				set_slot(SLOT_GPA, g.size, 0);
			} else {
				set_slot(2 * SZ_1G, g.size, 0);	/* move */
				usleep(5000);
				set_slot(SLOT_GPA, g.size, 0);
			}
			usleep(20000);
		}
		pause_all();
		set_slot(SLOT_GPA, 0, 0);
		check_gone("memslot");
		set_slot(SLOT_GPA, g.size, 0);
		for (i = 0; i < g.nvcpu; i++)
			mmio += g.v[i].mmio;
		check(true, "memslot: %lu deletes/moves while the vCPUs ran (MMIO exits meanwhile: %lu)",
		      n, mmio);
	}
}

static volatile sig_atomic_t sigbus_code;
static void *volatile sigbus_addr;
static volatile sig_atomic_t sigbus_lsb;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	sigbus_code = si->si_code;
	sigbus_addr = si->si_addr;
	sigbus_lsb = si->si_addr_lsb;
}

static void case_hwpoison(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	uint8_t *page = g.mem + g.size / 2 + 3 * SZ_4K;
	struct leaves before, after;
	int r;

	pause_all();
	before = leaves();
	sigaction(SIGBUS, &sa, NULL);
	r = madvise(page, SZ_4K, MADV_HWPOISON);
	after = leaves();
	check(!r, "hwpoison: madvise(MADV_HWPOISON) at slot +%#lx returned %d%s%s",
	      (unsigned long)(page - g.mem), r, r ? ": " : "", r ? strerror(errno) : "");
	/* si_addr and si_addr_lsb give the poisoned mapping: it covers the page. */
	check(sigbus_code == BUS_MCEERR_AR && sigbus_lsb >= 12 && sigbus_lsb <= 30 &&
	      (uint8_t *)sigbus_addr <= page &&
	      page - (uint8_t *)sigbus_addr < (1L << sigbus_lsb),
	      "hwpoison: the VMM got SIGBUS code %d (BUS_MCEERR_AR is %d) at %p, addr_lsb %d (page %p)",
	      (int)sigbus_code, BUS_MCEERR_AR, sigbus_addr, (int)sigbus_lsb, page);
	check(after.l2m * SZ_2M + after.l1g * SZ_1G < before.l2m * SZ_2M + before.l1g * SZ_1G,
	      "hwpoison: KVM's huge leaf over the page is gone: pages_2m %lld -> %lld, pages_1g %lld -> %lld",
	      before.l2m, after.l2m, before.l1g, after.l1g);
}

static void case_unbind(const char *dev)
{
	char buf[256];
	pid_t pid;
	double t0;
	int st = -1, i, n, fd;

	usleep(200000);
	t0 = now();
	pid = fork();
	if (pid == 0) {
		fd = open("/sys/bus/dax/drivers/device_dax/unbind", O_WRONLY);
		_exit(fd < 0 || write(fd, dev, strlen(dev)) != (ssize_t)strlen(dev));
	}
	while (now() < t0 + 30 && waitpid(pid, &st, WNOHANG) == 0)
		usleep(20000);
	snprintf(buf, sizeof(buf), "%.2f s", now() - t0);
	check(WIFEXITED(st) && !WEXITSTATUS(st),
	      "unbind: %s unbound from device_dax while the guest ran (%s)", dev,
	      st == -1 ? "still blocked after 30 s" : buf);
	if (st == -1)
		exit(1);
	usleep(300000);
	pause_all();
	for (i = n = 0; i < g.nvcpu; i++)
		n += g.v[i].efaults > 0;
	check(n == g.nvcpu, "unbind: %d of %d vCPUs got EFAULT from KVM_RUN", n, g.nvcpu);
	check_gone("unbind");
}

static void case_cycles(int cycles)
{
	uint64_t want = g.size;
	int c, bad = 0;
	struct leaves l = { 0 };

	for (c = 0; c < cycles; c++) {
		create_vm(1);
		if (run_pass(&g.v[0]))
			die("cycle %d: KVM_RUN", c);
		l = leaves();
		if (!(l.l2m + l.l1g > 0 && mapped_bytes(l) >= want)) {
			if (bad++ < 3)
				printf("daxrel: cycle %d: pages_4k=%lld pages_2m=%lld pages_1g=%lld\n",
				       c, l.l4k, l.l2m, l.l1g);
		}
		destroy_vm();
		if (c % 2) {	/* and a new mapping every other cycle */
			if (munmap(g.mem, g.size))
				die("munmap");
			map_slot_range(0, g.size);
		}
	}
	check(!bad, "cycles: %d VMs created, populated huge and destroyed on one DAX mapping (%d bad; last pages_4k=%lld pages_2m=%lld pages_1g=%lld)",
	      cycles, bad, l.l4k, l.l2m, l.l1g);
}

/* ---- no VM: the durable contents ----------------------------------------- */

static void case_verify(void)
{
	uint64_t pages = g.size / SZ_4K, i, bad = 0, sum = 1469598103934665603ULL;
	uint32_t lo = UINT32_MAX, hi = 0, w[2];

	for (i = 0; i < pages; i++) {
		uint32_t want0 = (uint32_t)(SLOT_GPA + i * SZ_4K) ^ g.seed;

		if (g.regular) {
			if (pread(g.fd, w, sizeof(w), i * SZ_4K) != sizeof(w))
				die("pread");
		} else {
			memcpy(w, g.mem + i * SZ_4K, sizeof(w));
		}
		if (w[0] != want0 || !w[1]) {
			if (bad++ < 3)
				printf("daxrel: page %#lx holds %#x/%u, want %#x and a pass\n",
				       (unsigned long)i, w[0], w[1], want0);
		}
		lo = w[1] < lo ? w[1] : lo;
		hi = w[1] > hi ? w[1] : hi;
		sum = (sum ^ w[0] ^ ((uint64_t)w[1] << 32)) * 1099511628211ULL;
	}
	check(!bad, "verify: %lu/%lu pages hold gpa^seed and a pass (passes %u..%u) via %s",
	      (unsigned long)(pages - bad), (unsigned long)pages, lo, hi,
	      g.regular ? "pread" : "mmap");
	printf("sum=%016llx\n", (unsigned long long)sum);
}

static void usage(void)
{
	fprintf(stderr, "usage: daxrel [-s SIZE] [-v NVCPU] [-t SECS] [-n CYCLES] [-S SEED] [-u DEV]\n"
		"              load|punch|dontneed|munmap|truncate|memslot|hwpoison|unbind|cycles|write|verify PATH\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cs, *path, *dev = NULL;
	int opt, nvcpu = 4, cycles = 200;
	double secs = 10, t0 = now();

	g.size = 256UL << 20;
	g.seed = 0x5a5a0000;
	while ((opt = getopt(argc, argv, "s:v:t:n:S:u:")) != -1) {
		switch (opt) {
		case 's': g.size = parse_size(optarg); break;
		case 'v': nvcpu = atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'n': cycles = atoi(optarg); break;
		case 'S': g.seed = strtoul(optarg, NULL, 0); break;
		case 'u': dev = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 2)
		usage();
	cs = argv[optind];
	path = argv[optind + 1];
	errno = 0;
	{
		char word[32];

		snprintf(word, sizeof(word), " %s ", cs);
		if (!strstr(" load punch dontneed munmap truncate memslot hwpoison unbind cycles write verify ",
			    word) || strchr(cs, ' '))
			usage();
	}
	if (nvcpu < 1 || nvcpu > MAX_VCPUS || !g.size || g.size % (SZ_2M * nvcpu) ||
	    g.size > 2 * SZ_1G)
		die("need 1..%d vCPUs and a slot of at most 2G in 2M units per vCPU", MAX_VCPUS);
	srandom(getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	open_backing(path);
	if (!strcmp(cs, "verify")) {
		case_verify();
		return failed;
	}
	g.kvm = open("/dev/kvm", O_RDWR);
	if (g.kvm < 0)
		die("open /dev/kvm");
	g.mmap_sz = ioctl(g.kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (!strcmp(cs, "cycles")) {
		case_cycles(cycles);
		check_idle("cycles");
		goto out;
	}
	if (!strcmp(cs, "write")) {
		create_vm(1);
		if (run_pass(&g.v[0]))
			die("KVM_RUN");
		destroy_vm();
		/* device-dax has no page cache to write back: msync is for files. */
		check(!g.regular || !msync(g.mem, g.size, MS_SYNC),
		      "write: pass 1 written by the guest%s", g.regular ? ", msync" : "");
		goto out;
	}
	if (!strcmp(cs, "unbind") && (!dev || g.regular)) {
		errno = 0;
		die("unbind needs a device-dax PATH and -u DEV");
	}
	create_vm(nvcpu);
	start_vcpus();
	if (!wait_pass(1, 120))
		die("the vCPUs did not complete a pass in 120 s");
	check_huge("populated");
	if (!strcmp(cs, "load"))
		case_load(secs);
	else if (!strcmp(cs, "hwpoison"))
		case_hwpoison();
	else if (!strcmp(cs, "unbind"))
		case_unbind(dev);
	else
		case_disturb(cs, secs);
	if (!strcmp(cs, "unbind"))
		goto out;	/* the device is gone; the caller rebinds and verifies */
	finish();
	verify_slot(cs);
	destroy_vm();
	if (strcmp(cs, "load") && strcmp(cs, "hwpoison"))
		check_idle(cs);
out:
	printf("daxrel: case=%s backing=%s size_mib=%llu vcpus=%d secs=%.1f result=%s\n", cs, path,
	       (unsigned long long)g.size >> 20, g.nvcpu, now() - t0, failed ? "FAIL" : "ok");
	if (!strcmp(cs, "unbind"))
		_exit(failed);	/* vCPU threads are parked on a dead device */
	return failed;
}
