// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pud: is a 1 GiB file on a filesystem mounted -o dax mapped with one
 * PUD, and do the data-integrity paths hold for such a mapping?
 *
 *   dax_pud map FILE SEED      the whole check sequence below (FILE: 1 GiB)
 *   dax_pud verify FILE SEED   the file holds pattern SEED (after a remount)
 *   dax_pud busy FILE 0        a pinned page in a PUD mapping holds off a
 *                              punch, also when a fault maps it again
 *   dax_pud sync FILE SEED     MAP_SYNC PUD faults (writes pattern SEED)
 *   dax_pud truncate FILE SEED truncate to 512 MiB while PUD-mapped
 *   dax_pud clone FILE SEED    FICLONE FILE to FILE.clone while PUD-mapped,
 *                              then a copy-on-write through the mapping
 *   dax_pud clonecheck FILE SEED  both files' data after "clone" (and a
 *                              remount)
 *   dax_pud alloc FILE 0       one 4K store through a 1G-aligned mapping of a
 *                              new sparse 1 GiB FILE (created, then removed)
 *                              allocates at most 2 MiB
 *   dax_pud nopud FILE 0       FILE (1 GiB, one 1G-aligned extent) of a
 *                              filesystem that takes no PUD faults (erofs)
 *                              is mapped with PMDs
 *   dax_pud poison FILE 0      MADV_HWPOISON on one page of FILE mapped with
 *                              one PUD (1 GiB FILE) or PMDs (4 MiB FILE): the
 *                              kernel poisons that page (its pfn in the log,
 *                              its address in the SIGBUS), not the first
 *                              page of the huge entry
 *   dax_pud fork FILE SEED     fork() of a private PUD mapping that has an
 *                              anonymous page: the child's mapping is
 *                              accounted as its own (writes pattern SEED)
 *   dax_pud misaligned FILE SEED  a second mapping of a PUD-mapped FILE at
 *                              an address 2M- but not 1G-aligned takes
 *                              PMDs, and writeback write-protects them all
 *                              (uses patterns SEED and SEED+1)
 *   dax_pud split FILE SEED    a VMA split inside a PUD mapping splits the
 *                              PUD: at 2 MiB (the GiB is then read with
 *                              PMDs), and at 4 KiB
 *   dax_pud mremap FILE SEED   mremap() moves a PUD mapping whole, and
 *                              splits it where a part of it moves
 *   dax_pud swapoff FILE SEED  swapoff() while a private PUD mapping's
 *                              anonymous page is swapped out leaves the PUD
 *                              ($DAX_PUD_SWAP: a swap device, mkswap'ed)
 *   dax_pud protnone FILE 0    mprotect(PROT_NONE) of a PUD mapping and
 *                              back keeps the PUD; while PROT_NONE, GUP-fast
 *                              pins none of it and ptrace() reads it
 *                              (a FAIL can leave a reference to FILE
 *                              behind: use a scratch filesystem, reboot)
 *   dax_pud walk FILE SEED     page-table walks that look at PMDs and PTEs
 *                              only (MADV_COLD, MADV_PAGEOUT, clear_refs,
 *                              PAGEMAP_SCAN) leave a PUD mapping in place
 *                              and report it, and mincore() sees it
 *   dax_pud smaps FILE SEED    smaps of FILE mapped 8 times with one PUD
 *                              each: an eighth of the Rss is each one's
 *                              Pss, and reading it costs no pass over
 *                              each page
 *   dax_pud rwp - 0            a read through GUP of a 1 GiB hugetlb page
 *                              that userfaultfd read-write-protects takes
 *                              the RWP fault (DAX cannot be registered for
 *                              RWP; the PUD-level GUP check is the same;
 *                              needs a free 1 GiB hugetlb page)
 *   dax_pud cowbusy FILE SEED  a copy-on-write fault over the PMD entry of
 *                              a page that GUP holds waits for the page
 *                              without spinning, then completes (clones
 *                              FILE to FILE.clone, removed at the end)
 *   dax_pud cowfull FILE SEED  a 4 KiB copy-on-write write to FILE, cloned,
 *                              with all but 64 MiB of the space taken (by
 *                              FILE.fill), succeeds: pwrite() and a store
 *                              (both files removed at the end)
 *   dax_pud remap FILE SEED    read faults on the source of a remap
 *                              (FICLONERANGE) while it runs, then the
 *                              clone's PMD faults on the shared blocks
 *                              (FILE and FILE.clone are created, and removed)
 *   dax_pud evict FILE SEED    a truncate of FILE, then its last close
 *                              once unlinked, wait for a page of it that
 *                              a pipe holds, and return once the pipe is
 *                              drained, while FILE.clone maps the same
 *                              blocks (FILE and FILE.clone are removed)
 *
 * FILE's first GiB must be one extent at a 1G-aligned address of a pmem
 * namespace aligned to 1G (ndctl create-namespace -m fsdax -a 1G), on a
 * filesystem that allocates it so (Documentation/virt/kvm/dax.rst has
 * recipes for xfs and ext4); "remap" writes its own FILE and skips unless
 * FILE's second GiB takes a PUD.  The steps between the calls (remounts, a
 * fresh file for each) are the caller's.  A FILE that is not DAX, a
 * filesystem without reflink ("clone", "remap", "evict") or MAP_SYNC
 * ("sync"), and
 * a caller without CAP_SYS_ADMIN or a kernel without memory failure
 * ("poison") skip.
 *
 * The size of a mapping cannot be read back from /proc (smaps counts a PUD
 * as 512 PMDs would be counted, and pagemap reports pages), so it is
 * observed by its cost: touching every 4 KiB page of 1 GiB takes 1 fault
 * when it is one PUD, 512 with PMDs and 262144 with PTEs (getrusage(),
 * minor and major faults).
 *
 * map: pwrite pattern SEED-1 (allocates written extents); mmap shared, the
 * address must be 1 GiB aligned (get_unmapped_area), and a second mmap() at
 * a hint that PMD padding fits must keep the hint; read every page (1
 * fault); smaps counts the GiB and pagemap reports its pfns, and reading
 * them or numa_maps leaves the PUD mapped (reading the GiB again takes no
 * fault); write pattern SEED everywhere
 * (1 more fault: the write fault on the read-only PUD); msync(MS_SYNC),
 * then read again (no fault: the sync write-protects the PUD, it does not
 * unmap it) and write again (one write-protect fault, so the later write
 * is tracked again); msync, and a write faults once more (that fault
 * dirtied the entry); pread sees the pattern; punch a 2 MiB hole while
 * mapped (zeros there, the rest intact).
 *
 * Output: TAP, one test per check (what was measured on a "# " line before
 * it), and "# key=value" lines of the counts; exits with KSFT_PASS when
 * every check held.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/userfaultfd.h>

#include "../kselftest.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX	0x00200000
#endif

#define SZ_1G	(1024UL * 1024 * 1024)
#define SZ_2M	(2UL * 1024 * 1024)
#define PG	4096UL

/* Accesses the compiler must make as written: each of them may fault. */
#define READ_WORD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define WRITE_WORD(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

static sigjmp_buf jb;

/* One TAP test named WHAT, after a "# WHAT: DETAIL" line. */
static void __printf(3, 4) check(int ok, const char *what, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ksft_print_msg("%s: %s\n", what, detail);
	ksft_test_result(ok, "%s\n", what);
}

/*
 * Skip the rest of a mode once some checks have run: the result so far
 * stands (a failure stays a failure).
 */
static void __noreturn skip_rest(const char *why)
{
	ksft_test_result_skip("%s\n", why);
	ksft_set_plan(ksft_test_num());
	ksft_print_cnts();
	exit(ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_SKIP);
}

/* "ok", or the error of the call that just returned @r. */
static const char *err(int r)
{
	return r ? strerror(errno) : "ok";
}

/* Seconds from @a to @b (CLOCK_MONOTONIC readings). */
static double elapsed_s(const struct timespec *a, const struct timespec *b)
{
	return b->tv_sec - a->tv_sec + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Faults so far: a DAX fault that allocates blocks counts as major. */
static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static inline int aligned(const void *p, size_t size)
{
	return !((uintptr_t)p & (size - 1));
}

static inline uint64_t pat(uint64_t seed, uint64_t off)
{
	return (off * 0x9e3779b97f4a7c15ULL) ^ seed;
}

/* Write pattern SEED into the first word of every 4K page of [from, to). */
static void fill(uint64_t *m, size_t from, size_t to, uint64_t seed)
{
	for (size_t off = from; off < to; off += PG)
		WRITE_WORD(&m[off / 8], pat(seed, off));
}

/* Pages of [from, to) whose first word is not pattern SEED. */
static size_t bad_pages(uint64_t *m, size_t from, size_t to, uint64_t seed)
{
	size_t bad = 0;

	for (size_t off = from; off < to; off += PG)
		bad += READ_WORD(&m[off / 8]) != pat(seed, off);
	return bad;
}

/* Read the first word of every 4K page of [0, len). */
static void touch(uint64_t *m, size_t len)
{
	for (size_t off = 0; off < len; off += PG)
		READ_WORD(&m[off / 8]);
}

static size_t bad_pread(int fd, size_t len, uint64_t seed)
{
	static uint64_t buf[SZ_2M / 8];
	size_t bad = 0;

	for (size_t off = 0; off < len; off += SZ_2M) {
		if (pread(fd, buf, SZ_2M, off) != (ssize_t)SZ_2M)
			return len / PG;
		for (size_t o = 0; o < SZ_2M; o += PG)
			bad += buf[o / 8] != pat(seed, off + o);
	}
	return bad;
}

static void on_sigbus(int sig)
{
	siglongjmp(jb, 1);
}

/* 1 if reading *p raises SIGBUS. */
static int sigbus_on(uint64_t *p)
{
	if (sigsetjmp(jb, 1))
		return 1;
	READ_WORD(p);
	return 0;
}

/* Whether the kernel accesses the file open at @fd with DAX. */
static int is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, 0, &stx))
		ksft_exit_fail_perror("statx");
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}

static void __noreturn skip_not_dax(const char *path)
{
	ksft_exit_skip("%s is not a DAX file (a filesystem mounted -o dax?)\n", path);
}

static int open_dax(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		ksft_exit_fail_perror("open");
	if (!is_dax(fd))
		skip_not_dax(path);
	return fd;
}

static uint64_t *map_file(int fd)
{
	void *m = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	return m;
}

/*
 * A hint is kept where PMD padding fits: mmap() of 1 GiB at a hint 2 MiB
 * past a 1G boundary, with 1 GiB + 2 MiB free there and reserved address
 * space after that, must return the hint.  (PUD padding does not fit, and
 * must not move the mapping elsewhere.)
 */
static void check_hint(int fd)
{
	size_t res = 4 * SZ_1G;
	char *r, *h, *m;

	r = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) {
		ksft_test_result_skip("mmap() keeps a hint: no 4 GiB to reserve\n");
		return;
	}
	h = (char *)(((uintptr_t)r + SZ_1G - 1) & ~(SZ_1G - 1)) + SZ_2M;
	if (munmap(h, SZ_1G + SZ_2M))
		ksft_exit_fail_perror("munmap");
	m = mmap(h, SZ_1G, PROT_READ, MAP_SHARED, fd, 0);
	check(m == h, "mmap() keeps a hint that PMD padding fits", "hint %p, got %p",
	      (void *)h, (void *)m);
	if (m != MAP_FAILED && m != h)
		munmap(m, SZ_1G);
	munmap(r, res);
}

/* Write pattern SEED into the first GiB with pwrite() (written extents). */
static void pwrite_pattern(int fd, uint64_t seed)
{
	static uint64_t buf[SZ_2M / 8];

	for (size_t off = 0; off < SZ_1G; off += SZ_2M) {
		for (size_t o = 0; o < SZ_2M; o += PG)
			buf[o / 8] = pat(seed, off + o);
		if (pwrite(fd, buf, SZ_2M, off) != (ssize_t)SZ_2M)
			ksft_exit_fail_perror("pwrite");
	}
	if (fsync(fd))
		ksft_exit_fail_perror("fsync");
}

/*
 * Field @name (e.g. "Rss:") of the mapping that starts at @start in
 * /proc/self/smaps, in kB, or -1.
 */
