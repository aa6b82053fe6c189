// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for what KVM decides about DAX and other ZONE_DEVICE pages in
 * virt/kvm: whether it marks them accessed and dirty
 * (kvm_is_ad_tracked_page()), and that a fault-in through __kvm_faultin_pfn()
 * hands back a reference to the page GUP found, which
 * kvm_release_faultin_page() then drops.
 *
 * Besides ordinary pages and anonymous user memory, the cases use
 *  - a MEMORY_DEVICE_PRIVATE range over request_free_mem_region(), the only
 *    ZONE_DEVICE memory that needs no real memory behind it;
 *  - real DAX pages, which need real DAX memory and are skipped without it:
 *    a page of a live fsdax or device-dax pgmap (a pmem namespace in fsdax
 *    or devdax mode), and the first page of kvm.kunit_dax_path, a device-dax
 *    instance or a file on a filesystem mounted -o dax, faulted in for
 *    writing (no data is written, but a hole in a file gets a block).
 *
 * A case that was skipped is not run again when the suite is run again
 * through debugfs, so the DAX cases run only where the suite runs after the
 * memory exists: when kvm.ko is loaded, or at boot for namespaces set up
 * before (a path cannot be opened before the root filesystem is mounted).
 * The cases run in kthreads, whose root is the empty nullfs: the path, which
 * must be absolute, is looked up in PID 1's root (scoped_with_init_fs()).
 *
 * Included from kvm_main.c, to test static functions directly.  The
 * kvm_kunit_*() helpers are shared with the architecture suites.
 */
#include <kunit/test.h>
#include <linux/device/driver.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mman.h>
#include <linux/swap.h>

static char *kvm_kunit_dax_path;
module_param_named(kunit_dax_path, kvm_kunit_dax_path, charp, 0444);
MODULE_PARM_DESC(kunit_dax_path,
		 "KUnit: absolute path of a device-dax instance or a file on a -o dax filesystem");

KUNIT_DEFINE_ACTION_WRAPPER(kvm_kunit_put_dev_pagemap, put_dev_pagemap,
			    struct dev_pagemap *);
KUNIT_DEFINE_ACTION_WRAPPER(kvm_kunit_put_page, put_page, struct page *);
KUNIT_DEFINE_ACTION_WRAPPER(kvm_kunit_kvfree, kvfree, const void *);

struct kvm_kunit_dax_search {
	enum memory_type type;
	struct dev_pagemap *pgmap;
};

static int kvm_kunit_dax_search_res(struct resource *res, void *arg)
{
	struct kvm_kunit_dax_search *search = arg;
	struct dev_pagemap *pgmap;
	unsigned long pfn, last;

	/* DAX memory is never System RAM: don't probe all of RAM. */
	if (res->flags & IORESOURCE_SYSRAM)
		return 0;

	for (pfn = PHYS_PFN(res->start); pfn <= PHYS_PFN(res->end);
	     pfn += PAGES_PER_SUBSECTION) {
		/* Skip sections without a memmap, e.g. in PCI windows. */
		if (!present_section_nr(pfn_to_section_nr(pfn))) {
			pfn = ALIGN(pfn + 1, PAGES_PER_SECTION) -
			      PAGES_PER_SUBSECTION;
			continue;
		}
		pgmap = get_dev_pagemap(pfn);
		if (!pgmap)
			continue;
		if (pgmap->type == search->type) {
			search->pgmap = pgmap;
			return 1;
		}
		last = PHYS_PFN(pgmap->ranges[pgmap->nr_range - 1].end);
		pfn = max(pfn, last);
		put_dev_pagemap(pgmap);
	}
	return 0;
}

/*
 * The pfn of a page of a live DAX pgmap of @type: MEMORY_DEVICE_FS_DAX for
 * fsdax, MEMORY_DEVICE_GENERIC for device-dax.  It is the pgmap's last page,
 * a data page (the first pages may hold the pgmap's own memmap), which may
 * be in use by anyone: only look at it.  The pgmap is held until @test
 * ends.  Skips @test if there is no such pgmap.
 */
kvm_pfn_t kvm_kunit_dax_pfn(struct kunit *test, enum memory_type type)
{
	struct kvm_kunit_dax_search search = { .type = type };
	bool fsdax = type == MEMORY_DEVICE_FS_DAX;
	struct dev_pagemap *pgmap;
	int ret;

	/* At boot, libnvdimm may still be probing its namespaces. */
	wait_for_device_probe();

	/*
	 * Every memory resource, not only "Persistent Memory" and "Soft
	 * Reserved" ones: of_pmem regions (arm64) have no such parent.
	 */
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, -1, &search,
			    kvm_kunit_dax_search_res);
	pgmap = search.pgmap;
	if (!pgmap)
		kunit_skip(test, "no %s pgmap: needs a namespace in %s mode",
			   fsdax ? "fsdax" : "device-dax",
			   fsdax ? "fsdax" : "devdax");
	ret = kunit_add_action_or_reset(test, kvm_kunit_put_dev_pagemap, pgmap);
	KUNIT_ASSERT_EQ(test, ret, 0);

	return PHYS_PFN(pgmap->ranges[pgmap->nr_range - 1].end);
}

