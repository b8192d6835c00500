/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --report FILE [--svg OUT]. */
#ifndef JSP_REPORT_H
#define JSP_REPORT_H

/* Prints the report of the trace in file, and writes the timeline to svg_out if it is
 * not NULL. Returns the exit status: 0 balanced, 1 a leak, 2 file unreadable or not a
 * trace (or svg_out not writable). */
int report_main(const char *file, const char *svg_out);

#endif
