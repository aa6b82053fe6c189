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

/*
 * ZONE_DEVICE memory that is not DAX keeps being Device memory: a
 * device-private page, which has a struct page but no linear mapping.
 */
static void kvm_is_device_pfn_device_private(struct kunit *test)
{
	struct dev_pagemap *pgmap = kvm_kunit_add_device_private(test);
	kvm_pfn_t pfn;

	if (!pgmap)
		return;

	pfn = PHYS_PFN(pgmap->range.start);
	KUNIT_EXPECT_TRUE(test, is_zone_device_page(pfn_to_page(pfn)));
	KUNIT_EXPECT_TRUE(test, kvm_is_device_pfn(pfn));
	kvm_kunit_del_device_private(pgmap);
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