static void kvm_kunit_devpriv_folio_free(struct folio *folio)
{
}

static vm_fault_t kvm_kunit_devpriv_migrate_to_ram(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct dev_pagemap_ops kvm_kunit_devpriv_ops = {
	.folio_free = kvm_kunit_devpriv_folio_free,
	.migrate_to_ram = kvm_kunit_devpriv_migrate_to_ram,
};

static void kvm_kunit_remove_device_private(void *data)
{
	struct dev_pagemap *pgmap = data;

	memunmap_pages(pgmap);
	release_mem_region(pgmap->range.start, range_len(&pgmap->range));
}

/*
 * The first pfn of 2M of MEMORY_DEVICE_PRIVATE memory over
 * request_free_mem_region(), which needs no real memory.  Like DAX memory,
 * it has ZONE_DEVICE struct pages and is not memblock memory.  No page of
 * it is allocated: only look at it.  Removed when @test ends.
 */
kvm_pfn_t kvm_kunit_device_private_pfn(struct kunit *test)
{
	struct dev_pagemap *pgmap;
	struct resource *res;
	void *addr;
	int ret;

	pgmap = kunit_kzalloc(test, sizeof(*pgmap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pgmap);

	res = request_free_mem_region(&iomem_resource, SZ_2M, "kvm_kunit");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(res),
			       "request_free_mem_region(): %ld", PTR_ERR(res));

	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->range.start = res->start;
	pgmap->range.end = res->end;
	pgmap->nr_range = 1;
	pgmap->ops = &kvm_kunit_devpriv_ops;
	pgmap->owner = pgmap;
	addr = memremap_pages(pgmap, numa_node_id());
	if (IS_ERR_OR_NULL(addr)) {
		release_mem_region(res->start, resource_size(res));
		KUNIT_FAIL_AND_ABORT(test, "memremap_pages(): %ld",
				     PTR_ERR(addr));
	}
	ret = kunit_add_action_or_reset(test, kvm_kunit_remove_device_private,
					pgmap);
	KUNIT_ASSERT_EQ(test, ret, 0);

	return PHYS_PFN(pgmap->range.start);
}

/* The page at @hva, faulted in for writing and held until @test ends. */
static struct page *kvm_kunit_get_user_page(struct kunit *test,
					    unsigned long hva)
{
	struct page *page;
	int ret;

	ret = get_user_pages_fast(hva, 1, FOLL_WRITE, &page);
	KUNIT_ASSERT_EQ(test, ret, 1);
	ret = kunit_add_action_or_reset(test, kvm_kunit_put_page, page);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return page;
}

/* Large enough for every device-dax alignment (1G, or 512M on arm64/64K). */
#define KVM_KUNIT_DAX_MAP_SIZE	SZ_1G

/*
 * Map kvm.kunit_dax_path shared and writable into @test's mm, and return
 * its first page, faulted in for writing and held until @test ends, and its
 * address in @hva.  Skips @test if there is no path, or no DAX page there;
 * fails it if the path cannot be opened.
 */
struct page *kvm_kunit_get_dax_path_page(struct kunit *test,
					 unsigned long *hva)
{
	struct file *file;
	struct page *page;

	if (!kvm_kunit_dax_path || !*kvm_kunit_dax_path)
		kunit_skip(test, "no DAX file: set kvm.kunit_dax_path");

	scoped_with_init_fs()
		file = filp_open(kvm_kunit_dax_path, O_RDWR | O_LARGEFILE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "cannot open %s: %ld",
			       kvm_kunit_dax_path, PTR_ERR(file));

	/* The mapping holds its own reference to the file. */
	*hva = kunit_vm_mmap(test, file, 0, KVM_KUNIT_DAX_MAP_SIZE,
			     PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	fput(file);
	KUNIT_ASSERT_FALSE_MSG(test, !*hva || IS_ERR_VALUE(*hva),
			       "cannot map %s: %ld", kvm_kunit_dax_path,
			       (long)*hva);

	page = kvm_kunit_get_user_page(test, *hva);
	if (!is_zone_device_page(page))
		kunit_skip(test, "%s is not mapped with DAX",
			   kvm_kunit_dax_path);
	return page;
}

/*
 * Ordinary pages are A/D tracked: KVM marks them dirty and accessed when it
 * releases them.  Fails if kvm_is_ad_tracked_page() is inverted, or says
 * false for every page.
 */
static void kvm_is_ad_tracked_page_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, kvm_is_ad_tracked_page(page));
	__free_page(page);
}

/*
 * KVM must not dirty or age the shared zero page, which read faults on
 * anonymous memory and on holes in fsdax files map.  Fails if the decision
 * is inverted, or made on ZONE_DEVICE-ness alone (!is_zone_device_page()).
 */
static void kvm_is_ad_tracked_page_zero_page(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(ZERO_PAGE(0)));
}

