/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "escape.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

/* The well-formed sequences of the Unicode standard's table 3-7: the lead byte fixes the
 * length and the range of the second byte (which is what rules out overlong forms,
 * surrogates and code points above U+10FFFF); every further byte is 80..BF. */
long utf8_decode(const unsigned char *s, size_t n, int *len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	long cp;
	int need;

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, cp = c & 0x0f, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, cp = c & 0x07, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return UTF8_BAD; /* a continuation byte, C0, C1 or F5..FF */
	if (n <= (size_t)need || s[1] < lo || s[1] > hi)
		return UTF8_BAD;
	for (int i = 1; i <= need; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xbf))
			return UTF8_BAD;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*len = need + 1;
	return cp;
}

int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int len;

	while (p[n])
		n++;
	for (; *p; p += len, n -= (size_t)len)
		if (utf8_decode(p, n, &len) == UTF8_BAD)
			return 0;
	return 1;
}

/* XML 1.0 (fifth edition) section 2.2: Char excludes C0 but tab, CR and LF, the
 * surrogates and U+FFFE/U+FFFF, and discourages DEL, C1 and the other noncharacters. A
 * label is one line, so tab, CR and LF go too. */
static int xml_ok(long c)
{
	return c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && !(c >= 0xfdd0 && c <= 0xfdef) &&
	       (c & 0xfffe) != 0xfffe;
}

void escape_xml(FILE *f, const char *s, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int len;

	while (p[n])
		n++;
	for (; *p && max > 0; p += len, n -= (size_t)len, max--) {
		long c = utf8_decode(p, n, &len);

		if (c == UTF8_BAD || !xml_ok(c))
			fputs(REPLACEMENT, f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&apos;", f);
		else
			fwrite(p, 1, (size_t)len, f);
	}
	if (*p)
		fputs("...", f);
}

void escape_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int len;

	while (p[n])
		n++;
	fputc('"', f);
	for (; *p; p += len, n -= (size_t)len) {
		long c = utf8_decode(p, n, &len);

		if (c == UTF8_BAD)
			fputs(REPLACEMENT, f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", (int)c);
		else if (c < 0x20 || c == 0x7f) /* RFC 8259 section 7: controls must be escaped */
			fprintf(f, "\\u%04lx", c);
		else
			fwrite(p, 1, (size_t)len, f);
	}
	fputc('"', f);
}

void escape_hex(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}
