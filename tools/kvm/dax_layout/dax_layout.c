// SPDX-License-Identifier: GPL-2.0-only
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
/* fs/ext4/ext4.h: drop the inode's extent status cache. */
#define EXT4_IOC_CLEAR_ES_CACHE	_IO('f', 40)

/* Why a chunk gets less than the largest page the host could map. */
enum why {
	OK,
	HOLE,
	PARTIAL,
	SPLIT,
	UNALIGNED,
	NAMESPACE,
	UNWRITTEN,
	SHARED,
	ODD,
	NO1G,
	DEVALIGN,
	MAPPING,
	PRIVATE,
	NR_WHY,
};

static const char * const why_text[NR_WHY] = {
	[OK]		= "",
	[HOLE]		= "a hole: the first touch allocates its blocks",
	[PARTIAL]	= "the file ends inside it",
	[SPLIT]		= "its blocks are in pieces, or partly a hole",
	[UNALIGNED]	= "its blocks are not aligned to the page size on the device",
	[NAMESPACE]	= "the device's data may start off this page size (ndctl -a)",
	[UNWRITTEN]	= "unwritten blocks: faults convert them 2M at a time (write once)",
	[SHARED]	= "blocks shared with a reflinked copy get 2M at most",
	[ODD]		= "FIEMAP reports its blocks as unknown, encoded or inline",
	[NO1G]		= "no 1G pages on this host",
	[DEVALIGN]	= "the device-dax instance's align is smaller",
	[MAPPING]	= "the process maps it at an address not congruent to its offset",
	[PRIVATE]	= "a private mapping (QEMU share=off): guest writes copy it to 4K",
};

struct chunk {
	unsigned char size;	/* host page: 12 (4K), 21 (2M) or 30 (1G) */
	unsigned char why;	/* why not the next size up */
	bool hole;
};

struct run {
	uint64_t logical, physical, length;
	uint32_t flags;
};

struct vma {
	uint64_t start, end, pgoff;
	bool shared;
};

/* Where the device's data lies: base + FIEMAP's fe_physical. */
struct device {
	char name[PATH_MAX];
	uint64_t base;		/* the part that is known */
	uint64_t align;		/* alignment of the part that is not */
	bool known;		/* nothing is unknown */
	bool guessed;		/* nothing is known: aligned assumed */
};

static const char *prog = "dax_layout";

/* @x rounded down or up to a multiple of @a, a power of two. */
static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return align_down(x + a - 1, a);
}

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
"it, so this bounds KVM's pages_1g, pages_2m and pages_4k for a fresh\n"
"mapping of PATH.  KVM maps smaller where a memslot does not cover the\n"
"whole page (QEMU's first MiB of x86 RAM), while dirty logging is on, or\n"
"where guest code runs under kvm.nx_huge_pages; a range the host once\n"
"mapped with 2M keeps 2M until it is unmapped.\n"
"\n"
"  -o OFFSET  start at OFFSET in PATH, a multiple of 2M (default 0)\n"
"  -s SIZE    look at SIZE bytes (default: to the end of the file)\n"
"  -p PID     also check how process PID (a VMM) maps PATH: shared, and at\n"
"             an address congruent to the offset modulo the page size\n"
"  -q         print one line: chunks_1g= chunks_2m= chunks_4k= holes=\n"
"             (1G pages; 2M chunks mapped with 2M or with 4K pages; holes)\n"
"  -v         one line per 2M chunk instead of per run of like chunks\n"
"  -c SIZE    create PATH, SIZE bytes, for the largest pages the filesystem\n"
"             gives: on xfs an extent size hint of the page size (aligned\n"
"             on the device where the filesystem's stripe unit is that size,\n"
"             mkfs.xfs -d su=), falling back from a 1G hint to a 2M one\n"
"             where xfs refuses it or has no room (ENOSPC); fallocate();\n"
"             the blocks written once; then report as above\n"
"  -m 1g|2m   with -c: aim at this page size (default: 1g where SIZE is a\n"
"             multiple of 1G and the host maps 1G pages, else 2m)\n"
"  -n         with -c: leave the blocks unwritten (2M pages at most)\n"
"\n"
"SIZE and OFFSET take a K, M or G suffix.  The host maps a chunk with a\n"
"huge page only where one extent (on ext4: a run of written extents that\n"
"follow each other) holds it, aligned to the page size on the device, and\n"
"for 1G written and not shared.  Without -p the mapping address is assumed\n"
"congruent: mmap() aligns DAX files itself, and a VMM that picks the\n"
"address (QEMU) needs align=1G or align=2M on its memory-backend-file.  The\n"
"guest physical address must be congruent too.\n";

	fprintf(f, text, prog, prog);
}

