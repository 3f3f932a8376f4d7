#!/usr/bin/env python3
"""Which corpus hop tests reach the call sites that keep 16-byte vectors.

A call site matters here when its record has a 128-bit vector live value
(`v128`, the same on every ISA) or a 16-byte known value on some ISA (a
vector constant in a stack slot, or in ppc64's v20-v31: the transformer
rebuilds it from `KnownValue::high`). For each corpus program with such a
site the report gives, from runs of its x86_64 build under gdb with the
corpus arguments:
- how often the site is passed: its call instruction's hits (for a
  migration point, the points parked there; for an ordinary call, the calls);
- which cross-ISA hop of the corpus routes (tests/corpus/migration.cmake,
  points picked as tests/runtime/migrate-test.sh picks them) has the site in
  a frame of the main thread's stack, and in which direction. A known value
  matters only on the hop into the ISA that has it; a live vector on every hop.
The hop at point N parks at the main thread's N-th call of __xisa_mig_point
(counting makes every point call it), which gdb stops at with an ignore count.

Usage: vector_sites.py [--build BUILD_DIR] [--out FILE] [PROGRAM...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests/corpus"
ISAS = ["x86_64", "aarch64", "ppc64le"]
PPC_VECTOR_REGS = range(77, 109)  # DWARF numbers of v0-v31
NO_STOP = 2_000_000_000  # an ignore count no run reaches


def corpus_tag(source, tag):
    match = re.search(rf"^// corpus-{tag}: *(.*)$", source.read_text(), re.M)
    return match.group(1).strip() if match else ""


def corpus_run(source):
    """Arguments and stdin file of the corpus test run (tests/corpus/corpus-lib.sh)."""
    stdin = corpus_tag(source, "stdin")
    return corpus_tag(source, "args").split(), source.parent / stdin if stdin else Path(os.devnull)


def routes():
    """The cross-ISA routes of migration.cmake: name -> (percents, ISAs)."""
    text = (CORPUS / "migration.cmake").read_text()
    percents = dict(re.findall(r"set\(hop_percents_(\w+) ([\d,]+)\)", text))
    out = {}
    for name, body in re.findall(r"set\(hop_route_(\w+)\s+([^)]*)\)", text):
        kind, *isas = body.split()
        if len(set(isas)) > 1:
            out[name] = ([int(p) for p in percents[kind].split(",")], isas)
    return out


def hop_points(total, percents):
    """The points scheduled_hops in migrate-test.sh gives the hops."""
    points, point = [], 0
    for i, percent in enumerate(percents):
        at = total * percent // 100
        point = at if at > point else point + 1
        points.append(min(point, total - (len(percents) - 1 - i)))
    return points


def known_is_wide(text, isa):
    place = text.split("=", 1)[0]
    if re.fullmatch(r"\[cfa[+-]\d+\]:16", place):
        return True
    reg = re.fullmatch(r"r(\d+)", place)
    return isa == "ppc64le" and bool(reg) and int(reg.group(1)) in PPC_VECTOR_REGS


def vector_sites(xisa, exe_base):
    """site id -> {isa: (live v128s, 16-byte known values, of them not splats)}."""
    sites = {}
    for isa in ISAS:
        dump = json.loads(subprocess.run([xisa, "meta", "dump", "--json", f"{exe_base}.{isa}"],
                                         check=True, capture_output=True, text=True).stdout)
        for site in dump["call_sites"]:
            live = sum(lv["type"] == "v128" for lv in site["live_values"])
            wide = [k for k in site["known_values"] if known_is_wide(k, isa)]
            not_splat = sum(bool(re.search(r"=0x[0-9a-f]+:0x", k)) for k in wide)
            if live or wide:
                sites.setdefault(site["id"], {})[isa] = (live, len(wide), not_splat)
    return sites


def code_facts(xisa, exe):
    """site id -> return address, and the functions' (start, end) ranges."""
    dump = json.loads(subprocess.run([xisa, "meta", "dump", "--json", exe], check=True,
                                     capture_output=True, text=True).stdout)
    returns = {site["id"]: site["return_address"] for site in dump["call_sites"]}
    functions = [(f["address"], f["address"] + f["size"]) for f in dump["functions"]]
    return returns, functions


def call_before(exe, ret, functions):
    """Address and callee of the call instruction that returns to ret,
    disassembled from the start of its function."""
    start = next((a for a, end in functions if a < ret <= end), None)
    if start is None:
        sys.exit(f"{exe}: return address {ret:#x} lies in no function with records")
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start:#x}",
                          f"--stop-address={ret:#x}", exe], check=True, capture_output=True,
                         text=True).stdout
    lines = [l for l in out.splitlines() if re.match(r"^\s*[0-9a-f]+:", l)]
    last = lines[-1] if lines else ""
    match = re.match(r"^\s*([0-9a-f]+):\s+call\S*\s+\S+(?: <(.*)>)?", last)
    if not match:
        sys.exit(f"{exe}: no call instruction ends at {ret:#x}: {last!r}")
    return int(match.group(1), 16), match.group(2) or "indirect"


def gdb(exe, args, stdin, commands):
    cmd = ["gdb", "-batch", "-ex", "set pagination off"]
    for c in commands:
        cmd += ["-ex", c]
    with open(stdin) as inp:
        return subprocess.run(cmd + ["--args", exe, *args], stdin=inp, capture_output=True,
                              text=True, env={**os.environ, "XISA_POINTS_FD": "2"}).stdout


