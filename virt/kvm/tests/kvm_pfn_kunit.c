// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for how KVM classifies host pfns: which pfns are refcounted
 * pages (kvm_pfn_to_refcounted_page(), kvm_is_zone_device_page()) and
 * which pages KVM marks dirty or accessed (kvm_is_ad_tracked_page()).
 *
 * DAX memory is ZONE_DEVICE memory and must be a refcounted page, never
 * reserved/MMIO memory.  The fsdax and devdax cases use real DAX pages,
 * which exist only once a pmem namespace is set up: they skip at boot and
 * pass when the suite is run again through debugfs afterwards
 * (/sys/kernel/debug/kunit/kvm_pfn/run).  A synthetic ZONE_DEVICE page is
 * made only as MEMORY_DEVICE_PRIVATE over request_free_mem_region(), which
 * needs no real memory.
 *
 * Included from kvm_main.c, so that static helpers can be tested directly;
 * kvm_kunit_get_dax_pgmap() is shared with the arch suites in the same module.
 */
#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/memremap.h>

struct kvm_kunit_dax_search {
	enum memory_type type;
	struct dev_pagemap *pgmap;
};

static int kvm_kunit_dax_search_res(struct resource *res, void *arg)
{
	struct kvm_kunit_dax_search *search = arg;
	struct dev_pagemap *pgmap;
	unsigned long pfn;

	for (pfn = PHYS_PFN(res->start); pfn <= PHYS_PFN(res->end);
	     pfn += PAGES_PER_SUBSECTION) {
		pgmap = get_dev_pagemap(pfn, NULL);
		if (!pgmap)
			continue;
		if (pgmap->type == search->type) {
			search->pgmap = pgmap;
			return 1;
		}
		pfn = max(pfn, PHYS_PFN(pgmap->ranges[pgmap->nr_range - 1].end));
		put_dev_pagemap(pgmap);
	}
	return 0;
}

/*
 * Find a live DAX pgmap of @type (MEMORY_DEVICE_FS_DAX for fsdax,
 * MEMORY_DEVICE_GENERIC for device-dax) in any memory resource, and return
 * it with a reference held, and in @pfn the pfn of its last page, which is
 * a data page (the first pages of a namespace may hold its memmap).  NULL
 * if there is none.
 */
struct dev_pagemap *kvm_kunit_get_dax_pgmap(enum memory_type type,
					    kvm_pfn_t *pfn)
{
	struct kvm_kunit_dax_search search = { .type = type };

	/*
	 * Every memory resource, not only "Persistent Memory" and "Soft
	 * Reserved" ones: of_pmem regions (arm64) have no such parent.
	 */
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, -1, &search,
			    kvm_kunit_dax_search_res);
	if (search.pgmap)
		*pfn = PHYS_PFN(search.pgmap->ranges[search.pgmap->nr_range - 1].end);
	return search.pgmap;
}

/*
 * KUnit keeps a case's status across runs of its suite and does not run a
 * case again whose last run was skipped: it takes it for a case marked to
 * be skipped.  The DAX cases skip at boot by design, so clear the statuses
 * at the start of each run, for a run through debugfs to test them.
 */
int kvm_kunit_suite_init(struct kunit_suite *suite)
{
	struct kunit_case *test_case;

	kunit_suite_for_each_test_case(suite, test_case)
		test_case->status = KUNIT_SUCCESS;
	return 0;
}

static void kvm_pfn_to_refcounted_page_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_PTR_EQ(test, kvm_pfn_to_refcounted_page(page_to_pfn(page)),
			    page);
	KUNIT_EXPECT_FALSE(test, kvm_is_zone_device_page(page));
	KUNIT_EXPECT_TRUE(test, kvm_is_ad_tracked_page(page));
	__free_page(page);
}

/* The zero page is PG_reserved, but refcounted. */
static void kvm_pfn_to_refcounted_page_zero_page(struct kunit *test)
{
	struct page *page = ZERO_PAGE(0);

	KUNIT_ASSERT_TRUE(test, PageReserved(page));
	KUNIT_EXPECT_PTR_EQ(test, kvm_pfn_to_refcounted_page(page_to_pfn(page)),
			    page);
	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(page));
}

/* A PG_reserved page that is not ZONE_DEVICE is not refcounted. */
static void kvm_pfn_to_refcounted_page_reserved(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	SetPageReserved(page);
	KUNIT_EXPECT_NULL(test, kvm_pfn_to_refcounted_page(page_to_pfn(page)));
	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(page));
	ClearPageReserved(page);
	__free_page(page);
}

/* A pfn without a struct page. */
static void kvm_pfn_to_refcounted_page_invalid(struct kunit *test)
{
	kvm_pfn_t pfn = PHYS_PFN(PHYSMEM_END) + 1;

	KUNIT_ASSERT_FALSE(test, pfn_valid(pfn));
	KUNIT_EXPECT_NULL(test, kvm_pfn_to_refcounted_page(pfn));
}

static void kvm_kunit_devpriv_free(struct page *page)
{
}

