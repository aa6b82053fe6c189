// SPDX-License-Identifier: GPL-2.0
/*
 * dax_layout - which huge pages a guest whose RAM is DAX memory can get
 *
 * KVM maps guest memory at most as large as the host maps it, and the host
 * maps DAX memory with a PMD (2M) or PUD (1G) only where the file's blocks
 * allow it.  For a file on a filesystem mounted -o dax, or a device-dax
 * instance, dax_layout tells for each 2M chunk of the file the largest page
 * the host can map it with, and why not larger; with -c it creates a guest
 * memory file laid out for the largest pages the filesystem gives.
 * See Documentation/virt/kvm/dax.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#define SZ_4K	0x1000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX	0x00200000
#endif

/* Why a chunk gets less than the largest page the host could map. */
enum why {
	OK,
	HOLE,		/* no blocks: the first touch allocates them */
	PARTIAL,	/* the file or the range ends inside the chunk */
	SPLIT,		/* blocks in pieces that do not follow each other */
	UNALIGNED,	/* contiguous, but off the page size on the device */
	UNWRITTEN,	/* a write fault converts unwritten blocks in pieces */
	SHARED,		/* blocks shared with a reflinked file */
	MAPPING,	/* the process maps it at an incongruent address */
	NR_WHY,
};

static const char * const why_text[NR_WHY] = {
	[OK]		= "",
	[HOLE]		= "hole: no blocks yet, the first touch allocates them",
	[PARTIAL]	= "the file or the range ends inside it",
	[SPLIT]		= "its blocks are in pieces that do not follow each other on the device",
	[UNALIGNED]	= "its blocks are contiguous but not aligned on the device",
	[UNWRITTEN]	= "unwritten: faults convert it 2M at a time (write the file once)",
	[SHARED]	= "blocks shared with a reflinked copy are mapped with 2M at most",
	[MAPPING]	= "the process maps it at an address not congruent to its offset",
};

struct chunk {
	int size;		/* 4K, 2M or 1G host page: 12, 21 or 30 */
	enum why why;		/* why not the next size up */
	bool hole;
};

struct run {
	uint64_t logical, physical, length;
	uint32_t flags;
};

static const char *prog = "dax_layout";
static bool quiet, verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void print_help(FILE *f)
{
	static const char text[] =
"usage: %s [-q] [-v] [-o OFFSET] [-s SIZE] [-p PID] PATH\n"
"       %s -c SIZE [-m 1g|2m] [-n] PATH\n"
"\n"
"Tell which huge pages a guest whose RAM is PATH can get: for each 2M chunk\n"
"of PATH (a file on a filesystem mounted -o dax, or a device-dax instance\n"
"/dev/daxN.M) the largest page the host can map it with, 1G, 2M or 4K, and\n"
"why not larger.  KVM maps guest memory at most as large as the host maps\n"
"it, so this is what a guest can get (KVM's pages_1g, pages_2m, pages_4k).\n"
"\n"
"  -o OFFSET  start at OFFSET in PATH (default 0)\n"
"  -s SIZE    look at SIZE bytes (default: to the end of the file)\n"
"  -p PID     also check the addresses at which process PID (a VMM) maps\n"
"             PATH: a huge page needs an address congruent to its offset\n"
"  -q         print one line: chunks_1g= chunks_2m= chunks_4k= holes=\n"
"             (1G pages, and 2M chunks mapped with 2M or 4K pages)\n"
"  -v         one line per 2M chunk instead of per run of like chunks\n"
"  -c SIZE    create PATH, SIZE bytes, laid out for the largest pages the\n"
"             filesystem gives: on xfs an extent size hint of the page size,\n"
"             then fallocate() (falling back from 1G to 2M where the\n"
"             filesystem has no aligned 1G left), and the blocks written\n"
"             once so that 1G pages need no conversion; then report as above\n"
"  -m 1g|2m   with -c: aim at this page size (default: 1g where SIZE is\n"
"             1G or more and the host maps 1G pages, else 2m)\n"
"  -n         with -c: leave the blocks unwritten (2M pages at most)\n"
"\n"
"SIZE and OFFSET take a K, M or G suffix.  The host maps a chunk with a\n"
"huge page only where its blocks are one run, contiguous and aligned to the\n"
"page size on the device, and (1G) written and not shared.  Without -p the\n"
"mapping address is assumed congruent: mmap() aligns DAX files itself; a\n"
"VMM that picks the address (QEMU) needs align=1G or align=2M on its\n"
"memory-backend-file.  The guest physical address must be congruent too.\n";

	fprintf(f, text, prog, prog);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	end += *end && strchr("KkMmGg", *end);
	switch (end[-1]) {
	case 'G':
	case 'g':
		v <<= 30;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		break;
	case 'K':
	case 'k':
		v <<= 10;
		break;
	}
	if (*end || end == s)
		die("bad size '%s'", s);
	return v;
}

