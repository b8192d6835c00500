/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bytes of any kind (a command line, a fifo path from a trace) made into text that an XML
 * or a JSON parser accepts. A trace keeps what /proc gave, cut at a byte count: bytes that
 * are not UTF-8 (a Latin-1 file name, a sequence cut in two) are common there.
 *
 * One rule for both: each byte that is not part of a well-formed UTF-8 sequence (RFC 3629:
 * no overlong form, no surrogate, nothing above U+10FFFF) stands for one U+FFFD.
 */
#ifndef JSP_ESCAPE_H
#define JSP_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#define UTF8_BAD (-1L)

/* The code point that starts s (n > 0 bytes left), its length in *len; or UTF8_BAD with
 * *len 1 if s[0] does not start a well-formed sequence within those n bytes. */
long utf8_decode(const unsigned char *s, size_t n, int *len);

/* Nonzero if every byte of s belongs to a well-formed UTF-8 sequence. */
int utf8_valid(const char *s);

/* s as XML 1.0 character data or attribute text: & < > " ' as entities; what XML forbids
 * or discourages (controls, U+FFFE, U+FFFF, ...) and bytes that are not UTF-8 as U+FFFD.
 * At most max characters, then "..." if s goes on. */
void escape_xml(FILE *f, const char *s, int max);

/* s as a JSON string with its quotes: " \ and controls escaped, bytes that are not UTF-8
 * as U+FFFD; everything else as UTF-8, so the output is UTF-8 whatever s holds. */
void escape_json(FILE *f, const char *s);

/* The bytes of s in lowercase hex, two digits each: s exactly, whatever it holds. */
void escape_hex(FILE *f, const char *s);

#endif
