// SPDX-License-Identifier: GPL-2.0
/*
 * daxpud: does a 1 GiB file on a filesystem mounted -o dax get mapped with
 * one PUD, and do the data-integrity paths hold for such a mapping?
 *
 *   daxpud map FILE SEED      the whole check sequence below (FILE: 1 GiB)
 *   daxpud verify FILE SEED   the file holds pattern SEED (after a remount)
 *   daxpud busy FILE 0        a pinned page in a PUD mapping holds off a punch,
 *                             also when a fault maps it again meanwhile
 *   daxpud sync FILE SEED     MAP_SYNC PUD faults (writes pattern SEED)
 *   daxpud truncate FILE SEED truncate to 512 MiB while PUD-mapped (pattern SEED)
 *   daxpud clone FILE SEED    FICLONE FILE to FILE.clone while PUD-mapped, then
 *                             a copy-on-write through the mapping (xfs reflink)
 *   daxpud clonecheck FILE SEED  both files' data after "clone" (and a remount)
 *   daxpud alloc FILE 0       one 4K store through a 1G-aligned mapping of a
 *                             new sparse 1 GiB FILE allocates at most 2 MiB
 *   daxpud poison FILE 0      MADV_HWPOISON on one page of FILE mapped with
 *                             one PUD (1 GiB FILE) or PMDs (4 MiB FILE): the
 *                             kernel poisons that page (its pfn in the log,
 *                             its address in the SIGBUS), not the first page
 *                             of the huge entry
 *
 * PUD mappings cannot be read back from /proc (smaps and pagemap walks split
 * PUDs), so the mapping size is observed by its cost: touching every 4 KiB
 * page of 1 GiB takes 1 minor fault when it is one PUD, 512 with PMDs and
 * 262144 with PTEs (getrusage() ru_minflt).
 *
 * map: pwrite pattern SEED-1 (allocates written extents); mmap shared, the
 * address must be 1 GiB aligned (get_unmapped_area); read every page (1
 * fault); write pattern SEED everywhere (1 more fault: the write fault on the
 * read-only PUD); msync(MS_SYNC), then write again (the sync must have
 * write-protected or unmapped the PUD: at least one fault, so the later
 * write is tracked again); msync; check the pattern through pread; punch a
 * 2 MiB hole while mapped (zeros there, the rest intact); truncate to
 * 512 MiB while mapped (SIGBUS beyond EOF, data below it intact).
 * Output: one key=value line; exit 0 when every check held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

#define SZ_1G	(1UL << 30)
#define SZ_2M	(1UL << 21)
#define PG	4096UL

static int failed;
static sigjmp_buf jb;

static void check(int ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "daxpud: %s %s: ", ok ? "ok  " : "FAIL", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failed |= !ok;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static inline uint64_t pat(uint64_t seed, uint64_t off)
{
	return (off * 0x9e3779b97f4a7c15ULL) ^ seed;
}

/* Write pattern SEED into the first word of every 4K page of [0, len). */
static void fill(volatile uint64_t *m, size_t len, uint64_t seed)
{
	for (size_t off = 0; off < len; off += PG)
		m[off / 8] = pat(seed, off);
}

/* Pages of [from, to) whose first word is not pattern SEED. */
static size_t bad_pages(volatile uint64_t *m, size_t from, size_t to, uint64_t seed)
{
	size_t bad = 0;

	for (size_t off = from; off < to; off += PG)
		bad += m[off / 8] != pat(seed, off);
	return bad;
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
static int sigbus_on(volatile uint64_t *p)
{
	if (sigsetjmp(jb, 1))
		return 1;
	(void)*p;
	return 0;
}

static void *map_file(int fd)
{
	void *m = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		perror("daxpud: mmap");
		exit(2);
	}
	return m;
}