/*
 * ZONE_DEVICE pages are not A/D tracked: they are never on an LRU, so
 * mark_page_accessed() has nothing to do with them, and fsdax keeps the
 * dirty state of its pages in the mapping's xarray, where the write fault
 * that made the page writable put it.  Fails if the decision is inverted,
 * or lets ZONE_DEVICE pages through (|| is_zone_device_page()).
 */
static void kvm_is_ad_tracked_page_device_private(struct kunit *test)
{
	struct page *page = pfn_to_page(kvm_kunit_device_private_pfn(test));

	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(page));
}

/* As above, for real DAX pages; fails for the same broken decisions. */
static void kvm_is_ad_tracked_page_fsdax(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_FS_DAX);

	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(pfn_to_page(pfn)));
}

static void kvm_is_ad_tracked_page_devdax(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_GENERIC);

	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(pfn_to_page(pfn)));
}

/*
 * Fault in @page, mapped at @hva, as the architectures' fault handlers do:
 * __kvm_faultin_pfn() on a memslot over @hva, then kvm_release_faultin_page()
 * under mmu_lock.  KVM must hand back a reference to @page itself, writable,
 * with @page's pfn, and the release must drop exactly that reference.
 *
 * Fails if KVM does not hand back the page whose reference GUP took (e.g.
 * takes it for a pfn without a refcounted page, which leaks the reference),
 * hands back or releases another page, or takes or drops one reference too
 * many.
 */
static void kvm_faultin_pfn_check(struct kunit *test, unsigned long hva,
				  struct page *page)
{
	struct kvm_memory_slot slot = {
		.base_gfn = 0,
		.npages = 1,
		.userspace_addr = hva,
	};
	struct page *refcounted_page;
	bool writable;
	struct kvm *kvm;
	int count, ret;
	kvm_pfn_t pfn;

	/* Only for mmu_lock, which kvm_release_faultin_page() wants held. */
	kvm = kvzalloc_obj(*kvm);
	KUNIT_ASSERT_NOT_NULL(test, kvm);
	ret = kunit_add_action_or_reset(test, kvm_kunit_kvfree, kvm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KVM_MMU_LOCK_INIT(kvm);

	/*
	 * An ordinary page may still be referenced from a per-CPU LRU batch,
	 * which could drop that reference at any time: drain it first.
	 */
	if (!is_zone_device_page(page))
		lru_cache_drain_for_folio(page_folio(page), 1, NULL);
	count = page_count(page);

	pfn = __kvm_faultin_pfn(&slot, 0, FOLL_WRITE, &writable,
				&refcounted_page);
	KUNIT_ASSERT_FALSE_MSG(test, is_error_noslot_pfn(pfn),
			       "__kvm_faultin_pfn(): 0x%llx", pfn);
	KUNIT_EXPECT_EQ(test, pfn, page_to_pfn(page));
	KUNIT_EXPECT_TRUE(test, writable);
	KUNIT_EXPECT_PTR_EQ(test, refcounted_page, page);
	KUNIT_EXPECT_EQ(test, page_count(page), count + 1);

	KVM_MMU_LOCK(kvm);
	kvm_release_faultin_page(kvm, refcounted_page, false, writable);
	KVM_MMU_UNLOCK(kvm);
	/*
	 * Marking an ordinary page accessed on release may have queued it in a
	 * per-CPU LRU batch, which holds a reference of its own: drain it.
	 */
	if (!is_zone_device_page(page))
		lru_cache_drain_for_folio(page_folio(page), 1, NULL);
	KUNIT_EXPECT_EQ(test, page_count(page), count);
}

static void kvm_faultin_pfn_anon(struct kunit *test)
{
	unsigned long hva;

	hva = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, !hva || IS_ERR_VALUE(hva),
			       "kunit_vm_mmap(): %ld", (long)hva);

	kvm_faultin_pfn_check(test, hva, kvm_kunit_get_user_page(test, hva));
}

/* As above, for the first page of kvm.kunit_dax_path. */
static void kvm_faultin_pfn_dax_path(struct kunit *test)
{
	unsigned long hva;
	struct page *page;

	page = kvm_kunit_get_dax_path_page(test, &hva);
	kvm_faultin_pfn_check(test, hva, page);
}

static struct kunit_case kvm_pfn_test_cases[] = {
	KUNIT_CASE(kvm_is_ad_tracked_page_ordinary),
	KUNIT_CASE(kvm_is_ad_tracked_page_zero_page),
	KUNIT_CASE(kvm_is_ad_tracked_page_device_private),
	KUNIT_CASE(kvm_is_ad_tracked_page_fsdax),
	KUNIT_CASE(kvm_is_ad_tracked_page_devdax),
	KUNIT_CASE(kvm_faultin_pfn_anon),
	KUNIT_CASE(kvm_faultin_pfn_dax_path),
	{}
};

static struct kunit_suite kvm_pfn_test_suite = {
	.name = "kvm_pfn",
	.test_cases = kvm_pfn_test_cases,
};

kunit_test_suite(kvm_pfn_test_suite);