static uint64_t parse_size(const char *s)
{
	unsigned int shift = 0;
	uint64_t v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *s == '-' || errno)
		die("bad size '%s'", s);
	switch (*end) {
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 0:
		return v;
	default:
		die("bad size '%s'", s);
	}
	if (end[1] || v > UINT64_MAX >> shift)
		die("bad size '%s'", s);
	return v << shift;
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
#elif defined(__aarch64__)
	*why = "arm64 maps DAX memory with 2M pages at most";
	return false;
#else
	*why = "1G pages of DAX memory are not known on this architecture";
	return false;
#endif
}

/* The lowest set bit of @v, or 1G if that is larger (0: 1G). */
static uint64_t alignment_of(uint64_t v)
{
	return v & (SZ_1G - 1) ? v & -v : SZ_1G;
}

/*
 * Where the block device @dev's data lies in physical memory: the pmem
 * driver's pfn device gives its start ("resource", root only) and, to
 * anyone, the alignment it guarantees ("align"); a partition adds its start.
 */
static void get_device(dev_t dev, struct device *d)
{
	char *s, disk[64], l[128], p[PATH_MAX];
	uint64_t start = 0;
	FILE *f;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%u:%u", major(dev), minor(dev));
	snprintf(disk, sizeof(disk), "%u:%u", major(dev), minor(dev));
	if (read_line("/sys/dev/block/%s/partition", disk)) {
		s = read_line("/sys/dev/block/%s/start", disk);
		start = s ? strtoull(s, NULL, 0) * 512 : 0;
		snprintf(disk, sizeof(disk), "%u:%u/..", major(dev), minor(dev));
	}
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/uevent", major(dev), minor(dev));
	f = fopen(p, "r");
	while (f && fgets(l, sizeof(l), f)) {
		if (!strncmp(l, "DEVNAME=", 8)) {
			l[strcspn(l, "\n")] = 0;
			snprintf(d->name, sizeof(d->name), "/dev/%s", l + 8);
		}
	}
	if (f)
		fclose(f);
	d->base = start;
	s = read_line("/sys/dev/block/%s/device/resource", disk);
	if (s) {
		d->base += strtoull(s, NULL, 0);
		d->align = SZ_1G;
		d->known = true;
		return;
	}
	s = read_line("/sys/dev/block/%s/device/align", disk);
	if (s) {
		d->align = alignment_of(strtoull(s, NULL, 0));
		return;
	}
	d->align = SZ_1G;
	d->guessed = true;
}

/* OK, or why @phys (on the device) is not aligned to @size in memory. */
static enum why aligned(struct device *d, uint64_t phys, uint64_t size)
{
	if (d->align < size)
		return NAMESPACE;
	return (d->base + phys) % size ? UNALIGNED : OK;
}

/*
 * The extents of [off, off + len) of @fd; with @merge (ext4), written ones
 * that follow each other in the file and on the device as one run: ext4
 * gives a DAX fault such a run as one mapping.  xfs gives one extent record.
 */