static int do_map(const char *path, uint64_t seed)
{
	static uint64_t buf[SZ_2M / 8];
	long f0, rd, wr, resync;
	size_t bad;
	uint64_t *m;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0) {
		perror("daxpud: open");
		return 2;
	}
	/* Written extents for the whole file (pattern seed - 1). */
	for (size_t off = 0; off < SZ_1G; off += SZ_2M) {
		for (size_t o = 0; o < SZ_2M; o += PG)
			buf[o / 8] = pat(seed - 1, off + o);
		if (pwrite(fd, buf, SZ_2M, off) != (ssize_t)SZ_2M) {
			perror("daxpud: pwrite");
			return 2;
		}
	}
	fsync(fd);

	m = map_file(fd);
	check(((uintptr_t)m & (SZ_1G - 1)) == 0, "mmap address is 1G aligned", "%p", (void *)m);

	f0 = minflt();
	check(bad_pages(m, 0, SZ_1G, seed - 1) == 0, "read through the mapping", "pattern %" PRIu64, seed - 1);
	rd = minflt() - f0;
	check(rd == 1, "read faults", "%ld for 1 GiB (1 = PUD, 512 = PMD)", rd);

	f0 = minflt();
	fill(m, SZ_1G, seed);
	wr = minflt() - f0;
	check(wr == 1, "write faults", "%ld (the write fault on the read-only PUD)", wr);

	check(msync(m, SZ_1G, MS_SYNC) == 0, "msync", "%s", strerror(errno));
	f0 = minflt();
	fill(m, SZ_1G, seed);
	resync = minflt() - f0;
	check(resync >= 1 && resync <= 2, "write faults after msync", "%ld (the PUD was write-protected/unmapped by writeback)", resync);
	check(msync(m, SZ_1G, MS_SYNC) == 0, "msync again", "%s", strerror(errno));
	bad = bad_pread(fd, SZ_1G, seed);
	check(bad == 0, "pattern via pread after msync", "%zu bad pages", bad);

	/* Punch a 2M hole at 100M while mapped. */
	check(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100 * SZ_2M, SZ_2M) == 0,
	      "punch hole while mapped", "%s", strerror(errno));
	{
		size_t nz = 0;

		for (size_t off = 100 * SZ_2M; off < 101 * SZ_2M; off += 8)
			nz += m[off / 8] != 0;
		check(nz == 0, "hole reads zeros through the mapping", "%zu non-zero words", nz);
	}
	check(bad_pages(m, 0, 100 * SZ_2M, seed) + bad_pages(m, 101 * SZ_2M, SZ_1G, seed) == 0,
	      "data around the hole intact", "pattern %" PRIu64, seed);
	/* Put the hole's data back for the remount check. */
	for (size_t off = 100 * SZ_2M; off < 101 * SZ_2M; off += PG)
		m[off / 8] = pat(seed, off);
	check(msync(m, SZ_1G, MS_SYNC) == 0, "msync after refill", "%s", strerror(errno));
	munmap(m, SZ_1G);
	close(fd);
	printf("map_aligned=%d read_faults=%ld write_faults=%ld refaults_after_msync=%ld\n",
	       !((uintptr_t)m & (SZ_1G - 1)), rd, wr, resync);
	return failed;
}

static int do_truncate(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	uint64_t *m;
	size_t bad;
	long f0;
	int fd;

	sigaction(SIGBUS, &sa, NULL);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		perror("daxpud: open");
		return 2;
	}
	m = map_file(fd);
	f0 = minflt();
	bad = bad_pages(m, 0, SZ_1G, seed);
	f0 = minflt() - f0;
	check(!bad && f0 == 1, "pattern before truncate, mapped with one PUD",
	      "pattern %" PRIu64 ", %ld fault(s)", seed, f0);
	check(ftruncate(fd, SZ_1G / 2) == 0, "truncate to 512 MiB while mapped", "%s", strerror(errno));
	check(sigbus_on(m + (SZ_1G / 2 + SZ_2M) / 8), "SIGBUS beyond EOF", "at 514 MiB");
	check(!sigbus_on(m + SZ_2M / 8) && bad_pages(m, 0, SZ_1G / 2, seed) == 0,
	      "data below EOF intact", "pattern %" PRIu64, seed);
	munmap(m, SZ_1G);
	close(fd);
	return failed;
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
	volatile int done;
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

