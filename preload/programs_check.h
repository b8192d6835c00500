/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -v: a JOBSERVER_PRELOAD_PROGRAMS that looks wrong, said by whom it concerns. */
#ifndef JSP_PROGRAMS_CHECK_H
#define JSP_PROGRAMS_CHECK_H

#include <stddef.h>

enum programs_fault {
	PROGRAMS_OK,
	PROGRAMS_EMPTY,     /* "" : a ':' at an end or doubled, or the variable set empty */
	PROGRAMS_SEPARATOR, /* a ',' or a blank: names separated the way another tool wants */
	PROGRAMS_PATH,      /* a '/': programs are matched by file name */
};

/* What is wrong with the list entry entry[0..n). Pure. */
enum programs_fault programs_entry_fault(const char *entry, size_t n);

/* Nonzero if name is one of the words of entry[0..n), read leniently: split at ',' and
 * blanks, each word by what follows its last '/'. Pure. */
int programs_meant(const char *entry, size_t n, const char *name);

/* Nonzero if some entry of list is faulty. Pure; list may be NULL. */
int programs_wrong(const char *list);

/* If a faulty entry of list was meant for name (programs_meant), says so (log_msg) and
 * returns 1; else 0. */
int programs_explain_for(const char *list, const char *name);

/* Says what is wrong with the first faulty entry of list: for GNU make's process, which
 * no entry is meant for. */
void programs_explain_list(const char *list);

#endif