/* The first line of a sysfs (or proc) file, or NULL. */
static char *read_line(const char *fmt, ...)
{
	static char buf[256];
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/*
 * Whether the host maps DAX memory with PUDs at all: x86 needs 1G pages
 * (pdpe1gb), arm64 has no PUD-sized THP, 64-bit RISC-V does.
 */
static bool host_maps_1g(const char **why)
{
#if defined(__x86_64__)
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "flags", 5)) {
			found = strstr(line, " pdpe1gb");
			break;
		}
	}
	if (f)
		fclose(f);
	*why = "the CPU has no 1G pages (no pdpe1gb in /proc/cpuinfo)";
	return found;
#elif defined(__riscv) && __riscv_xlen == 64
	*why = NULL;
	return true;
#else
	*why = "this architecture maps DAX memory with 2M pages at most";
	return false;
#endif
}

/*
 * The physical address at which byte 0 of the block device @dev lies, from
 * the pmem driver's sysfs (a partition's start added), or -1 if unknown.
 */
static int64_t device_base(dev_t dev, char *name, size_t len)
{
	char *s, disk[64];
	uint64_t start = 0;

	snprintf(name, len, "%u:%u", major(dev), minor(dev));
	s = read_line("/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	if (s) {
		s = read_line("/sys/dev/block/%u:%u/start", major(dev), minor(dev));
		if (!s)
			return -1;
		start = strtoull(s, NULL, 0) * 512;
		snprintf(disk, sizeof(disk), "%u:%u/..", major(dev), minor(dev));
	} else {
		snprintf(disk, sizeof(disk), "%u:%u", major(dev), minor(dev));
	}
	s = read_line("/sys/dev/block/%s/uevent", disk);
	if (s) {
		FILE *f;
		char l[128], p[PATH_MAX];

		snprintf(p, sizeof(p), "/sys/dev/block/%s/uevent", disk);
		f = fopen(p, "r");
		while (f && fgets(l, sizeof(l), f))
			if (!strncmp(l, "DEVNAME=", 8)) {
				l[strcspn(l, "\n")] = 0;
				snprintf(name, len, "/dev/%s", l + 8);
			}
		if (f)
			fclose(f);
	}
	/* fsdax: the pfn device's resource is where the data starts. */
	s = read_line("/sys/dev/block/%s/device/resource", disk);
	if (!s)
		return -1;
	return strtoull(s, NULL, 0) + start;
}

/* The extents of [off, off + len) of @fd, merged where they follow each other. */
static struct run *get_runs(int fd, uint64_t off, uint64_t len, int *nr)
{
	enum { BATCH = 256 };
	struct fiemap *fm = calloc(1, sizeof(*fm) + BATCH * sizeof(struct fiemap_extent));
	struct run *runs = NULL;
	int n = 0, cap = 0;
	uint64_t pos = off;
	bool last = false;
	uint32_t i;