static int do_busy(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	static char drain[PG];
	uint64_t *m;
	int fd, p[2], r;
	long f0;

	fd = open(path, O_RDWR);
	if (fd < 0 || pipe(p)) {
		perror("daxpud: open/pipe");
		return 2;
	}
	m = map_file(fd);
	f0 = minflt();
	for (size_t off = 0; off < SZ_1G; off += PG)
		(void)((volatile uint64_t *)m)[off / 8];
	f0 = minflt() - f0;
	check(f0 == 1, "mapped with one PUD", "%ld fault(s) reading 1 GiB", f0);
	pin_page(p[1], (char *)m + 300 * SZ_2M + 5 * PG, "vmsplice pins a page at +600 MiB");
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(2);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(r && errno == EINTR, "punch waits for the pinned page", "%s after 2 s",
	      r ? strerror(errno) : "completed");
	check(read(p[0], drain, PG) == PG && !memcmp(drain, (char *)m + 300 * SZ_2M + 5 * PG, PG),
	      "pipe drained, page unpinned", "4 KiB read back");
	alarm(10);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10 * SZ_2M, SZ_2M);
	alarm(0);
	check(!r, "punch completes once the page is unpinned", "%s", r ? strerror(errno) : "Success");

	/* A fault maps the pinned page again while the punch waits. */
	char *pin = (char *)m + 400 * SZ_2M + 7 * PG;
	pthread_t t;
	long f1;
	int ok;

	(void)*(volatile char *)pin;
	pin_page(p[1], pin, "vmsplice pins a page at +800 MiB");
	bg.fd = fd;
	if (pthread_create(&t, NULL, punch_thread, NULL)) {
		perror("daxpud: pthread_create");
		return 2;
	}
	check(!punch_done(1), "a punch from another thread waits for the pinned page", "%s after 1 s",
	      bg.done ? "completed" : "still waiting");
	f1 = minflt();
	(void)*(volatile char *)pin;
	f1 = minflt() - f1;
	check(read(p[0], drain, PG) == PG, "pipe drained after a fault mapped the page again",
	      "%ld fault(s) reading it", f1);
	ok = punch_done(10);
	check(ok && !bg.r, "the punch completes once the page is unpinned, though a fault mapped it again",
	      "%s", !ok ? "still waiting after 10 s: the layout break waits for the mapping's reference" :
	      bg.r ? strerror(bg.err) : "Success");
	munmap(m, SZ_1G);	/* lets a punch that still waits go */
	pthread_join(t, NULL);
	close(fd);
	(void)seed;	/* the file's contents do not matter here */
	return failed;
}

/*
 * sync: MAP_SYNC mapping after an extending ftruncate (inode metadata not
 * yet on media, so a write fault takes the synchronous path: flush, then
 * insert a writable PUD); one read fault, at most two write faults, and the
 * data reaches the file without msync.
 */
static int do_sync(const char *path, uint64_t seed)
{
	long f0, rd, wr;
	uint64_t *m;
	size_t bad;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0) {
		perror("daxpud: open");
		return 2;
	}
	check(ftruncate(fd, SZ_1G + PG) == 0, "extend the file by 4 KiB", "%s", strerror(errno));
	m = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	check(m != MAP_FAILED && !((uintptr_t)m & (SZ_1G - 1)), "MAP_SYNC mapping, 1G aligned", "%p", (void *)m);
	if (m == MAP_FAILED)
		return failed;
	f0 = minflt();
	(void)*(volatile uint64_t *)&m[SZ_2M / 8];
	rd = minflt() - f0;
	f0 = minflt();
	fill(m, SZ_1G, seed);
	wr = minflt() - f0;
	check(rd == 1 && wr >= 1 && wr <= 2, "MAP_SYNC faults", "read %ld, write %ld for 1 GiB", rd, wr);
	bad = bad_pread(fd, SZ_1G, seed);
	check(bad == 0, "pattern via pread without msync", "%zu bad pages", bad);
	check(ftruncate(fd, SZ_1G) == 0, "back to 1 GiB", "%s", strerror(errno));
	munmap(m, SZ_1G);
	close(fd);
	printf("sync_read_faults=%ld sync_write_faults=%ld\n", rd, wr);
	return failed;
}

