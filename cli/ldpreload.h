/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the library is, and LD_PRELOAD with it added. */
#ifndef JSP_LDPRELOAD_H
#define JSP_LDPRELOAD_H

#include <stddef.h>

/* Finds libjobserver-preload.so: $JOBSERVER_PRELOAD_LIB, else beside this executable
 * (the build tree), else the install directory relative to it, else the compiled-in one.
 * The executable is found through /proc/self/exe, or without /proc through AT_EXECFN or
 * argv0 (may be NULL) and PATH. Writes the path to buf. Returns 0; LDPRELOAD_NOT_FOUND
 * when it is nowhere and /proc could not be read, so that it may be there unseen (the
 * caller runs the command without claiming); or -1 after printing why. */
#define LDPRELOAD_NOT_FOUND 1
int ldpreload_find(char *buf, size_t cap, const char *argv0);

/* Returns a new LD_PRELOAD value: old (may be NULL) with the library at path appended
 * unless already in it, so that a sanitizer runtime listed first stays first. Installed in
 * the libdir that ld.so's $LIB stands for, it is appended as <prefix>/$LIB/<dir>/<file>.
 * NULL on allocation failure. */
char *ldpreload_append(const char *old, const char *path);

/* Nonzero if LD_PRELOAD can hold this path: no ':' and no blank in it. */
int ldpreload_path_ok(const char *lib);

#endif