static long smaps_kb(const void *start, const char *name)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t len = strlen(name);
	unsigned long from, to;
	char line[256];
	int in = 0;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &from, &to) == 2)	/* a mapping's first line */
			in = from == (uintptr_t)start;
		else if (in && !strncmp(line, name, len) &&
			 sscanf(line + len, " %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* pfn mapped at @p, from pagemap (0 if none, or without CAP_SYS_ADMIN). */
static uint64_t pagemap_pfn(void *p)
{
	uint64_t e = 0;
	int pm;

	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || pread(pm, &e, 8, (uintptr_t)p / PG * 8) != 8)
		e = 0;
	if (pm >= 0)
		close(pm);
	return (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
}

/* pfn of FILE's page at OFF, through a 4K mapping of its own. */
static uint64_t pfn_at(int fd, size_t off)
{
	uint64_t *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, off);
	uint64_t pfn;

	if (p == MAP_FAILED)
		return 0;
	READ_WORD(p);
	pfn = pagemap_pfn(p);
	munmap(p, PG);
	return pfn;
}

/* Read the file at @path to its end; the bytes read, or -1. */
static long read_proc(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	long n = 0;
	size_t r;

	if (!f)
		return -1;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		n += r;
	fclose(f);
	return n;
}

/* Faults taken to read the GiB at @m (pattern @seed); -1 if it differs. */
static long reread_faults(uint64_t *m, uint64_t seed)
{
	long f0 = faults();
	size_t bad = bad_pages(m, 0, SZ_1G, seed);

	return bad ? -1 : faults() - f0;
}

static void do_map(const char *path, uint64_t seed)
{
	long f0, rd, wr, reread, resync, rewr, kb, len, after[3];
	uint64_t pfn, want;
	size_t bad, nz = 0;
	uint64_t *m;
	int fd, r;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed - 1);

	m = map_file(fd);
	check(aligned(m, SZ_1G), "mmap address is 1G aligned", "%p", (void *)m);
	check_hint(fd);

	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed - 1);
	rd = faults() - f0;
	check(!bad, "read through the mapping", "%zu bad pages", bad);
	check(rd == 1, "read faults", "%ld for 1 GiB (1 = PUD, 512 = PMD)", rd);

	/*
	 * Reading smaps, pagemap or numa_maps must leave the PUD mapped: a
	 * walk that split it would zap it (and the stage-2 leaves of a guest
	 * whose memory it is), and report none of it.  Each read of the GiB
	 * after them must take no fault (-1: the data differs).
	 */
	kb = smaps_kb(m, "Rss:");
	after[0] = reread_faults(m, seed - 1);
	check(kb == SZ_1G / 1024, "smaps counts the PUD mapping",
	      "Rss %ld kB (1048576: the GiB)", kb);
	check(!after[0], "read faults after reading smaps", "%ld", after[0]);
	want = pfn_at(fd, SZ_1G / 2);
	pfn = pagemap_pfn((char *)m + SZ_1G / 2);
	after[1] = reread_faults(m, seed - 1);
	if (want)
		check(pfn == want, "pagemap reports the PUD's page",
		      "pfn %#llx at 512 MiB, the file's %#llx (0: none)",
		      (unsigned long long)pfn, (unsigned long long)want);
	else
		ksft_test_result_skip("pagemap pfn: hidden without CAP_SYS_ADMIN\n");
	check(!after[1], "read faults after reading pagemap", "%ld", after[1]);
	len = read_proc("/proc/self/numa_maps");
	after[2] = len < 0 ? 0 : reread_faults(m, seed - 1);
	if (len < 0)
		ksft_test_result_skip("read faults after reading numa_maps: none (CONFIG_NUMA)\n");
	else
		check(!after[2], "read faults after reading numa_maps",
		      "%ld (%ld bytes of numa_maps)", after[2], len);

	f0 = faults();
	fill(m, 0, SZ_1G, seed);
	wr = faults() - f0;
	check(wr == 1, "write faults", "%ld (the write fault on the read-only PUD)", wr);

	r = msync(m, SZ_1G, MS_SYNC);
	check(!r, "msync", "%s", err(r));
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	reread = faults() - f0;
	check(!bad, "read after msync", "%zu bad pages", bad);
	check(reread == 0, "read faults after msync",
	      "%ld (writeback write-protects the PUD, it does not unmap it)", reread);
	f0 = faults();
	fill(m, 0, SZ_1G, seed);
	resync = faults() - f0;
	check(resync == 1, "write faults after msync",
	      "%ld (the write fault on the write-protected PUD)", resync);
	r = msync(m, SZ_1G, MS_SYNC);
	check(!r, "msync again", "%s", err(r));
	f0 = faults();
	fill(m, 0, SZ_2M, seed);
	rewr = faults() - f0;
	check(rewr == 1, "write fault after the next msync",
	      "%ld (the write-protect fault dirtied the entry again)", rewr);
	bad = bad_pread(fd, SZ_1G, seed);
	check(!bad, "pread sees what the mapping wrote", "%zu bad pages", bad);

	/* Punch a 2M hole at 200M while mapped. */
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100 * SZ_2M, SZ_2M);
	check(!r, "punch hole while mapped", "%s", err(r));
	for (size_t off = 100 * SZ_2M; off < 101 * SZ_2M; off += 8)
		nz += READ_WORD(&m[off / 8]) != 0;
	check(!nz, "hole reads zeros through the mapping", "%zu non-zero words", nz);
	bad = bad_pages(m, 0, 100 * SZ_2M, seed) + bad_pages(m, 101 * SZ_2M, SZ_1G, seed);
	check(!bad, "data around the hole intact", "%zu bad pages", bad);
	/* Put the hole's data back for the remount check. */
	fill(m, 100 * SZ_2M, 101 * SZ_2M, seed);
	r = msync(m, SZ_1G, MS_SYNC);
	check(!r, "msync after refill", "%s", err(r));
	ksft_print_msg("map_aligned=%d read_faults=%ld write_faults=%ld\n",
		       aligned(m, SZ_1G), rd, wr);
	ksft_print_msg("read_faults_after_msync=%ld write_faults_after_msync=%ld\n",
		       reread, resync);
	ksft_print_msg("write_faults_after_next_msync=%ld\n", rewr);
	ksft_print_msg("smaps_rss_kb=%ld read_faults_after_smaps=%ld pagemap=%ld numa_maps=%ld\n",
		       kb, after[0], after[1], after[2]);
	munmap(m, SZ_1G);
	close(fd);
}

static void do_truncate(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	uint64_t *m;
	size_t bad;
	long f0;
	int fd, r;

	fd = open_dax(path, O_RDWR);
	m = map_file(fd);
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	f0 = faults() - f0;
	check(!bad && f0 == 1, "pattern before truncate, mapped with one PUD",
	      "%zu bad pages, %ld fault(s)", bad, f0);
	r = ftruncate(fd, SZ_1G / 2);
	check(!r, "truncate to 512 MiB while mapped", "%s", err(r));
	sigaction(SIGBUS, &sa, NULL);
	check(sigbus_on(m + (SZ_1G / 2 + SZ_2M) / 8), "SIGBUS beyond EOF", "at 514 MiB");
	r = sigbus_on(m + SZ_2M / 8);
	signal(SIGBUS, SIG_DFL);
	bad = bad_pages(m, 0, SZ_1G / 2, seed);
	check(!r && !bad, "data below EOF intact", "%zu bad pages%s", bad,
	      r ? ", SIGBUS at 2 MiB" : "");
	munmap(m, SZ_1G);
	close(fd);
}

/*
 * busy: pin one page inside the PUD mapping (vmsplice() into a pipe holds a
 * page reference until the pipe is read), then punch a hole elsewhere in
 * the file: the filesystem must wait for the pinned page
 * (dax_layout_busy_page() finds it through the PUD entry), so a punch with
 * a 2 s alarm gets EINTR; once the pipe is drained the punch completes.
 *
 * Then the same with a fault in the middle: pin a page again, punch from a
 * second thread (it waits, with the filesystem's fault lock dropped), read
 * the page through the mapping (a fault maps it again), drain the pipe.
 * The punch must complete: the page's mapping holds a reference (since
 * DAX folios are refcounted) that only an unmap drops, so a layout break
 * that waits for the count to reach zero without unmapping again waits
 * forever.  After 10 s the check fails and munmap() lets the punch go.
 */
static void on_alarm(int sig) { (void)sig; }

static struct {
	int fd, r, err;
	int done;
} bg;