static int do_verify(const char *path, uint64_t seed)
{
	int fd = open(path, O_RDONLY);
	size_t bad;

	if (fd < 0) {
		perror("daxpud: open");
		return 2;
	}
	bad = bad_pread(fd, SZ_1G, seed);
	check(bad == 0, "pattern after remount", "%zu bad pages of %lu", bad, SZ_1G / PG);
	close(fd);
	return failed;
}

/*
 * clone/clonecheck: a PUD entry must never cover shared blocks.  FILE is
 * written (pattern SEED) and mapped with one PUD, then cloned to FILE.clone
 * (FICLONE) while mapped: FILE's PUD entry is dropped, and its blocks,
 * now shared, are mapped again with PMDs, not a PUD (more than one, at
 * most 512 faults for 1 GiB; FILE.clone: 1023, see below).  One 4 KiB page of FILE written through the
 * mapping is copied on write (pattern SEED + 1 there); FILE.clone keeps
 * pattern SEED everywhere.  clonecheck reads both files back with pread()
 * (after a remount, where the old kernel hit BUG_ON(nrpages) in
 * clear_inode()).
 */
#define COW_OFF	(300 * SZ_2M + 5 * PG)

static int clone_check(const char *path, uint64_t seed)
{
	static uint64_t buf[PG / 8];
	char cpath[4096];
	size_t bad;
	int fd, cfd;

	snprintf(cpath, sizeof(cpath), "%s.clone", path);
	fd = open(path, O_RDONLY);
	cfd = open(cpath, O_RDONLY);
	if (fd < 0 || cfd < 0) {
		perror("daxpud: open");
		return 2;
	}
	/* FILE: pattern SEED except the page written after the clone. */
	bad = bad_pread(fd, SZ_1G, seed);
	check(bad == 1, "FILE: pattern except the copied-on-write page", "%zu bad pages (1 expected)", bad);
	check(pread(fd, buf, PG, COW_OFF) == PG && buf[0] == pat(seed + 1, COW_OFF),
	      "FILE: the copied-on-write page holds the new data", "at +%lu MiB", COW_OFF >> 20);
	bad = bad_pread(cfd, SZ_1G, seed);
	check(bad == 0, "FILE.clone: pattern everywhere", "%zu bad pages", bad);
	close(fd);
	close(cfd);
	return failed;
}

static int do_clone(const char *path, uint64_t seed)
{
	char cpath[4096];
	uint64_t *m, *c;
	long f0;
	int fd, cfd;

	snprintf(cpath, sizeof(cpath), "%s.clone", path);
	fd = open(path, O_RDWR);
	cfd = open(cpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || cfd < 0) {
		perror("daxpud: open");
		return 2;
	}
	m = map_file(fd);
	f0 = minflt();
	fill(m, SZ_1G, seed);
	f0 = minflt() - f0;
	check(f0 == 1, "written through one PUD", "%ld fault(s) for 1 GiB", f0);
	check(msync(m, SZ_1G, MS_SYNC) == 0, "msync", "%s", strerror(errno));
	check(ioctl(cfd, FICLONE, fd) == 0, "FICLONE while mapped", "%s", strerror(errno));
	if (failed)
		return failed;
	f0 = minflt();
	check(bad_pages(m, 0, SZ_1G, seed) == 0, "FILE through its mapping after the clone", "pattern %" PRIu64, seed);
	f0 = minflt() - f0;
	check(f0 > 1 && f0 <= 512, "shared blocks mapped again, not with a PUD", "%ld fault(s) for 1 GiB", f0);
	m[COW_OFF / 8] = pat(seed + 1, COW_OFF);
	check(msync(m, SZ_1G, MS_SYNC) == 0, "msync after the copy-on-write", "%s", strerror(errno));
	c = map_file(cfd);
	f0 = minflt();
	check(bad_pages(c, 0, SZ_1G, seed) == 0, "FILE.clone through a mapping", "pattern %" PRIu64, seed);
	f0 = minflt() - f0;
	/* 511 PMDs, and PTEs for the 2M range around the page that FILE no
	 * longer shares (FILE.clone's extent is split there). */
	check(f0 > 1 && f0 <= 1023, "FILE.clone's shared blocks not mapped with a PUD", "%ld fault(s) for 1 GiB", f0);
	munmap(c, SZ_1G);
	munmap(m, SZ_1G);
	close(cfd);
	close(fd);
	return clone_check(path, seed);
}

