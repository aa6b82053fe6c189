// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kvm_is_mmio_pfn(), which decides whether make_spte() maps
 * a host pfn as host MMIO (UC memtype under EPT, no memory-encryption bit,
 * MMIO stale data mitigation) or as memory.  DAX pages are PG_reserved like
 * most MMIO pages, and must still be mapped as memory: KVM tells them apart
 * by their write-back memtype.  Without PAT it cannot, and maps every
 * PG_reserved page other than the zero page as MMIO; the cases that depend
 * on the memtype are skipped then.
 *
 * The DAX cases need a pmem namespace in fsdax or devdax mode and are
 * skipped without one; see virt/kvm/tests/kvm_pfn_kunit.c.
 *
 * Included from spte.c, to test the static function directly.
 */
#include <kunit/test.h>
#include <asm/apicdef.h>

static bool kvm_x86_spte_is_mmio(kvm_pfn_t pfn)
{
	int is_host_mmio = -1;

	return kvm_is_mmio_pfn(pfn, &is_host_mmio);
}

/* Fails if the decision is inverted, or takes any pfn with a page for MMIO. */
static void kvm_is_mmio_pfn_ordinary(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE(test, kvm_x86_spte_is_mmio(page_to_pfn(page)));
	__free_page(page);
}

/*
 * The zero page is PG_reserved.  Fails if PG_reserved alone decides, or if
 * the zero page loses its exemption on a host without PAT.
 */
static void kvm_is_mmio_pfn_zero_page(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test,
			   kvm_x86_spte_is_mmio(page_to_pfn(ZERO_PAGE(0))));
}

static void kvm_x86_spte_require_pat(struct kunit *test)
{
	if (!pat_enabled())
		kunit_skip(test, "no PAT: every PG_reserved page is MMIO");
}

/*
 * A PG_reserved page of write-back RAM, which is what a DAX page looks like
 * to kvm_is_mmio_pfn(), without needing pmem.  Fails if PG_reserved decides
 * without the memtype check, which maps DAX memory UC into the guest.
 */
static void kvm_is_mmio_pfn_reserved_ram(struct kunit *test)
{
	struct page *page;

	kvm_x86_spte_require_pat(test);

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	SetPageReserved(page);
	KUNIT_EXPECT_FALSE(test, kvm_x86_spte_is_mmio(page_to_pfn(page)));
	ClearPageReserved(page);
	__free_page(page);
}

/*
 * The local APIC's page: not RAM in the e820 map, and UC if it has a page.
 * Fails if the decision is inverted, or takes pfns outside RAM for memory.
 */
static void kvm_is_mmio_pfn_apic(struct kunit *test)
{
	kvm_pfn_t pfn = PHYS_PFN(APIC_DEFAULT_PHYS_BASE);

	KUNIT_EXPECT_TRUE(test, kvm_x86_spte_is_mmio(pfn));
}

/* Real DAX pages: fail for the same broken decision as reserved_ram. */
static void kvm_is_mmio_pfn_fsdax(struct kunit *test)
{
	kvm_pfn_t pfn;

	kvm_x86_spte_require_pat(test);
	pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_FS_DAX);
	KUNIT_EXPECT_FALSE(test, kvm_x86_spte_is_mmio(pfn));
}

static void kvm_is_mmio_pfn_devdax(struct kunit *test)
{
	kvm_pfn_t pfn;

	kvm_x86_spte_require_pat(test);
	pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_GENERIC);
	KUNIT_EXPECT_FALSE(test, kvm_x86_spte_is_mmio(pfn));
}

static struct kunit_case kvm_x86_spte_test_cases[] = {
	KUNIT_CASE(kvm_is_mmio_pfn_ordinary),
	KUNIT_CASE(kvm_is_mmio_pfn_zero_page),
	KUNIT_CASE(kvm_is_mmio_pfn_reserved_ram),
	KUNIT_CASE(kvm_is_mmio_pfn_apic),
	KUNIT_CASE(kvm_is_mmio_pfn_fsdax),
	KUNIT_CASE(kvm_is_mmio_pfn_devdax),
	{}
};

static struct kunit_suite kvm_x86_spte_test_suite = {
	.name = "kvm_x86_spte",
	.test_cases = kvm_x86_spte_test_cases,
};

kunit_test_suite(kvm_x86_spte_test_suite);
