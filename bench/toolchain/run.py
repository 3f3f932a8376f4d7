#!/usr/bin/env python3
"""Toolchain benchmark: what building with xisa-cc costs against plain
clang-19 -O2 -static against musl (tests/corpus/musl-clang.sh), over the C
corpus in tests/corpus/programs (its kernels at their default, benchmark size)
and a real program, Lua 5.4.7 built by its own makefile (as tests/real does,
with tests/real/lua-test.sh) running bench/toolchain/lua-bench.lua; Lua is
reported in rows of its own, outside the corpus geomeans.

Measured per program, x86-64 runs native on this host:
  - instructions executed (valgrind --tool=callgrind, total Ir),
  - median wall time over --runs runs (plain and xisa runs interleaved),
  - executable size per ISA: the file, and what it maps (sum of the PT_LOAD
    segments' memory sizes, .bss included),
  - build time (one xisa-cc build makes all three ISAs; compared with one
    plain x86-64 build and with the three plain builds together).
Overheads are xisa/plain - 1, summarized as geometric means. Writes a
Markdown report (default bench/toolchain/results.md) naming the command,
date and machine. Run by hand; it takes several minutes.
"""
import argparse
import collections
import datetime
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
CORPUS = TOP / "tests" / "corpus" / "programs"
MUSL_CLANG = TOP / "tests" / "corpus" / "musl-clang.sh"
LUA_TEST = TOP / "tests" / "real" / "lua-test.sh"
LUA_TARBALL = Path("/opt/xisa/src/lua5.4_5.4.7.orig.tar.gz")
LUA_SCRIPT = TOP / "bench" / "toolchain" / "lua-bench.lua"
LLVM_SIZE = "/usr/lib/llvm-19/bin/llvm-size"
LLVM_OBJCOPY = "/usr/lib/llvm-19/bin/llvm-objcopy"
LLVM_OBJDUMP = "/usr/lib/llvm-19/bin/llvm-objdump"
ISAS = ("x86_64", "aarch64", "ppc64le")
# The kernels the runtime-overhead aim is judged on: the corpus programs
# whose run is their own computation, a loop nest or a recursion of at
# least 10 M instructions plain, not start-up (a few thousand
# instructions) or a feature under test. A fixed list, because a cut-off
# by wall time moves with the machine's load (bigarrays fell out of it
# when idle, recursion and threads came in when busy). Left out: pairs
# (11 M plain), a test of vectors kept across a point, which plain x86-64
# does not vectorize (xisa -64%), so it would pull the mean down by
# something no kernel gains.
KERNELS = ("bigarrays", "fannkuch", "hashtable", "heap", "matmul", "nbody", "recursion", "sha256",
           "sieve", "spectralnorm", "threads")


class BenchError(Exception):
    pass


def corpus_stdin(source):
    """The stdin file named by a `// corpus-stdin:` tag (see tests/corpus/corpus-lib.sh)."""
    match = re.search(r"^// corpus-stdin: *(\S+)", source.read_text(), re.M)
    return source.parent / match.group(1) if match else None


def timed(cmd, what):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n  {shlex.join(map(str, cmd))}\n{proc.stdout}")
    return seconds


def run_once(exe, stdin, args=()):
    with open(stdin or os.devnull, "rb") as inp:
        start = time.perf_counter()
        proc = subprocess.run([str(exe), *args], stdin=inp, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start, proc.returncode, proc.stdout


def instructions(exe, stdin, args=()):
    """Total Ir under callgrind, and Ir per instruction address."""
    # Valgrind 3.19 gives up on some DWARF 5 debug info; the count does not
    # depend on it, so count on a copy without it.
    bare = exe.with_name(exe.name + ".nodebug")
    profile = exe.with_name(exe.name + ".callgrind")
    timed([LLVM_OBJCOPY, "--strip-debug", exe, bare], f"llvm-objcopy --strip-debug {exe}")
    with open(stdin or os.devnull, "rb") as inp:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-instr=yes", f"--callgrind-out-file={profile}",
             str(bare), *args],
            stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    match = re.search(r"Collected : (\d+)", proc.stderr)
    if not match:
        raise BenchError(f"callgrind gave no instruction count for {exe}:\n{proc.stderr[-2000:]}")
    return int(match.group(1)), instruction_costs(profile)


