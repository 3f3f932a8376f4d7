#!/usr/bin/env python3
"""Runtime benchmarks (issue 5, item 8); writes bench/runtime/results.md.

(a) request -> parked latency, seen inside a program (programs/latency.c)
(b) transformation time of real checkpoints against stack depth
    (programs/recurse.c parked at 1, 16, 256 frames; checkpoint_transform_bench
    and `xisa transform`)
(c) checkpoint size against resident memory (programs/workload.c)
(d) total time of `xisa migrate` for each direction

Usage: run.py --build BUILD_DIR [--out FILE] [--work DIR] [--reps N] [--only abcd]
"""
import argparse
import json
import os
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
HOST = os.uname().machine
ISAS = ["x86_64", "aarch64", "ppc64le"]
OTHER_ISAS = [isa for isa in ISAS if isa != HOST]


def median(values):
    return statistics.median(values) if values else float("nan")


def quantile(values, q):
    """Nearest-rank quantile; enough for tens of samples."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def load_average():
    return os.getloadavg()[0]


def build_programs(xisa_cc, work):
    """Each program for the three ISAs, as PROG and PROG.<isa>."""
    out = {}
    for name in ["workload", "recurse", "latency"]:
        exe = work / name
        subprocess.run([xisa_cc, "-O2", "-I", REPO / "runtime/include", "-o", exe,
                        HERE / "programs" / f"{name}.c"],
                       check=True, stderr=subprocess.DEVNULL)
        out[name] = exe
    return out


class Supervised:
    """A program under `xisa run`, stopped (SIGTERM, passed on to it) on exit."""

    def __init__(self, xisa, work, isa, argv):
        self.xisa = xisa
        self.out = work / "program.out"
        self.err = work / "program.err"
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen([xisa, "run", "--quiet", "--isa", isa, *map(str, argv)],
                                         stdout=out, stderr=err)
        self.handle = str(self.proc.pid)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def wait_ready(self, timeout=120):
        """Until the program has printed "ready" and the supervisor listens
        (it opens its socket after starting the program)."""
        socket = Path(os.environ["XDG_RUNTIME_DIR"]) / "xisa" / f"{self.handle}.sock"
        deadline = time.monotonic() + timeout
        while "ready" not in self.out.read_text() or not socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"program did not get ready: {self.err.read_text()[-500:]}")
            time.sleep(0.02)

    def child_pid(self):
        children = Path(f"/proc/{self.handle}/task/{self.handle}/children").read_text().split()
        return int(children[0])

    def rss_bytes(self):
        for line in Path(f"/proc/{self.child_pid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def cpu_ms(self):
        """CPU time the supervisor has used, all its threads (10 ms ticks)."""
        fields = Path(f"/proc/{self.handle}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1e3 / os.sysconf("SC_CLK_TCK")

    def request(self, *args):
        """Runs `xisa ARGS HANDLE... --json`; returns the reply with the
        client's wall time and the supervisor's CPU time added."""
        cpu = self.cpu_ms()
        start = time.monotonic()
        done = subprocess.run([self.xisa, args[0], self.handle, *map(str, args[1:]), "--json"],
                              capture_output=True, text=True)
        wall_ms = (time.monotonic() - start) * 1e3
        lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
        reply = json.loads(lines[-1]) if lines else {
            "ok": False, "error": done.stderr.strip() or "no reply"}
        reply["client_ms"] = wall_ms
        reply["supervisor_cpu_ms"] = self.cpu_ms() - cpu
        return reply


def run_timed(argv):
    """Runs argv; returns (stdout, wall ms, CPU ms of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(list(map(str, argv)), capture_output=True, text=True)
    wall_ms = (time.monotonic() - start) * 1e3
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1e3
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(map(str, argv))}: {done.stderr.strip()}")
    return done.stdout, wall_ms, cpu_ms