static void *punch_thread(void *arg)
{
	(void)arg;
	bg.r = fallocate(bg.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 12 * SZ_2M, SZ_2M);
	bg.err = errno;
	__atomic_store_n(&bg.done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait up to @secs for the punch thread; true if it finished. */
static int punch_done(double secs)
{
	for (int i = 0; i < secs * 100; i++) {
		if (__atomic_load_n(&bg.done, __ATOMIC_ACQUIRE))
			return 1;
		usleep(10000);
	}
	return __atomic_load_n(&bg.done, __ATOMIC_ACQUIRE);
}

/* Pin the page at @addr: vmsplice() it into pipe @fd (held until read). */
static void pin_page(int fd, void *addr, const char *what)
{
	ssize_t n = vmsplice(fd, &(struct iovec){ .iov_base = addr, .iov_len = PG }, 1, 0);

	check(n == PG, what, "%zd bytes%s%s", n, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
}

static void do_busy(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t *m, *pin, *pin2;
	static char drain[PG];
	int fd, p[2], r, ok;
	long f0, f1;
	pthread_t t;

	(void)seed;	/* the file's contents do not matter here */
	fd = open_dax(path, O_RDWR);
	if (pipe(p))
		ksft_exit_fail_perror("pipe");
	m = map_file(fd);
	pin = m + (300 * SZ_2M + 5 * PG) / 8;
	pin2 = m + (400 * SZ_2M + 7 * PG) / 8;
	f0 = faults();
	touch(m, SZ_1G);
	f0 = faults() - f0;
	check(f0 == 1, "mapped with one PUD", "%ld fault(s) reading 1 GiB", f0);
	pin_page(p[1], pin, "vmsplice pins a page at +600 MiB");
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(2);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(r && errno == EINTR, "punch waits for the pinned page", "%s after 2 s",
	      r ? strerror(errno) : "completed");
	r = read(p[0], drain, PG) == PG && !memcmp(drain, pin, PG);
	check(r, "pipe drained, page unpinned", "4 KiB read back");
	alarm(10);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(!r, "punch completes once the pipe is drained", "%s", err(r));

	/* A fault maps the pinned page again while the punch waits. */
	READ_WORD(pin2);
	pin_page(p[1], pin2, "vmsplice pins a page at +800 MiB");
	bg.fd = fd;
	if (pthread_create(&t, NULL, punch_thread, NULL))
		ksft_exit_fail_perror("pthread_create");
	ok = !punch_done(1);
	check(ok, "a punch from another thread waits for the pinned page", "%s after 1 s",
	      ok ? "still waiting" : "completed");
	f1 = faults();
	READ_WORD(pin2);
	f1 = faults() - f1;
	check(f1 >= 1, "a fault maps the pinned page again while the punch waits", "%ld fault(s)",
	      f1);
	r = read(p[0], drain, PG) == PG;
	check(r, "pipe drained after the fault", "4 KiB read");
	ok = punch_done(10);
	check(ok && !bg.r, "the waiting punch completes once the page is unpinned", "%s",
	      !ok ? "still waiting after 10 s: the layout break waits for the mapping's reference" :
	      bg.r ? strerror(bg.err) : "ok");
	munmap(m, SZ_1G);	/* lets a punch that still waits go */
	pthread_join(t, NULL);
	close(fd);
}

/*
 * sync: a MAP_SYNC mapping, then an extending ftruncate (inode metadata not
 * yet on media, so a write fault takes the synchronous path: flush, then
 * insert a writable PUD); one read fault for the whole GiB, at most two
 * write faults, and pread sees what the mapping wrote.
 */
static void do_sync(const char *path, uint64_t seed)
{
	long f0, rd, wr;
	uint64_t *m;
	size_t bad;
	int fd, r;

	fd = open_dax(path, O_RDWR);
	m = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	if (m == MAP_FAILED && errno == EOPNOTSUPP)
		ksft_exit_skip("%s: no MAP_SYNC on this filesystem\n", path);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap MAP_SYNC");
	check(aligned(m, SZ_1G), "MAP_SYNC mapping, 1G aligned", "%p", (void *)m);
	/* Dirty inode metadata: a write fault must flush it first. */
	r = ftruncate(fd, SZ_1G + PG);
	check(!r, "extend the file by 4 KiB", "%s", err(r));
	f0 = faults();
	touch(m, SZ_1G);
	rd = faults() - f0;
	f0 = faults();
	fill(m, 0, SZ_1G, seed);
	wr = faults() - f0;
	check(rd == 1, "MAP_SYNC read faults", "%ld for 1 GiB (1 = PUD)", rd);
	check(wr >= 1 && wr <= 2, "MAP_SYNC write faults", "%ld for 1 GiB", wr);
	bad = bad_pread(fd, SZ_1G, seed);
	check(!bad, "pread sees what the MAP_SYNC mapping wrote", "%zu bad pages", bad);
	r = ftruncate(fd, SZ_1G);
	check(!r, "back to 1 GiB", "%s", err(r));
	ksft_print_msg("sync_read_faults=%ld sync_write_faults=%ld\n", rd, wr);
	munmap(m, SZ_1G);
	close(fd);
}

static void do_verify(const char *path, uint64_t seed)
{
	int fd = open_dax(path, O_RDONLY);
	size_t bad;

	bad = bad_pread(fd, SZ_1G, seed);
	check(!bad, "pattern after remount", "%zu bad pages of %lu", bad, SZ_1G / PG);
	close(fd);
}

/*
 * clone/clonecheck: a PUD entry must never cover shared blocks.  FILE is
 * written (pattern SEED) and mapped with one PUD, then cloned to FILE.clone
 * (FICLONE) while mapped: FILE's PUD entry is dropped, and its blocks, now
 * shared, are mapped again with PMDs, not a PUD (more than one, at most 512
 * faults for 1 GiB; FILE.clone: 1023, see below).  One 4 KiB page of FILE
 * written through the mapping is copied on write (pattern SEED + 1 there);
 * FILE.clone keeps pattern SEED everywhere.  clonecheck reads both files
 * back with pread() (after a remount, where a kernel that left an order-0
 * entry in a huge entry's slot hit BUG_ON(nrpages) in clear_inode()).
 */
#define COW_OFF	(300 * SZ_2M + 5 * PG)

static void clone_check(const char *path, uint64_t seed)
{
	static uint64_t buf[PG / 8];
	char cpath[4096];
	size_t bad;
	int fd, cfd, r;

	snprintf(cpath, sizeof(cpath), "%s.clone", path);
	fd = open_dax(path, O_RDONLY);
	cfd = open_dax(cpath, O_RDONLY);
	/* FILE: pattern SEED except the page written after the clone. */
	bad = bad_pread(fd, SZ_1G, seed);
	check(bad == 1, "FILE: pattern except the copied-on-write page",
	      "%zu bad pages (1 expected)", bad);
	r = pread(fd, buf, PG, COW_OFF) == PG && buf[0] == pat(seed + 1, COW_OFF);
	check(r, "FILE: the copied-on-write page holds the new data", "at +%lu MiB", COW_OFF >> 20);
	bad = bad_pread(cfd, SZ_1G, seed);
	check(!bad, "FILE.clone: pattern everywhere", "%zu bad pages", bad);
	close(fd);
	close(cfd);
}

/* Create FILE.clone (its name in @cpath) empty; skip if it is not DAX. */
static int create_clone(const char *path, char *cpath, size_t size)
{
	int cfd;

	snprintf(cpath, size, "%s.clone", path);
	cfd = open(cpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (cfd < 0)
		ksft_exit_fail_perror("open the clone");
	if (!is_dax(cfd)) {
		unlink(cpath);
		skip_not_dax(cpath);
	}
	return cfd;
}

/*
 * FICLONE @fd into @cfd, FILE.clone at @cpath (check @what): 0, or the
 * ioctl's failure.  Without reflink the clone goes and the rest skips.
 */
static int clone_into(int cfd, int fd, const char *cpath, const char *what)
{
	int r = ioctl(cfd, FICLONE, fd);

	if (r && errno == EOPNOTSUPP) {
		unlink(cpath);
		skip_rest("no FICLONE (reflink) on this filesystem");
	}
	check(!r, what, "%s", err(r));
	return r;
}

static void do_clone(const char *path, uint64_t seed)
{
	char cpath[4096];
	uint64_t *m, *c;
	int fd, cfd, r;
	size_t bad;
	long f0;

	fd = open_dax(path, O_RDWR);
	cfd = create_clone(path, cpath, sizeof(cpath));
	m = map_file(fd);
	f0 = faults();
	fill(m, 0, SZ_1G, seed);
	f0 = faults() - f0;
	check(f0 == 1, "written through one PUD", "%ld fault(s) for 1 GiB", f0);
	r = msync(m, SZ_1G, MS_SYNC);
	check(!r, "msync", "%s", err(r));
	if (clone_into(cfd, fd, cpath, "FICLONE while mapped"))
		return;
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	f0 = faults() - f0;
	check(!bad, "FILE through its mapping after the clone", "%zu bad pages", bad);
	check(f0 > 1 && f0 <= 512, "shared blocks mapped again, not with a PUD",
	      "%ld fault(s) for 1 GiB", f0);
	WRITE_WORD(&m[COW_OFF / 8], pat(seed + 1, COW_OFF));
	r = msync(m, SZ_1G, MS_SYNC);
	check(!r, "msync after the copy-on-write", "%s", err(r));
	c = map_file(cfd);
	f0 = faults();
	bad = bad_pages(c, 0, SZ_1G, seed);
	f0 = faults() - f0;
	check(!bad, "FILE.clone through a mapping", "%zu bad pages", bad);
	/*
	 * 511 PMDs, and PTEs for the 2M range around the page that FILE no
	 * longer shares: one block of FILE.clone's in that range is not
	 * shared any more, so the range is not one extent.
	 */
	check(f0 > 1 && f0 <= 1023, "FILE.clone's shared blocks not mapped with a PUD",
	      "%ld fault(s) for 1 GiB", f0);
	munmap(c, SZ_1G);
	munmap(m, SZ_1G);
	close(cfd);
	close(fd);
	clone_check(path, seed);
}

/*
 * alloc: a 4K write fault on a hole must allocate what a PMD fault
 * allocates (2M at most), not what the filesystem returns for a 1G write
 * lookup (ext4: up to 16M, xfs: up to 1G).  The file is created here; an
 * inherited extent-size hint (xfs 1G recipe) is cleared first, as it would
 * round any allocation up to 1G.
 */
static void do_alloc(const char *path, uint64_t seed)
{
	struct fsxattr fa;
	struct stat st;
	long f0, wf;
	uint64_t *m;
	int fd, r;

	(void)seed;
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		ksft_exit_fail_perror("open");
	if (!is_dax(fd)) {
		unlink(path);
		skip_not_dax(path);
	}
	if (!ioctl(fd, FS_IOC_FSGETXATTR, &fa) && (fa.fsx_xflags & FS_XFLAG_EXTSIZE)) {
		fa.fsx_xflags &= ~FS_XFLAG_EXTSIZE;
		fa.fsx_extsize = 0;
		r = ioctl(fd, FS_IOC_FSSETXATTR, &fa);
		check(!r, "clear the inherited extent-size hint", "%s", err(r));
	}
	if (ftruncate(fd, SZ_1G))
		ksft_exit_fail_perror("ftruncate");
	m = map_file(fd);
	check(aligned(m, SZ_1G), "mmap address is 1G aligned", "%p", (void *)m);
	f0 = faults();
	WRITE_WORD(&m[0], pat(1, 0));
	wf = faults() - f0;
	if (fstat(fd, &st))
		ksft_exit_fail_perror("fstat");
	check(wf == 1, "one write fault", "%ld", wf);
	check((uint64_t)st.st_blocks * 512 <= SZ_2M,
	      "blocks allocated by one 4K write fault into a sparse 1 GiB file",
	      "%llu KiB (at most 2048: what a PMD fault allocates)",
	      (unsigned long long)st.st_blocks / 2);
	check(READ_WORD(&m[0]) == pat(1, 0), "the store reads back", "%#llx",
	      (unsigned long long)READ_WORD(&m[0]));
	ksft_print_msg("alloc_kib=%llu write_faults=%ld\n",
		       (unsigned long long)st.st_blocks / 2, wf);
	munmap(m, SZ_1G);
	close(fd);
	unlink(path);
}

/*
 * nopud: FILE is 1 GiB in one 1G-aligned extent on a filesystem that takes
 * no PUD faults (erofs, which shares deduplicated blocks between files
 * without reporting them as shared).  Mapped read-only at a 1G-aligned
 * address, reading every page must take 512 faults (PMDs), not 1 (a PUD).
 * Its first page's pfn must be 1G-aligned, or the count proves nothing; it
 * is read last, as a 4K fault first would keep a PUD out anyway.
 */
static void do_nopud(const char *path, uint64_t seed)
{
	size_t res = 2 * SZ_1G;
	uint64_t pfn;
	long f0, rd;
	char *r, *a;
	int fd;

	fd = open_dax(path, O_RDONLY);
	r = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		ksft_exit_fail_perror("mmap (2 GiB to reserve)");
	a = (char *)(((uintptr_t)r + SZ_1G - 1) & ~(SZ_1G - 1));
	if (mmap(a, SZ_1G, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) != a)
		ksft_exit_fail_perror("mmap (MAP_FIXED, 1G-aligned)");
	f0 = faults();
	touch((uint64_t *)a, SZ_1G);
	rd = faults() - f0;
	check(rd == 512, "read faults where the filesystem takes no PUD faults",
	      "%ld for 1 GiB at a 1G-aligned address (1 = PUD, 512 = PMD)", rd);
	munmap(r, res);
	pfn = pfn_at(fd, 0);
	if (!pfn) {
		close(fd);
		skip_rest("no pfn from pagemap (needs CAP_SYS_ADMIN)");
	}
	check(!(pfn & (SZ_1G / PG - 1)), "FILE's first page is 1G-aligned in memory",
	      "pfn %#llx", (unsigned long long)pfn);
	close(fd);
}

/* Set by on_mce(), read after its siglongjmp(). */
static void *bus_addr;
static int bus_lsb, bus_code;

static void on_mce(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	bus_code = si->si_code;
	siglongjmp(jb, 1);
}

/* pfn of the last "Sending SIGBUS to COMM:PID" line in the kernel log. */
static uint64_t logged_pfn(void)
{
	char line[512], want[64], comm[32] = "";
	uint64_t pfn = 0;
	FILE *f = fopen("/proc/self/comm", "re");

	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = 0;
		fclose(f);
	}
	snprintf(want, sizeof(want), ": Sending SIGBUS to %s:%d ", comm, getpid());
	f = popen("dmesg", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *w = strstr(line, want), *h;

		if (!w)
			continue;
		*w = 0;
		h = strrchr(line, ' ');
		if (h)
			pfn = strtoull(h + 1, NULL, 16);
	}
	if (f)
		pclose(f);
	return pfn;
}

/*
 * poison: map FILE (1 GiB: one PUD; 4 MiB: two PMDs), poison the page at the
 * middle + 20K with MADV_HWPOISON.  The kernel must act on that page: the
 * pfn it logs, and the address in the SIGBUS (BUS_MCEERR_AR) it sends, are
 * the page's, not those of the huge entry's first page.  The logged pfn
 * tells them apart where the filesystem handles the failure itself
 * (mf_dax_kill_procs(): xfs with rmapbt=1); elsewhere the kernel logs the
 * pfn it was given, and the SIGBUS address tells them apart.
 */
static void do_poison(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_sigaction = on_mce, .sa_flags = SA_SIGINFO };
	uint64_t pfn, head, got;
	size_t size, off, esz;
	struct stat st;
	long f0, rd;
	uint8_t *m;
	int fd, r;

	(void)seed;
	fd = open_dax(path, O_RDWR);
	if (fstat(fd, &st))
		ksft_exit_fail_perror("fstat");
	if (!pagemap_pfn(&st))
		ksft_exit_skip("pagemap shows no pfns: needs CAP_SYS_ADMIN\n");
	size = st.st_size;
	esz = size >= SZ_1G ? SZ_1G : SZ_2M;
	off = size / 2 + 5 * PG;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	check(aligned(m, esz), "mmap address is aligned to the entry size", "%p, %zu KiB",
	      (void *)m, esz >> 10);
	f0 = faults();
	touch((uint64_t *)m, size);
	rd = faults() - f0;
	check(rd == (long)(size / esz), "read faults", "%ld (%zu expected: one per %s)", rd,
	      size / esz, esz == SZ_1G ? "PUD" : "PMD");
	pfn = pfn_at(fd, off);
	head = pfn_at(fd, off & ~(esz - 1));
	check(pfn && pfn == head + (off & (esz - 1)) / PG,
	      "pfns of the page and its entry's first page", "%#llx and %#llx",
	      (unsigned long long)pfn, (unsigned long long)head);
	sigaction(SIGBUS, &sa, NULL);
	bus_addr = NULL;
	r = 0;
	if (!sigsetjmp(jb, 1))
		r = madvise(m + off, PG, MADV_HWPOISON) ? errno : -1;
	signal(SIGBUS, SIG_DFL);
	if (r == EPERM)
		skip_rest("MADV_HWPOISON needs CAP_SYS_ADMIN");
	if (r == EINVAL)
		skip_rest("no MADV_HWPOISON (CONFIG_MEMORY_FAILURE)");
	check(!r, "MADV_HWPOISON raised SIGBUS", "%s",
	      !r ? "yes" : r < 0 ? "no: madvise returned 0" : strerror(r));
	check(bus_addr == m + off, "SIGBUS address is the poisoned page's",
	      "si_addr %p (page %p, entry's first page %p), code %d, addr_lsb %d",
	      bus_addr, (void *)(m + off), (void *)(m + (off & ~(esz - 1))), bus_code, bus_lsb);
	got = logged_pfn();
	check(got == pfn, "the kernel poisoned the page's pfn",
	      "logged %#llx (page %#llx, entry's first page %#llx)",
	      (unsigned long long)got, (unsigned long long)pfn, (unsigned long long)head);
	ksft_print_msg("entry_kib=%zu read_faults=%ld pfn=%#llx head=%#llx logged=%#llx\n",
		       esz >> 10, rd, (unsigned long long)pfn, (unsigned long long)head,
		       (unsigned long long)got);
	munmap(m, size);
	close(fd);
}

/* This process's RssFile (/proc/self/status) in KiB, -1 if not found. */
static long rss_file_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssFile: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * fork: fork() copies the page tables of a VMA with an anon_vma, such as a
 * MAP_PRIVATE file mapping after a copy-on-write.  FILE (pattern SEED) is
 * extended by a 2 MiB hole and mapped private with one PUD; a store into
 * the hole (a copy-on-write page) gives the VMA its anon_vma; a child reads
 * the GiB: its RssFile must then count what the parent's does (where a PUD
 * mapping of DAX memory is counted, the GiB).  A fork that copied the PUD
 * took neither a folio reference nor an rmap nor the RSS count for the
 * child, whose exit then dropped the parent's (and the kernel logged "BUG:
 * Bad rss-counter state" for the child's mm).  The parent reads the GiB
 * again, unmaps it, and a punch must complete.
 */
static void do_fork(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	size_t len = SZ_1G + SZ_2M, bad;
	int fd, r, status = 0;
	uint64_t *m;
	long f0, kb;
	pid_t pid;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	r = ftruncate(fd, len);
	check(!r, "extend the file by a 2 MiB hole", "%s", err(r));
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap MAP_PRIVATE");
	check(aligned(m, SZ_1G), "private mapping, 1G aligned", "%p", (void *)m);
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	f0 = faults() - f0;
	check(!bad && f0 == 1, "read through one PUD", "%zu bad pages, %ld fault(s) for 1 GiB",
	      bad, f0);
	/* A copy-on-write page in the hole: the VMA gets an anon_vma. */
	WRITE_WORD(&m[SZ_1G / 8], seed);
	kb = rss_file_kb();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_perror("fork");
	if (!pid) {
		long ckb;

		bad = bad_pages(m, 0, SZ_1G, seed) + (READ_WORD(&m[SZ_1G / 8]) != seed);
		ckb = rss_file_kb();
		ksft_print_msg("child: %zu bad pages, RssFile %ld kB (the parent's: %ld kB)\n",
			       bad, ckb, kb);
		fflush(stdout);
		/* 4 MiB for pages the parent touched before the fork and it did not. */
		_exit(bad ? 1 : ckb + 4096 < kb ? 2 : 0);
	}
	r = waitpid(pid, &status, 0) == pid && WIFEXITED(status);
	check(r && WEXITSTATUS(status) != 1, "the child reads the pattern and the copied page",
	      "wait status %#x", status);
	check(r && kb > 0 && WEXITSTATUS(status) != 2,
	      "the child's RssFile counts what it maps as the parent's",
	      "parent %ld kB, wait status %#x (exit 2: the child's is less)", kb, status);
	bad = bad_pages(m, 0, SZ_1G, seed);
	check(!bad, "the parent reads the pattern after the child exited", "%zu bad pages", bad);
	munmap(m, len);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(10);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(!r, "a punch completes once the mappings are gone", "%s", err(r));
	r = ftruncate(fd, SZ_1G);
	check(!r, "back to 1 GiB", "%s", err(r));
	close(fd);
}

/*
 * Punch 2 MiB out of FILE @fd, whose mappings are gone: it must complete.
 * A reference that a mapping left behind keeps the punch waiting for the
 * page, so it is given 30 s.
 */
static void check_punch(int fd, const char *what)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int rc;

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(30);
	rc = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(!rc, what, "%s%s", err(rc),
	      rc && errno == EINTR ? " after 30 s: a reference is left" : "");
}