def instruction_costs(profile):
    """Ir per instruction address of a callgrind --dump-instr=yes profile
    ("positions: instr line"; an address is absolute, +/- the last one, or *)."""
    costs = collections.Counter()
    last, after_calls = 0, False
    for line in profile.read_text().splitlines():
        if line.startswith("calls="):
            after_calls = True  # the next cost line is the call's inclusive cost
            continue
        if not line or line[0] not in "0123456789+-*":
            continue
        fields = line.split()
        pos = fields[0]
        last = (int(pos, 16) if pos.startswith("0x") else last + int(pos) if pos[0] in "+-"
                else last)
        if after_calls:
            after_calls = False
        elif len(fields) > 2:
            costs[last] += int(fields[2])
    return costs


def poll_instructions(exe, costs):
    """Ir spent in the pass's polls (x86-64): each `cmpl $0x0, ...` followed by
    a `jne` to a cold block whose first call is __xisa_mig_point (the block may
    move registers first)."""
    listing = subprocess.run([LLVM_OBJDUMP, "-d", "--no-show-raw-insn", str(exe)],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
    insns = [(int(m.group(1), 16), m.group(2)) for m in
             re.finditer(r"^\s*([0-9a-f]+):\s+(.*)$", listing, re.M)]
    index = {address: i for i, (address, _) in enumerate(insns)}

    def calls_mig_point(address):
        for _, text in insns[index[address]:index[address] + 64]:
            if text.startswith(("call", "j", "ret")):
                return text.startswith("call") and "<__xisa_mig_point>" in text
        return False

    total = 0
    for (address, text), (next_address, next_text) in zip(insns, insns[1:]):
        jump = re.match(r"jne\s+0x([0-9a-f]+)", next_text)
        if (text.startswith("cmpl\t$0x0,") and jump and int(jump.group(1), 16) in index and
                calls_mig_point(int(jump.group(1), 16))):
            total += costs[address] + costs[next_address]
    return total


def loaded_size(exe):
    """Sum of the PT_LOAD segments' memory sizes: what the program maps (with .bss)."""
    data = Path(exe).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise BenchError(f"{exe} is not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    total = 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            total += struct.unpack_from("<Q", data, phoff + i * phentsize + 0x28)[0]
    return total


def geomean_overhead(pairs):
    """Geometric mean of xisa/plain over (plain, xisa) pairs, as a fraction above 1."""
    pairs = [(p, x) for p, x in pairs if p > 0 and x > 0]
    if not pairs:
        return None
    return math.exp(sum(math.log(x / p) for p, x in pairs) / len(pairs)) - 1


def pct(value):
    return "n/a" if value is None else f"{value * 100:+.1f}%"


def measure_sizes(row, plain, xisa):
    for isa in ISAS:
        if not xisa[isa].exists():
            raise BenchError(f"xisa-cc built {row['name']} but wrote no {xisa[isa]}")
        row[f"size_plain_{isa}"] = plain[isa].stat().st_size
        row[f"size_xisa_{isa}"] = xisa[isa].stat().st_size
        row[f"loaded_plain_{isa}"] = loaded_size(plain[isa])
        row[f"loaded_xisa_{isa}"] = loaded_size(xisa[isa])


def measure_runs(row, plain, xisa, stdin, args, run_args=()):
    """Ir and wall time of the x86-64 builds, which must print the same."""
    name = row["name"]
    _, plain_code, plain_out = run_once(plain, stdin, run_args)
    _, xisa_code, xisa_out = run_once(xisa, stdin, run_args)
    if (plain_code, plain_out) != (xisa_code, xisa_out):
        raise BenchError(f"{name}: the xisa-cc build's output or exit status differs from the plain build")

    if not args.no_callgrind:
        row["ir_plain"], _ = instructions(plain, stdin, run_args)
        row["ir_xisa"], costs = instructions(xisa, stdin, run_args)
        row["ir_poll"] = poll_instructions(xisa, costs)
    times = {"plain": [], "xisa": []}
    for _ in range(args.runs):
        times["plain"].append(run_once(plain, stdin, run_args)[0])
        times["xisa"].append(run_once(xisa, stdin, run_args)[0])
    row["wall_plain"] = statistics.median(times["plain"])
    row["wall_xisa"] = statistics.median(times["xisa"])


def bench_program(source, args, work):
    name = source.stem
    stdin = corpus_stdin(source)
    plain = {isa: work / "plain" / f"{name}.{isa}" for isa in ISAS}
    xisa_base = work / "xisa" / name
    xisa = {isa: Path(f"{xisa_base}.{isa}") for isa in ISAS}
    row = {"name": name}

    plain_build = {}
    for isa in ISAS:
        plain_build[isa] = timed([MUSL_CLANG, isa, "-O2", "-o", plain[isa], source],
                                 f"plain build of {name} for {isa}")
    row["build_plain_x86"] = plain_build["x86_64"]
    row["build_plain_all"] = sum(plain_build.values())
    row["build_xisa"] = timed([args.xisa_cc, "-O2", "-o", xisa_base, source], f"xisa-cc build of {name}")
    measure_sizes(row, plain, xisa)
    measure_runs(row, plain["x86_64"], xisa["x86_64"], stdin, args)
    return row


def section_sizes(exe):
    """Size of each allocated or named section (llvm-size -A), by name."""
    listing = subprocess.run([LLVM_SIZE, "-A", str(exe)], stdout=subprocess.PIPE, text=True,
                             check=True).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\.\S+)\s+(\d+)\s+\d+$", listing, re.M)}


def bench_lua(args, work):
    """Lua 5.4.7 with its own makefile: plain per ISA and with xisa-cc (lua-test.sh)."""
    if not args.lua_tarball.is_file():
        raise BenchError(f"no Lua source at {args.lua_tarball}: run scripts/setup-lua.sh")
    row = {"name": "lua"}
    dirs = {"xisa": work / "lua" / "xisa", **{isa: work / "lua" / f"plain-{isa}" for isa in ISAS}}
    plain_build = {isa: timed([LUA_TEST, "make-plain", dirs[isa], args.lua_tarball, MUSL_CLANG, isa],
                              f"plain make of Lua for {isa}") for isa in ISAS}
    row["build_plain_x86"] = plain_build["x86_64"]
    row["build_plain_all"] = sum(plain_build.values())
    row["build_xisa"] = timed([LUA_TEST, "make-xisa", dirs["xisa"], args.lua_tarball, args.xisa_cc],
                              "xisa-cc make of Lua")
    plain = {isa: dirs[isa] / "src" / "lua" for isa in ISAS}
    xisa = {isa: dirs["xisa"] / "src" / f"lua.{isa}" for isa in ISAS}
    measure_sizes(row, plain, xisa)
    row["sections"] = {isa: (section_sizes(plain[isa]), section_sizes(xisa[isa])) for isa in ISAS}
    measure_runs(row, plain["x86_64"], xisa["x86_64"], None, args, [args.lua_script])
    return row


def machine_description():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} cores"


