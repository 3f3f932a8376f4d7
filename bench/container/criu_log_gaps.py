#!/usr/bin/env python3
"""Where a CRIU run spends its time: the largest gaps between consecutive
lines of a CRIU log (-v4, stamped "(SS.UUUUUU)" relative to the log start),
each with the line that ends it, and the time between two marker lines.

    criu_log_gaps.py LOG [--top 15] [--from TEXT] [--to TEXT]

The migration agents keep each migration's logs when XISA_MIGRATE_LOG_DIR
is set (criu-ext/migrate/migration.h); migrate_bench.py --profile does so
and runs this on them.
"""
import argparse
import re
import sys

STAMP = re.compile(r"^\((\d+\.\d+)\)\s?(.*)$")


def stamped_lines(path):
    with open(path, errors="replace") as f:
        for line in f:
            m = STAMP.match(line)
            if m:
                yield float(m.group(1)), m.group(2).rstrip()


def gaps(path, top, start=None, end=None):
    """The top gaps (ms, previous line, line) between start and end markers."""
    out = []
    prev = None
    active = start is None
    for t, text in stamped_lines(path):
        if not active and start in text:
            active = True
            prev = (t, text)
            continue
        if not active:
            continue
        if prev:
            out.append(((t - prev[0]) * 1e3, prev[1], text))
        prev = (t, text)
        if end and end in text:
            break
    out.sort(reverse=True)
    return out[:top]


def span(path, start, end):
    """ms from the first line containing start to the first after it containing end."""
    t0 = None
    for t, text in stamped_lines(path):
        if t0 is None and start in text:
            t0 = t
        elif t0 is not None and end in text:
            return (t - t0) * 1e3
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    args = ap.parse_args()
    for ms, before, line in gaps(args.log, args.top, args.start, args.end):
        print(f"{ms:8.1f} ms  after: {before[:70]}\n             until: {line[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
