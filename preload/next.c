/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The next definition of a symbol after this library, as dlsym(RTLD_NEXT, name) finds it,
 * for the interposed functions to hand on to (so that another library that wraps them
 * still runs). Read from the loader's list of objects by hand, because dlsym is neither
 * async-signal-safe (it takes the loader's lock and may allocate for dlerror) nor cheap:
 * two calls in every constructor cost a process 3,200 instructions, more than the
 * library's whole budget (bench/README.md, item 2). This costs nothing at start-up, runs
 * once per symbol at the first call, and only reads memory: safe in a signal handler,
 * after vfork, and before our constructor.
 *
 * The list: ld.so puts the address of its struct r_debug in the program's DT_DEBUG entry
 * (the debuggers' interface; glibc and musl both do); r_map heads the objects in load
 * order, which for the objects loaded at start is the order of the global scope that
 * RTLD_NEXT searches. libc defines every symbol we ask for, and it is loaded at start,
 * so the search ends there at the latest, before any object that dlopen() adds.
 */
#include "next.h"

#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>

/* Our own dynamic section: how we know our entry in the list. */
extern ElfW(Dyn) _DYNAMIC[] __attribute__((visibility("hidden")));

/* glibc relocates an object's dynamic entries in place, musl (and glibc for a read-only
 * dynamic section, as the vDSO's) does not: an address below the load address is an
 * offset still. */
static uintptr_t dyn_addr(const struct link_map *l, ElfW(Addr) p)
{
	return p < l->l_addr ? l->l_addr + p : p;
}

static struct r_debug *loader_debug(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	uintptr_t bias = 0;
	const ElfW(Dyn) *d = NULL;

	if (!ph)
		return NULL;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			d = (const ElfW(Dyn) *)(bias + ph[i].p_vaddr);
	for (; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_DEBUG)
			return (struct r_debug *)d->d_un.d_ptr;
	return NULL;
}

struct symtab {
	const ElfW(Sym) *sym;
	const char *str;
	const uint32_t *gnu_hash, *sysv_hash;
	const ElfW(Half) *versym;
};

static void symtab_read(const struct link_map *l, struct symtab *t)
{
	*t = (struct symtab){ 0 };
	for (const ElfW(Dyn) *d = l->l_ld; d && d->d_tag != DT_NULL; d++) {
		uintptr_t a = dyn_addr(l, d->d_un.d_ptr);

		switch (d->d_tag) {
		case DT_SYMTAB: t->sym = (const ElfW(Sym) *)a; break;
		case DT_STRTAB: t->str = (const char *)a; break;
		case DT_GNU_HASH: t->gnu_hash = (const uint32_t *)a; break;
		case DT_HASH: t->sysv_hash = (const uint32_t *)a; break;
		case DT_VERSYM: t->versym = (const ElfW(Half) *)a; break;
		}
	}
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* A definition dlsym would take: a function or object defined here, not local, and not
 * a hidden (non-default) version. */
static int usable(const struct symtab *t, uint32_t i, const char *name)
{
	const ElfW(Sym) *s = &t->sym[i];
	int type = s->st_info & 0xf, bind = s->st_info >> 4; /* ELF{32,64}_ST_TYPE, _BIND */

	return s->st_shndx != SHN_UNDEF && s->st_value != 0 &&
	       (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE) &&
	       (bind == STB_GLOBAL || bind == STB_WEAK) &&
	       !(t->versym && (t->versym[i] & 0x8000)) && same(t->str + s->st_name, name);
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* The GNU hash table (what every object a current toolchain links has). */
static int lookup_gnu(const struct symtab *t, const char *name, uint32_t *idx)
{
	const uint32_t nbuckets = t->gnu_hash[0], symoffset = t->gnu_hash[1];
	const uint32_t bloom_size = t->gnu_hash[2];
	const uint32_t *buckets = t->gnu_hash + 4 + bloom_size * (sizeof(ElfW(Addr)) / 4);
	const uint32_t *chain = buckets + nbuckets;
	uint32_t h = gnu_hash(name), i;

	if (nbuckets == 0 || (i = buckets[h % nbuckets]) < symoffset)
		return 0;
	for (;; i++) {
		uint32_t ch = chain[i - symoffset];

		if ((ch | 1) == (h | 1) && usable(t, i, name)) {
			*idx = i;
			return 1;
		}
		if (ch & 1)
			return 0;
	}
}

/* The SysV hash table: only its size is needed, to scan every symbol. */
static int lookup_sysv(const struct symtab *t, const char *name, uint32_t *idx)
{
	for (uint32_t i = 1; i < t->sysv_hash[1]; i++)
		if (usable(t, i, name)) {
			*idx = i;
			return 1;
		}
	return 0;
}

static void *lookup(const struct link_map *l, const char *name)
{
	struct symtab t;
	uint32_t i;

	symtab_read(l, &t);
	if (!t.sym || !t.str)
		return NULL;
	if (t.gnu_hash ? lookup_gnu(&t, name, &i) : t.sysv_hash && lookup_sysv(&t, name, &i))
		return (void *)(l->l_addr + t.sym[i].st_value);
	return NULL;
}

/* The object after ours in the list, found once (the list before it never changes: what
 * dlopen adds comes at its end). A race only finds it twice. */
static const struct link_map *after_us(void)
{
	static const struct link_map *after;
	static int found;
	const struct r_debug *r;
	const struct link_map *l;

	if (__atomic_load_n(&found, __ATOMIC_ACQUIRE))
		return after;
	r = loader_debug();
	l = r ? r->r_map : NULL;
	while (l && l->l_ld != _DYNAMIC)
		l = l->l_next;
	after = l ? l->l_next : NULL;
	__atomic_store_n(&found, 1, __ATOMIC_RELEASE);
	return after;
}

void *next_symbol(const char *name)
{
	void *p;

	for (const struct link_map *l = after_us(); l; l = l->l_next)
		if ((p = lookup(l, name)))
			return p;
	return NULL;
}