def real_program_lines(real_rows):
    """Rows of their own for the real programs, with their sections per ISA."""
    if not real_rows:
        return []
    lines = [
        "",
        "## Real programs (not in the geomeans above)",
        "",
        "Lua 5.4.7 built by its own makefile (tests/real/lua-test.sh make-plain / make-xisa, "
        "`make -j2`), running bench/toolchain/lua-bench.lua; build time is the whole make.",
        "",
        "| program | Ir plain | Ir xisa | Ir +% | of which polls | wall plain s | wall xisa s | wall +% "
        "| build plain x86 s | build plain 3 ISAs s | build xisa s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in real_rows:
        lines.append(f"| {r['name']} | {ir_columns(r)} | {r['wall_plain']:.3f} | {r['wall_xisa']:.3f} "
                     f"| {pct(r['wall_xisa'] / r['wall_plain'] - 1)} | {r['build_plain_x86']:.1f} "
                     f"| {r['build_plain_all']:.1f} | {r['build_xisa']:.1f} |")
    lines += ["", "| program | ISA | file plain | file xisa | file +% | loaded plain | loaded xisa | loaded +% |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in real_rows:
        for isa in ISAS:
            lines.append(
                f"| {r['name']} | {isa} | " + " | ".join(
                    f"{r[f'{kind}_plain_{isa}']:,} | {r[f'{kind}_xisa_{isa}']:,} "
                    f"| {pct(r[f'{kind}_xisa_{isa}'] / r[f'{kind}_plain_{isa}'] - 1)}"
                    for kind in ("size", "loaded")) + " |")
    for r in real_rows:
        lines += ["", f"Sections of {r['name']} of at least 1 KiB in either build (llvm-size -A; "
                  "sections at address 0 are not loaded):", "",
                  "| section | " + " | ".join(f"{isa} plain | {isa} xisa" for isa in ISAS) + " |",
                  "| --- |" + " ---: |" * 6]
        names = []
        for isa in ISAS:
            for sizes in r["sections"][isa]:
                names += [n for n, size in sizes.items() if size >= 1024 and n not in names]
        for n in names:
            lines.append(f"| {n} | " + " | ".join(
                f"{sizes.get(n, 0):,}" for isa in ISAS for sizes in r["sections"][isa]) + " |")
    return lines


def ir_columns(r):
    if "ir_plain" not in r:
        return "- | - | - | -"
    return (f"{r['ir_plain']:,} | {r['ir_xisa']:,} | {pct(r['ir_xisa'] / r['ir_plain'] - 1)} "
            f"| {pct(r['ir_poll'] / r['ir_plain'])}")


def write_report(rows, real_rows, failures, args, command, output):
    kernels = [r for r in rows if r["name"] in KERNELS]
    ir = [(r["ir_plain"], r["ir_xisa"]) for r in rows if "ir_plain" in r]
    ir_kernels = [(r["ir_plain"], r["ir_xisa"]) for r in kernels if "ir_plain" in r]
    ir_kernels_no_polls = [(r["ir_plain"], r["ir_xisa"] - r["ir_poll"])
                           for r in kernels if "ir_plain" in r]
    wall = [(r["wall_plain"], r["wall_xisa"]) for r in kernels]
    sizes = {isa: [(r[f"size_plain_{isa}"], r[f"size_xisa_{isa}"]) for r in rows] for isa in ISAS}
    loaded = {isa: [(r[f"loaded_plain_{isa}"], r[f"loaded_xisa_{isa}"]) for r in rows] for isa in ISAS}
    build_x86 = [(r["build_plain_x86"], r["build_xisa"]) for r in rows]
    build_all = [(r["build_plain_all"], r["build_xisa"]) for r in rows]

    lines = [
        "# Toolchain benchmark: xisa-cc against plain clang-19 -O2 -static (musl)",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"- machine: {machine_description()}",
        f"- command: `{command}`",
        f"- programs: {len(rows)} of tests/corpus/programs at their default size; "
        f"wall time is the median of {args.runs} runs (plain and xisa interleaved)",
        f"- kernels: the fixed list {', '.join(KERNELS)} (run.py's KERNELS: the programs whose "
        "run is their own computation of >= 10 M instructions plain, chosen once so that the "
        "set does not move with the load; pairs, a test of vectors kept across a point, is left "
        f"out); {len(kernels)} of them measured here",
        "- overhead = xisa / plain - 1; Ir = instructions executed (callgrind), x86-64; "
        "polls = Ir of the pass's `cmpl $0, __xisa_poll` + `jne` pairs, as a share of the plain Ir",
        "",
        "## Summary (geometric means)",
        "",
        "| measure | overhead | programs |",
        "| --- | --- | --- |",
        f"| instructions (Ir, x86-64), all programs | {pct(geomean_overhead(ir))} | {len(ir)} |",
        f"| instructions (Ir, x86-64), kernels | {pct(geomean_overhead(ir_kernels))} "
        f"| {len(ir_kernels)} |",
        f"| the same without the polls' instructions | {pct(geomean_overhead(ir_kernels_no_polls))} "
        f"| {len(ir_kernels_no_polls)} |",
        f"| wall time (x86-64, native), kernels | {pct(geomean_overhead(wall))} | {len(wall)} |",
    ]
    for isa in ISAS:
        lines.append(f"| executable file size, {isa} | {pct(geomean_overhead(sizes[isa]))} | {len(rows)} |")
    for isa in ISAS:
        lines.append(f"| loaded size (PT_LOAD memsz), {isa} | {pct(geomean_overhead(loaded[isa]))} | {len(rows)} |")
    lines += [
        f"| build time vs one plain x86-64 build | {pct(geomean_overhead(build_x86))} | {len(rows)} |",
        f"| build time vs three plain builds | {pct(geomean_overhead(build_all))} | {len(rows)} |",
        "",
        "## Per program",
        "",
        "| program | Ir plain | Ir xisa | Ir +% | of which polls | wall plain s | wall xisa s | wall +% "
        "| size x86_64 +% | size aarch64 +% | size ppc64le +% | build plain x86 s | build xisa s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ir_cols = ir_columns(r)
        size_cols = " | ".join(pct(r[f"size_xisa_{isa}"] / r[f"size_plain_{isa}"] - 1) for isa in ISAS)
        lines.append(
            f"| {r['name']} | {ir_cols} | {r['wall_plain']:.3f} | {r['wall_xisa']:.3f} "
            f"| {pct(r['wall_xisa'] / r['wall_plain'] - 1)} | {size_cols} "
            f"| {r['build_plain_x86']:.2f} | {r['build_xisa']:.2f} |")
    for kind, title in (("size", "File sizes in bytes"), ("loaded", "Loaded size (sum of PT_LOAD memsz) in bytes")):
        lines += ["", f"## {title}", "", "| program | " + " | ".join(
            f"{isa} plain | {isa} xisa" for isa in ISAS) + " |", "| --- |" + " ---: |" * 6]
        for r in rows:
            lines.append(f"| {r['name']} | " + " | ".join(
                f"{r[f'{kind}_plain_{isa}']:,} | {r[f'{kind}_xisa_{isa}']:,}" for isa in ISAS) + " |")
    lines += real_program_lines(real_rows)
    if failures:
        lines += ["", "## Programs that could not be measured", ""]
        lines += [f"- {name}: {message.splitlines()[0]}" for name, message in failures]
    output.write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xisa-cc", type=Path, default=TOP / "build" / "bin" / "xisa-cc")
    parser.add_argument("--work", type=Path, default=TOP / "build" / "bench-toolchain",
                        help="scratch directory for the executables")
    parser.add_argument("--runs", type=int, default=5, help="wall-time runs per build")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    parser.add_argument("--output", type=Path, default=TOP / "bench" / "toolchain" / "results.md")
    parser.add_argument("--lua-tarball", type=Path, default=LUA_TARBALL, help="Lua 5.4.7 source")
    parser.add_argument("--lua-script", type=Path, default=LUA_SCRIPT, help="the script Lua runs")
    parser.add_argument("programs", nargs="*",
                        help="corpus program names, or lua (default: all of them and lua)")
    args = parser.parse_args()
    args.xisa_cc = args.xisa_cc.resolve()  # Lua's make runs it from its own directory

    for tool, hint in ((args.xisa_cc, "build it first (cmake --build build --target xisa-cc)"),
                       (MUSL_CLANG, "the corpus is missing")):
        if not Path(tool).is_file():
            sys.exit(f"run.py: {tool} not found: {hint}")
    if not args.no_callgrind and not shutil.which("valgrind"):
        sys.exit("run.py: valgrind not found: run scripts/setup.sh, or pass --no-callgrind")
    if args.runs < 1:
        sys.exit("run.py: --runs must be at least 1")
    sources = sorted(CORPUS.glob("*.c"))
    real = {"lua": bench_lua}
    if args.programs:
        known = {s.stem: s for s in sources}
        unknown = [p for p in args.programs if p not in known and p not in real]
        if unknown:
            sys.exit(f"run.py: no corpus program named {', '.join(unknown)} (see {CORPUS}; "
                     f"real programs: {', '.join(real)})")
        sources = [known[p] for p in args.programs if p in known]
        real = {p: real[p] for p in args.programs if p in real}
    for sub in ("plain", "xisa"):
        (args.work / sub).mkdir(parents=True, exist_ok=True)

    command = shlex.join(["bench/toolchain/run.py"] + sys.argv[1:])
    jobs = [(s.stem, lambda s=s: bench_program(s, args, args.work)) for s in sources]
    jobs += [(name, lambda bench=bench: bench(args, args.work)) for name, bench in real.items()]
    rows, real_rows, failures = [], [], []
    for i, (name, bench) in enumerate(jobs, 1):
        print(f"[{i}/{len(jobs)}] {name}", flush=True)
        try:
            row = bench()
        except BenchError as err:
            # Compiler crashes print long stack dumps: show the start and the verdict.
            text = str(err).splitlines()
            shown = text if len(text) <= 12 else text[:6] + ["  ..."] + text[-4:]
            print("  FAILED: " + "\n".join(shown), flush=True)
            failures.append((name, str(err)))
            continue
        (real_rows if name in real else rows).append(row)
        ir = f", Ir {pct(row['ir_xisa'] / row['ir_plain'] - 1)}" if "ir_plain" in row else ""
        print(f"  wall {row['wall_plain']:.3f}s -> {row['wall_xisa']:.3f}s{ir}, "
              f"size x86_64 {pct(row['size_xisa_x86_64'] / row['size_plain_x86_64'] - 1)}", flush=True)
    if not rows and not real_rows:
        sys.exit("run.py: no program could be measured")
    write_report(rows, real_rows, failures, args, command, args.output)
    print(f"wrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