def row(*cells, width=0):
    """A markdown table row, padded with empty cells to width."""
    cells = list(cells) + [""] * (width - len(cells))
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(columns, rows):
    """A markdown table: the column names, their rule, the rows."""
    return [row(*columns), row(*["---"] * len(columns)), *rows]


# (a) ---------------------------------------------------------------------

LATENCY_COLUMNS = ["ISA", "request", "code", "GAP us", "wall us (median)", "wall us (min)",
                   "wall us (p90)", "CPU us", "resumed ms", "first resumed ms"]
LATENCY_CASES = [(0, "loop", "api"), (0, "loop", "signal"), (10000, "loop", "api"),
                 (100000, "loop", "api"), (1000, "nopoints", "api"), (10000, "nopoints", "api"),
                 (100000, "nopoints", "api")]


def latency_rows(xisa, exe, isa, rounds, cases):
    rows = []
    for gap, mode, request in cases:
        out, _, _ = run_timed([xisa, "run", "--quiet", "--isa", isa, exe, rounds + 1, gap, mode,
                               request])
        samples = [list(map(float, l.split())) for l in out.splitlines() if l.strip()]
        first, rest = samples[0], samples[1:]
        col = lambda i: [s[i] for s in rest]
        rows.append(row(isa, request, mode, gap, f"{median(col(0)):.0f}", f"{min(col(0)):.0f}",
                        f"{quantile(col(0), 0.9):.0f}", f"{median(col(1)):.0f} .. {median(col(2)):.0f}",
                        f"{median(col(3)) / 1e3:.1f}", f"{first[3] / 1e3:.0f}"))
    return rows


def latency_section(xisa, programs, rounds):
    rows = latency_rows(xisa, programs["latency"], HOST, rounds, LATENCY_CASES)
    # qemu-user delivers the request at its own pace; one case shows it.
    try:
        rows += latency_rows(xisa, programs["latency"], "aarch64", rounds, [(0, "loop", "api")])
    except RuntimeError as e:
        rows.append(row("aarch64", "api", "loop", 0, f"failed: {str(e)[:200]}",
                        width=len(LATENCY_COLUMNS)))
    return [
        "## (a) Request to parked",
        "",
        "programs/latency.c under `xisa run`: a worker thread runs busy work in stretches of",
        "GAP us of CPU time, in an instrumented loop (`loop`) or in a function without",
        "migration points (`nopoints`, like libc); the main thread calls",
        "`xisa_request_migration()` (`api`) or sends itself the request signal (`signal`,",
        "SIGUSR2 under `xisa run`) and watches `__xisa_park_area.nr_parked` (wire.h) until",
        "the worker has parked. Wall = request to parked. CPU = the worker's own CPU time",
        "from the request to its park, bracketed (lower .. upper bound; medians): the",
        "figure a loaded machine does not stretch. Resumed = request to running again",
        "(park, stream to the supervisor, resume). The first request of each process is",
        f"left out of the other columns and shown on its own. {rounds} requests per row.",
        "",
        *table(LATENCY_COLUMNS, rows),
    ]


# (b) ---------------------------------------------------------------------

DEPTHS = [1, 16, 256]
GBENCH_COLUMNS = ["benchmark", "frames", "wall", "CPU"]
TRANSFORM_COLUMNS = ["checkpoint", "direction", "own ms", "wall ms", "CPU ms"]


def take_checkpoint(xisa, work, isa, exe, argv, directory):
    with Supervised(xisa, work, isa, [exe, *argv]) as program:
        program.wait_ready()
        if directory.exists():
            shutil.rmtree(directory)
        reply = program.request("checkpoint", "--dir", directory)
        if not reply.get("ok"):
            raise RuntimeError(f"checkpoint failed: {reply.get('error')}")


