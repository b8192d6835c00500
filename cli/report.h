/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --report FILE [--svg OUT] [--json]. */
#ifndef JSP_REPORT_H
#define JSP_REPORT_H

#include "tracefile.h"

/* Prints the report of the trace in file (as JSON if json), and writes the timeline to
 * svg_out if it is not NULL. Returns the exit status: 0 balanced, 1 a leak, 2 file
 * unreadable or not a trace (or svg_out or stdout not writable). A starving wrapped
 * command is a warning: it changes no status. */
int report_main(const char *file, const char *svg_out, int json);

struct report_totals {
	int procs;
	long taken, given, kept; /* kept: by the processes that ended holding tokens */
};

/* The totals of jobserver js, or of every named one if js < 0. */
void report_totals(const struct tracefile *tf, int js, struct report_totals *t);

/* The jobservers that a client named, and the processes that ended holding tokens. */
int report_named(const struct tracefile *tf);
int report_leakers(const struct tracefile *tf);

#endif
