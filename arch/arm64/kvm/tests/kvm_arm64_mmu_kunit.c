// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kvm_is_device_pfn(), which decides whether a pfn is
 * mapped at stage 2 as Device memory (uncached, never executable) or as
 * Normal memory.  fsdax and device-dax pages are ZONE_DEVICE memory that
 * is not in memblock, yet ordinary cacheable memory: they must be Normal.
 * The DAX cases need a pmem namespace and skip without one; run the suite
 * again through /sys/kernel/debug/kunit/kvm_arm64_mmu/run once one exists.
 *
 * Included from mmu.c, so that the static function can be tested directly.
 */
#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/memremap.h>

static void kvm_is_device_pfn_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE(test, kvm_is_device_pfn(page_to_pfn(page)));
	__free_page(page);
}

static void kvm_is_device_pfn_zero_page(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, kvm_is_device_pfn(page_to_pfn(ZERO_PAGE(0))));
}

/* A pfn without a struct page: MMIO, Device memory. */
static void kvm_is_device_pfn_no_page(struct kunit *test)
{
	kvm_pfn_t pfn = PHYS_PFN(PHYSMEM_END) + 1;

	KUNIT_ASSERT_FALSE(test, pfn_valid(pfn));
	KUNIT_EXPECT_TRUE(test, kvm_is_device_pfn(pfn));
}

static void kvm_arm64_kunit_page_free(struct page *page)
{
}

static vm_fault_t kvm_arm64_kunit_migrate(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct dev_pagemap_ops kvm_arm64_kunit_devpriv_ops = {
	.page_free = kvm_arm64_kunit_page_free,
	.migrate_to_ram = kvm_arm64_kunit_migrate,
};

/*
 * ZONE_DEVICE memory that is not DAX keeps being Device memory: a
 * device-private page, which has a struct page but no linear mapping.
 */
static void kvm_is_device_pfn_device_private(struct kunit *test)
{
	struct dev_pagemap *pgmap;
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource, SZ_2M, "kvm_kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(res));
	pgmap = kunit_kzalloc(test, sizeof(*pgmap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pgmap);
	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->range.start = res->start;
	pgmap->range.end = res->end;
	pgmap->nr_range = 1;
	pgmap->ops = &kvm_arm64_kunit_devpriv_ops;
	pgmap->owner = test;
	addr = memremap_pages(pgmap, numa_node_id());
	if (IS_ERR_OR_NULL(addr)) {
		release_mem_region(res->start, resource_size(res));
		KUNIT_FAIL(test, "memremap_pages() failed: %ld", PTR_ERR(addr));
		return;
	}

	KUNIT_EXPECT_TRUE(test, is_zone_device_page(pfn_to_page(PHYS_PFN(res->start))));
	KUNIT_EXPECT_TRUE(test, kvm_is_device_pfn(PHYS_PFN(res->start)));

	memunmap_pages(pgmap);
	release_mem_region(res->start, resource_size(res));
}

static void kvm_is_device_pfn_check_dax(struct kunit *test,
					enum memory_type type, const char *what)
{
	struct dev_pagemap *pgmap;
	kvm_pfn_t pfn;

	pgmap = kvm_kunit_get_dax_pgmap(type, &pfn);
	if (!pgmap)
		kunit_skip(test, "no %s namespace: run again once one exists", what);

	kunit_info(test, "%s pfn 0x%llx, in memblock: %d\n", what, pfn,
		   pfn_is_map_memory(pfn));
	KUNIT_EXPECT_TRUE(test, is_zone_device_page(pfn_to_page(pfn)));
	KUNIT_EXPECT_FALSE(test, kvm_is_device_pfn(pfn));
	put_dev_pagemap(pgmap);
}

static void kvm_is_device_pfn_fsdax(struct kunit *test)
{
	kvm_is_device_pfn_check_dax(test, MEMORY_DEVICE_FS_DAX, "fsdax");
}

static void kvm_is_device_pfn_devdax(struct kunit *test)
{
	kvm_is_device_pfn_check_dax(test, MEMORY_DEVICE_GENERIC, "devdax");
}

static struct kunit_case kvm_arm64_mmu_test_cases[] = {
	KUNIT_CASE(kvm_is_device_pfn_ordinary),
	KUNIT_CASE(kvm_is_device_pfn_zero_page),
	KUNIT_CASE(kvm_is_device_pfn_no_page),
	KUNIT_CASE(kvm_is_device_pfn_device_private),
	KUNIT_CASE(kvm_is_device_pfn_fsdax),
	KUNIT_CASE(kvm_is_device_pfn_devdax),
	{}
};

static struct kunit_suite kvm_arm64_mmu_test_suite = {
	.name = "kvm_arm64_mmu",
	.suite_init = kvm_kunit_suite_init,
	.test_cases = kvm_arm64_mmu_test_cases,
};

kunit_test_suite(kvm_arm64_mmu_test_suite);