def gbench_rows(bench_bin, dirs, work):
    out_json = work / "transform.json"
    subprocess.run([bench_bin, *map(str, dirs), "--benchmark_repetitions=5",
                    "--benchmark_report_aggregates_only=true",
                    f"--benchmark_out={out_json}", "--benchmark_out_format=json"],
                   check=True, stdout=subprocess.DEVNULL)
    rows, failed = [], set()
    for b in json.loads(out_json.read_text())["benchmarks"]:
        name = b["run_name"]
        if b.get("error_occurred"):
            # A failed benchmark has no aggregates: one row per name says why.
            if name not in failed:
                failed.add(name)
                rows.append(row(name, "", f"failed: {b.get('error_message', '')[:200]}",
                                width=len(GBENCH_COLUMNS)))
            continue
        if b.get("aggregate_name") != "median":
            continue
        frames = int(b["frames"]) if "frames" in b else ""
        rows.append(row(name, frames, f"{b['real_time']:.1f} {b['time_unit']}",
                        f"{b['cpu_time']:.1f} {b['time_unit']}"))
    return rows


def transform_command_rows(xisa, dirs, work, reps):
    rows = []
    for d in dirs:
        for to in OTHER_ISAS:
            walls, cpus, own = [], [], []
            error = ""
            for _ in range(reps):
                try:
                    out, wall, cpu = run_timed([xisa, "transform", "--to", to, "--json", d,
                                                work / "transformed"])
                except RuntimeError as e:
                    error = str(e).split("error: ", 1)[-1][:200]
                    break
                walls.append(wall)
                cpus.append(cpu)
                own.append(json.loads(out)["milliseconds"])
            if error:
                rows.append(row(d.name, f"{HOST} -> {to}", f"failed: {error}",
                                width=len(TRANSFORM_COLUMNS)))
            else:
                rows.append(row(d.name, f"{HOST} -> {to}", f"{median(own):.1f}",
                                f"{median(walls):.1f}", f"{median(cpus):.1f}"))
    return rows


def transform_section(xisa, bench_bin, programs, work, reps):
    dirs = {}
    for depth in DEPTHS:
        for isa in ISAS:
            directory = work / "checkpoints" / isa / f"depth-{depth}"
            take_checkpoint(xisa, work, isa, programs["recurse"], [depth], directory)
            dirs[isa, depth] = directory
    return [
        "## (b) Transformation time against stack depth",
        "",
        "Real checkpoints: programs/recurse.c parked with 1, 16 and 256 user frames",
        "(`xisa checkpoint` on each ISA; aarch64 and ppc64le under qemu-user).",
        "checkpoint_transform_bench (Google Benchmark) transforms a fresh copy of each",
        "image set (copied with the timer paused) from its ISA to another one with one",
        "`transform_image_set` per iteration, on this x86-64 machine; medians of 5",
        "repetitions. LoadProgram = reading one executable's metadata (`load_program`).",
        "(Debian's libbenchmark warns that it was built as DEBUG; that concerns the",
        "harness, not the code measured, which is RelWithDebInfo.)",
        "Goal: 16 frames under 50 us on x86-64.",
        "",
        *table(GBENCH_COLUMNS, gbench_rows(bench_bin, list(dirs.values()), work)),
        "",
        f"The whole `xisa transform --to ISA IN OUT` command on the {HOST} checkpoints",
        "(read images, load both executables' metadata, transform, write images),",
        f"median of {reps}; its own timer, the wall time seen from outside, and its CPU time:",
        "",
        *table(TRANSFORM_COLUMNS, transform_command_rows(xisa, [dirs[HOST, depth] for depth in DEPTHS],
                                                         work, reps)),
    ]


# (c) ---------------------------------------------------------------------

SIZES_MIB = [1, 16, 64, 256]
SIZE_COLUMNS = ["heap MiB", "RSS MiB", "stream MiB", "images MiB", "pages MiB", "images / RSS",
                "checkpoint wall ms", "supervisor CPU ms"]


def directory_bytes(directory, pattern="*"):
    return sum(f.stat().st_size for f in directory.glob(pattern) if f.is_file())


