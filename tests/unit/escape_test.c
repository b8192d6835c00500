/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli/escape.c alone: the UTF-8 decoder against an encoder written here (every code point
 * round-trips; every 2- and 3-byte string, and every 4-byte one with a lead of F0..F7, is
 * accepted exactly when it is the encoding of one scalar value), then tables of XML and
 * JSON output.
 */
#include "escape.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed, total;

static void check(int ok, const char *what, const char *input)
{
	total++;
	failed += !ok;
	printf("%s %d - %s [%s]\n", ok ? "ok" : "not ok", total, what, input ? input : "");
}

/* The encoding of cp, by the definition (RFC 3629 section 3). Returns its length. */
static int encode(uint32_t cp, unsigned char *s)
{
	if (cp < 0x80)
		return s[0] = (unsigned char)cp, 1;
	if (cp < 0x800)
		return s[0] = 0xc0 | cp >> 6, s[1] = 0x80 | (cp & 0x3f), 2;
	if (cp < 0x10000)
		return s[0] = 0xe0 | cp >> 12, s[1] = 0x80 | (cp >> 6 & 0x3f),
		       s[2] = 0x80 | (cp & 0x3f), 3;
	return s[0] = 0xf0 | cp >> 18, s[1] = 0x80 | (cp >> 12 & 0x3f),
	       s[2] = 0x80 | (cp >> 6 & 0x3f), s[3] = 0x80 | (cp & 0x3f), 4;
}

static int scalar(long cp)
{
	return cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/* Whether the n bytes of s are one well-formed sequence, by the encoder. */
static int well_formed(const unsigned char *s, int n)
{
	unsigned char again[4];
	int len;
	long cp = utf8_decode(s, (size_t)n, &len);

	return cp != UTF8_BAD && len == n && scalar(cp) && encode((uint32_t)cp, again) == n &&
	       !memcmp(again, s, (size_t)n);
}

static void check_decoder(void)
{
	unsigned char s[5];
	long bad = 0, accepted = 0;
	int len;

	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		int n;

		if (!scalar(cp))
			continue;
		n = encode(cp, s);
		if (utf8_decode(s, (size_t)n, &len) != (long)cp || len != n)
			bad++;
	}
	check(!bad, "every scalar value decodes from its encoding", NULL);
	/* A decoder that accepts a string accepts its encoding: anything else it takes is
	 * overlong, a surrogate, too large, or cut short. */
	bad = 0;
	for (uint32_t v = 0; v < 1u << 24; v++) {
		s[0] = v >> 16, s[1] = v >> 8, s[2] = v;
		for (int n = 2; n <= 3; n++) {
			long cp = utf8_decode(s, (size_t)n, &len);

			if (cp != UTF8_BAD && len == n && !well_formed(s, n))
				bad++;
			accepted += cp != UTF8_BAD && len == n;
		}
	}
	for (uint32_t v = 0; v < 1u << 24; v++)
		for (unsigned lead = 0xf0; lead <= 0xf7; lead++) {
			long cp;

			s[0] = (unsigned char)lead, s[1] = v >> 16, s[2] = v >> 8, s[3] = v;
			cp = utf8_decode(s, 4, &len);
			if (cp != UTF8_BAD && len == 4 && !well_formed(s, 4))
				bad++;
			accepted += cp != UTF8_BAD && len == 4;
		}
	check(!bad, "no ill-formed 2-, 3- or 4-byte string is accepted", NULL);
	/* 2-byte: 1920 scalars (U+0080..U+07FF), 3-byte: 63488 minus 2048 surrogates, 4-byte:
	 * 1048576; the 2-byte strings among the first 2^24 are counted 256 times each. */
	check(accepted == 1920L * 256 + 61440 + 1048576, "and every well-formed one is", NULL);
}

static char *xml(const char *s, int max)
{
	static char *buf;
	size_t n;
	FILE *f;

	free(buf);
	f = open_memstream(&buf, &n);
	escape_xml(f, s, max);
	fclose(f);
	return buf;
}

static char *json(const char *s)
{
	static char *buf;
	size_t n;
	FILE *f;

	free(buf);
	f = open_memstream(&buf, &n);
	escape_json(f, s);
	fclose(f);
	return buf;
}

#define R "\xef\xbf\xbd" /* U+FFFD */

static const struct {
	const char *in, *xml, *json;
	int valid;
} CASES[] = {
	{ "make -j8", "make -j8", "\"make -j8\"", 1 },
	{ "<&>\"'", "&lt;&amp;&gt;&quot;&apos;", "\"<&>\\\"'\"", 1 },
	{ "a\\b", "a\\b", "\"a\\\\b\"", 1 },
	{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	  "\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"", 1 },
	{ "\xff", R, "\"" R "\"", 0 },
	{ "a\xc3", "a" R, "\"a" R "\"", 0 },          /* cut in two at the end */
	{ "\xe6\x97x", R R "x", "\"" R R "x\"", 0 },  /* cut in two inside */
	{ "\xc0\x80", R R, "\"" R R "\"", 0 },        /* overlong NUL */
	{ "\xed\xa0\x80", R R R, "\"" R R R "\"", 0 }, /* a surrogate */
	{ "\xf4\x90\x80\x80", R R R R, "\"" R R R R "\"", 0 }, /* above U+10FFFF */
	{ "\x80", R, "\"" R "\"", 0 },
	{ "\x01\t\n\x1b[m", R R R R "[m", "\"\\u0001\\u0009\\u000a\\u001b[m\"", 1 },
	{ "\x7f\xc2\x85", R R, "\"\\u007f\xc2\x85\"", 1 },  /* DEL, NEL: valid UTF-8 */
	{ "\xef\xbf\xbe\xef\xbf\xbf", R R, "\"\xef\xbf\xbe\xef\xbf\xbf\"", 1 }, /* U+FFFE, U+FFFF */
	{ "\xef\xb7\x90", R, "\"\xef\xb7\x90\"", 1 }, /* U+FDD0 */
	{ "", "", "\"\"", 1 },
};

static void check_tables(void)
{
	for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
		check(!strcmp(xml(CASES[i].in, 100), CASES[i].xml), "xml", CASES[i].xml);
		check(!strcmp(json(CASES[i].in), CASES[i].json), "json", CASES[i].json);
		check(utf8_valid(CASES[i].in) == CASES[i].valid, "utf8_valid", CASES[i].json);
	}
	/* The cut is by characters, never inside one. */
	check(!strcmp(xml("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", 2), "\xe6\x97\xa5\xe6\x97\xa5..."),
	      "xml cut at 2 characters", NULL);
	check(!strcmp(xml("a<b", 2), "a&lt;..."), "xml cut after an entity", NULL);
	check(!strcmp(xml("ab", 2), "ab"), "xml: no cut mark when nothing is cut", NULL);
}

int main(void)
{
	check_decoder();
	check_tables();
	printf("1..%d\n", total);
	return failed ? 1 : 0;
}