/*
 * alloc: a 4K write fault on a hole must allocate what a PMD fault
 * allocates (2M at most), not what the filesystem returns for a 1G write
 * lookup (ext4: up to 16M, xfs: up to 1G).  The file is created here; an
 * inherited extent-size hint (xfs 1G recipe) is cleared first, as it would
 * round any allocation up to 1G.
 */
static int do_alloc(const char *path, uint64_t seed)
{
	struct fsxattr fa;
	struct stat st;
	long f0, wf;
	uint64_t *m;
	int fd;

	(void)seed;
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		perror("daxpud: open");
		return 2;
	}
	if (!ioctl(fd, FS_IOC_FSGETXATTR, &fa) && (fa.fsx_xflags & FS_XFLAG_EXTSIZE)) {
		fa.fsx_xflags &= ~FS_XFLAG_EXTSIZE;
		fa.fsx_extsize = 0;
		check(!ioctl(fd, FS_IOC_FSSETXATTR, &fa), "clear the inherited extent-size hint",
		      "%s", strerror(errno));
	}
	if (ftruncate(fd, SZ_1G)) {
		perror("daxpud: ftruncate");
		return 2;
	}
	m = map_file(fd);
	check(((uintptr_t)m & (SZ_1G - 1)) == 0, "mmap address is 1G aligned", "%p", (void *)m);
	f0 = minflt();
	m[0] = pat(1, 0);
	wf = minflt() - f0;
	fstat(fd, &st);
	check(wf == 1, "one write fault", "%ld", wf);
	check((uint64_t)st.st_blocks * 512 <= SZ_2M, "blocks allocated by one 4K write fault into a sparse 1 GiB file",
	      "%llu KiB (at most 2048: what a PMD fault allocates)", (unsigned long long)st.st_blocks / 2);
	check(m[0] == pat(1, 0), "the store reads back", "%#llx", (unsigned long long)m[0]);
	printf("alloc_kib=%llu write_faults=%ld\n", (unsigned long long)st.st_blocks / 2, wf);
	munmap(m, SZ_1G);
	close(fd);
	unlink(path);
	return failed;
}

static volatile void *bus_addr;
static volatile int bus_lsb, bus_code;

static void on_mce(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	bus_code = si->si_code;
	siglongjmp(jb, 1);
}

/* pfn of FILE's page at OFF, through a 4K mapping of its own (a pagemap
 * walk would split a PUD mapping). */
static uint64_t pfn_at(int fd, size_t off)
{
	volatile uint64_t *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, off);
	uint64_t e = 0;
	int pm;

	if (p == MAP_FAILED)
		return 0;
	(void)*p;
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || pread(pm, &e, 8, (uintptr_t)p / PG * 8) != 8)
		e = 0;
	if (pm >= 0)
		close(pm);
	munmap((void *)p, PG);
	return (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
}