def size_section(xisa, programs, work, reps):
    rows = []
    mib = 2 ** 20
    for size in SIZES_MIB:
        directory = work / "checkpoints" / f"heap-{size}"
        with Supervised(xisa, work, HOST, [programs["workload"], size, 0, "loop"]) as program:
            program.wait_ready()
            rss = program.rss_bytes()
            replies = []
            for _ in range(reps):
                if directory.exists():
                    shutil.rmtree(directory)
                reply = program.request("checkpoint", "--dir", directory)
                if not reply.get("ok"):
                    raise RuntimeError(f"checkpoint of {size} MiB failed: {reply.get('error')}")
                replies.append(reply)
        col = lambda key: median([r[key] for r in replies])
        images = directory_bytes(directory)
        pages = directory_bytes(directory, "pages-*.img")
        rows.append(row(size, f"{rss / mib:.1f}", f"{col('stream_bytes') / mib:.1f}",
                        f"{images / mib:.1f}", f"{pages / mib:.1f}", f"{images / rss:.2f}",
                        f"{col('total_ms'):.0f}", f"{col('supervisor_cpu_ms'):.0f}"))
    return [
        "## (c) Checkpoint size against resident memory",
        "",
        "programs/workload.c touching N MiB of heap (every page non-zero), then",
        f"`xisa checkpoint --json` {reps} times. RSS = VmRSS of the program before the",
        "checkpoints; stream = what the runtime sent the supervisor; images = all files",
        "of the CRIU image directory, pages = its pages-*.img. Checkpoint = the",
        "supervisor's total_ms (wall) and the supervisor's CPU time (10 ms ticks), medians.",
        "",
        *table(SIZE_COLUMNS, rows),
    ]


# (d) ---------------------------------------------------------------------

MIGRATE_COLUMNS = ["direction", "heap MiB", "ok", "total ms", "park ms", "stream ms",
                   "transform ms", "restore ms", "client ms", "supervisor CPU ms", "stream MiB"]
MIGRATIONS = [("x86_64", "x86_64", 1), ("x86_64", "x86_64", 16),
              ("x86_64", "aarch64", 16), ("aarch64", "x86_64", 16),
              ("x86_64", "ppc64le", 16), ("ppc64le", "x86_64", 16),
              ("aarch64", "ppc64le", 16)]


def still_running(program):
    time.sleep(0.3)
    return program.proc.poll() is None


def migrate_once(xisa, work, exe, src, dst, size):
    """One fresh program on src moved to dst; the supervisor's reply."""
    with Supervised(xisa, work, src, [exe, size, 0, "loop"]) as program:
        program.wait_ready()
        reply = program.request("migrate", "--to", dst)
        if reply.get("ok") and not still_running(program):
            reply = {"ok": False,
                     "error": f"moved in {reply['total_ms']:.0f} ms (transform "
                              f"{reply['transform_ms']:.0f} ms), then ended with `xisa run` "
                              f"status {program.proc.returncode}: {program.err.read_text()[-200:]}"}
        said = runtime_message(program.err.read_text())
        if not reply.get("ok") and said:
            reply["error"] += f" [the destination said: {said}]"
        return reply


def runtime_message(stderr):
    """The last message of an xisa runtime in a program's stderr (they end
    without a newline, so the supervisor's next message may follow)."""
    if "xisa runtime: " not in stderr:
        return ""
    return stderr.rsplit("xisa runtime: ", 1)[1].split("xisa: ", 1)[0].strip()


