// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kvm_is_mmio_pfn(), which decides whether KVM maps a pfn
 * as MMIO (uncached, no memory encryption bit) or as memory.  DAX memory
 * is PG_reserved like MMIO, but has a write-back memtype and must be mapped
 * as memory.  The DAX cases need a pmem namespace and skip without one; run
 * the suite again through /sys/kernel/debug/kunit/kvm_x86_spte/run once
 * one exists.
 *
 * Included from spte.c, so that the static function can be tested directly.
 */
#include <kunit/test.h>
#include <linux/memremap.h>
#include <asm/apicdef.h>

static void kvm_is_mmio_pfn_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE(test, kvm_is_mmio_pfn(page_to_pfn(page)));
	__free_page(page);
}

static void kvm_is_mmio_pfn_zero_page(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, kvm_is_mmio_pfn(page_to_pfn(ZERO_PAGE(0))));
}

/* The local APIC's page: not RAM in the e820 map, so MMIO. */
static void kvm_is_mmio_pfn_apic(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, kvm_is_mmio_pfn(PHYS_PFN(APIC_DEFAULT_PHYS_BASE)));
}

static void kvm_is_mmio_pfn_check_dax(struct kunit *test,
				      enum memory_type type, const char *what)
{
	struct dev_pagemap *pgmap;
	kvm_pfn_t pfn;

	pgmap = kvm_kunit_get_dax_pgmap(type, &pfn);
	if (!pgmap)
		kunit_skip(test, "no %s namespace: run again once one exists", what);

	KUNIT_EXPECT_TRUE(test, PageReserved(pfn_to_page(pfn)));
	KUNIT_EXPECT_FALSE(test, kvm_is_mmio_pfn(pfn));
	put_dev_pagemap(pgmap);
}

static void kvm_is_mmio_pfn_fsdax(struct kunit *test)
{
	kvm_is_mmio_pfn_check_dax(test, MEMORY_DEVICE_FS_DAX, "fsdax");
}

static void kvm_is_mmio_pfn_devdax(struct kunit *test)
{
	kvm_is_mmio_pfn_check_dax(test, MEMORY_DEVICE_GENERIC, "devdax");
}

static struct kunit_case kvm_x86_spte_test_cases[] = {
	KUNIT_CASE(kvm_is_mmio_pfn_ordinary),
	KUNIT_CASE(kvm_is_mmio_pfn_zero_page),
	KUNIT_CASE(kvm_is_mmio_pfn_apic),
	KUNIT_CASE(kvm_is_mmio_pfn_fsdax),
	KUNIT_CASE(kvm_is_mmio_pfn_devdax),
	{}
};

static struct kunit_suite kvm_x86_spte_test_suite = {
	.name = "kvm_x86_spte",
	.suite_init = kvm_kunit_suite_init,
	.test_cases = kvm_x86_spte_test_cases,
};

kunit_test_suite(kvm_x86_spte_test_suite);