def hit_counts(exe, args, stdin, calls):
    """How often each call instruction runs."""
    commands = []
    for n, address in enumerate(calls, 1):
        commands += [f"break *{address:#x}", f"ignore {n} {NO_STOP}"]
    out = gdb(exe, args, stdin, commands + ["run", "info breakpoints"])
    hits = [0] * len(calls)
    current = None
    for line in out.splitlines():
        if m := re.match(r"^(\d+)\s+breakpoint", line):
            current = int(m.group(1)) - 1
        elif (m := re.search(r"already hit (\d+) time", line)) and current is not None:
            hits[current] = int(m.group(1))
    return hits


def stacks_at(exe, args, stdin, points, site_of_return):
    """Point -> the call sites of the main thread's frames there, innermost first."""
    commands, previous = ["break __xisa_mig_point"], 0
    for point in points:
        if point - previous > 1:
            commands.append(f"ignore 1 {point - previous - 1}")
        commands += ["run" if previous == 0 else "continue", f"echo POINT {point}\\n", "bt"]
        previous = point
    stacks, point = {}, None
    for line in gdb(exe, args, stdin, commands).splitlines():
        if line.startswith("POINT "):
            point = int(line.split()[1])
            stacks[point] = []
        elif point is not None and (m := re.match(r"^#[1-9]\d*\s+(0x[0-9a-f]+)", line)):
            site = site_of_return.get(int(m.group(1), 16))
            if site:
                stacks[point].append(site)
    return stacks


def count_points(xisa, exe_base, args, stdin):
    with open(stdin) as inp:
        err = subprocess.run([xisa, "run", "--quiet", "--isa", "x86_64", "--count-points", exe_base,
                              *args], stdin=inp, capture_output=True, text=True).stderr
    m = re.search(r"passed (\d+) migration points", err)
    if not m:
        sys.exit(f"{exe_base}: no point count: {err}")
    return int(m.group(1))


def describe(per_isa):
    parts = []
    for isa in ISAS:
        if isa in per_isa:
            live, wide, not_splat = per_isa[isa]
            text = f"{isa}: {live} v128, {wide} known16"
            parts.append(text + (f" ({not_splat} not splats)" if not_splat else ""))
    return "; ".join(parts)


def report_program(xisa, build, name, out):
    source = CORPUS / "programs" / f"{name}.c"
    exe_base = build / "tests/corpus/xisa" / name
    exe = f"{exe_base}.x86_64"
    sites = vector_sites(xisa, exe_base)
    if not sites:
        return
    args, stdin = corpus_run(source)
    returns, functions = code_facts(xisa, exe)
    ids = sorted(sites)
    calls = [call_before(exe, returns[i], functions) for i in ids]
    hits = dict(zip(ids, hit_counts(exe, args, stdin, [c[0] for c in calls])))
    total = count_points(xisa, exe_base, args, stdin)
    hops = []  # (point, route, from, to)
    for route, (percents, isas) in routes().items():
        for i, point in enumerate(hop_points(total, percents)):
            hops.append((point, route, isas[i], isas[i + 1]))
    site_of_return = {address: site for site, address in returns.items()}
    stacks = stacks_at(exe, args, stdin, sorted({h[0] for h in hops}), site_of_return)
    run = f"`{' '.join(args)}`" if args else "no arguments"
    out.append(f"\n### {name} ({run}, {total} points)\n")
    out.append("| site | kind | passed | vectors | cross-ISA route hops with it on the stack |")
    out.append("| --- | --- | --- | --- | --- |")
    for site, (_, callee) in zip(ids, calls):
        per_isa = sites[site]
        live = any(v[0] for v in per_isa.values())
        reached = []
        for point, route, src, dst in sorted(hops):
            stack = stacks.get(point, [])
            if site in stack and (live or per_isa.get(dst, (0, 0, 0))[1]):
                frame = "" if stack[0] == site else f", frame {stack.index(site)}"
                reached.append(f"{route} @{point} {src}->{dst}{frame}")
        kind = "point" if callee == "__xisa_mig_point" else f"call {callee}"
        out.append(f"| {site} | {kind} | {hits[site]} | {describe(per_isa)} | "
                   f"{'<br>'.join(reached) or 'none'} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=REPO / "build")
    parser.add_argument("--out", type=Path)
    parser.add_argument("programs", nargs="*")
    opts = parser.parse_args()
    xisa = str(opts.build / "bin/xisa")
    if not os.access(xisa, os.X_OK):
        sys.exit(f"{xisa} does not exist: build xisa first (scripts/build.sh)")
    names = opts.programs or sorted(p.stem for p in (CORPUS / "programs").glob("*.c"))
    for name in names:
        if not (opts.build / "tests/corpus/xisa" / f"{name}.x86_64").exists():
            sys.exit(f"no corpus program {name} built in {opts.build}/tests/corpus/xisa")
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    out = ["# Corpus call sites with 16-byte vectors, and the hop tests that reach them", "",
           f"Command: `bench/runtime/vector_sites.py {' '.join(sys.argv[1:])}`",
           f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; commit {commit}; "
           f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} (counts, not timings).",
           "", "`passed`: runs of the site's call in the x86_64 corpus run (for a point, the",
           "points parked there). A known value counts on hops into its ISA, a live v128 on",
           "every hop; `frame N`: the site is in the N-th frame out, not the innermost.",
           "Routes and points are those of tests/corpus/migration.cmake."]
    for name in names:
        report_program(xisa, opts.build, name, out)
    text = "\n".join(out) + "\n"
    if opts.out:
        opts.out.write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