def migrate_section(xisa, programs, work, reps):
    rows = []
    for src, dst, size in MIGRATIONS:
        replies, error = [], ""
        for _ in range(reps):
            reply = migrate_once(xisa, work, programs["workload"], src, dst, size)
            if not reply.get("ok"):
                error = " ".join(reply.get("error", "").split())[:400]
                break  # the same failure again would only cost time
            replies.append(reply)
        col = lambda key: median([r[key] for r in replies])
        if error:
            rows.append(row(f"{src} -> {dst}", size, f"{len(replies)}/{len(replies) + 1}",
                            f"failed: {error}", width=len(MIGRATE_COLUMNS)))
            continue
        restore = median([r["total_ms"] - r["park_ms"] - r["stream_ms"] - r["transform_ms"]
                          for r in replies])
        rows.append(row(f"{src} -> {dst}", size, f"{len(replies)}/{reps}", f"{col('total_ms'):.0f}",
                        f"{col('park_ms'):.0f}", f"{col('stream_ms'):.0f}",
                        f"{col('transform_ms'):.0f}", f"{restore:.0f}", f"{col('client_ms'):.0f}",
                        f"{col('supervisor_cpu_ms'):.0f}", f"{col('stream_bytes') / 2**20:.1f}"))
    return [
        "## (d) Total migration time",
        "",
        "A fresh programs/workload.c (heap MiB touched, no gaps) per run, moved once with",
        f"`xisa migrate HANDLE --to ISA --json`; medians of {reps} runs (a direction stops at",
        "its first failure). The supervisor's own breakdown: park = signal sent to the",
        "first byte of the stream (this includes the runtime's scan of its memory for",
        "zero pages, so it is more than (a)); stream = reading the rest; transform =",
        "rewriting it for the destination (a copy when the ISA stays); restore = starting",
        "the destination process until it runs (qemu-user for aarch64 and ppc64le).",
        "Client = wall time of the `xisa migrate` command; supervisor CPU = CPU time",
        "the supervisor used for the move (10 ms ticks; the destination process's own",
        "restore work is not in it). A run only counts when the program is still",
        "running 0.3 s after the move.",
        "",
        *table(MIGRATE_COLUMNS, rows),
    ]


# -------------------------------------------------------------------------

def machine_lines():
    model = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                  if l.startswith("model name")), "unknown CPU")
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return [f"Machine: {os.cpu_count()} x {model}, {int(mem) // 2**20} GiB, "
            f"{os.uname().sysname} {os.uname().release}.",
            f"Source: HEAD {commit} at the time of the run (the build directory holds",
            "whatever the working tree was when it was last built)."]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True, type=Path, help="the build directory")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temporary one)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each command")
    parser.add_argument("--rounds", type=int, default=25, help="requests per latency row")
    parser.add_argument("--only", default="abcd", help="sections to run (letters, default abcd)")
    args = parser.parse_args()
    build = args.build.resolve()
    xisa = build / "bin/xisa"
    bench_bin = build / "bin/checkpoint_transform_bench"
    work = Path(args.work or tempfile.mkdtemp(prefix="xisa-bench-runtime-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(work / "run")
    command = "bench/runtime/run.py " + shlex.join(sys.argv[1:])

    started = time.monotonic()
    programs = build_programs(build / "bin/xisa-cc", work)
    sections = []
    for title, make in [("a", lambda: latency_section(xisa, programs, args.rounds)),
                        ("b", lambda: transform_section(xisa, bench_bin, programs, work, args.reps)),
                        ("c", lambda: size_section(xisa, programs, work, 2)),
                        ("d", lambda: migrate_section(xisa, programs, work, args.reps))]:
        if title not in args.only:
            continue
        before = load_average()
        print(f"bench/runtime: section ({title}), load {before:.1f}", file=sys.stderr)
        lines = make()
        sections += lines + ["", f"Load average (1 min) before / after: {before:.1f} / "
                                 f"{load_average():.1f}.", ""]
    minutes = (time.monotonic() - started) / 60

    report = [
        "# Runtime benchmarks (issue 5, item 8)",
        "",
        f"Command (from the repository root): `{command}`",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; run took {minutes:.1f} min.",
        *machine_lines(),
        "The machine is shared with other engineers' builds and tests while this runs:",
        "wall times are stretched by waiting for a CPU (see the load averages); CPU",
        "times are the figures to compare.",
        "",
        *sections,
    ]
    args.out.write_text("\n".join(report))
    print(f"bench/runtime: wrote {args.out}; work files in {work}", file=sys.stderr)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
