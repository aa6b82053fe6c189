// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for mm/huge_memory.c: what a PUD insert does where a
 * concurrent fault put a PMD table.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>

/*
 * A huge_fault handler checks that the PUD is none and later maps its PUD,
 * while a concurrent fault whose PUD fault fell back may allocate a PMD
 * table there: the insert must fall back, on a read and on a write fault,
 * and leave the table in place.  The PUD should never be mapped, so any
 * pfn does; if it is (the bug), it is zapped before the page is freed.
 */
static void pud_insert_over_pmd_table(struct kunit *test, bool write)
{
	vm_fault_t ret = VM_FAULT_NOPAGE;
	struct vm_area_struct *vma;
	unsigned long start, addr;
	struct mm_struct *mm;
	pmd_t *pmd = NULL;
	pud_t *pud = NULL;
	bool leaf = true;
	struct page *page;
	p4d_t *p4d;

	/* Two PUDs hold an aligned one; MAP_SHARED: a PFNMAP is not COW. */
	start = kunit_vm_mmap(test, NULL, 0, 2 * PUD_SIZE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, !start || IS_ERR_VALUE(start),
			       "no address space for two PUDs: %#lx", start);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);

	addr = ALIGN(start, PUD_SIZE);
	mm = current->mm;
	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
		vm_flags_set(vma, VM_PFNMAP);
		p4d = p4d_alloc(mm, pgd_offset(mm, addr), addr);
		pud = p4d ? pud_alloc(mm, p4d, addr) : NULL;
		pmd = pud ? pmd_alloc(mm, pud, addr) : NULL;
	}
	if (pmd) {
		struct vm_fault vmf = {
			.vma = vma,
			.address = addr,
			.pud = pud,
			.flags = write ? FAULT_FLAG_WRITE : 0,
		};

		ret = vmf_insert_pfn_pud(&vmf, page_to_pfn(page), write);
		leaf = pud_leaf(pudp_get(pud));
		if (leaf)
			zap_special_vma_range(vma, addr, PUD_SIZE);
	}
	if (vma)
		vm_flags_clear(vma, VM_PFNMAP);
	mmap_write_unlock(mm);
	__free_page(page);

	KUNIT_ASSERT_NOT_NULL_MSG(test, pmd, "no PMD table at %#lx", addr);
	KUNIT_EXPECT_EQ_MSG(test, (__force unsigned int)ret,
			    (__force unsigned int)VM_FAULT_FALLBACK,
			    "%s fault: not VM_FAULT_FALLBACK",
			    write ? "write" : "read");
	KUNIT_EXPECT_FALSE_MSG(test, leaf, "the PMD table was replaced");
}

static void vmf_insert_pfn_pud_read_over_pmd_table(struct kunit *test)
{
	pud_insert_over_pmd_table(test, false);
}

static void vmf_insert_pfn_pud_write_over_pmd_table(struct kunit *test)
{
	pud_insert_over_pmd_table(test, true);
}

static struct kunit_case mm_huge_pud_test_cases[] = {
	KUNIT_CASE(vmf_insert_pfn_pud_read_over_pmd_table),
	KUNIT_CASE(vmf_insert_pfn_pud_write_over_pmd_table),
	{}
};

static struct kunit_suite mm_huge_pud_test_suite = {
	.name = "mm_huge_pud",
	.test_cases = mm_huge_pud_test_cases,
};

kunit_test_suite(mm_huge_pud_test_suite);