/* pfn of the last "Sending SIGBUS to daxpud:PID" line in the kernel log. */
static uint64_t logged_pfn(void)
{
	char line[512], want[64];
	uint64_t pfn = 0;
	FILE *f = popen("dmesg", "r");

	snprintf(want, sizeof(want), ": Sending SIGBUS to daxpud:%d ", getpid());
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
 * the page's, not those of the huge entry's first page.
 */
static int do_poison(const char *path, uint64_t seed)
{
	struct sigaction sa = { .sa_sigaction = on_mce, .sa_flags = SA_SIGINFO };
	size_t size, off, esz;
	uint64_t pfn, head, got;
	long f0, rd;
	uint8_t *m;
	struct stat st;
	int fd;

	(void)seed;
	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		perror("daxpud: open");
		return 2;
	}
	size = st.st_size;
	esz = size >= SZ_1G ? SZ_1G : SZ_2M;
	off = size / 2 + 5 * PG;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("daxpud: mmap");
		return 2;
	}
	check(((uintptr_t)m & (esz - 1)) == 0, "mmap address is aligned to the entry size", "%p, %zu KiB", m, esz >> 10);
	f0 = minflt();
	for (size_t o = 0; o < size; o += PG)
		(void)*(volatile uint8_t *)(m + o);
	rd = minflt() - f0;
	check(rd == (long)(size / esz), "read faults", "%ld (%zu expected: one per %s)", rd, size / esz,
	      esz == SZ_1G ? "PUD" : "PMD");
	pfn = pfn_at(fd, off);
	head = pfn_at(fd, off & ~(esz - 1));
	check(pfn && pfn == head + (off & (esz - 1)) / PG, "pfns of the page and its entry's first page",
	      "%#llx and %#llx", (unsigned long long)pfn, (unsigned long long)head);
	sigaction(SIGBUS, &sa, NULL);
	bus_addr = NULL;
	if (!sigsetjmp(jb, 1)) {
		int r = madvise(m + off, PG, MADV_HWPOISON);

		check(0, "MADV_HWPOISON raised SIGBUS", "no: madvise returned %d (%s)", r, r ? strerror(errno) : "ok");
	}
	signal(SIGBUS, on_sigbus);
	check(bus_addr == m + off, "SIGBUS address is the poisoned page's",
	      "si_addr %p (page %p, entry's first page %p), code %d, addr_lsb %d",
	      bus_addr, m + off, m + (off & ~(esz - 1)), bus_code, bus_lsb);
	got = logged_pfn();
	check(got == pfn, "the kernel poisoned the page's pfn",
	      "logged %#llx (page %#llx, entry's first page %#llx)",
	      (unsigned long long)got, (unsigned long long)pfn, (unsigned long long)head);
	printf("entry_kib=%zu read_faults=%ld pfn=%#llx head=%#llx logged=%#llx si_addr_off=%#lx\n",
	       esz >> 10, rd, (unsigned long long)pfn, (unsigned long long)head, (unsigned long long)got,
	       (unsigned long)((uint8_t *)bus_addr - m));
	munmap(m, size);
	close(fd);
	return failed;
}

int main(int argc, char **argv)
{
	uint64_t seed;

	if (argc != 4) {
		fprintf(stderr, "usage: daxpud map|verify|busy|sync|truncate|clone|clonecheck|alloc|poison FILE SEED\n");
		return 2;
	}
	seed = strtoull(argv[3], NULL, 0);
	if (!strcmp(argv[1], "map"))
		return do_map(argv[2], seed);
	if (!strcmp(argv[1], "verify"))
		return do_verify(argv[2], seed);
	if (!strcmp(argv[1], "busy"))
		return do_busy(argv[2], seed);
	if (!strcmp(argv[1], "sync"))
		return do_sync(argv[2], seed);
	if (!strcmp(argv[1], "truncate"))
		return do_truncate(argv[2], seed);
	if (!strcmp(argv[1], "clone"))
		return do_clone(argv[2], seed);
	if (!strcmp(argv[1], "clonecheck"))
		return clone_check(argv[2], seed);
	if (!strcmp(argv[1], "alloc"))
		return do_alloc(argv[2], seed);
	if (!strcmp(argv[1], "poison"))
		return do_poison(argv[2], seed);
	return 2;
}