static vm_fault_t kvm_kunit_devpriv_migrate(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct dev_pagemap_ops kvm_kunit_devpriv_ops = {
	.page_free = kvm_kunit_devpriv_free,
	.migrate_to_ram = kvm_kunit_devpriv_migrate,
};

/*
 * A synthetic ZONE_DEVICE range: 2M of MEMORY_DEVICE_PRIVATE pages over
 * request_free_mem_region(), which needs no real memory.  Returns its
 * pgmap, or NULL after failing @test; kvm_kunit_del_device_private()
 * removes it.  Shared with the arch suites in the same module.
 */
struct dev_pagemap *kvm_kunit_add_device_private(struct kunit *test)
{
	struct dev_pagemap *pgmap;
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource, SZ_2M, "kvm_kunit");
	if (IS_ERR_OR_NULL(res)) {
		KUNIT_FAIL(test, "request_free_mem_region() failed: %ld",
			   PTR_ERR(res));
		return NULL;
	}
	pgmap = kunit_kzalloc(test, sizeof(*pgmap), GFP_KERNEL);
	if (!pgmap) {
		release_mem_region(res->start, resource_size(res));
		KUNIT_FAIL(test, "out of memory");
		return NULL;
	}
	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->range.start = res->start;
	pgmap->range.end = res->end;
	pgmap->nr_range = 1;
	pgmap->ops = &kvm_kunit_devpriv_ops;
	pgmap->owner = test;
	addr = memremap_pages(pgmap, numa_node_id());
	if (IS_ERR_OR_NULL(addr)) {
		release_mem_region(res->start, resource_size(res));
		KUNIT_FAIL(test, "memremap_pages() failed: %ld", PTR_ERR(addr));
		return NULL;
	}
	return pgmap;
}

void kvm_kunit_del_device_private(struct dev_pagemap *pgmap)
{
	memunmap_pages(pgmap);
	release_mem_region(pgmap->range.start, range_len(&pgmap->range));
}

/* A synthetic ZONE_DEVICE page: PG_reserved, yet refcounted. */
static void kvm_pfn_to_refcounted_page_device_private(struct kunit *test)
{
	struct dev_pagemap *pgmap = kvm_kunit_add_device_private(test);
	struct page *page;

	if (!pgmap)
		return;

	/* As a driver allocating the page: one reference, locked. */
	page = pfn_to_page(PHYS_PFN(pgmap->range.start));
	zone_device_page_init(page);
	KUNIT_EXPECT_TRUE(test, PageReserved(page));
	KUNIT_EXPECT_TRUE(test, kvm_is_zone_device_page(page));
	KUNIT_EXPECT_PTR_EQ(test, kvm_pfn_to_refcounted_page(page_to_pfn(page)),
			    page);
	unlock_page(page);
	put_page(page);

	kvm_kunit_del_device_private(pgmap);
}

/*
 * A real DAX page: refcounted, ZONE_DEVICE, and not A/D tracked, i.e. KVM
 * never calls SetPageDirty() on it.  Dirtiness of fsdax memory lives in the
 * file's xarray and is recorded by write faults, not in the struct page.
 */
static void kvm_pfn_check_dax(struct kunit *test, enum memory_type type,
			      const char *what)
{
	struct dev_pagemap *pgmap;
	struct page *page;
	kvm_pfn_t pfn;

	pgmap = kvm_kunit_get_dax_pgmap(type, &pfn);
	if (!pgmap)
		kunit_skip(test, "no %s namespace: run again once one exists", what);

	page = pfn_to_page(pfn);
	kunit_info(test, "%s pfn 0x%llx, refcount %d\n", what, pfn,
		   page_count(page));
	KUNIT_EXPECT_TRUE(test, PageReserved(page));
	KUNIT_EXPECT_TRUE(test, kvm_is_zone_device_page(page));
	KUNIT_EXPECT_PTR_EQ(test, kvm_pfn_to_refcounted_page(pfn), page);
	KUNIT_EXPECT_FALSE(test, kvm_is_ad_tracked_page(page));
	kvm_set_pfn_dirty(pfn);
	KUNIT_EXPECT_FALSE(test, PageDirty(page));
	put_dev_pagemap(pgmap);
}

static void kvm_pfn_to_refcounted_page_fsdax(struct kunit *test)
{
	kvm_pfn_check_dax(test, MEMORY_DEVICE_FS_DAX, "fsdax");
}

static void kvm_pfn_to_refcounted_page_devdax(struct kunit *test)
{
	kvm_pfn_check_dax(test, MEMORY_DEVICE_GENERIC, "devdax");
}

/* An ordinary page is A/D tracked: kvm_set_pfn_dirty() dirties it. */
static void kvm_set_pfn_dirty_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_FALSE(test, PageDirty(page));
	kvm_set_pfn_dirty(page_to_pfn(page));
	KUNIT_EXPECT_TRUE(test, PageDirty(page));
	ClearPageDirty(page);
	__free_page(page);
}

static struct kunit_case kvm_pfn_test_cases[] = {
	KUNIT_CASE(kvm_pfn_to_refcounted_page_ordinary),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_zero_page),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_reserved),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_invalid),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_device_private),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_fsdax),
	KUNIT_CASE(kvm_pfn_to_refcounted_page_devdax),
	KUNIT_CASE(kvm_set_pfn_dirty_ordinary),
	{}
};

static struct kunit_suite kvm_pfn_test_suite = {
	.name = "kvm_pfn",
	.suite_init = kvm_kunit_suite_init,
	.test_cases = kvm_pfn_test_cases,
};

kunit_test_suite(kvm_pfn_test_suite);
