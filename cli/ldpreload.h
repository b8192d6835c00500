/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the library is, and LD_PRELOAD with it added. */
#ifndef JSP_LDPRELOAD_H
#define JSP_LDPRELOAD_H

#include <stddef.h>

/* Finds libjobserver-preload.so: $JOBSERVER_PRELOAD_LIB, else beside this executable
 * (the build tree), else the install directory relative to it, else the compiled-in one.
 * Writes the path to buf. Returns 0, or -1 after printing why. */
int ldpreload_find(char *buf, size_t cap);

/* Returns a new LD_PRELOAD value: old (may be NULL) with lib appended unless already in
 * it, so that a sanitizer runtime listed first stays first. NULL on allocation failure. */
char *ldpreload_append(const char *old, const char *lib);

/* Nonzero if LD_PRELOAD can hold this path: no ':' and no blank in it. */
int ldpreload_path_ok(const char *lib);

#endif
