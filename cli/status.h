/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --status: the jobserver this process would use, and its free tokens. */
#ifndef JSP_STATUS_H
#define JSP_STATUS_H

/* Prints what MAKEFLAGS names, whether it is usable (or the one-line reason why not), and
 * how many tokens are free now, without taking any. Returns 0 usable, 1 none. */
int status_main(void);

#endif
