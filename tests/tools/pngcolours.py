#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pngcolours.py FILE: the colours that cover at least 50 pixels of an 8-bit RGB or RGBA
PNG, without PIL. Prints their count, then each as rrggbb. Exit 2 if FILE is no such PNG."""
import struct
import sys
import zlib
from collections import Counter


def rows(data, width, bpp):
    stride = width * bpp
    prev = bytearray(stride)
    pos = 0
    while pos < len(data):
        kind, line = data[pos], bytearray(data[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        yield line
        prev = line


def main(path):
    with open(path, 'rb') as f:
        png = f.read()
    if png[:8] != b'\x89PNG\r\n\x1a\n':
        return 2
    pos, idat, hdr = 8, b'', None
    while pos < len(png):
        n, kind = struct.unpack('>I4s', png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    width, _, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        return 2
    bpp = 3 if ctype == 2 else 4
    count = Counter()
    for line in rows(zlib.decompress(idat), width, bpp):
        for x in range(0, len(line), bpp):
            count[bytes(line[x:x + 3])] += 1
    common = [c.hex() for c, n in count.most_common() if n >= 50]
    print(len(common))
    print('\n'.join(common))
    return 0


sys.exit(main(sys.argv[1]))