static struct run *get_runs(int fd, uint64_t off, uint64_t len, bool merge, int *nr)
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
	/*
	 * No FIEMAP_FLAG_SYNC: DAX has no delayed allocation, and writeback
	 * would write-protect a running guest's memory.
	 */
	while (!last && pos < off + len) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = pos;
		fm->fm_length = off + len - pos;
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
			if (merge && p && !kind && !p->flags &&
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
 * there is none.  Calls with one cursor @cur must come in order of @s.
 */
static struct run *run_of(struct run *runs, int nr, int *cur, uint64_t s,
			  uint64_t len, enum why *why)
{
	int i;

	while (*cur < nr && runs[*cur].logical + runs[*cur].length <= s)
		(*cur)++;
	i = *cur;
	if (i == nr || runs[i].logical >= s + len) {
		*why = HOLE;
		return NULL;
	}
	if (runs[i].logical <= s && runs[i].logical + runs[i].length >= s + len) {
		*why = OK;
		return &runs[i];
	}
	/* In pieces: unwritten if one of them is. */
	for (*why = SPLIT; i < nr && runs[i].logical < s + len; i++)
		if (runs[i].flags & FIEMAP_EXTENT_UNWRITTEN)
			*why = UNWRITTEN;
	return NULL;
}

/* OK, or why run @r cannot hold [s, s + size) with one page of @size. */
static enum why run_why(struct device *d, struct run *r, uint64_t s, uint64_t size)
{
	enum why why;

	if (r->flags & FIEMAP_EXTENT_UNKNOWN)
		return ODD;
	why = aligned(d, r->physical + s - r->logical, size);
	if (why != OK || size < SZ_1G)
		return why;
	if (r->flags & FIEMAP_EXTENT_UNWRITTEN)
		return UNWRITTEN;
	if (r->flags & FIEMAP_EXTENT_SHARED)
		return SHARED;
	return OK;
}

/* Process @pid's mappings of the file (@dev, @ino), from /proc/PID/maps. */
static struct vma *get_vmas(int pid, dev_t dev, ino_t ino, int *nr)
{
	char path[64], line[PATH_MAX + 128], perms[8];
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

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &start, &end,
			   perms, &pgoff, &ma, &mi, &inode) != 7)
			continue;
		if (inode != ino || makedev(ma, mi) != dev)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			die("out of memory");
		v[n++] = (struct vma){ start, end, pgoff, perms[3] == 's' };
	}
	fclose(f);
	*nr = n;
	return v;
}

/*
 * OK if a shared mapping of @vmas maps all of [s, s + len) of the file at an
 * address congruent to @s modulo @len; else why not.
 */
static enum why mapping_why(struct vma *vmas, int nr, uint64_t s, uint64_t len)
{
	enum why why = MAPPING;
	int i;

	for (i = 0; i < nr; i++) {
		uint64_t va = vmas[i].start + s - vmas[i].pgoff;

		if (s < vmas[i].pgoff || va + len > vmas[i].end || va % len != s % len)
			continue;
		if (vmas[i].shared)
			return OK;
		why = PRIVATE;
	}
	return why;
}

static const char *size_name(int shift)
{
	return shift == 30 ? "1G" : shift == 21 ? "2M" : "4K";
}