/*
 * misaligned: FILE is mapped twice, first at a 1G-aligned address (one PUD,
 * whose DAX entry covers the GiB), then at an address 2 MiB past a 1G
 * boundary, where no PUD fits: that mapping must take PMDs (512 faults to
 * read the GiB, not 262144 with PTEs), and one write fault per PMD.
 * msync() must write-protect every PMD, not unmap it (reading the GiB
 * again takes no fault), and all of them (a walk that stopped at the
 * first would leave 511 writable, and later stores would not dirty the
 * entry): writing the GiB again takes 512 faults.  pread sees the data,
 * and smaps counts 1 GiB of Rss for the mapping (512 PMDs of 2 MiB).  An
 * mprotect() of one page splits a PMD; once both mappings are gone, a
 * punch must complete (a reference left by a PMD would hold it off).
 */
static void do_misaligned(const char *path, uint64_t seed)
{
	long f0, pud, rd, wr, reread, rewr, kb;
	size_t res = 3 * SZ_1G, bad;
	uint64_t *m, *m2;
	char *r, *h;
	int fd, rc;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed - 1);
	m = map_file(fd);
	f0 = faults();
	touch(m, SZ_1G);
	pud = faults() - f0;
	check(aligned(m, SZ_1G) && pud == 1, "the first mapping is one PUD",
	      "%p, %ld fault(s) reading 1 GiB", (void *)m, pud);

	r = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		skip_rest("no 3 GiB of address space to reserve");
	h = (char *)(((uintptr_t)r + SZ_1G - 1) & ~(SZ_1G - 1)) + SZ_2M;
	m2 = mmap(h, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (m2 == MAP_FAILED)
		ksft_exit_fail_perror("mmap at a 2M-aligned address");

	f0 = faults();
	bad = bad_pages(m2, 0, SZ_1G, seed - 1);
	rd = faults() - f0;
	check(!bad, "read through the second mapping", "%zu bad pages", bad);
	check(rd == 512, "read faults of the second mapping",
	      "%ld for 1 GiB at %p (512 = PMD, 262144 = PTE)", rd, (void *)m2);

	f0 = faults();
	fill(m2, 0, SZ_1G, seed);
	wr = faults() - f0;
	check(wr == 512, "write faults of the second mapping",
	      "%ld (one per read-only PMD)", wr);
	bad = bad_pages(m, 0, SZ_1G, seed);
	check(!bad, "the PUD mapping sees the writes", "%zu bad pages", bad);

	rc = msync(m2, SZ_1G, MS_SYNC);
	check(!rc, "msync", "%s", err(rc));
	f0 = faults();
	bad = bad_pages(m2, 0, SZ_1G, seed);
	reread = faults() - f0;
	check(!bad && !reread, "read after msync",
	      "%zu bad pages, %ld faults (writeback write-protects the PMDs, it does not unmap them)",
	      bad, reread);
	f0 = faults();
	fill(m2, 0, SZ_1G, seed + 1);
	rewr = faults() - f0;
	check(rewr == 512, "write faults after msync",
	      "%ld (writeback write-protects every PMD)", rewr);
	rc = msync(m2, SZ_1G, MS_SYNC);
	check(!rc, "msync again", "%s", err(rc));
	bad = bad_pread(fd, SZ_1G, seed + 1);
	check(!bad, "pread sees what the second mapping wrote", "%zu bad pages", bad);
	kb = smaps_kb(m2, "Rss:");
	check(kb == SZ_1G / 1024, "smaps counts the second mapping's Rss",
	      "%ld kB (1048576: 512 PMDs of 2 MiB)", kb);

	rc = mprotect((char *)m2 + 5 * SZ_2M, PG, PROT_READ);
	bad = bad_pages(m2, 4 * SZ_2M, 7 * SZ_2M, seed + 1);
	check(!rc && !bad, "mprotect() of one page splits a PMD, data intact",
	      "%s, %zu bad pages", err(rc), bad);
	ksft_print_msg("pud_faults=%ld read_faults=%ld write_faults=%ld\n", pud, rd, wr);
	ksft_print_msg("read_faults_after_msync=%ld write_faults_after_msync=%ld rss_kb=%ld\n",
		       reread, rewr, kb);

	munmap(m2, SZ_1G);
	munmap(r, res);
	munmap(m, SZ_1G);
	check_punch(fd, "a punch completes once the mappings are gone");
	close(fd);
}

/*
 * Read FILE's pattern @seed through @m, a 1 GiB mapping of it that one PUD
 * must map: one fault.
 */
static void check_one_pud(uint64_t *m, uint64_t seed, const char *what)
{
	size_t bad;
	long f0, n;

	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	n = faults() - f0;
	check(aligned(m, SZ_1G) && !bad && n == 1, what,
	      "%p, %zu bad pages, %ld fault(s)", (void *)m, bad, n);
}

/*
 * split: no PUD leaf may be left across two VMAs, so a VMA split inside a
 * PUD mapping must split the PUD, as it splits a PMD.  FILE (pattern SEED)
 * is mapped with one PUD and read; madvise(MADV_DONTFORK) of 2 MiB at
 * 2 MiB splits the VMA in three, and reading the GiB again must then take
 * 512 faults (PMDs map the parts; a PUD left in place takes none).  FILE
 * is mapped with one PUD again, and mprotect() of the page at 4 KiB splits
 * the VMA where not even a PMD fits (a PUD left in place made the PMD
 * split that follows read the mapped memory as a page table): the data
 * must read back, and a punch must complete once the parts are unmapped.
 */
static void do_split(const char *path, uint64_t seed)
{
	size_t bad;
	uint64_t *m;
	long f0, n;
	int fd, r;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD");
	r = madvise((char *)m + SZ_2M, SZ_2M, MADV_DONTFORK);
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	n = faults() - f0;
	check(!r && !bad && n == 512, "read faults after a VMA split at 2 MiB",
	      "%s, %zu bad pages, %ld faults (512: the split took the PUD; 0: it spans the VMAs)",
	      err(r), bad, n);
	ksft_print_msg("read_faults_after_split=%ld\n", n);
	munmap(m, SZ_1G);

	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD again");
	r = mprotect((char *)m + PG, PG, PROT_READ);
	bad = bad_pages(m, 0, SZ_1G, seed);
	check(!r && !bad, "mprotect() of the page at 4 KiB, then a read",
	      "%s, %zu bad pages", err(r), bad);
	munmap(m, SZ_1G);
	check_punch(fd, "a punch completes once the parts are unmapped");
	close(fd);
}

/*
 * mremap: FILE (pattern SEED) mapped with one PUD and read is moved whole
 * to another 1G-aligned address, where reading it must take no fault (the
 * PUD moved with it); 2 MiB of it is then moved elsewhere (the PUD must be
 * split, not moved or dropped), and both places must read back.  Once all
 * is unmapped, a punch must complete.  (A move that cleared the PUD as a
 * "bad pud" took nothing with it, so the GiB took a fault at its new
 * place, and left the PUD's RSS count behind.)
 */
static void do_mremap(const char *path, uint64_t seed)
{
	size_t res = 3 * SZ_1G, bad;
	char *r, *to, *p, *q;
	uint64_t *m;
	long f0, n;
	int fd;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD");
	/* Room to move to: 1G-aligned, in reserved address space. */
	r = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	to = (char *)(((uintptr_t)r + SZ_1G - 1) & ~(SZ_1G - 1));
	p = mremap(m, SZ_1G, SZ_1G, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (p != to)
		ksft_exit_fail_msg("mremap() to %p: %p, %s\n", to, p, strerror(errno));
	f0 = faults();
	bad = bad_pages((uint64_t *)p, 0, SZ_1G, seed);
	n = faults() - f0;
	check(!bad && !n, "read faults after mremap() of the GiB",
	      "%zu bad pages, %ld faults (0: the PUD moved)", bad, n);
	ksft_print_msg("read_faults_after_mremap=%ld\n", n);
	q = mremap(p + 10 * SZ_2M, SZ_2M, SZ_2M, MREMAP_MAYMOVE | MREMAP_FIXED,
		   to + SZ_1G + SZ_2M);
	if (q == MAP_FAILED)
		ksft_exit_fail_perror("mremap() of 2 MiB");
	bad = bad_pages((uint64_t *)(q - 10 * SZ_2M), 10 * SZ_2M, 11 * SZ_2M, seed) +
	      bad_pages((uint64_t *)p, 0, 10 * SZ_2M, seed) +
	      bad_pages((uint64_t *)p, 11 * SZ_2M, SZ_1G, seed);
	check(!bad, "2 MiB moved out of the GiB, and the rest, read back",
	      "%zu bad pages", bad);
	munmap(r, res);		/* p and q lie inside it */
	check_punch(fd, "a punch completes once the moved mappings are unmapped");
	close(fd);
}

/*
 * The pagemap entry of the page mapped at @p (0 if it cannot be read):
 * bit 63 present, bit 62 swapped.
 */
static uint64_t pagemap_entry(const void *p)
{
	uint64_t e = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0 || pread(pm, &e, 8, (uintptr_t)p / PG * 8) != 8)
		e = 0;
	if (pm >= 0)
		close(pm);
	return e;
}

/*
 * swapoff: FILE (pattern SEED) is extended by a 2 MiB hole and mapped
 * private with one PUD; a store into the hole gives the VMA an anonymous
 * page, which MADV_PAGEOUT swaps out to $DAX_PUD_SWAP (swapped on with the
 * highest priority, the task kept on one CPU so that its new page is on
 * the LRU list that MADV_PAGEOUT drains; the rest skips where the page was
 * not swapped out all the same).  swapoff() walks the page tables of every
 * VMA with anonymous pages for swap entries: it must bring the page back
 * and leave the PUD mapped (pagemap, which walks the page tables, shows
 * the GiB present, and reading it again takes no fault).  A walk that
 * took the PUD leaf for a bad table cleared it (a fault to read the GiB
 * again) and left its RSS count behind.
 */