	if (!fm)
		die("out of memory");
	while (!last && pos < off + len) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = pos;
		fm->fm_length = off + len - pos;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm))
			die("FIEMAP: %s", strerror(errno));
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			struct fiemap_extent *e = &fm->fm_extents[i];
			uint32_t kind = e->fe_flags & (FIEMAP_EXTENT_UNWRITTEN |
							FIEMAP_EXTENT_SHARED);
			struct run *p = n ? &runs[n - 1] : NULL;

			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
			pos = e->fe_logical + e->fe_length;
			if (e->fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_ENCODED |
					   FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_NOT_ALIGNED))
				kind |= FIEMAP_EXTENT_UNKNOWN;
			/*
			 * Written extents that follow each other in the file
			 * and on the device are one mapping to a DAX fault
			 * (ext4 holds at most 128M in one).
			 */
			if (p && !kind && !p->flags &&
			    e->fe_logical == p->logical + p->length &&
			    e->fe_physical == p->physical + p->length) {
				p->length += e->fe_length;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				runs = realloc(runs, cap * sizeof(*runs));
				if (!runs)
					die("out of memory");
			}
			runs[n++] = (struct run){ e->fe_logical, e->fe_physical,
						  e->fe_length, kind };
		}
	}
	free(fm);
	*nr = n;
	return runs;
}

/*
 * The run that holds all of [s, s + len), or NULL with *@why saying why
 * there is none.
 */
static struct run *run_of(struct run *runs, int nr, uint64_t s, uint64_t len,
			  enum why *why)
{
	int i;

	*why = HOLE;
	for (i = 0; i < nr; i++) {
		struct run *r = &runs[i];

		if (r->logical + r->length <= s)
			continue;
		if (r->logical >= s + len)
			break;
		if (r->logical <= s && r->logical + r->length >= s + len)
			return r;
		/* Pieces: say unwritten if one of them is. */
		for (*why = SPLIT; i < nr && runs[i].logical < s + len; i++)
			if (runs[i].flags & FIEMAP_EXTENT_UNWRITTEN)
				*why = UNWRITTEN;
		return NULL;
	}
	return NULL;
}

/* A process's mappings of the file, from /proc/PID/maps. */
struct vma {
	uint64_t start, end, pgoff;
};

static struct vma *get_vmas(int pid, dev_t dev, ino_t ino, int *nr)
{
	char path[64], line[PATH_MAX + 128];
	struct vma *v = NULL;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff, inode;
		unsigned int ma, mi;

		if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu", &start, &end,
			   &pgoff, &ma, &mi, &inode) != 6)
			continue;
		if (inode != ino || makedev(ma, mi) != dev)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			die("out of memory");
		v[n++] = (struct vma){ start, end, pgoff };
	}
	fclose(f);
	*nr = n;
	return v;
}

/*
 * Whether a VMA of @vmas maps all of [s, s + len) of the file at an address
 * congruent to @s modulo @len.
 */
static bool mapped_congruent(struct vma *vmas, int nr, uint64_t s, uint64_t len)
{
	int i;

	for (i = 0; i < nr; i++) {
		uint64_t va = vmas[i].start + s - vmas[i].pgoff;

		if (s < vmas[i].pgoff || va + len > vmas[i].end)
			continue;
		if (va % len == s % len)
			return true;
	}
	return false;
}

static const char *size_name(int shift)
{
	return shift == 30 ? "1G" : shift == 21 ? "2M" : "4K";
}

