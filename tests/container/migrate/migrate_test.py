#!/usr/bin/env python3
"""End-to-end test of `xisa container migrate` between two agents.

Hosts A and B are network namespaces with their own agents (harness.py); the
client is a third namespace. A stateful container (stateful_server.c, built
here) hops A -> B (post-copy) -> A (stop-and-copy) -> B (post-copy) while a
client keeps one TCP connection open to its address: after every hop the
same connection must answer, with the exact request count and every memory
page intact, and the container must run on exactly one host. Then the
failure cases: destination agent down, destination killed mid-migration,
CRIU restore error, unknown slice, full slice, pre-copy refused; after each
the container must still run on the source with its state, and nowhere else.

Needs root, runc, iptables, clang-19 and musl. Fails (never skips) without.

    migrate_test.py --xisa BUILD/bin/xisa
"""
import argparse
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, ServerClient, build_server, expect, run  # noqa: E402

NAME = "ctr"
MEMORY_MIB = 64
SLICES = """
[slices.main]
cpus = "0-{last}"
memory = "256M"
max_containers = 1
""".format(last=os.cpu_count() - 1)


class State:
    """What the container must answer: the test counts its own requests."""

    def __init__(self, client):
        self.client = client
        self.served = 0
        self.ticks = 0

    def verify(self, where):
        answer = self.client.ask("get")
        self.served += 1
        expect(int(answer["served"]) == self.served,
               f"{where}: served={answer['served']}, expected {self.served} (state lost?)")
        ticks = int(answer["ticks"])
        expect(ticks >= self.ticks, f"{where}: ticks went back from {self.ticks} to {ticks}")
        self.ticks = ticks
        check = self.client.ask("check")
        self.served += 1
        expect(check.get("check") == "ok", f"{where}: memory check says {check}")
        expect(int(check["pages"]) == MEMORY_MIB * 256, f"{where}: {check}")


def runs_on(world, host, name=NAME):
    """Asserts the container runs on host and on no other host."""
    for h in world.hosts.values():
        if h.agent is None or h.agent.poll() is not None:  # stopped or killed: check runc
            states = run("runc", "--root", h.runc_root(), "list", "-q", check=False).stdout
            expect(name not in states.split(), f"{name} is in {h.letter}'s runc state: {states}")
            continue
        listed = {n: c for n, c in h.containers().items() if n == name}
        if h is host:
            expect(name in listed and listed[name]["status"] == "running",
                   f"{name} should run on {h.letter}: {listed}")
        else:
            expect(name not in listed, f"{name} should not be on {h.letter}: {listed}")


def check_report(report, mode):
    for key in ("downtime_ms", "total_ms", "image_bytes", "prepare_ms", "before_freeze_ms"):
        expect((report.get(key) or 0) > 0, f"report lacks {key}: {report}")
    # Each phase is measured between two marks that must come in order: a
    # missing CRIU log mark (null) or a negative span is a measuring bug.
    phases = report.get("phases_ms", {})
    for key in ("freeze", "dump", "transfer", "restore_start", "restore"):
        expect(phases.get(key) is not None and phases[key] >= 0,
               f"downtime phase {key} missing or negative: {report}")
    expect(report["mode"] == mode, f"report mode: {report}")
    expect(report["downtime_ms"] <= report["total_ms"], f"downtime > total: {report}")
    if mode == "postcopy":
        pages = report["pages_faulted"] + report["pages_pushed"]
        expect(pages >= MEMORY_MIB * 256,
               f"post-copy moved {pages} pages, fewer than the {MEMORY_MIB} MiB touched: {report}")
        expect(report["page_bytes"] >= MEMORY_MIB << 20, f"page bytes on the wire: {report}")
    else:
        expect(report["image_bytes"] >= MEMORY_MIB << 20, f"stop-and-copy image bytes: {report}")


def hop(world, state, src, dst, mode):
    report = world.migrate(NAME, src, dst, mode)
    print(f"hop {src.letter}->{dst.letter} {mode}: downtime {report['downtime_ms']:.0f} ms, "
          f"total {report['total_ms']:.0f} ms, faulted {report['pages_faulted']}, "
          f"pushed {report['pages_pushed']}", flush=True)
    check_report(report, mode)
    runs_on(world, dst)
    state.verify(f"after {src.letter}->{dst.letter} ({mode})")