static void do_swapoff(const char *path, uint64_t seed)
{
	const char *dev = getenv("DAX_PUD_SWAP");
	size_t len = SZ_1G + SZ_2M, bad;
	cpu_set_t cpus;
	uint64_t *m, e;
	long f0, n;
	int fd, rc;

	if (!dev || !*dev)
		skip_rest("no swap device ($DAX_PUD_SWAP)");
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		ksft_exit_fail_perror("sched_setaffinity");
	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	if (ftruncate(fd, len))
		ksft_exit_fail_perror("ftruncate");
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap MAP_PRIVATE");
	check_one_pud(m, seed, "read through one PUD");
	WRITE_WORD(&m[SZ_1G / 8], seed);
	if (swapon(dev, SWAP_FLAG_PREFER | SWAP_FLAG_PRIO_MASK))
		skip_rest(strerror(errno));
	rc = madvise((char *)m + SZ_1G, PG, MADV_PAGEOUT);
	e = pagemap_entry((char *)m + SZ_1G);
	ksft_print_msg("after MADV_PAGEOUT (%s): pagemap entry %#llx (bit 62: swapped)\n",
		       err(rc), (unsigned long long)e);
	if (rc || !(e >> 62 & 1)) {
		swapoff(dev);
		skip_rest("MADV_PAGEOUT did not swap the anonymous page out");
	}
	rc = swapoff(dev);
	check(!rc, "swapoff", "%s", err(rc));
	e = pagemap_entry(m) & pagemap_entry((char *)m + SZ_1G - PG);
	check(e >> 63 & 1, "the GiB is still mapped after swapoff",
	      "pagemap entries of its first and last pages: present %d",
	      (int)(e >> 63 & 1));
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	n = faults() - f0;
	bad += READ_WORD(&m[SZ_1G / 8]) != seed;
	check(!bad && !n, "read faults after swapoff",
	      "%zu bad pages, %ld faults (0: the PUD is still mapped)", bad, n);
	ksft_print_msg("read_faults_after_swapoff=%ld\n", n);
	munmap(m, len);
	check_punch(fd, "a punch completes once the mapping is gone");
	if (ftruncate(fd, SZ_1G))
		ksft_exit_fail_perror("ftruncate");
	close(fd);
}

/*
 * The state letter of process @pid and the CPU time it used (user and
 * system, in clock ticks), from /proc/PID/stat; 0 if that could not be read.
 */
static char proc_state(pid_t pid, unsigned long *ticks)
{
	char path[64], buf[1024], *p, state;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &state, &ut, &st) != 3)
		return 0;
	*ticks = ut + st;
	return state;
}

/* Wait up to @secs for child @pid: its wait status, or -1 if it still runs. */
static int reap(pid_t pid, double secs)
{
	int status;

	for (int i = 0; i <= secs * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(50000);
	}
	return -1;
}

/*
 * A child for a fault that may wait (or, on a broken kernel, spin in the
 * kernel): its output goes to /dev/null, so that a child that cannot be
 * killed does not hold the caller's pipe open.
 */
static pid_t spawn(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		ksft_exit_fail_perror("fork");
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(2);
		setpgid(0, 0);
	}
	return pid;
}

static pid_t kids[5];

/*
 * Whether child @pid does not spin: it has exited, or it uses at most 0.5 s
 * of CPU in 2 s, where a spinning child uses nearly all of it (first waiting
 * up to 5 s for it to leave state R: it may not have reached its fault
 * yet).  Its state is reported, not checked: a wait that polls may be caught
 * running.  *@status is its wait status if it exited, else -1.
 */
static int not_spinning(pid_t pid, const char *what, int *status)
{
	unsigned long t0 = 0, t1 = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int ok, i;
	char st;

	for (i = 0; i < 50 && proc_state(pid, &t0) == 'R'; i++)
		usleep(100000);
	sleep(2);
	st = proc_state(pid, &t1);
	*status = -1;
	if (!st || st == 'Z')
		*status = reap(pid, 1);
	ok = *status != -1 || (long)(t1 - t0) <= hz / 2;
	check(ok, what, "%s, %.2f s of CPU in 2 s",
	      *status != -1 ? "done" : st == 'D' ? "D (asleep)" : st == 'S' ? "S (asleep)" :
	      st == 'R' ? "R (running)" : "?", (double)(t1 - t0) / hz);
	return ok;
}

static void on_bail(int sig)
{
	(void)sig;
	for (int i = 0; i < 5; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	ksft_print_msg("Bail out! cowbusy: 300 s passed\n");
	_exit(KSFT_FAIL);
}

/* Whether FILE holds @want at @off and FILE.clone still @old there. */
static int cow_landed(int fd, int cfd, size_t off, uint64_t want, uint64_t old,
		      uint64_t *got, uint64_t *cgot)
{
	*got = *cgot = 0;
	return pread(fd, got, 8, off) == 8 && *got == want &&
	       pread(cfd, cgot, 8, off) == 8 && *cgot == old;
}

/*
 * cowbusy: FILE (1 GiB, its first 10 MiB in 2M-aligned extents) is cloned
 * to FILE.clone, and mapped twice: A at a 2M-aligned address, where reading
 * chunks 1-4 takes four PMD faults over the shared blocks (PMD entries),
 * and B 4 KiB off a 2M boundary, where a write fault is a PTE fault that
 * copies the block, so replaces the PMD entry over it.  A page of each
 * PMD entry is held by GUP (vmsplice() into a pipe, from A): the
 * copy-on-write fault must not spin until the page is let go (a retry
 * loop, which a kernel-mode fault never leaves); it may wait for the page,
 * or go on.  Chunk 1: a write to an unmapped page of B; chunk 2: a write to
 * a page of B that a read mapped read-only; chunk 3: as chunk 1, with
 * FILE.clone mapped there too (its entry shares the folio, and keeps it
 * mapped); each by a child while this process holds the pages, which
 * then drains its pipe: the children complete, FILE holds what they wrote
 * (the inverse of the old data), FILE.clone the old data.  Chunk 4: a
 * child holds the page itself, and read()s its pipe into B (a kernel-mode
 * fault): the read() must complete, or sleep and die on SIGKILL.
 */
static void do_cowbusy(const char *path, uint64_t seed)
{
	const char *what[4] = { NULL, "a write to an unmapped page",
		"a write to a read-only page", "a write to blocks FILE.clone maps too" };
	uint64_t old[5], got, cgot, *a, *b, *c, *x;
	size_t off[5], res = 8 * SZ_2M;
	static char page[PG], msg[128];
	int fd, cfd, p[2], q[2], i, ok, st[5];
	char cpath[4096], *rsv, *r;
	long f0;

	(void)seed;	/* each write stores the inverse of the old data */
	signal(SIGALRM, on_bail);
	alarm(300);
	for (i = 1; i < 5; i++)
		off[i] = i * SZ_2M + 9 * PG;
	fd = open_dax(path, O_RDWR);
	cfd = create_clone(path, cpath, sizeof(cpath));
	if (ioctl(cfd, FICLONE, fd)) {
		unlink(cpath);
		if (errno == EOPNOTSUPP)
			ksft_exit_skip("no FICLONE (reflink) on this filesystem\n");
		ksft_exit_fail_perror("FICLONE");
	}
	for (i = 1; i < 5; i++)
		if (pread(fd, &old[i], 8, off[i]) != 8)
			ksft_exit_fail_perror("pread");

	a = map_file(fd);
	c = map_file(cfd);
	rsv = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rsv == MAP_FAILED)
		ksft_exit_fail_perror("mmap a reserve");
	r = (char *)(((uintptr_t)rsv + SZ_2M - 1) & ~(SZ_2M - 1)) + PG;
	b = mmap(r, 5 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (b == MAP_FAILED)
		ksft_exit_fail_perror("mmap 4 KiB off a 2M boundary");

	f0 = faults();
	for (i = 1; i < 5; i++)
		READ_WORD(&a[i * SZ_2M / 8]);
	READ_WORD(&c[3 * SZ_2M / 8]);
	f0 = faults() - f0;
	if (f0 != 5) {
		unlink(cpath);
		ksft_exit_skip("%ld faults to read 5 chunks of 2 MiB: not PMDs (not 2M-aligned?)\n",
			       f0);
	}
	ksft_print_msg("shared blocks mapped with PMDs: 5 faults for 5 chunks of 2 MiB\n");

	if (pipe(p) || pipe(q))
		ksft_exit_fail_perror("pipe");
	for (i = 1; i < 4; i++) {
		snprintf(msg, sizeof(msg), "vmsplice holds a page of chunk %d", i);
		pin_page(p[1], &a[(i * SZ_2M + 5 * PG) / 8], msg);
	}
	for (i = 1; i < 4; i++) {
		kids[i] = spawn();
		if (!kids[i]) {
			x = &b[off[i] / 8];
			if (i == 2)
				READ_WORD(x);	/* a read-only PTE */
			WRITE_WORD(x, ~old[i]);
			_exit(0);
		}
	}
	for (i = 1; i < 4; i++) {
		snprintf(msg, sizeof(msg), "chunk %d: %s next to a held page does not spin", i,
			 what[i]);
		not_spinning(kids[i], msg, &st[i]);
	}
	ok = 1;
	for (i = 1; i < 4; i++)
		ok &= read(p[0], page, PG) == PG;
	check(ok, "pipe drained, pages let go", "12 KiB read");
	for (i = 1; i < 4; i++) {
		if (st[i] == -1)
			st[i] = reap(kids[i], 30);
		if (st[i] == -1) {
			kill(kids[i], SIGKILL);
			st[i] = reap(kids[i], 5);
		}
		ok = cow_landed(fd, cfd, off[i], ~old[i], old[i], &got, &cgot);
		snprintf(msg, sizeof(msg), "chunk %d: the write lands in FILE, not the clone", i);
		check(st[i] == 0 && ok, msg,
		      "child %s (wait status %#x), FILE %#llx (%#llx written), clone %#llx (%#llx)",
		      st[i] == -1 ? "still running after 30 s" : st[i] ? "failed" : "exited", st[i],
		      (unsigned long long)got, (unsigned long long)~old[i],
		      (unsigned long long)cgot, (unsigned long long)old[i]);
	}

	/* Chunk 4: the faulting process holds the page itself. */
	kids[4] = spawn();
	if (!kids[4]) {
		struct iovec iov = { .iov_base = &a[(4 * SZ_2M + 5 * PG) / 8], .iov_len = PG };

		memcpy(page, iov.iov_base, PG);
		if (vmsplice(q[1], &iov, 1, 0) != PG)
			_exit(2);
		if (read(q[0], &b[(4 * SZ_2M + 9 * PG) / 8], PG) != PG)
			_exit(3);
		_exit(memcmp(page, &b[(4 * SZ_2M + 9 * PG) / 8], PG) ? 4 : 0);
	}
	ok = not_spinning(kids[4], "chunk 4: a read() from a pipe holding a page of its entry",
			  &st[4]);
	if (st[4] == -1 && ok) {
		kill(kids[4], SIGKILL);
		st[4] = reap(kids[4], 5);
		check(st[4] != -1, "that read() dies on SIGKILL", "%s",
		      st[4] == -1 ? "still there after 5 s" : "reaped");
	} else if (st[4] != -1) {
		ok = pread(cfd, &cgot, 8, off[4]) == 8 && cgot == old[4];
		check(st[4] == 0 && ok, "chunk 4: the read() completes, FILE.clone keeps its data",
		      "child exit status %#x", st[4]);
	}
	if (st[4] == -1) {
		/* A spinning child: FILE's blocks unshared end the copy. */
		kill(kids[4], SIGKILL);
		ok = !ftruncate(cfd, 0);
		st[4] = reap(kids[4], 10);
		if (st[4] == -1)
			ksft_print_msg("child %d left running (FILE.clone truncated: %s)\n",
				       kids[4], ok ? "ok" : strerror(errno));
	}
	munmap(b, 5 * SZ_2M);
	munmap(rsv, res);
	munmap(c, SZ_1G);
	munmap(a, SZ_1G);
	close(cfd);
	close(fd);
	if (st[4] != -1)
		unlink(cpath);
	alarm(0);
}

/* Clear FD's extent-size hint (the 1G recipe's, inherited): 0 or -1. */
static int clear_extsize_hint(int fd)
{
	struct fsxattr fa;

	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) || !(fa.fsx_xflags & FS_XFLAG_EXTSIZE))
		return 0;
	fa.fsx_xflags &= ~FS_XFLAG_EXTSIZE;
	fa.fsx_extsize = 0;
	return ioctl(fd, FS_IOC_FSSETXATTR, &fa);
}

/*
 * cowfull: a copy-on-write write to a reflinked FILE succeeds on a nearly
 * full filesystem as long as the copy fits: xfs takes a file's extent-size
 * hint (1 GiB on the 1G recipe) as its copy-on-write extent size too, and
 * reserving that much for a 4 KiB copy must not fail the write (ENOSPC,
 * SIGBUS for a fault) with the space for the copy free.  FILE (written, not
 * unwritten) is cloned to FILE.clone, FILE.fill (no hint) takes all but
 * 64 MiB of the free space, then a 4 KiB pwrite() and a store through a
 * shared mapping (in a child, which SIGBUS kills) copy a block each: FILE
 * holds the new data (the inverse of pattern SEED, written to its first
 * 4 MiB before the clone), FILE.clone the old.  The clone and the filler
 * are unlinked as soon as they are open, so that no exit leaves them.
 */
#define FULL_LEFT	(64UL << 20)