static void report(const char *path, uint64_t off, uint64_t len, int pid)
{
	int fd = open(path, O_RDONLY), nr = 0, nvmas = 0;
	const char *no1g_why, *kind;
	struct run *runs = NULL;
	struct vma *vmas = NULL;
	uint64_t nchunks, i, align = SZ_4K, n1g = 0, n2m = 0, n4k = 0, holes = 0;
	uint64_t why_count[NR_WHY + 1] = { 0 };
	bool can1g = host_maps_1g(&no1g_why), devdax, base_known;
	int64_t base = 0;
	struct chunk *c;
	struct stat st;
	char dname[PATH_MAX];

	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	devdax = S_ISCHR(st.st_mode);
	if (devdax) {
		char *s = read_line("/sys/dev/char/%u:%u/align", major(st.st_rdev),
				    minor(st.st_rdev));

		if (!s)
			die("%s: not a device-dax instance (no align in /sys/dev/char/%u:%u)",
			    path, major(st.st_rdev), minor(st.st_rdev));
		align = strtoull(s, NULL, 0);
		s = read_line("/sys/dev/char/%u:%u/size", major(st.st_rdev),
			      minor(st.st_rdev));
		st.st_size = s ? strtoll(s, NULL, 0) : 0;
		kind = "device-dax";
		snprintf(dname, sizeof(dname), "%s", path);
	} else if (S_ISREG(st.st_mode)) {
		struct statx stx;
		struct statfs sfs;

		if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
			die("statx %s: %s", path, strerror(errno));
		if (!(stx.stx_attributes_mask & STATX_ATTR_DAX) ||
		    !(stx.stx_attributes & STATX_ATTR_DAX))
			die("%s is not a DAX file: the host maps it through the page cache %s",
			    path, "(mount the filesystem -o dax)");
		fstatfs(fd, &sfs);
		kind = sfs.f_type == EXT4_SUPER_MAGIC ? "ext4" :
		       sfs.f_type == XFS_SUPER_MAGIC ? "xfs" :
		       sfs.f_type == EROFS_SUPER_MAGIC_V1 ? "erofs" : "fsdax";
		base = device_base(st.st_dev, dname, sizeof(dname));
		if (strcmp(kind, "ext4") && strcmp(kind, "xfs")) {
			can1g = false;
			no1g_why = "only ext4 and xfs map DAX files with 1G pages";
		}
	} else {
		die("%s: neither a regular file nor a device-dax instance", path);
	}
	if (off % SZ_2M)
		die("OFFSET must be a multiple of 2M");
	if (!len)
		len = st.st_size > (int64_t)off ? st.st_size - off : 0;
	len -= len % SZ_2M;
	if (!len)
		die("%s: nothing to look at: under 2M from OFFSET (size %lld)", path,
		    (long long)st.st_size);
	if (pid) {
		vmas = get_vmas(pid, st.st_dev, st.st_ino, &nvmas);
		if (!nvmas)
			die("process %d does not map %s", pid, path);
	}
	if (!devdax)
		runs = get_runs(fd, off, len, &nr);
	base_known = base >= 0;
	if (!base_known)
		base = 0;

	nchunks = len / SZ_2M;
	c = calloc(nchunks, sizeof(*c));
	if (!c)
		die("out of memory");

	/* 2M first: each chunk on its own. */
	for (i = 0; i < nchunks; i++) {
		uint64_t s = off + i * SZ_2M;
		struct run *r;

		c[i].size = 12;
		if (devdax) {
			c[i].size = align >= SZ_2M ? 21 : 12;
			continue;
		}
		r = run_of(runs, nr, s, SZ_2M, &c[i].why);
		if (!r) {
			c[i].hole = c[i].why == HOLE;
			continue;
		}
		if ((base + r->physical + (s - r->logical)) % SZ_2M) {
			c[i].why = UNALIGNED;
			continue;
		}
		if (s + SZ_2M > (uint64_t)st.st_size) {
			c[i].why = PARTIAL;
			continue;
		}
		c[i].size = 21;
	}
	/* Then each 1G of 2M chunks. */
	for (i = 0; i < nchunks; i++) {
		uint64_t s = off + i * SZ_2M, j;
		enum why why = OK;
		struct run *r;

		if (s % SZ_1G || c[i].size < 21)
			continue;
		if (!can1g) {
			why = NR_WHY;
		} else if (i + 512 > nchunks) {
			why = PARTIAL;
		} else if (devdax) {
			why = align >= SZ_1G ? OK : UNALIGNED;
		} else {
			/* why: SPLIT or UNWRITTEN if none (not HOLE: 2M are not) */
			r = run_of(runs, nr, s, SZ_1G, &why);
			if (!r)
				;
			else if ((base + r->physical + (s - r->logical)) % SZ_1G)
				why = UNALIGNED;
			else if (r->flags & FIEMAP_EXTENT_UNWRITTEN)
				why = UNWRITTEN;
			else if (r->flags & FIEMAP_EXTENT_SHARED)
				why = SHARED;
			else
				why = OK;
		}
		if (why == OK && pid && !mapped_congruent(vmas, nvmas, s, SZ_1G))
			why = MAPPING;
		for (j = i; j < i + 512 && j < nchunks; j++) {
			if (why == OK)
				c[j].size = 30;
			else if (c[j].size == 21 && c[j].why == OK)
				c[j].why = why;
		}
	}
	/* The mapping address, for what is still 2M. */
	for (i = 0; pid && i < nchunks; i++) {
		if (c[i].size == 21 &&
		    !mapped_congruent(vmas, nvmas, off + i * SZ_2M, SZ_2M)) {
			c[i].size = 12;
			c[i].why = MAPPING;
		}
	}

	if (!quiet) {
		printf("%s: %s, %llu MiB from offset %#llx\n", path, kind,
		       (unsigned long long)(len >> 20), (unsigned long long)off);
		if (devdax)
			printf("  device-dax align %lluK: every chunk maps as its align%s\n",
			       (unsigned long long)(align >> 10),
			       align >= SZ_1G && !can1g ? ", but not with 1G here" : "");
		else if (!base_known)
			printf("  device %s: its physical start is unknown %s\n",
			       dname, "(not pmem, or not root): assuming it is 1G-aligned");
		else
			printf("  device %s starts at physical %#llx (%s-aligned)\n", dname,
			       (unsigned long long)base,
			       !(base % SZ_1G) ? "1G" : !(base % SZ_2M) ? "2M" : "not 2M");
		if (!can1g && no1g_why)
			printf("  no 1G pages: %s\n", no1g_why);
		if (!pid)
			printf("  assuming the VMM maps it at an address %s\n",
			       "congruent to the offset (-p PID checks)");
	}
	for (i = 0; i < nchunks;) {
		uint64_t j = i;

		while (j < nchunks && c[j].size == c[i].size && c[j].why == c[i].why &&
		       c[j].hole == c[i].hole && (!verbose || j == i))
			j++;
		if (c[i].size == 30)
			n1g += (j - i) / 512;
		else if (c[i].size == 21)
			n2m += j - i;
		else if (c[i].hole)
			holes += j - i;
		else
			n4k += j - i;
		why_count[c[i].why] += j - i;
		if (!quiet) {
			const char *w = c[i].why == NR_WHY ? "no 1G pages here" :
				why_text[c[i].why];

			printf("  %#12llx-%#12llx %5llu x 2M: %s%s%s\n",
			       (unsigned long long)(off + i * SZ_2M),
			       (unsigned long long)(off + j * SZ_2M - 1),
			       (unsigned long long)(j - i),
			       c[i].hole ? "-" : size_name(c[i].size), *w ? ", " : "", w);
		}
		i = j;
	}
	if (quiet) {
		printf("chunks_1g=%llu chunks_2m=%llu chunks_4k=%llu holes=%llu\n",
		       (unsigned long long)n1g, (unsigned long long)n2m,
		       (unsigned long long)n4k, (unsigned long long)holes);
	} else {
		printf("best pages: 1G x %llu, 2M x %llu, 4K for %llu 2M chunks (%llu 4K pages)",
		       (unsigned long long)n1g, (unsigned long long)n2m,
		       (unsigned long long)n4k, (unsigned long long)n4k * 512);
		printf(", holes: %llu 2M chunks\n", (unsigned long long)holes);
		if (why_count[UNALIGNED] || why_count[SPLIT])
			printf("hint: make the file anew with '%s -c SIZE' %s\n%s\n", prog,
			       "(an xfs extent size hint, fallback from 1G to 2M),",
			       "      on a filesystem made per Documentation/virt/kvm/dax.rst");
		if (holes)
			printf("hint: %s\n",
			       "where a touch allocates the blocks is up to the filesystem: fallocate first");
	}
	free(c);
	free(runs);
	free(vmas);
	close(fd);
}

