// SPDX-License-Identifier: GPL-2.0
/*
 * l2pat: the L2 guest's whole userspace, and L1's check of its memory.
 *
 * As PID 1 of the L2 guest (booted by Debian's QEMU in L1 with its RAM on
 * fsdax/devdax memory): fill most of the guest's free RAM with a pattern,
 * one 4 KiB page at a time, read it all back, print the page count and the
 * sum of every 64-bit word written, say READY, hold the pattern for a few
 * seconds (L1 reads KVM's stats meanwhile), power off.  Each page carries
 * a header (magic, seed, index) so that L1 can find it in the backing.
 *
 *   l2pat check PATH SIZE SEED
 *
 * in L1 maps the backing file/device after the guest is gone and finds the
 * guest's pages by their header: it prints how many distinct pages it found
 * intact, how many were damaged, and the same sum, over what it found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>

#define PAGE	4096UL
#define WORDS	(PAGE / 8)
#define MAGIC	0x4c3250415444415aULL	/* "ZADTAP2L" */

static inline uint64_t word(uint64_t seed, uint64_t idx, uint64_t k)
{
	return ((idx * WORDS + k) * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static void fill(uint64_t *p, uint64_t seed, uint64_t idx)
{
	p[0] = MAGIC;
	p[1] = seed;
	p[2] = idx;
	for (uint64_t k = 3; k < WORDS; k++)
		p[k] = word(seed, idx, k);
}

/* Sum of the page's words if it is page IDX of SEED intact, else 0 and *ok = 0. */
static uint64_t check_page(const uint64_t *p, uint64_t seed, uint64_t idx, int *ok)
{
	uint64_t s = p[0] + p[1] + p[2];

	*ok = p[0] == MAGIC && p[1] == seed && p[2] == idx;
	for (uint64_t k = 3; k < WORDS && *ok; k++) {
		if (p[k] != word(seed, idx, k))
			*ok = 0;
		s += p[k];
	}
	return *ok ? s : 0;
}

static long ms_since(struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int do_check(const char *path, uint64_t size, uint64_t seed)
{
	uint64_t npages = size / PAGE, found = 0, bad = 0, dup = 0, sum = 0, max = 0;
	unsigned char *seen;
	uint64_t *m;
	int fd, ok;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "l2pat: open %s: %s\n", path, strerror(errno));
		return 2;
	}
	m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "l2pat: mmap %s (%" PRIu64 " bytes): %s\n", path, size, strerror(errno));
		return 2;
	}
	seen = calloc(npages, 1);
	if (!seen)
		return 2;
	for (uint64_t i = 0; i < npages; i++) {
		const uint64_t *p = m + i * WORDS;
		uint64_t idx = p[2], s;

		if (p[0] != MAGIC || p[1] != seed)
			continue;
		if (idx >= npages) {
			bad++;
			continue;
		}
		s = check_page(p, seed, idx, &ok);
		if (!ok) {
			bad++;
		} else if (seen[idx]) {
			dup++;	/* a stale copy, e.g. left behind by migration */
		} else {
			seen[idx] = 1;
			found++;
			sum += s;
			if (idx + 1 > max)
				max = idx + 1;
		}
	}
	printf("found=%" PRIu64 " span=%" PRIu64 " bad=%" PRIu64 " dup=%" PRIu64 " sum=%016" PRIx64 "\n",
	       found, max, bad, dup, sum);
	return 0;
}

static uint64_t meminfo(const char *key)
{
	char line[128];
	uint64_t v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoull(line + strlen(key), NULL, 10) * 1024;
	if (f)
		fclose(f);
	return v;
}

static uint64_t cmdline_u64(const char *key, uint64_t def)
{
	char buf[1024] = "", *p;
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd >= 0) {
		read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 0) : def;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static int do_guest(void)
{
	uint64_t seed, keep, npages, max, step, hold, sum = 0, good = 0;
	struct timespec t0;
	long wms, vms;
	uint64_t *m;
	int fd, ok;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	seed = cmdline_u64("l2.seed=", 1);
	/*
	 * Leave the kernel a sixth of RAM: mlockall() of nearly all of
	 * MemAvailable sent L2 (no swap) into endless reclaim.
	 */
	keep = cmdline_u64("l2.keep_mib=", meminfo("MemTotal:") / 6 >> 20) << 20;
	npages = (meminfo("MemAvailable:") - keep) / PAGE;
	max = cmdline_u64("l2.max_mib=", 0) << 20 >> 12;
	if (max)
		npages = max;
	step = cmdline_u64("l2.step_mib=", 256) << 20 >> 12;
	printf("L2PAT: up, MemTotal %" PRIu64 " MiB, writing %" PRIu64 " pages (%" PRIu64 " MiB), seed %" PRIu64 "\n",
	       meminfo("MemTotal:") >> 20, npages, npages * PAGE >> 20, seed);

	m = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		printf("L2PAT: FAIL mmap: %s\n", strerror(errno));
		power_off();
	}
	/* Keep the pages where they are until power-off. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		printf("L2PAT: mlockall: %s (continuing)\n", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < npages; i++) {
		fill(m + i * WORDS, seed, i);
		if (i && !(i % step))
			printf("L2PAT: %" PRIu64 " MiB written, %ld ms\n", i >> 8, ms_since(&t0));
	}
	wms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < npages; i++) {
		sum += check_page(m + i * WORDS, seed, i, &ok);
		good += ok;
	}
	vms = ms_since(&t0);
	printf("L2PAT: %s pages=%" PRIu64 " good=%" PRIu64 " sum=%016" PRIx64 " write_ms=%ld verify_ms=%ld\n",
	       good == npages ? "PASS" : "FAIL", npages, good, sum, wms, vms);
	/* L1 reads KVM's stats for this VM while the pattern is held. */
	hold = cmdline_u64("l2.hold_s=", 10);
	printf("L2PAT: READY, holding the pattern for %" PRIu64 " s\n", hold);
	/*
	 * Hold by reading the clock, not by sleeping: a sleeping L2 idles
	 * until its APIC timer interrupt, and under nested TCG that one
	 * interrupt was seen not to come (L2 in cpu_idle_poll with IF=1,
	 * killed at the try limit).  What this test checks is L2's memory,
	 * not nested timer delivery.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < (long)hold * 1000)
		;
	printf("L2PAT: powering off\n");
	power_off();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "check"))
		return do_check(argv[2], strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
	if (getpid() == 1)
		return do_guest();
	fprintf(stderr, "usage: l2pat check PATH SIZE SEED (or run as PID 1 of the L2 guest)\n");
	return 2;
}
