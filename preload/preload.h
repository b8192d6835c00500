/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's start-up, run once: by our constructor, or by an earlier getenv(). */
#ifndef JSP_PRELOAD_H
#define JSP_PRELOAD_H

/* Nonzero once the start-up has run (or runs in another thread). */
int preload_started(void);

/* getenv(name) came before our constructor: if name is one we export and this program is
 * selected, claims now, so the caller reads the claimed count. Async-signal-safe and
 * allocation-free as the claim is; never claims twice. */
void preload_start_early(const char *name);

#endif
