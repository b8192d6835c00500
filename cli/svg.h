/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trace as a picture: a timeline of who held tokens, and the pool's free count. */
#ifndef JSP_SVG_H
#define JSP_SVG_H

#include "tracefile.h"

/* Writes a standalone SVG to path. Returns 0, or -1 after saying why. */
int svg_write(const struct tracefile *tf, const char *path);

#endif
