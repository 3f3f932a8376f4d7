#!/usr/bin/env python3
"""Container migration benchmark: downtime, total time and bytes on the wire
against container memory size, post-copy and stop-and-copy in one run.

Uses the same two-agent namespace setup as tests/container/migrate
(harness.py). For every size, a container whose server fills SIZE MiB
migrates A -> B once per mode; the numbers are the migration reports
(`xisa container migrate --json`). Results go to a Markdown file with the
exact command that produced them.

    bench/container/migrate_bench.py --xisa build/bin/xisa \\
        [--sizes 64,256,1024,2048] [--modes postcopy,stopcopy] \\
        [--out bench/container/results.md] [--profile DIR]

--profile keeps every migration's CRIU logs in DIR/<container>-<side>/ and
prints the largest gaps of the source's dump log (freeze to dump done) and
of the destination's restore log (criu_log_gaps.py).
"""
import argparse
import datetime
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "container", "migrate"))
from harness import World, ServerClient, build_server, expect  # noqa: E402
from criu_log_gaps import gaps, span  # noqa: E402

SLICES = """
[slices.main]
cpus = "0-{last}"
memory = "{memory}M"
max_containers = 1
"""


# Where the frozen time goes inside CRIU: consecutive steps of the source's
# dump.log (from all tasks frozen to the page server's start) and of the
# destination's restore.log (from the images to the resumed tasks), each
# (column, first line's text, last line's text).
DUMP_STEPS = [
    ("seize", "freezing processes:", "Seized task"),
    ("net lock, RPC", "Seized task", "query-ext-files"),  # its RPC, or its skip (patch 0023)
    ("collect", "query-ext-files", "Dumping task (pid"),
    ("files, smaps", "Dumping task (pid", "Dumping pages"),
    ("pages", "Dumping pages", "Dumping core"),  # post-copy: listing them lazy
    ("core, mm", "Dumping core", "mnt: Dumping mountpoints"),
    ("mounts", "mnt: Dumping mountpoints", "Dumping file-locks"),
    ("namespaces", "Dumping file-locks", "Namespaces dump complete"),
    ("cgroups, post-dump", "Namespaces dump complete", "Starting lazy pages server"),
]
RESTORE_STEPS = [
    ("until namespaces", "Image set complete", "Restoring namespaces"),
    ("namespaces, mounts", "Restoring namespaces", "Running post-setup-namespaces scripts"),
    ("tasks", "Running post-setup-namespaces scripts", "Restore finished successfully"),
]


def criu_steps(log_dir, name):
    """ms per step of DUMP_STEPS and RESTORE_STEPS (None where a mark is missing)."""
    out = []
    for side, log, steps in (("source", "dump.log", DUMP_STEPS),
                             ("destination", "restore.log", RESTORE_STEPS)):
        path = os.path.join(log_dir, f"{name}-{side}", log)
        for _, start, end in steps:
            out.append(span(path, start, end) if os.path.exists(path) else None)
    return out


def one(world, server, size, mode):
    a, b = world.hosts["a"], world.hosts["b"]
    name = f"bench{size}{mode[0]}"
    bundle = world.make_bundle(server, size, name=name)
    a.client("run", "--name", name, "--bundle", bundle)
    world.plumb_container(a, name)
    # Waits until the server filled its memory and listens (slow for GiBs).
    client = ServerClient(connect_timeout=300)
    try:
        client.ask("get")
        load = os.getloadavg()[0]  # rows at different loads do not compare one for one
        report = world.migrate(name, a, b, mode)
        report["load"] = load
        answer = client.ask("check")
        expect(answer.get("check") == "ok", f"{size} MiB {mode}: memory check {answer}")
    finally:
        client.close()
    b.client("stop", name)
    report["criu_steps_ms"] = criu_steps(world.log_dir, name)
    return report


def ms(value):
    return "?" if value is None else f"{value:.1f}"


