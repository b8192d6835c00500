/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef JSP_NEXT_H
#define JSP_NEXT_H

#include <stddef.h>

/* The next definition of name after this library, as dlsym(RTLD_NEXT, name) would find
 * it, or NULL. Reads memory only: async-signal-safe, allocation-free, no lock. */
void *next_symbol(const char *name);

/* next_symbol(name), looked up once: *slot is NULL until then, and remembers "none" too,
 * so that a process without one does not look again at every call. A race only looks it
 * up twice. */
static inline void *next_cached(void **slot, const char *name)
{
	static const char none;
	void *p = __atomic_load_n(slot, __ATOMIC_RELAXED);

	if (!p) {
		p = next_symbol(name);
		if (!p)
			p = (void *)&none;
		__atomic_store_n(slot, p, __ATOMIC_RELAXED);
	}
	return p == (void *)&none ? NULL : p;
}

#endif
