#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""jsonq.py FILE EXPR...: FILE parsed as strictly as the standard library can (UTF-8 only,
no NaN or Infinity, no raw control character inside a string, no key twice in an object),
then each Python EXPR printed on a line of its own, with d the document, trace(pid) the
bytes after "cmd=" of the last record of pid in the trace file $T, and fffd(b) the bytes b
decoded with one U+FFFD for each byte that is not UTF-8 (the rule of cli/escape.h).
Exit 1 if FILE is no such JSON, 2 if an EXPR fails."""
import codecs
import json
import os
import re
import sys

codecs.register_error("one_per_byte", lambda e: ("\ufffd", e.start + 1))


def fffd(b):
    return b.decode("utf-8", "one_per_byte")


def trace(pid):
    last = None
    with open(os.environ["T"], "rb") as f:
        for line in f:
            if re.match(rb"JSPT1 \S+ pid=%d " % pid, line):
                last = line
    return last.rstrip(b"\n").split(b" cmd=", 1)[1] if last else None


def no_twice(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a key twice in one object: %s" % keys)
    return dict(pairs)


def no_constant(name):
    raise ValueError("not JSON: " + name)


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        d = json.loads(raw.decode("utf-8"), object_pairs_hook=no_twice,
                       parse_constant=no_constant)
    except ValueError as e:
        print("jsonq: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    for expr in sys.argv[2:]:
        try:
            v = eval(expr, {"d": d, "fffd": fffd, "trace": trace, "len": len, "any": any,
                            "all": all, "bytes": bytes, "sum": sum})
        except Exception as e:  # a failed check says what it was
            print("jsonq: %s: %r" % (expr, e), file=sys.stderr)
            return 2
        print(v)
    return 0


sys.exit(main())