def write_results(path, command, rows):
    with open(path, "w") as f:
        f.write("# Container migration: downtime and total time against memory size\n\n")
        f.write(f"Command (as root, from the source tree): `{command}`\n\n")
        f.write(f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.node()}, "
                f"{os.cpu_count()} cores, kernel {platform.release()}, load average "
                f"{os.getloadavg()[0]:.1f} at the end (each row's load column: the 1-minute "
                "average when its migration started); hosts are network namespaces on this one "
                "machine joined by veth and bridges, so the wire is memory-speed and shared with "
                "the CPU work.\n\n")
        f.write("Downtime: from the moment the source CRIU starts freezing the container (its "
                "dump.log) to the moment the destination CRIU resumed the restored tasks (its "
                "restore.log), both in wall-clock time (CRIU patch 0003 logs the wall clock at "
                "log start). Its phases: freeze (freezer start to all tasks frozen, dump.log), dump (frozen "
                "until the task state without lazy memory is written), transfer (until every "
                "image file reached the destination), start (network up, lazy-pages daemon "
                "released and listening), restore (CRIU restore until the tasks resumed). Not "
                "in the downtime: prepare (bundle sent, destination placed the container and "
                "started a gated `runc restore` and `criu lazy-pages`) and pre-freeze (runc's "
                "and CRIU's start-up on the source); the container runs during both. Total: "
                "from the start until every page had arrived and the source copy was gone. "
                "Wire: image files plus page-server traffic (the bundle is sent too, not "
                "counted).\n\n")
        f.write("| memory MiB | mode | load | downtime ms | freeze | dump | transfer | start | restore | "
                "prepare ms | pre-freeze ms | total ms | post-copy window ms | images MiB | "
                "pages MiB | pages faulted | pages pushed |\n")
        f.write("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for size, mode, r in rows:
            p = r.get("phases_ms", {})
            f.write(f"| {size} | {mode} | {r['load']:.1f} | {ms(r.get('downtime_ms'))} | {ms(p.get('freeze'))} | "
                    f"{ms(p.get('dump'))} | {ms(p.get('transfer'))} | "
                    f"{ms(p.get('restore_start'))} | {ms(p.get('restore'))} | "
                    f"{ms(r.get('prepare_ms'))} | {ms(r.get('before_freeze_ms'))} | "
                    f"{ms(r.get('total_ms'))} | {ms(r.get('postcopy_window_ms'))} | "
                    f"{r['image_bytes'] / 2**20:.2f} | "
                    f"{r['page_bytes'] / 2**20:.2f} | {r['pages_faulted']} | "
                    f"{r['pages_pushed']} |\n")
        steps = DUMP_STEPS + RESTORE_STEPS
        f.write("\nInside CRIU, ms per step (source dump.log from the freezer's start to the page "
                "server's start, then destination restore.log from the images to the resumed "
                "tasks; a step runs from the first line of its mark to the next step's; pages is "
                "the lazy page list in post-copy, writing every page in stop-and-copy; "
                "bench/container/migrate_bench.py DUMP_STEPS, RESTORE_STEPS):\n\n")
        f.write("| memory MiB | mode | " + " | ".join(n for n, _, _ in steps) + " |\n")
        f.write("|---:|---|" + "---:|" * len(steps) + "\n")
        for size, mode, r in rows:
            f.write(f"| {size} | {mode} | " + " | ".join(ms(v) for v in r["criu_steps_ms"]) + " |\n")


def print_profile(log_dir, name):
    for side, log, start, end in (
            ("source", "dump.log", "Detected cgroup V", "Starting lazy pages server"),
            ("destination", "restore.log", "Image set complete",
             "Restore finished successfully")):
        path = os.path.join(log_dir, f"{name}-{side}", log)
        if not os.path.exists(path):
            continue
        print(f"  {side} {log}: largest gaps")
        for gap_ms, before, line in gaps(path, 8, start, end):
            print(f"    {gap_ms:7.1f} ms  {before[:60]!r} -> {line[:60]!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xisa", required=True)
    ap.add_argument("--sizes", default="64,256,1024,2048")
    ap.add_argument("--modes", default="postcopy,stopcopy")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--profile", metavar="DIR")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = args.modes.split(",")
    command = " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    world = World(args.xisa)
    if args.profile:
        world.log_dir = os.path.abspath(args.profile)
    rows = []
    try:
        world.make_network()
        server = build_server(world.dir)
        slices = SLICES.format(last=os.cpu_count() - 1, memory=max(sizes) + 512)
        for h in world.hosts.values():
            h.start_agent(slices)
        for size in sizes:
            for mode in modes:
                r = one(world, server, size, mode)
                print(f"{size:5} MiB {mode:8}: downtime {ms(r.get('downtime_ms')):>8} ms, "
                      f"total {ms(r.get('total_ms')):>8} ms, wire "
                      f"{(r['image_bytes'] + r['page_bytes']) / 2**20:8.1f} MiB", flush=True)
                rows.append((size, mode, r))
                write_results(args.out, command, rows)  # a partial run still leaves numbers
                if args.profile:
                    print_profile(world.log_dir, f"bench{size}{mode[0]}")
    finally:
        world.cleanup()

    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
