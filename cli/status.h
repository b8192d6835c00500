/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --status [--watch] [--json] [--jobserver SPEC]: the jobserver this
 * process would use (or SPEC names), its free tokens, and who holds the claimed ones. */
#ifndef JSP_STATUS_H
#define JSP_STATUS_H

/* Prints what MAKEFLAGS (or spec, when not NULL) names, whether it is usable (or the
 * one-line reason why not), how many tokens are free now, without taking any, and every
 * owner its reaper holds tokens for. watch: again once a second until SIGINT or SIGTERM,
 * or until the jobserver's make has ended. Returns 0 usable, 1 none. */
int status_main(const char *spec, int watch, int json);

#endif