/* Fill [0, len) of @fd with zeroes, 2M at a time. */
static void write_zeroes(int fd, uint64_t len)
{
	static char zero[SZ_2M];
	uint64_t pos;

	for (pos = 0; pos < len; pos += SZ_2M) {
		size_t n = len - pos < SZ_2M ? len - pos : SZ_2M;

		if (pwrite(fd, zero, n, pos) != (ssize_t)n)
			die("write: %s", strerror(errno));
	}
	if (fsync(fd))
		die("fsync: %s", strerror(errno));
}

/*
 * Create @path with @len bytes laid out for @page; false where the
 * filesystem has no room for that (ENOSPC) or takes no such hint.
 */
static bool create_one(const char *path, uint64_t len, uint64_t page, bool xfs)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	struct fsxattr fsx;
	int err;

	if (fd < 0)
		die("create %s: %s", path, strerror(errno));
	/*
	 * xfs: an extent size hint of the page size makes the allocator
	 * align the file's extents to it, where the filesystem's free
	 * space allows.  ext4 has none.
	 */
	if (xfs) {
		if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
			die("FS_IOC_FSGETXATTR: %s", strerror(errno));
		fsx.fsx_xflags |= FS_XFLAG_EXTSIZE;
		fsx.fsx_extsize = page;
		if (ioctl(fd, FS_IOC_FSSETXATTR, &fsx)) {
			/* EINVAL: larger than half an allocation group */
			err = errno;
			close(fd);
			unlink(path);
			if (err == EINVAL && page > SZ_2M)
				return false;
			die("set an extent size hint of %lluK on %s: %s",
			    (unsigned long long)(page >> 10), path, strerror(err));
		}
	}
	if (fallocate(fd, 0, 0, len)) {
		err = errno;
		close(fd);
		unlink(path);
		if (err == ENOSPC)
			return false;
		die("fallocate %s: %s", path, strerror(err));
	}
	close(fd);
	return true;
}

