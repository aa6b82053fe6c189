// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kvm_s2_pfn_is_device(), which decides whether a faulting
 * pfn may have no kernel mapping for cache maintenance.  Such a pfn is mapped
 * Device or Normal-NC, and not executable, at stage 2 (or cacheable, where
 * the VMA is cacheable and the hardware needs no cache maintenance); any
 * other pfn is Normal memory.  DAX pages are ZONE_DEVICE pages, which are
 * not memblock memory, like a PCI BAR: only the VMA tells them apart, as
 * DAX VMAs (ext4, xfs, device-dax) are neither VM_PFNMAP nor VM_MIXEDMAP.
 *
 * The pfn that is not memblock memory is that of a MEMORY_DEVICE_PRIVATE
 * page, which needs no real memory.  The DAX cases need real DAX memory and
 * are skipped without it; see virt/kvm/tests/kvm_pfn_kunit.c.
 *
 * Included from mmu.c, to test the static function directly.
 */
#include <kunit/test.h>

/* A shared writable mapping of a DAX file or device-dax instance. */
#define KVM_KUNIT_DAX_VM_FLAGS	(VM_READ | VM_WRITE | VM_SHARED |	\
				 VM_MAYREAD | VM_MAYWRITE | VM_MAYSHARE | \
				 VM_HUGEPAGE)
/* A PCI BAR mapped with remap_pfn_range(), e.g. by vfio-pci. */
#define KVM_KUNIT_PFNMAP_VM_FLAGS (VM_READ | VM_WRITE | VM_SHARED |	\
				   VM_MAYREAD | VM_MAYWRITE | VM_MAYSHARE | \
				   VM_IO | VM_PFNMAP | VM_DONTEXPAND |	\
				   VM_DONTDUMP)
/* A window mapped with vmf_insert_mixed(), e.g. virtiofs DAX. */
#define KVM_KUNIT_MIXEDMAP_VM_FLAGS (VM_READ | VM_WRITE | VM_SHARED |	\
				     VM_MAYREAD | VM_MAYWRITE |		\
				     VM_MAYSHARE | VM_MIXEDMAP)

/* Fails if VM_PFNMAP VMAs are not checked, e.g. everything is Normal. */
static void kvm_s2_pfn_is_device_pfnmap(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_device_private_pfn(test);

	KUNIT_EXPECT_TRUE(test,
			  kvm_s2_pfn_is_device(KVM_KUNIT_PFNMAP_VM_FLAGS, pfn));
}

/* Fails if VM_MIXEDMAP VMAs are not checked. */
static void kvm_s2_pfn_is_device_mixedmap(struct kunit *test)
{
	vm_flags_t vm_flags = KVM_KUNIT_MIXEDMAP_VM_FLAGS;
	kvm_pfn_t pfn = kvm_kunit_device_private_pfn(test);

	KUNIT_EXPECT_TRUE(test, kvm_s2_pfn_is_device(vm_flags, pfn));
}

/*
 * Memblock memory is Normal even in a VM_PFNMAP VMA.  Fails if the VMA
 * flags alone decide.
 */
static void kvm_s2_pfn_is_device_pfnmap_ram(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE(test,
			   kvm_s2_pfn_is_device(KVM_KUNIT_PFNMAP_VM_FLAGS,
						page_to_pfn(page)));
	__free_page(page);
}

/*
 * ZONE_DEVICE memory in a DAX VMA is Normal.  Fails if the pfn alone
 * decides, as kvm_is_device_pfn() (!pfn_is_map_memory()) once did, which
 * made DAX memory Device memory that the guest cannot execute from.
 */
static void kvm_s2_pfn_is_device_dax_vma(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_device_private_pfn(test);

	KUNIT_EXPECT_FALSE(test,
			   kvm_s2_pfn_is_device(KVM_KUNIT_DAX_VM_FLAGS, pfn));
}

/* As above, for real DAX pages; fails for the same broken decision. */
static void kvm_s2_pfn_is_device_fsdax(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_FS_DAX);

	KUNIT_EXPECT_FALSE(test,
			   kvm_s2_pfn_is_device(KVM_KUNIT_DAX_VM_FLAGS, pfn));
}

static void kvm_s2_pfn_is_device_devdax(struct kunit *test)
{
	kvm_pfn_t pfn = kvm_kunit_dax_pfn(test, MEMORY_DEVICE_GENERIC);

	KUNIT_EXPECT_FALSE(test,
			   kvm_s2_pfn_is_device(KVM_KUNIT_DAX_VM_FLAGS, pfn));
}

/*
 * The real VMA and page of kvm.kunit_dax_path.  Fails for the same broken
 * decision, and if DAX VMAs become VM_PFNMAP or VM_MIXEDMAP again.
 */
static void kvm_s2_pfn_is_device_dax_path(struct kunit *test)
{
	struct vm_area_struct *vma;
	vm_flags_t vm_flags = 0;
	struct page *page;
	unsigned long hva;

	page = kvm_kunit_get_dax_path_page(test, &hva);

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, hva);
	if (vma)
		vm_flags = vma->vm_flags;
	mmap_read_unlock(current->mm);
	KUNIT_ASSERT_NOT_NULL(test, vma);

	KUNIT_EXPECT_FALSE(test,
			   kvm_s2_pfn_is_device(vm_flags, page_to_pfn(page)));
}

static struct kunit_case kvm_arm64_mmu_test_cases[] = {
	KUNIT_CASE(kvm_s2_pfn_is_device_pfnmap),
	KUNIT_CASE(kvm_s2_pfn_is_device_mixedmap),
	KUNIT_CASE(kvm_s2_pfn_is_device_pfnmap_ram),
	KUNIT_CASE(kvm_s2_pfn_is_device_dax_vma),
	KUNIT_CASE(kvm_s2_pfn_is_device_fsdax),
	KUNIT_CASE(kvm_s2_pfn_is_device_devdax),
	KUNIT_CASE(kvm_s2_pfn_is_device_dax_path),
	{}
};

static struct kunit_suite kvm_arm64_mmu_test_suite = {
	.name = "kvm_arm64_mmu",
	.test_cases = kvm_arm64_mmu_test_cases,
};

kunit_test_suite(kvm_arm64_mmu_test_suite);