static void report(const char *path, uint64_t off, uint64_t len, int pid)
{
	int fd = open(path, O_RDONLY), nr = 0, nvmas = 0, cur2 = 0, cur1 = 0;
	uint64_t size, lo, hi, end, nchunks, i, k, first, last, align = 0;
	uint64_t n1g = 0, n2m = 0, n4k = 0, holes = 0, g, last_g = UINT64_MAX;
	bool seen[NR_WHY] = { false };
	const char *no1g_why = NULL, *kind;
	struct run *runs = NULL;
	struct vma *vmas = NULL;
	struct device dev = { .align = SZ_1G, .known = true };
	bool can1g = host_maps_1g(&no1g_why), devdax;
	struct chunk *c;
	struct stat st;

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
		size = s ? strtoull(s, NULL, 0) : 0;
		kind = "device-dax";
		snprintf(dev.name, sizeof(dev.name), "%s", path);
	} else if (S_ISREG(st.st_mode)) {
		struct statx stx;
		struct statfs sfs;

		if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) ||
		    fstatfs(fd, &sfs))
			die("%s: %s", path, strerror(errno));
		if (!(stx.stx_attributes_mask & STATX_ATTR_DAX) ||
		    !(stx.stx_attributes & STATX_ATTR_DAX))
			die("%s is not a DAX file: the host maps it through the page cache %s",
			    path, "(mount the filesystem -o dax)");
		kind = sfs.f_type == EXT4_SUPER_MAGIC ? "ext4" :
		       sfs.f_type == XFS_SUPER_MAGIC ? "xfs" :
		       sfs.f_type == EROFS_SUPER_MAGIC_V1 ? "erofs" : "fsdax";
		get_device(st.st_dev, &dev);
		if (strcmp(kind, "ext4") && strcmp(kind, "xfs")) {
			can1g = false;
			no1g_why = "only ext4 and xfs map DAX files with 1G pages";
		}
		size = st.st_size;
	} else {
		die("%s: neither a regular file nor a device-dax instance", path);
	}
	if (sysconf(_SC_PAGESIZE) != SZ_4K)
		die("only hosts with 4K base pages are supported");
	if (off % SZ_2M)
		die("OFFSET must be a multiple of 2M");
	if (off >= size)
		die("%s: OFFSET is not below its size (%llu)", path, (unsigned long long)size);
	if (!len || len > size - off)
		len = size - off;
	end = off + len;
	if (pid) {
		vmas = get_vmas(pid, st.st_dev, st.st_ino, &nvmas);
		if (!nvmas)
			die("process %d does not map %s", pid, path);
	}

	/*
	 * The host decides 1G pages per GiB of the file: look at the whole
	 * GiBs around the range, and report only the range.  A fault maps a
	 * huge page whose pages all start below the end of the file.
	 */
	size = devdax ? size : align_up(size, SZ_4K);
	lo = align_down(off, SZ_1G);
	hi = align_up(end, SZ_1G);
	if (hi > align_up(size, SZ_2M))
		hi = align_up(size, SZ_2M);
	if (!devdax) {
		/*
		 * ext4: FIEMAP reads the extent status cache, which merges
		 * unwritten extents that a write fault converts one by one:
		 * drop it, so that FIEMAP reports the extents on disk.
		 */
		if (!strcmp(kind, "ext4") && ioctl(fd, EXT4_IOC_CLEAR_ES_CACHE))
			fprintf(stderr, "%s: %s: cannot drop ext4's extent cache (%s): %s\n",
				prog, path, strerror(errno),
				"unwritten extents may look longer than a fault finds them");
		runs = get_runs(fd, lo, hi - lo, !strcmp(kind, "ext4"), &nr);
	}
	nchunks = (hi - lo) / SZ_2M;
	c = calloc(nchunks, sizeof(*c));
	if (!c)
		die("out of memory");

	/* 2M: each chunk on its own. */
	for (i = 0; i < nchunks; i++) {
		uint64_t s = lo + i * SZ_2M;
		enum why why = OK;
		struct run *r;

		if (s + SZ_2M > size) {
			why = PARTIAL;
		} else if (devdax) {
			why = align >= SZ_2M ? OK : DEVALIGN;
		} else {
			r = run_of(runs, nr, &cur2, s, SZ_2M, &why);
			if (r)
				why = run_why(&dev, r, s, SZ_2M);
		}
		c[i] = (struct chunk){ why == OK ? 21 : 12, why, why == HOLE };
	}
	/* 1G: each GiB whose chunks can all be 2M. */
	for (g = lo; g < hi; g += SZ_1G) {
		uint64_t i0 = (g - lo) / SZ_2M, j, n = 0;
		enum why why = OK;
		struct run *r;

		for (j = i0; j < nchunks && j < i0 + 512; j++)
			n += c[j].size == 21;
		if (!n)
			continue;
		if (!can1g) {
			why = NO1G;
		} else if (g + SZ_1G > size) {
			why = PARTIAL;
		} else if (devdax) {
			why = align >= SZ_1G ? OK : DEVALIGN;
		} else {
			r = run_of(runs, nr, &cur1, g, SZ_1G, &why);
			if (r)
				why = run_why(&dev, r, g, SZ_1G);
			else if (why == HOLE)
				why = SPLIT;
		}
		if (why == OK && pid)
			why = mapping_why(vmas, nvmas, g, SZ_1G);
		for (j = i0; j < nchunks && j < i0 + 512; j++) {
			if (why == OK)
				c[j].size = 30;
			else if (c[j].size == 21)
				c[j].why = why;
		}
	}
	/* The mapping, for what is still 2M. */
	for (i = 0; pid && i < nchunks; i++) {
		enum why why;

		if (c[i].size != 21)
			continue;
		why = mapping_why(vmas, nvmas, lo + i * SZ_2M, SZ_2M);
		if (why != OK)
			c[i] = (struct chunk){ 12, why, false };
	}

	if (!quiet) {
		printf("%s: %s, %llu MiB from offset %#llx\n", path, kind,
		       (unsigned long long)(len >> 20), (unsigned long long)off);
		if (devdax)
			printf("  device-dax align %lluK: %s\n", (unsigned long long)(align >> 10),
			       "the device maps pages of its align only");
		else if (dev.known)
			printf("  device %s: data at physical %#llx\n", dev.name,
			       (unsigned long long)dev.base);
		else if (dev.guessed)
			printf("  device %s: where its data lies is unknown %s\n", dev.name,
			       "(not pmem?): assuming it is 1G-aligned");
		else
			printf("  device %s: data aligned to %lluK (its start needs root)\n",
			       dev.name, (unsigned long long)(dev.align >> 10));
		if (!can1g)
			printf("  no 1G pages: %s\n", no1g_why);
		if (!pid)
			printf("  assuming the VMM maps it shared, at an address %s\n",
			       "congruent to the offset (-p PID checks)");
	}
	first = (off - lo) / SZ_2M;
	last = align_up(end - lo, SZ_2M) / SZ_2M;
	for (i = first; i < last;) {
		uint64_t j = i;

		while (j < last && c[j].size == c[i].size && c[j].why == c[i].why &&
		       c[j].hole == c[i].hole && (!verbose || j == i))
			j++;
		for (k = i; k < j; k++) {
			if (c[k].size == 30 && (lo + k * SZ_2M) / SZ_1G != last_g) {
				last_g = (lo + k * SZ_2M) / SZ_1G;
				n1g++;
			}
		}
		if (c[i].size == 21)
			n2m += j - i;
		else if (c[i].hole)
			holes += j - i;
		else if (c[i].size == 12)
			n4k += j - i;
		seen[c[i].why] = true;
		if (!quiet) {
			const char *w = c[i].why == NO1G ? no1g_why : why_text[c[i].why];

			printf("  %#12llx-%#12llx %6llu x 2M: %s%s%s\n",
			       (unsigned long long)(lo + i * SZ_2M),
			       (unsigned long long)(lo + j * SZ_2M - 1),
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
		printf("best pages: 1G x %llu, 2M x %llu, 4K for %llu 2M chunks, holes %llu 2M\n",
		       (unsigned long long)n1g, (unsigned long long)n2m,
		       (unsigned long long)n4k, (unsigned long long)holes);
		if (seen[UNALIGNED] || seen[SPLIT])
			printf("hint: make the file anew with '%s -c SIZE' %s\n", prog,
			       "on a filesystem made as Documentation/virt/kvm/dax.rst says");
		if (seen[NAMESPACE])
			printf("hint: %s\n",
			       "make the namespace with ndctl create-namespace -a 1G (or 2M)");
		if (seen[UNWRITTEN])
			printf("hint: %s\n",
			       "write the file once (dd conv=notrunc) before the guest maps it");
		if (seen[PRIVATE])
			printf("hint: %s\n", "map it shared (QEMU: share=on)");
		if (holes)
			printf("hint: %s\n",
			       "where a touch allocates the blocks is up to the filesystem: fallocate first");
	}
	free(c);
	free(runs);
	free(vmas);
	close(fd);
}

/* Fill [0, len) of @fd with zeroes, 2M at a time; 0 or an errno. */
static int write_zeroes(int fd, uint64_t len)
{
	static char zero[SZ_2M];
	uint64_t pos;

	for (pos = 0; pos < len; pos += SZ_2M) {
		size_t n = len - pos < SZ_2M ? len - pos : SZ_2M;

		if (pwrite(fd, zero, n, pos) != (ssize_t)n)
			return errno ? errno : EIO;
	}
	return fsync(fd) ? errno : 0;
}

/* Remove @path, which this run created, and die. */
static void undo(const char *path, int fd, const char *what, int err)
{
	if (fd >= 0)
		close(fd);
	unlink(path);
	die("%s %s: %s (removed it)", what, path, strerror(err));
}

/*
 * Create @path with @len bytes laid out for @page; false where xfs refuses
 * that extent size hint or the filesystem has no room for it (ENOSPC).
 */
static bool create_one(const char *path, uint64_t len, uint64_t page, bool xfs,
		       bool write)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600), err;
	struct fsxattr fsx;
	struct statx stx;

	if (fd < 0)
		die("create %s: %s", path, strerror(errno));
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		undo(path, fd, "statx", errno);
	if (!(stx.stx_attributes_mask & STATX_ATTR_DAX) ||
	    !(stx.stx_attributes & STATX_ATTR_DAX))
		undo(path, fd, "a DAX file (mount the filesystem -o dax)", ENOTSUP);
	/*
	 * xfs: an extent size hint of the page size sizes and places the
	 * file's extents in multiples of it; on the device they are aligned
	 * where the stripe unit is that size.  ext4 has no such hint.
	 */
	if (xfs) {
		if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
			undo(path, fd, "FS_IOC_FSGETXATTR", errno);
		fsx.fsx_xflags |= FS_XFLAG_EXTSIZE;
		fsx.fsx_extsize = page;
		if (ioctl(fd, FS_IOC_FSSETXATTR, &fsx)) {
			/* EINVAL: larger than half an allocation group */
			if (errno == EINVAL && page > SZ_2M) {
				close(fd);
				unlink(path);
				return false;
			}
			undo(path, fd, "set an extent size hint on", errno);
		}
	}
	if (fallocate(fd, 0, 0, len)) {
		err = errno;
		if (err == ENOSPC && page > SZ_2M) {
			close(fd);
			unlink(path);
			return false;
		}
		undo(path, fd, "fallocate", err);
	}
	if (write) {
		err = write_zeroes(fd, len);
		if (err)
			undo(path, fd, "write", err);
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

	if (!len || len % SZ_2M)
		die("-c SIZE must be a multiple of 2M");
	if (mode && !strcasecmp(mode, "1g")) {
		if (len % SZ_1G)
			die("-m 1g: SIZE must be a multiple of 1G");
		page = SZ_1G;
	} else if (mode && strcasecmp(mode, "2m")) {
		die("-m takes 1g or 2m");
	} else if (!mode && !(len % SZ_1G) && host_maps_1g(&no1g_why)) {
		page = SZ_1G;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (statfs(dir, &sfs))
		die("%s: %s", dir, strerror(errno));
	xfs = sfs.f_type == XFS_SUPER_MAGIC;
	if (!create_one(path, len, page, xfs, write)) {
		fprintf(stderr, "%s: no room for %llu MiB in 1G extents %s\n", prog,
			(unsigned long long)(len >> 20),
			"(or no 1G extent size hint): falling back to 2M");
		page = SZ_2M;
		if (!create_one(path, len, page, xfs, write))
			die("fallocate %s: %s", path, strerror(ENOSPC));
	}
	if (!quiet)
		printf("created %s: %llu MiB, %s%s\n", path, (unsigned long long)(len >> 20),
		       !xfs ? "no hint (only xfs takes one)" :
		       page == SZ_1G ? "xfs extent size hint 1G" : "xfs extent size hint 2M",
		       write ? ", written" : ", unwritten");
	report(path, 0, len, 0);
}

int main(int argc, char **argv)
{
	uint64_t off = 0, len = 0, csize = 0;
	bool write = true, create_opts = false, report_opts = false;
	const char *mode = NULL;
	int opt, pid = 0;
	char *end;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ }
	};

	while ((opt = getopt_long(argc, argv, "o:s:p:qvc:m:nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			off = parse_size(optarg);
			report_opts = true;
			break;
		case 's':
			len = parse_size(optarg);
			report_opts = true;
			break;
		case 'p':
			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (*end || errno || pid <= 0)
				die("bad PID '%s'", optarg);
			report_opts = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'c':
			csize = parse_size(optarg);
			if (!csize)
				die("-c SIZE must not be 0");
			break;
		case 'm':
			mode = optarg;
			create_opts = true;
			break;
		case 'n':
			write = false;
			create_opts = true;
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
	if (csize && report_opts)
		die("-o, -s and -p do not go with -c");
	if (!csize && create_opts)
		die("-m and -n go with -c only");
	if (csize)
		create(argv[optind], csize, mode, write);
	else
		report(argv[optind], off, len, pid);
	return 0;
}