def failed_migration(world, state, src, dst, expected_error, **kwargs):
    p = world.migrate(NAME, src, dst, check=False, **kwargs)
    expect(not isinstance(p, dict), f"migration should have failed: {p}")
    expect(expected_error in p.stderr, f"expected {expected_error!r} in: {p.stderr}")
    expect("still runs on agent" in p.stderr or "precopy" in kwargs.get("mode", ""),
           f"error does not say the container stayed: {p.stderr}")
    runs_on(world, src)
    state.verify(f"after failed migration ({expected_error})")


def source_lost_in_postcopy(world, state, src, dst):
    """The source agent dies 100 ms into post-copy: the container must not
    run in two places; it runs on the destination only if every page made it
    (checked), else nowhere, and the destination says why."""
    src.stop_agent()
    src.start_agent(SLICES, fault="source-exit-in-postcopy")
    p = world.migrate(NAME, src, dst, check=False)
    expect(not isinstance(p, dict), f"the source agent should have died: {p}")
    src.agent.wait(timeout=60)
    expect(src.agent.returncode == 137, f"source agent exit {src.agent.returncode}")
    src.start_agent(SLICES)
    listed = src.containers()
    status = listed.get(NAME, {}).get("status", "gone")
    expect(status not in ("running", "paused"), f"source copy still {status}: {listed}")
    deadline = time.monotonic() + 60
    while True:
        on_dst = dst.containers().get(NAME)
        log = open(dst.log).read()
        if "the source was lost during post-copy" in log:
            expect(on_dst is None, f"destination kept a container with missing pages: {on_dst}")
            print("source lost in post-copy: destination stopped the incomplete container")
            return
        if on_dst and on_dst["status"] == "running" and "has all its pages" in log:
            state.verify("after the source died late in post-copy")
            break
        expect(time.monotonic() < deadline, f"no outcome on the destination: {on_dst}")
        time.sleep(0.5)
    print("source lost in post-copy after the last page: container runs on the destination")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xisa", required=True)
    args = ap.parse_args()
    expect(os.geteuid() == 0, "this test needs root (network namespaces, runc, CRIU)")
    world = World(args.xisa)
    client = None
    try:
        world.make_network()
        a, b = world.hosts["a"], world.hosts["b"]
        server = build_server(world.dir)
        bundle = world.make_bundle(server, MEMORY_MIB)
        a.start_agent(SLICES)
        b.start_agent(SLICES)
        a.client("run", "--name", NAME, "--bundle", bundle)
        world.plumb_container(a, NAME)
        client = ServerClient()
        state = State(client)
        state.verify("before any hop")

        hop(world, state, a, b, "postcopy")
        hop(world, state, b, a, "stopcopy")
        hop(world, state, a, b, "postcopy")
        hop(world, state, b, a, "postcopy")

        # Failures: the container stays on A with its state.
        failed_migration(world, state, a, b, "pre-copy", mode="precopy")
        failed_migration(world, state, a, b, "no slice 'nosuch'", slice_name="nosuch")
        filler = world.make_bundle(server, 4, name="filler")
        b.client("run", "--name", "filler", "--bundle", filler)
        failed_migration(world, state, a, b, "slice 'main' is full")
        b.client("stop", "filler")
        b.stop_agent()
        failed_migration(world, state, a, b, "connect")
        b.start_agent(SLICES, fault="corrupt-images")
        failed_migration(world, state, a, b, "Img trimmed")
        b.stop_agent()
        b.start_agent(SLICES, fault="exit-after-images")
        failed_migration(world, state, a, b, "closed")
        b.stop_agent()
        b.start_agent(SLICES, fault="corrupt-images")
        failed_migration(world, state, a, b, "Img trimmed", mode="stopcopy")
        b.stop_agent()
        b.start_agent(SLICES)
        hop(world, state, a, b, "postcopy")
        source_lost_in_postcopy(world, state, b, a)
        print("migrate_test: all checks passed")
    except Exception:
        traceback.print_exc()
        for h in world.hosts.values():
            if hasattr(h, "log") and os.path.exists(h.log):
                print(f"--- agent {h.letter} log (last 30 lines)")
                print("".join(open(h.log).readlines()[-30:]))
        return 1
    finally:
        if client:
            client.close()
        world.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
