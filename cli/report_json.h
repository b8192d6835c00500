/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobserver-preload --report FILE --json: the report as one JSON object on stdout. */
#ifndef JSP_REPORT_JSON_H
#define JSP_REPORT_JSON_H

#include "tracefile.h"

/* Writes the report of tf, read from file, to stdout (docs/trace.md lists the members). */
void report_json(const struct tracefile *tf, const char *file);

#endif
