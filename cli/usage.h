/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef JSP_USAGE_H
#define JSP_USAGE_H

#include <stdio.h>

/* Prints the launcher's --help to f. */
void usage(FILE *f);

#endif
