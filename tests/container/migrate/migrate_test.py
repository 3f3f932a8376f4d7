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
Last, the source is lost during post-copy twice: its processes killed, then
its link cut.

Needs root, runc, iptables, clang-19 and musl. Fails (never skips) without.

    migrate_test.py --xisa BUILD/bin/xisa
"""
import argparse
import glob
import json
import os
import re
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import World, ServerClient, build_server, expect, run  # noqa: E402

NAME = "ctr"
MEMORY_MIB = 64
HOSTNAME = "xisa-test"  # tests/container/common/make-bundle.py
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
        self.dev = None  # /dev as first seen; every hop must keep it

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
        dev = self.client.ask("dev")
        self.served += 1
        expect(int(dev["entries"]) > 2, f"{where}: the container's /dev is empty: {dev}")
        self.dev = self.dev or dev
        expect(dev == self.dev, f"{where}: /dev changed from {self.dev} to {dev}")
        host = self.client.ask("host")
        self.served += 1
        expect(host["host"] == HOSTNAME, f"{where}: the container's host name is {host['host']!r}, "
               f"not the bundle's {HOSTNAME!r}")


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
            in_its_cgroup(listed[name])
        else:
            expect(name not in listed, f"{name} should not be on {h.letter}: {listed}")


def in_its_cgroup(container):
    """The container's task sits in the cgroup its agent made in the slice,
    in every hierarchy that has cpu, memory or pids (runc puts the restoring
    CRIU there; CRIU must not move the restored task elsewhere)."""
    cgroup = container["cgroup"].rstrip("/")
    lines = open(f"/proc/{container['pid']}/cgroup").read().splitlines()
    checked = [line for line in lines if {"cpu", "memory", "pids"} & set(line.split(":")[1].split(","))]
    checked = checked or [line for line in lines if line.startswith("0::")]  # cgroup v2 alone
    expect(checked and all(line.split(":", 2)[2].rstrip("/") == cgroup for line in checked),
           f"task {container['pid']} is not in {cgroup}: {lines}")


def runs_nowhere(world, name=NAME):
    for h in world.hosts.values():
        expect(name not in h.containers(), f"{name} is still on {h.letter}")
        states = run("runc", "--root", h.runc_root(), "list", "-q", check=False).stdout
        expect(name not in states.split(), f"{name} is in {h.letter}'s runc state: {states}")


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
        expect((report.get("postcopy_window_ms") or 0) > 0, f"no post-copy window: {report}")
        pages = report["pages_faulted"] + report["pages_pushed"]
        expect(pages >= MEMORY_MIB * 256,
               f"post-copy moved {pages} pages, fewer than the {MEMORY_MIB} MiB touched: {report}")
        expect(report["page_bytes"] >= MEMORY_MIB << 20, f"page bytes on the wire: {report}")
    else:
        expect(report["image_bytes"] >= MEMORY_MIB << 20, f"stop-and-copy image bytes: {report}")


def check_lazy_list(world):
    """The source listed the container's filled memory as lazy without a
    pagemap walk (CRIU patch 0012: a VMA that smaps shows fully resident
    goes in as one run; stock CRIU walks it and adds it page by page while
    the container is frozen)."""
    log = os.path.join(world.log_dir, f"{NAME}-source", "dump.log")
    lazy = [int(m.group(1)) for m in
            re.finditer(r"Pagemap generated without a walk: \d+ pages \((\d+) lazy\)", open(log).read())]
    expect(sum(lazy) >= MEMORY_MIB * 256,
           f"the dump did not list the {MEMORY_MIB} MiB as resident lazy runs (CRIU patch 0012; "
           f"run scripts/setup-criu.sh): {lazy} in {log}")


def check_frozen_window_shortcuts(world):
    """Every hop: the dump skipped the conntrack walk of the container's
    external network namespace, which tracks nothing (CRIU patch 0013), the
    restore wrote the UTS sysctls without a forked worker (patch 0014), and
    both sides archived the container's /dev without a tar process (patch
    0015; State.verify checks that /dev arrived intact), and the dump read
    the UTS, IPC and external net namespaces without forked workers (patch
    0016; State.verify checks the container's host name); CRIU left the
    cgroups to runc (runs_on checks the task's cgroups). The restore made
    its empty mount namespace before the images gate (patch 0018) and
    pivoted into the container's root with one unmount (0017) and cleaned
    up its roots yard only after the tasks resumed (0020); a post-copy lazy
    daemon listened before its gate (0019); the dump warmed up the nftables
    network lock outside the frozen window (0021) and the restore locked the
    container's network namespace before its gate (0022; State.verify checks
    that the container talks after the hop, so the lock was undone); both
    sides skipped the RPC notifications runc does nothing on (0023 with the
    agents' CRIU_RPC_NOTIFY_SKIP; runs_on checks that runc still learned the
    restored task's pid); the restore started no cgroup daemon, as CRIU
    leaves the cgroups to runc (0024) and freed its network unlock's
    nftables context only after the tasks resumed (0025)."""
    dump = open(os.path.join(world.log_dir, f"{NAME}-source", "dump.log")).read()
    expect("No tracked connections: conntrack tables not dumped" in dump,
           "the dump walked the conntrack table of a namespace that tracks nothing "
           "(CRIU patch 0013; run scripts/setup-criu.sh)")
    expect(re.search(r"tmpfs of mount \d+ archived in-process", dump),
           "the dump archived the container's /dev with a tar process "
           "(CRIU patch 0015; run scripts/setup-criu.sh)")
    for ns in ("uts", "ipc", "net"):
        expect(re.search(rf"Dumping {ns} namespace \d+ in-process", dump),
               f"the dump forked a worker for the {ns} namespace "
               "(CRIU patch 0016; run scripts/setup-criu.sh)")
    restore = open(os.path.join(world.log_dir, f"{NAME}-destination", "restore.log")).read()
    expect("Preparing cgroups yard" not in restore,
           "the restore mounted the cgroup hierarchies to move the restored tasks: the agent's "
           "CRIU configuration (manage-cgroups=ignore, criu-ext/agent/bundle.cpp) was not used")
    expect("Cgroups ignored: no cgroupd" in restore and "cgroud: Daemon started" not in restore,
           "the restore started a cgroup daemon though it leaves the cgroups to runc "
           "(CRIU patch 0024; run scripts/setup-criu.sh)")
    expect(re.search(r"tmpfs of mount \d+ extracted in-process", restore),
           "the restore extracted the container's /dev with a tar process "
           "(CRIU patch 0015; run scripts/setup-criu.sh)")
    expect("No user namespace: namespace sysctls written in-process" in restore,
           "the restore wrote the UTS sysctls through a forked worker "
           "(CRIU patch 0014; run scripts/setup-criu.sh)")
    gate = restore.index("Image set complete")
    expect("nftables network lock warmed up" in dump,
           "CRIU's first nftables network lock ran cold inside the frozen window "
           "(CRIU patch 0021; run scripts/setup-criu.sh)")
    expect("Network namespace locked before the images gate" in restore[:gate]
           and "Network was locked before the images gate" in restore[gate:],
           "the restore locked the container's network namespace after the images arrived "
           "(CRIU patch 0022; run scripts/setup-criu.sh)")
    expect("Empty mount namespace made before the images gate" in restore[gate:],
           "the restore made its empty mount namespace after the images arrived "
           "(CRIU patch 0018; run scripts/setup-criu.sh)")
    expect("Old root unmounted in one step" in restore[gate:],
           "the restore's pivot into the container's root unmounted twice "
           "(CRIU patch 0017; run scripts/setup-criu.sh)")
    expect(-1 < restore.find("Tasks resumed")
           < restore.find("nftables context of the network unlock freed"),
           "the restore freed its network unlock's nftables context before it resumed the "
           "tasks, waiting for an RCU grace period (CRIU patch 0025; run scripts/setup-criu.sh)")
    expect(-1 < restore.find("Tasks resumed") < restore.find("Switching to new ns to clean ghosts"),
           "the restore cleaned up its roots yard before it resumed the tasks "
           "(CRIU patch 0020; run scripts/setup-criu.sh)")
    for action, log in (("network-lock", dump), ("query-ext-files", dump), ("pre-resume", restore)):
        expect(f"RPC notification {action} skipped" in log,
               f"CRIU sent runc the {action} notification, a round trip in the frozen window "
               "(CRIU patch 0023 and the agents' CRIU_RPC_NOTIFY_SKIP; run scripts/setup-criu.sh)")
    lazy_log = os.path.join(world.log_dir, f"{NAME}-destination", "lazy.log")
    if os.path.exists(lazy_log):
        lazy = open(lazy_log).read()
        expect(-1 < lazy.find("Waiting for incoming connections") < lazy.find("Waiting for the image set"),
               "the lazy-pages daemon listened only after the images arrived "
               "(CRIU patch 0019; run scripts/setup-criu.sh)")


def no_roots_yard_left(since):
    """The failed restores left no roots yard directory of CRIU's in /tmp:
    patch 0018 names it before the images gate but makes it only once the
    images asked for it, so a restore killed at its gate or failing on
    its images leaves none."""
    left = [d for d in glob.glob("/tmp/.criu.mntns.*") if os.stat(d).st_mtime >= since]
    expect(not left, f"failed restores left CRIU's roots yard directories behind: {left}")


def hop(world, state, src, dst, mode):
    report = world.migrate(NAME, src, dst, mode)
    print(f"hop {src.letter}->{dst.letter} {mode}: downtime {report['downtime_ms']:.0f} ms, "
          f"total {report['total_ms']:.0f} ms, faulted {report['pages_faulted']}, "
          f"pushed {report['pages_pushed']}", flush=True)
    check_report(report, mode)
    if mode == "postcopy":
        check_lazy_list(world)
    check_frozen_window_shortcuts(world)
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


def source_lost_in_postcopy(world, state, src, dst, how):
    """The source host is lost in the middle of post-copy (docs/container-
    migration.md), once the container runs on the destination, while pages
    are still missing there (the source's relay is slowed to 8 MiB/s, so 64
    MiB take 8 s). The container reads every page meanwhile. how="killed":
    the source's agent, page relay and CRIU page server die (SIGKILL to the
    agent's process group), so their connections close. how="cut": the
    source's link goes down, nothing is closed; the destination's lazy
    daemon must notice the silence by itself (CRIU patch 0010) within
    seconds, not when TCP gives up after many minutes. Documented outcome
    either way: the destination kills the container before it can read a
    missing page (it never answers with a hole), removes it and lists it as
    lost; the source copy dies with CRIU. The container is lost."""
    src.stop_agent()
    src.start_agent(SLICES, fault="slow-pages")
    migration = world.start_migration(NAME, src, dst)
    for line in migration.stderr:
        if "destination: running" in line:
            break
    else:
        raise AssertionError(f"migration ended before the container ran: {migration.wait()}")
    # The container runs on the destination; ask it to read all its memory,
    # which needs pages the source has not sent yet, then lose the source,
    # once its CRIU has taken the commit (a busy CRIU takes it after the
    # page run it is sending; docs/container-migration.md).
    state.client.send("check")
    dump_log = os.path.join(src.state, "migrations", NAME, "work", "dump.log")
    deadline = time.monotonic() + 30
    while "Lazy dump committed" not in open(dump_log).read():
        expect(time.monotonic() < deadline, "the source CRIU never took the commit")
        time.sleep(0.01)
    lost_at = time.monotonic()
    if how == "killed":
        os.killpg(src.agent.pid, signal.SIGKILL)
        src.agent.wait()
    else:
        world.set_uplink(src, False)
    answer = state.client.receive()
    expect(answer.startswith("error"),
           f"the container answered with pages missing (holes read as data?): {answer!r}")
    # Generous against load; TCP alone would keep the container blocked for
    # many minutes.
    deadline = time.monotonic() + 30
    while dst.containers().get(NAME):
        expect(time.monotonic() < deadline, "destination kept a container with missing pages")
        time.sleep(0.2)
    noticed_s = time.monotonic() - lost_at
    lost = dst.client("list").stdout
    expect(f"LOST {NAME}" in lost and "the source was lost during post-copy" in lost,
           f"destination does not report the container as lost:\n{lost}")
    lazy_log = open(os.path.join(world.log_dir, f"{NAME}-destination", "lazy.log")).read()
    expect("killing the restored tasks" in lazy_log and "killed 1 restored task" in lazy_log,
           f"the lazy daemon did not kill the restored tasks:\n{lazy_log[-2000:]}")
    if how == "cut":
        # The source's relay notices the silence too and ends the transfer;
        # CRIU had taken the commit, so the frozen source copy dies with it.
        deadline = time.monotonic() + 30
        while json.loads(run("runc", "--root", src.runc_root(), "state", NAME,
                             check=False).stdout or '{"status": "stopped"}')["status"] != "stopped":
            expect(time.monotonic() < deadline, "the cut-off source kept its frozen copy")
            time.sleep(0.2)
        world.set_uplink(src, True)
    expect(migration.wait(timeout=90) != 0, "migrate reported success without a source")
    # CRIU had been told of the commit (patch 0007): the frozen source tasks
    # died with it instead of resuming.
    status = run("runc", "--root", src.runc_root(), "state", NAME, check=False).stdout
    expect(not status or json.loads(status)["status"] == "stopped",
           f"the source copy survived: {status}")
    src.stop_agent()
    src.start_agent(SLICES)
    expect(NAME not in src.containers(), "the restarted source agent kept the moved container")
    runs_nowhere(world)
    dst.client("stop", NAME)
    expect("LOST" not in dst.client("list").stdout, "stop did not clear the lost record")
    print(f"source {how} in post-copy: the destination noticed in {noticed_s:.1f} s, killed the "
          "container before it read a missing page, and reports it lost; the source copy died")


def start_stateful(world, host, bundle, when):
    """Runs the stateful container on `host`, gives it its address and
    checks its first answer; returns its client and state."""
    host.client("run", "--name", NAME, "--bundle", bundle)
    world.plumb_container(host, NAME)
    client = ServerClient()
    state = State(client)
    state.verify(when)
    return client, state


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
        client, state = start_stateful(world, a, bundle, "before any hop")
        started = time.time()

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
        no_roots_yard_left(started)
        source_lost_in_postcopy(world, state, b, a, "killed")
        # Again, with the source's link cut instead of its processes killed.
        client.close()
        client, state = start_stateful(world, b, bundle, "fresh container on b")
        source_lost_in_postcopy(world, state, b, a, "cut")
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