static void do_cowfull(const char *path, uint64_t seed)
{
	const size_t off[2] = { 5 * PG, SZ_2M + 9 * PG };
	uint64_t old[2], got, cgot, *m;
	char cpath[4096], fpath[4096];
	static uint64_t buf[PG / 8];
	struct statvfs sv;
	int fd, cfd, ffd, r, i, status;
	unsigned long long avail;
	pid_t pid;

	fd = open_dax(path, O_RDWR);
	for (size_t o = 0; o < 2 * SZ_2M; o += PG) {
		for (i = 0; i < (int)(PG / 8); i++)
			buf[i] = pat(seed, o + 8 * i);
		if (pwrite(fd, buf, PG, o) != PG)
			ksft_exit_fail_perror("pwrite the pattern");
	}
	cfd = create_clone(path, cpath, sizeof(cpath));
	unlink(cpath);
	r = ioctl(cfd, FICLONE, fd);
	if (r && errno == EOPNOTSUPP)
		ksft_exit_skip("no FICLONE (reflink) on this filesystem\n");
	check(!r, "FICLONE", "%s", err(r));
	if (r)
		goto out;
	for (i = 0; i < 2; i++)
		old[i] = pat(seed, off[i]);

	snprintf(fpath, sizeof(fpath), "%s.fill", path);
	unlink(fpath);
	ffd = open(fpath, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (ffd < 0)
		ksft_exit_fail_perror("open the filler");
	unlink(fpath);
	/* An inherited 1 GiB hint would round the filler to whole GiBs. */
	if (clear_extsize_hint(ffd))
		ksft_exit_fail_perror("clear the filler's extent-size hint");
	if (fstatvfs(fd, &sv))
		ksft_exit_fail_perror("fstatvfs");
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (avail <= 2 * FULL_LEFT)
		skip_rest("too little free space to fill");
	r = fallocate(ffd, 0, 0, (avail - FULL_LEFT) & ~(SZ_2M - 1));
	if (fstatvfs(fd, &sv))
		ksft_exit_fail_perror("fstatvfs");
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	check(!r && avail >= FULL_LEFT / 2 && avail <= 2 * FULL_LEFT,
	      "filesystem filled", "%s, %llu MiB left", err(r), avail >> 20);

	for (i = 0; i < (int)(PG / 8); i++)
		buf[i] = ~old[0];
	r = pwrite(fd, buf, PG, off[0]) == PG;
	check(r, "a 4 KiB copy-on-write pwrite() with little space left",
	      "%s", r ? "ok" : strerror(errno));

	pid = fork();
	if (pid < 0)
		ksft_exit_fail_perror("fork");
	if (!pid) {
		m = mmap(NULL, (2 * SZ_2M), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			_exit(2);
		WRITE_WORD(&m[off[1] / 8], ~old[1]);
		_exit(msync(m, (2 * SZ_2M), MS_SYNC) ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		ksft_exit_fail_perror("waitpid");
	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "a copy-on-write store through a mapping with little space left",
	      "child %s %d", WIFSIGNALED(status) ? "killed by signal" : "exit status",
	      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

	for (i = 0; i < 2; i++) {
		r = cow_landed(fd, cfd, off[i], ~old[i], old[i], &got, &cgot);
		check(r, i ? "the store lands in FILE, not the clone" :
			     "the pwrite() lands in FILE, not the clone",
		      "FILE %#llx (%#llx written), clone %#llx (%#llx)",
		      (unsigned long long)got, (unsigned long long)~old[i],
		      (unsigned long long)cgot, (unsigned long long)old[i]);
	}
	close(ffd);
out:
	close(cfd);
	close(fd);
}

/* The kernel's taint flags, or -1 if unreadable; a WARN() sets TAINT_WARN. */
static long taint_flags(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	long t = -1;

	if (f) {
		if (fscanf(f, "%ld", &t) != 1)
			t = -1;
		fclose(f);
	}
	return t;
}

/* TAINT_WARN, the flag a WARN() sets, is bit 9. */
#define WARNED(taint)	(((taint) >> 9) & 1)
/* TAINT_BAD_PAGE, TAINT_DIE and TAINT_WARN. */
#define BAD_TAINT(taint)	((taint) & ((1L << 5) | (1L << 7) | (1L << 9)))
/* A remap that the reader saw fewer times than this tested nothing. */
#define REMAP_MIN_READS	10

static int remap_phase;		/* 1: remapping, 2: done */
static long remap_pud, remap_other;
static int remap_fd, remap_err;

static void *remap_reader(void *arg)
{
	struct rusage ru;
	uint64_t *m;
	long f0;

	(void)arg;
	while (__atomic_load_n(&remap_phase, __ATOMIC_ACQUIRE) < 2) {
		m = mmap(NULL, SZ_1G, PROT_READ, MAP_SHARED, remap_fd, SZ_1G);
		if (m == MAP_FAILED) {
			remap_err = errno;
			break;
		}
		/* Only a 1G-aligned mapping can take a PUD. */
		if (!aligned(m, SZ_1G)) {
			munmap(m, SZ_1G);
			continue;
		}
		getrusage(RUSAGE_THREAD, &ru);
		f0 = ru.ru_minflt + ru.ru_majflt;
		READ_WORD(&m[0]);
		READ_WORD(&m[SZ_2M / 8]);
		getrusage(RUSAGE_THREAD, &ru);
		if (__atomic_load_n(&remap_phase, __ATOMIC_ACQUIRE) == 1) {
			if (ru.ru_minflt + ru.ru_majflt - f0 == 1)
				remap_pud++;
			else
				remap_other++;
		}
		munmap(m, SZ_1G);
	}
	return NULL;
}

/*
 * remap: a read fault on the source of a FICLONERANGE while the remap runs
 * must not map the GiB that is about to be shared with one PUD entry: the
 * clone's PMD faults on those blocks would then share 2M parts of a PUD
 * folio, which DAX cannot (the kernel warns in dax_insert_entry()).  FILE
 * (created; 2 GiB, its second GiB written with pattern SEED in one
 * 1G-aligned extent) is remapped into FILE.clone, whose first 64 MiB are
 * 8192 extents of 4 KiB, each followed by a hole: the remap goes through
 * them one by one before it reaches the second GiB.  Meanwhile a thread
 * maps FILE's second GiB again and again and reads two words 2 MiB apart
 * (one fault if it takes a PUD).  After the remap, FILE.clone's second
 * GiB, mapped 2 MiB past a 1G boundary (PMDs), must read back the
 * pattern, and the kernel must not have warned (its taint flags; checked
 * only if the reader read at least REMAP_MIN_READS times during the remap
 * and the clone took 512 faults).  Both files are unlinked as soon as
 * they are open.
 */
static void do_remap(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct file_clone_range fcr = { .src_length = 2 * SZ_1G };
	static uint64_t buf[SZ_2M / 8];
	size_t res = 3 * SZ_1G, bad = 0, bus = 0;
	struct timespec t0, t1;
	char cpath[4096];
	int fd, cfd, r, e;
	uint64_t *m;
	pthread_t th;
	long f0, cf, taint;
	char *rsv, *h;
	double secs;

	taint = taint_flags();
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		ksft_exit_fail_perror("open");
	unlink(path);
	if (!is_dax(fd))
		skip_not_dax(path);
	for (size_t off = 0; off < SZ_1G; off += SZ_2M) {
		for (size_t o = 0; o < SZ_2M; o += PG)
			buf[o / 8] = pat(seed, off + o);
		if (pwrite(fd, buf, SZ_2M, SZ_1G + off) != (ssize_t)SZ_2M)
			ksft_exit_fail_perror("pwrite FILE's second GiB");
	}
	/* The reader below must be able to take PUDs, or this tests nothing. */
	m = mmap(NULL, SZ_1G, PROT_READ, MAP_SHARED, fd, SZ_1G);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap FILE's second GiB");
	if (!aligned(m, SZ_1G))
		ksft_exit_skip("FILE's second GiB mapped at %p: not 1G-aligned\n", (void *)m);
	f0 = faults();
	READ_WORD(&m[0]);
	READ_WORD(&m[SZ_2M / 8]);
	f0 = faults() - f0;
	munmap(m, SZ_1G);
	if (f0 != 1)
		ksft_exit_skip("FILE's 2nd GiB: %ld faults for 2 words 2 MiB apart, not 1 PUD\n",
			       f0);
	cfd = create_clone(path, cpath, sizeof(cpath));
	unlink(cpath);
	/* No hint: one 4 KiB extent per write, not a zeroed GiB. */
	if (clear_extsize_hint(cfd))
		ksft_exit_fail_perror("clear FILE.clone's extent-size hint");
	memset(buf, 0x5a, PG);
	for (size_t off = 0; off < 64UL << 20; off += 2 * PG)
		if (pwrite(cfd, buf, PG, off) != (ssize_t)PG)
			ksft_exit_fail_perror("pwrite FILE.clone");

	remap_fd = fd;
	if (pthread_create(&th, NULL, remap_reader, NULL))
		ksft_exit_fail_msg("pthread_create\n");
	usleep(200000);
	fcr.src_fd = fd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	__atomic_store_n(&remap_phase, 1, __ATOMIC_RELEASE);
	r = ioctl(cfd, FICLONERANGE, &fcr);
	e = errno;
	__atomic_store_n(&remap_phase, 2, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = elapsed_s(&t0, &t1);
	pthread_join(th, NULL);
	if (remap_err)
		ksft_exit_fail_msg("reader: mmap FILE's second GiB: %s\n", strerror(remap_err));
	if (r && e == EOPNOTSUPP)
		ksft_exit_skip("no FICLONERANGE (reflink) on this filesystem\n");
	errno = e;
	check(!r, "FICLONERANGE of 2 GiB",
	      "%s, %.2f s, FILE's second GiB mapped %ld times with a PUD and %ld without meanwhile",
	      err(r), secs, remap_pud, remap_other);
	if (r)
		goto out;

	/* FILE.clone's second GiB with PMDs: 2 MiB past a 1G boundary. */
	rsv = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (rsv == MAP_FAILED)
		skip_rest("no 3 GiB of address space to reserve");
	h = (char *)(((uintptr_t)rsv + SZ_1G - 1) & ~(SZ_1G - 1)) + SZ_2M;
	m = mmap(h, SZ_1G, PROT_READ, MAP_SHARED | MAP_FIXED, cfd, SZ_1G);
	if (m == MAP_FAILED)
		ksft_exit_fail_perror("mmap FILE.clone at a 2M-aligned address");
	sigaction(SIGBUS, &sa, NULL);
	cf = faults();
	for (size_t off = 0; off < SZ_1G; off += SZ_2M)
		bus += sigbus_on(&m[off / 8]);
	cf = faults() - cf;
	signal(SIGBUS, SIG_DFL);
	if (!bus)
		bad = bad_pages(m, 0, SZ_1G, seed);
	ksft_print_msg("remap_s=%.2f remap_pud=%ld remap_other=%ld clone_faults=%ld\n",
		       secs, remap_pud, remap_other, cf);
	check(!bus && !bad, "FILE.clone's shared GiB reads back",
	      "%zu of 512 faults got SIGBUS, %zu bad pages", bus, bad);
	/* The warning needs PUD maps of FILE in the window and PMDs of the clone. */
	if (taint < 0 || WARNED(taint)) {
		ksft_print_msg("taint flags %ld before the test: cannot tell a new warning\n",
			       taint);
		ksft_test_result_skip("no kernel warning\n");
	} else if (remap_pud + remap_other < REMAP_MIN_READS || cf != 512) {
		ksft_print_msg("%ld reads of FILE during the remap, %ld clone faults (512: PMDs)\n",
			       remap_pud + remap_other, cf);
		ksft_test_result_skip("no kernel warning\n");
	} else {
		taint = taint_flags();
		check(taint >= 0 && !WARNED(taint), "no kernel warning",
		      "taint %#lx (a PMD entry sharing part of a PUD folio warns)",
		      (unsigned long)taint);
	}
	munmap(rsv, res);
out:
	close(cfd);
	close(fd);
}

/*
 * FOLL_FORCE read of word @off of the PROT_NONE mapping @m, as a debugger
 * reads it: a child (the tracer) peeks at it in a grandchild (the tracee,
 * stopped), whose mapping is not copied at fork, so the read faults the
 * PUD in (PROT_NONE) and must follow it.  A kernel that took the leaf for
 * no page table faulted again and again; the alarm, at its default action,
 * kills the tracer out of that loop.  (A read of one's own /proc/PID/mem
 * takes FOLL_FORCE only with CONFIG_PROC_MEM_ALWAYS_FORCE or
 * proc_mem.force_override=always.)
 */
static void check_force_read(uint64_t *m, size_t off, uint64_t want)
{
	int st = 0, p[2];
	pid_t t, g = 0;

	if (pipe(p))
		ksft_exit_fail_perror("pipe");
	t = fork();
	if (t < 0)
		ksft_exit_fail_perror("fork");
	if (!t) {
		long v;

		g = fork();
		if (!g) {
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
				_exit(3);
			raise(SIGSTOP);
			_exit(0);
		}
		if (g < 0 || write(p[1], &g, sizeof(g)) != sizeof(g) ||
		    waitpid(g, &st, 0) != g || !WIFSTOPPED(st))
			_exit(2);
		signal(SIGALRM, SIG_DFL);
		alarm(10);
		errno = 0;
		v = ptrace(PTRACE_PEEKDATA, g, &m[off / 8], NULL);
		alarm(0);
		kill(g, SIGKILL);
		if (!errno && (uint64_t)v == want)
			_exit(0);
		ksft_print_msg("PTRACE_PEEKDATA: %#lx (want %#llx), %s\n", v,
			       (unsigned long long)want, errno ? strerror(errno) : "no error");
		fflush(stdout);
		_exit(1);
	}
	close(p[1]);
	waitpid(t, &st, 0);
	if (read(p[0], &g, sizeof(g)) == sizeof(g) && g > 0)
		kill(g, SIGKILL);
	close(p[0]);
	check(WIFEXITED(st) && !WEXITSTATUS(st), "FOLL_FORCE read of the PROT_NONE GiB",
	      "%s (%d)", WIFSIGNALED(st) ? "tracer killed, after 10 s: GUP looped on the PUD" :
	      WEXITSTATUS(st) == 1 ? "an error or wrong data" :
	      WEXITSTATUS(st) ? "no tracee (ptrace not allowed?)" : "ok",
	      WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/*
 * protnone: FILE mapped with one PUD and read is made PROT_NONE, then
 * readable again.  While it is PROT_NONE, GUP-fast must pin none of its
 * pages (vmsplice(), which takes no FOLL_FORCE, fails with EFAULT) and a
 * FOLL_FORCE read must get the data; after, the PUD leaf must still map
 * the GiB with its data (reading it takes no fault).  FILE is then mapped
 * again, made PROT_NONE and unmapped so: once the mappings are gone, a
 * punch must complete (no page held by GUP), and the kernel must not
 * have warned (CONFIG_DEBUG_VM warns in pudp_invalidate() and
 * zap_huge_pud() where pud_present() is false for a PROT_NONE leaf;
 * skipped where the kernel had warned before).  Where the architecture
 * took a PROT_NONE PUD leaf for neither present nor a leaf (riscv), the
 * second mprotect() walked the mapped memory as a table of PMDs, munmap()
 * cleared the entry as a bad PUD with its folio's reference left behind,
 * and the FOLL_FORCE read looped ("bad pud" on every pass); pattern 0 (the
 * SEED given is ignored) keeps FILE's first page zero, so that such a walk
 * finds only empty entries.
 */
static void do_protnone(const char *path, uint64_t seed)
{
	long taint = taint_flags(), t;
	struct iovec iov;
	uint64_t *m;
	int fd, r, p[2];
	size_t bad;
	long f0, n;
	ssize_t v;

	seed = 0;
	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD");
	r = mprotect(m, SZ_1G, PROT_NONE);
	check(!r, "mprotect(PROT_NONE) of the GiB", "%s", err(r));
	if (pipe(p))
		ksft_exit_fail_perror("pipe");
	iov.iov_base = m;
	iov.iov_len = PG;
	v = vmsplice(p[1], &iov, 1, 0);
	check(v < 0 && errno == EFAULT, "vmsplice() from the PROT_NONE GiB fails",
	      "%zd, %s (EFAULT: GUP pins no page of it)", v, v < 0 ? strerror(errno) : "no error");
	/* Drops a page GUP-fast pinned by mistake: the punch below would wait for it. */
	close(p[0]);
	close(p[1]);
	check_force_read(m, PG, pat(seed, PG));
	r = mprotect(m, SZ_1G, PROT_READ);
	check(!r, "mprotect(PROT_READ) of the GiB", "%s", err(r));
	f0 = faults();
	bad = bad_pages(m, 0, SZ_1G, seed);
	n = faults() - f0;
	check(!bad && !n, "read faults after PROT_NONE and back",
	      "%zu bad pages, %ld faults (0: the PUD stayed mapped)", bad, n);
	munmap(m, SZ_1G);

	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD again");
	r = mprotect(m, SZ_1G, PROT_NONE);
	check(!r, "mprotect(PROT_NONE) of the GiB again", "%s", err(r));
	munmap(m, SZ_1G);
	check_punch(fd, "a punch completes once both mappings are gone");
	close(fd);
	if (taint < 0 || BAD_TAINT(taint)) {
		ksft_print_msg("taint flags %ld before the test: cannot tell a new warning\n",
			       taint);
		ksft_test_result_skip("no kernel warning\n");
	} else {
		t = taint_flags();
		check(t >= 0 && !BAD_TAINT(t), "no kernel warning", "taint %#lx",
		      (unsigned long)t);
	}
}

/*
 * Asynchronous userfaultfd-wp over the PUD mapping at @m: a userfaultfd
 * registered over it and closed must not warn (the unregister resolves
 * write-protection that a PUD cannot carry); and registered again, a
 * PM_SCAN_WP_MATCHING scan must report the GiB, and a later scan the page
 * written since (a PUD cannot be write-protected: it is reported written
 * each time).  Skipped without userfaultfd-wp async.
 */
static void check_wp_async(uint64_t *m)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = {
		.range = { (uintptr_t)m, SZ_1G },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	uintptr_t at = (uintptr_t)m + 100 * PG;
	struct page_region rgn[8];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (uintptr_t)m,
		.end = (uintptr_t)m + SZ_1G,
		.vec = (uintptr_t)rgn,
		.vec_len = ARRAY_SIZE(rgn),
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	long n1, n2, taint = taint_flags(), t;
	int uffd, pm, kept, found = 0;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		ksft_print_msg("userfaultfd-wp async: %s\n", strerror(errno));
		ksft_test_result_skip("closing a userfaultfd registered over the PUD\n");
		ksft_test_result_skip("PAGEMAP_SCAN tracks a write to the GiB\n");
		if (uffd >= 0)
			close(uffd);
		return;
	}
	/* Unregistered while the PUD maps the GiB: nothing to resolve there. */
	close(uffd);
	if (taint < 0 || BAD_TAINT(taint)) {
		ksft_print_msg("taint flags %ld before: cannot tell a new warning\n", taint);
		ksft_test_result_skip("closing a userfaultfd registered over the PUD\n");
	} else {
		t = taint_flags();
		check(t >= 0 && !BAD_TAINT(t), "closing a userfaultfd registered over the PUD",
		      "taint %#lx (no kernel warning)", (unsigned long)t);
	}
	api.features = UFFD_FEATURE_WP_ASYNC;
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg))
		ksft_exit_fail_msg("userfaultfd again: %s\n", strerror(errno));
	pm = open("/proc/self/pagemap", O_RDONLY);
	arg.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC;
	n1 = ioctl(pm, PAGEMAP_SCAN, &arg);
	/*
	 * Write only where the scan kept the PUD (it reported the GiB): a
	 * kernel that zapped it put write-protect markers over the range,
	 * and DAX write faults on them warn and fail.
	 */
	kept = n1 == 1 && rgn[0].start == arg.start && rgn[0].end == arg.end;
	n2 = -1;
	if (kept) {
		WRITE_WORD((uint64_t *)at, 1);
		arg.flags = 0;
		n2 = ioctl(pm, PAGEMAP_SCAN, &arg);
		found = n2 == 1 && rgn[0].start == arg.start && rgn[0].end == arg.end &&
			at >= rgn[0].start && at < rgn[0].end;
	}
	check(kept && found, "PAGEMAP_SCAN tracks a write to the GiB",
	      "write-protecting scan: %ld region(s)%s, scan after the write: %ld%s (1: the GiB each)",
	      n1, kept ? " (the GiB)" : "", n2,
	      found ? " (the GiB, the written page in it)" : "");
	close(pm);
	close(uffd);
}

/* A check that reading the GiB after a walk (@r: its failure) takes no fault. */
static long walk_reread(uint64_t *m, uint64_t seed, int r, const char *what)
{
	long n = reread_faults(m, seed);

	check(!r && !n, what,
	      "%s, %ld faults (0: the PUD stayed; 1: the walk zapped it; -1: bad data)",
	      err(r), n);
	return n > 0 ? n : 0;
}

/*
 * walk: a page-table walk whose walker looks at PMDs and PTEs but has no
 * pud_entry must pass a PUD leaf over: splitting it, as walk_pud_range()
 * did, zaps a DAX PUD, and the task faults the GiB in again (as does KVM
 * for its 1G leaves) after every MADV_COLD or MADV_PAGEOUT, clear_refs
 * write, PAGEMAP_SCAN ioctl or DAMON sample.  FILE (pattern SEED) is
 * mapped with one PUD and read; after each walk, reading the GiB again
 * must take no fault and find the pattern.  smaps must count none of it
 * Referenced after clear_refs, and PAGEMAP_SCAN report it present, in one
 * region.  mincore(), whose walker has a pud_entry, must then report
 * every page resident (a walk that passed the leaf over unseen left
 * mincore's vector unfilled).  Registered for asynchronous uffd-wp, the
 * GiB's writes must be tracked by PAGEMAP_SCAN.  Once the mapping is gone,
 * a punch must complete.
 */
static void do_walk(const char *path, uint64_t seed)
{
	struct page_region rgn[4];
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.category_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT,
		.vec = (uintptr_t)rgn,
		.vec_len = ARRAY_SIZE(rgn),
	};
	long zapped = 0, n, ref, nrgn;
	size_t resident = 0;
	unsigned char *vec;
	int fd, r, cr, pm, whole;
	uint64_t *m;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	m = map_file(fd);
	check_one_pud(m, seed, "read through one PUD");
	r = madvise(m, SZ_1G, MADV_COLD);
	zapped += walk_reread(m, seed, r, "read faults after MADV_COLD");
	r = madvise(m, SZ_1G, MADV_PAGEOUT);
	zapped += walk_reread(m, seed, r, "read faults after MADV_PAGEOUT");
	cr = open("/proc/self/clear_refs", O_WRONLY);
	r = cr < 0 || write(cr, "1", 1) != 1;
	if (cr >= 0)
		close(cr);
	ref = smaps_kb(m, "Referenced:");
	check(!r && !ref, "clear_refs clears the PUD's accessed bit",
	      "%s, Referenced %ld kB in smaps after it (0; 1048576: it stayed)",
	      err(r), ref);
	zapped += walk_reread(m, seed, r, "read faults after clear_refs");
	pm = open("/proc/self/pagemap", O_RDONLY);
	arg.start = (uintptr_t)m;
	arg.end = arg.start + SZ_1G;
	nrgn = pm < 0 ? -1 : ioctl(pm, PAGEMAP_SCAN, &arg);
	if (pm >= 0)
		close(pm);
	r = nrgn < 0;
	whole = nrgn == 1 && rgn[0].start == arg.start && rgn[0].end == arg.end;
	check(whole && (rgn[0].categories & PAGE_IS_PRESENT),
	      "PAGEMAP_SCAN reports the GiB present",
	      "%ld region(s)%s (1: the GiB)", nrgn, whole ? ", the GiB" : "");
	zapped += walk_reread(m, seed, r, "read faults after PAGEMAP_SCAN");
	vec = malloc(SZ_1G / PG);
	r = !vec || mincore(m, SZ_1G, vec);
	for (size_t i = 0; !r && i < SZ_1G / PG; i++)
		resident += vec[i] & 1;
	free(vec);
	n = reread_faults(m, seed);
	check(!r && resident == SZ_1G / PG && !n, "mincore() of the GiB",
	      "%s, %zu of 262144 pages resident, then %ld faults to read it (0: the PUD stayed)",
	      err(r), resident, n);
	zapped += n > 0 ? n : 0;
	ksft_print_msg("walk_refaults=%ld\n", zapped);
	check_wp_async(m);
	munmap(m, SZ_1G);
	check_punch(fd, "a punch completes once the mapping is gone");
	close(fd);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median time, in ms, of 9 reads of /proc/self/smaps. */
static double smaps_read_ms(void)
{
	struct timespec a, b;
	double t[9];

	for (int i = 0; i < 9; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (read_proc("/proc/self/smaps") <= 0)
			ksft_exit_fail_msg("reading /proc/self/smaps failed\n");
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(t, 9, sizeof(t[0]), cmp_double);
	return t[4];
}

/*
 * smaps: FILE (pattern SEED) is mapped with one PUD and read, and smaps
 * is read; then FILE is mapped and read 7 more times, each at another
 * 1G-aligned address (1 fault each).  Its folio's refcount is no longer
 * 1 then, so smaps must look at its mapcount: each mapping's Pss must be
 * an eighth of its Rss, and reading smaps must not take a pass over each
 * of the folio's 2^18 pages per mapping, which it made under the page
 * table lock (at most 4 times as long, plus 2 ms, as with FILE mapped
 * once: medians of 9 reads).  Once the mappings are gone, a punch must
 * complete.
 */
#define SMAPS_MAPS 8
static void do_smaps(const char *path, uint64_t seed)
{
	long rss[SMAPS_MAPS], pss[SMAPS_MAPS], f0, n;
	uint64_t *m[SMAPS_MAPS];
	int fd, i, ok = 1;
	double one, all;
	size_t bad = 0;

	fd = open_dax(path, O_RDWR);
	pwrite_pattern(fd, seed);
	m[0] = map_file(fd);
	check_one_pud(m[0], seed, "read through one PUD");
	one = smaps_read_ms();
	f0 = faults();
	for (i = 1; i < SMAPS_MAPS; i++) {
		m[i] = map_file(fd);
		ok &= aligned(m[i], SZ_1G);
		bad += bad_pages(m[i], 0, SZ_1G, seed);
	}
	n = faults() - f0;
	check(ok && !bad && n == SMAPS_MAPS - 1, "read through 7 more PUD mappings",
	      "%s, %zu bad pages, %ld faults (7: one PUD each)",
	      ok ? "all 1G-aligned" : "not all 1G-aligned", bad, n);
	all = smaps_read_ms();
	for (i = 0, ok = 1; i < SMAPS_MAPS; i++) {
		rss[i] = smaps_kb(m[i], "Rss:");
		pss[i] = smaps_kb(m[i], "Pss:");
		ok &= rss[i] == 1048576 && pss[i] == 1048576 / SMAPS_MAPS;
	}
	check(ok, "smaps of eight PUD mappings of FILE",
	      "Rss %ld and %ld kB, Pss %ld and %ld kB (first, last; 1048576 and 131072)",
	      rss[0], rss[SMAPS_MAPS - 1], pss[0], pss[SMAPS_MAPS - 1]);
	ksft_print_msg("smaps_ms_one_mapping=%.2f smaps_ms_eight_mappings=%.2f\n", one, all);
	check(all < 4 * one + 2, "reading smaps of a PUD folio mapped eight times",
	      "%.2f ms, %.2f ms with one mapping (a pass over 2^18 pages per mapping: longer)",
	      all, one);
	for (i = 0; i < SMAPS_MAPS; i++)
		munmap(m[i], SZ_1G);
	check_punch(fd, "a punch completes once the mappings are gone");
	close(fd);
}

static int rwp_uffd;
static long rwp_faults;

/* Resolve RWP faults: unprotect the GiB, count them. */
static void *rwp_handler(void *arg)
{
	struct uffdio_rwprotect un = { .range = { (uintptr_t)arg, SZ_1G } };
	struct uffd_msg msg;

	while (read(rwp_uffd, &msg, sizeof(msg)) == sizeof(msg)) {
		if (msg.event != UFFD_EVENT_PAGEFAULT ||
		    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_RWP))
			continue;
		__atomic_add_fetch(&rwp_faults, 1, __ATOMIC_SEQ_CST);
		if (ioctl(rwp_uffd, UFFDIO_RWPROTECT, &un))
			ksft_exit_fail_perror("UFFDIO_RWPROTECT (unprotect)");
	}
	return NULL;
}

/*
 * rwp: userfaultfd RWP marks a page it read-write-protects PROT_NONE in an
 * accessible VMA, and GUP must take the fault (gup_can_follow_protnone()),
 * so that the access reaches userspace; for a 1 GiB hugetlb page that
 * protection is a PROT_NONE PUD leaf.  A 1 GiB hugetlb page is written,
 * registered and protected (sync mode), and vmsplice() reads one byte of
 * it: GUP-fast refuses the leaf, and slow GUP must fault (one RWP fault,
 * which a thread resolves) rather than take the page (none: where
 * follow_huge_pud() did not check pud_protnone(), on any architecture whose
 * pud_present() is true for a PROT_NONE leaf).  DAX VMAs cannot be
 * registered for RWP, so this mode uses hugetlb; FILE and SEED are unused.
 */
static void do_rwp(const char *path, uint64_t seed)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_RWP };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_RWP };
	struct uffdio_rwprotect rwp = { .mode = UFFDIO_RWPROTECT_MODE_RWP };
	size_t res = 2 * SZ_1G;
	struct iovec iov;
	pthread_t th;
	char *r, *m, c = 0;
	int p[2];
	ssize_t v;
	long n;

	(void)path;
	(void)seed;
	r = mmap(NULL, res, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		ksft_exit_fail_perror("mmap (reserve)");
	m = (char *)(((uintptr_t)r + SZ_1G - 1) & ~(SZ_1G - 1));
	if (mmap(m, SZ_1G, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB | MAP_HUGE_1GB,
		 -1, 0) == MAP_FAILED)
		ksft_exit_skip("no 1 GiB hugetlb page: %s\n", strerror(errno));
	/* MAP_NORESERVE was not given: the page is reserved, this cannot fail */
	memset(m, 0x5a, PG);
	rwp_uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (rwp_uffd < 0)
		ksft_exit_skip("userfaultfd: %s\n", strerror(errno));
	if (ioctl(rwp_uffd, UFFDIO_API, &api))
		ksft_exit_skip("no userfaultfd RWP: %s\n", strerror(errno));
	reg.range.start = (uintptr_t)m;
	reg.range.len = SZ_1G;
	if (ioctl(rwp_uffd, UFFDIO_REGISTER, &reg))
		ksft_exit_skip("RWP registration of a 1 GiB hugetlb page: %s\n", strerror(errno));
	rwp.range = reg.range;
	if (ioctl(rwp_uffd, UFFDIO_RWPROTECT, &rwp))
		ksft_exit_fail_perror("UFFDIO_RWPROTECT");
	if (pthread_create(&th, NULL, rwp_handler, m))
		ksft_exit_fail_msg("pthread_create\n");
	if (pipe(p))
		ksft_exit_fail_perror("pipe");
	/* A GUP that waited for a handler that is not there would hang. */
	signal(SIGALRM, SIG_DFL);
	alarm(30);
	iov.iov_base = m + PG / 2;
	iov.iov_len = 1;
	v = vmsplice(p[1], &iov, 1, 0);
	alarm(0);
	if (v == 1 && read(p[0], &c, 1) != 1)
		c = 0;
	check(v == 1 && c == 0x5a, "vmsplice() reads the protected GiB",
	      "%zd, byte %#x", v, (unsigned char)c);
	n = __atomic_load_n(&rwp_faults, __ATOMIC_SEQ_CST);
	check(n == 1, "GUP of the protected GiB takes one RWP fault",
	      "%ld RWP faults (0: GUP took the page without the fault)", n);
	close(p[0]);
	close(p[1]);
	munmap(r, res);
}

/*
 * evict: a page of FILE that a pipe holds (vmsplice()) holds off a layout
 * break of FILE for as long as the pipe holds it, and no longer, also
 * where FILE.clone maps the same (shared) blocks: that mapping keeps the
 * folio mapped, so the last pipe reference does not free it.  Two rounds:
 * a child truncates FILE (dax_break_layout(): the child sleeps in the
 * filesystem's callback, state S), then a child unlinks FILE and closes
 * it, the last reference (dax_break_layout_final(): state D).  Each child
 * maps FILE, reads the page at EVICT_OFF, has the pipe hold it and unmaps
 * FILE first; FILE.clone, mapped by the parent only, was read at the same
 * offset.  The parent checks where the child sleeps (/proc/PID/wchan),
 * drains the pipe, and the child must be done within 5 s, FILE.clone
 * still mapped.  Round 1 finds FILE as the caller made it (all written:
 * PMDs map the page's folio where FILE's extent allows), round 2 the page
 * written again into FILE truncated to nothing (a smaller folio).
 */
#define EVICT_OFF	(7 * SZ_2M + 3 * PG)

static int evict_child(const char *path, int p[2], int s[2], uint64_t seed, int last)
{
	struct iovec iov = { .iov_len = PG };
	uint64_t *m;
	int fd, r;

	close(p[0]);
	close(s[0]);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return 3;
	m = mmap(NULL, SZ_1G, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || READ_WORD(&m[EVICT_OFF / 8]) != pat(seed, EVICT_OFF))
		return 4;
	iov.iov_base = &m[EVICT_OFF / 8];
	r = vmsplice(p[1], &iov, 1, 0);
	close(p[1]);
	if (r != PG || munmap(m, SZ_1G))
		return 5;
	if (last && unlink(path))
		return 6;
	if (write(s[1], "x", 1) != 1)
		return 7;
	if (last) {
		close(fd);	/* the last reference: evicts the inode */
		return 0;
	}
	return ftruncate(fd, 0) ? 8 : 0;
}

/* The function child @pid sleeps in, or "?". */
static const char *proc_wchan(pid_t pid)
{
	static char buf[128];
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? buf : "?";
}

/*
 * Whether @wc names where a layout break waits: the filesystem's callback
 * (xfs_wait_dax_page()) or dax_break_layout_final().  Without
 * CONFIG_KALLSYMS the kernel does not say ("0", or "?" if unreadable):
 * the state must do then.
 */
static int in_break(const char *wc)
{
	return strstr(wc, "wait_dax_page") || strstr(wc, "dax_break_layout") ||
	       strstr(wc, "wait_page_idle") || !strcmp(wc, "0") || !strcmp(wc, "?");
}

static void evict_round(const char *path, uint64_t seed, int last)
{
	const char *what = last ? "the last close" : "a truncate";
	static uint64_t page[PG / 8];
	char cpath[4096], st = 0, x;
	int fd, cfd, p[2], s[2], status, r;
	struct timespec t0, t1;
	const char *wc = "?";
	unsigned long ticks;
	uint64_t *c;
	ssize_t n;
	pid_t pid;

	fd = open_dax(path, O_RDWR);
	cfd = create_clone(path, cpath, sizeof(cpath));
	for (size_t k = 0; k < PG / 8; k++)
		page[k] = pat(seed, EVICT_OFF);
	if (pwrite(fd, page, PG, EVICT_OFF) != PG || fsync(fd))
		ksft_exit_fail_perror("pwrite");
	r = clone_into(cfd, fd, cpath, "FICLONE");
	close(fd);
	if (r)
		goto out;
	c = map_file(cfd);
	/* Not the child's: only FILE.clone's mapping here keeps the folio. */
	if (madvise(c, SZ_1G, MADV_DONTFORK))
		ksft_exit_fail_perror("madvise(MADV_DONTFORK)");
	check(READ_WORD(&c[EVICT_OFF / 8]) == pat(seed, EVICT_OFF),
	      "FILE.clone read through its mapping", "at +%lu KiB", EVICT_OFF >> 10);
	if (pipe(p) || pipe(s))
		ksft_exit_fail_perror("pipe");
	pid = spawn();
	if (!pid)
		_exit(evict_child(path, p, s, seed, last));
	close(p[1]);
	close(s[1]);
	/* The child is about to truncate or close: it must wait there. */
	n = read(s[0], &x, 1);
	for (int i = 0; n == 1 && i < 100; i++) {
		usleep(50000);
		st = proc_state(pid, &ticks);
		wc = proc_wchan(pid);
		if (!st || st == 'Z' || (st == (last ? 'D' : 'S') && in_break(wc)))
			break;
	}
	check(n == 1 && st == (last ? 'D' : 'S') && in_break(wc),
	      last ? "the last close waits for the page a pipe holds" :
		     "a truncate waits for the page a pipe holds",
	      "child state %c in %s", st ? st : '?', wc);
	n = read(p[0], page, PG);
	check(n == PG && page[0] == pat(seed, EVICT_OFF), "pipe drained",
	      "%zd bytes", n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = reap(pid, 5);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("%s: %s after %.2f s\n", what,
		       status == -1 ? "still waiting" : "returned",
		       elapsed_s(&t0, &t1));
	check(status != -1, last ?
	      "the last close returns once the pipe is drained, FILE.clone still mapped" :
	      "a truncate returns once the pipe is drained, FILE.clone still mapped",
	      "%s", status == -1 ? "still waiting after 5 s" : "returned");
	munmap(c, SZ_1G);
	if (status == -1)
		status = reap(pid, 30);
	check(status != -1 && WIFEXITED(status) && !WEXITSTATUS(status),
	      last ? "the child's unlink and close" : "the child's truncate",
	      "%s %d", status == -1 ? "still waiting once FILE.clone is unmapped" :
	      WIFEXITED(status) ? "exit" : "signal",
	      status == -1 ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	if (status == -1)
		kill(pid, SIGKILL);
	close(p[0]);
	close(s[0]);
out:
	close(cfd);
	unlink(cpath);
}

static void do_evict(const char *path, uint64_t seed)
{
	evict_round(path, seed, 0);
	evict_round(path, seed + 1, 1);
}

static const struct {
	const char *name;
	void (*fn)(const char *path, uint64_t seed);
} modes[] = {
	{ "map", do_map },
	{ "verify", do_verify },
	{ "busy", do_busy },
	{ "sync", do_sync },
	{ "truncate", do_truncate },
	{ "clone", do_clone },
	{ "clonecheck", clone_check },
	{ "alloc", do_alloc },
	{ "nopud", do_nopud },
	{ "poison", do_poison },
	{ "fork", do_fork },
	{ "misaligned", do_misaligned },
	{ "split", do_split },
	{ "mremap", do_mremap },
	{ "swapoff", do_swapoff },
	{ "protnone", do_protnone },
	{ "walk", do_walk },
	{ "smaps", do_smaps },
	{ "rwp", do_rwp },
	{ "cowbusy", do_cowbusy },
	{ "cowfull", do_cowfull },
	{ "remap", do_remap },
	{ "evict", do_evict },
};

int main(int argc, char **argv)
{
	size_t i = ARRAY_SIZE(modes);
	char *end = "";
	uint64_t seed;

	ksft_print_header();
	if (argc == 4)
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			if (!strcmp(argv[1], modes[i].name))
				break;
	errno = 0;
	seed = argc == 4 ? strtoull(argv[3], &end, 0) : 0;
	if (i == ARRAY_SIZE(modes) || errno || *end || !isdigit((unsigned char)argv[3][0])) {
		fprintf(stderr, "usage: %s MODE FILE SEED, MODE one of:", argv[0]);
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			fprintf(stderr, " %s", modes[i].name);
		fprintf(stderr, "\n");
		ksft_exit_fail_msg("bad arguments\n");
	}
	modes[i].fn(argv[2], seed);
	/* A trailing plan: how many checks a mode makes depends on its path. */
	ksft_set_plan(ksft_test_num());
	ksft_finished();
}