static void create(const char *path, uint64_t len, const char *mode, bool write)
{
	const char *no1g_why;
	uint64_t page = SZ_2M;
	struct statfs sfs;
	char dir[PATH_MAX], *slash;
	bool xfs;
	int fd;

	if (!len || len % SZ_2M)
		die("-c SIZE must be a multiple of 2M");
	if (mode ? !strcmp(mode, "1g") : (len >= SZ_1G && host_maps_1g(&no1g_why)))
		page = SZ_1G;
	else if (mode && strcmp(mode, "2m"))
		die("-m takes 1g or 2m");
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (statfs(dir, &sfs))
		die("%s: %s", dir, strerror(errno));
	xfs = sfs.f_type == XFS_SUPER_MAGIC;
	if (!create_one(path, len, page, xfs)) {
		if (page == SZ_2M)
			die("fallocate %s: %s", path, strerror(ENOSPC));
		fprintf(stderr, "%s: no room for %llu MiB in 1G extents %s\n", prog,
			(unsigned long long)(len >> 20),
			"(or no 1G extent size hint): falling back to 2M");
		page = SZ_2M;
		if (!create_one(path, len, page, xfs))
			die("fallocate %s: %s", path, strerror(ENOSPC));
	}
	if (write) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
		write_zeroes(fd, len);
		close(fd);
	}
	if (!quiet)
		printf("created %s: %llu MiB for %s pages%s%s\n", path,
		       (unsigned long long)(len >> 20), size_name(page == SZ_1G ? 30 : 21),
		       xfs ? " (xfs extent size hint)" : "", write ? ", written" : ", unwritten");
	report(path, 0, len, 0);
}

int main(int argc, char **argv)
{
	uint64_t off = 0, len = 0, csize = 0;
	const char *mode = NULL;
	bool write = true;
	int opt, pid = 0;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ }
	};

	while ((opt = getopt_long(argc, argv, "o:s:p:qvc:m:nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			off = parse_size(optarg);
			break;
		case 's':
			len = parse_size(optarg);
			break;
		case 'p':
			pid = atoi(optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'c':
			csize = parse_size(optarg);
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			write = false;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		print_help(stderr);
		return 2;
	}
	if (csize)
		create(argv[optind], csize, mode, write);
	else
		report(argv[optind], off, len, pid);
	return 0;
}
