#!/usr/bin/env python3
"""End-to-end test of `xisa agent` and `xisa container run|list|stop|usage`.

Two "hosts" are network namespaces this test creates, joined by a veth pair:
the agent runs in one, the client commands in the other, so every request
crosses a real link. Containers are real runc containers from a busybox
bundle, placed in slices whose limits are checked in the cgroup files.
Needs root, runc, iproute2 and busybox-static. Cleans up namespaces,
containers and cgroups on every exit path.

    agent_host_test.py --xisa BUILD/bin/xisa --make-bundle tests/container/common/make-bundle.py
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from testbed import (CGROUP_ROOT, cgroup_dirs, clean_agent_leftovers, expect, run,  # noqa: E402
                     start_agent, stop_agent, write_agent_config, write_token)

TAG = f"{os.getpid() % 100000}"
HOST_NS = f"xt-agent-{TAG}"
CLIENT_NS = f"xt-client-{TAG}"
AGENT_NAME = f"t{TAG}"
CGROUP_PARENT = f"xisa-test-{TAG}"
NET = f"10.{200 + os.getpid() % 50}.{os.getpid() % 250}"  # only inside our namespaces
AGENT_ADDR = f"{NET}.1"
CLIENT_ADDR = f"{NET}.2"


class World:
    def __init__(self, args):
        self.xisa = os.path.abspath(args.xisa)
        self.make_bundle = os.path.abspath(args.make_bundle)
        self.dir = tempfile.mkdtemp(prefix="xisa-agent-test-")
        self.state = os.path.join(self.dir, "state")
        self.token = write_token(self.dir)
        self.agent = None
        self.port = None

    # --- hosts ---------------------------------------------------------
    def make_hosts(self):
        run("ip", "netns", "add", HOST_NS)
        run("ip", "netns", "add", CLIENT_NS)
        run("ip", "link", "add", f"xta{TAG}", "netns", HOST_NS, "type", "veth",
            "peer", "name", f"xtc{TAG}", "netns", CLIENT_NS)
        for ns, dev, addr in ((HOST_NS, f"xta{TAG}", AGENT_ADDR),
                              (CLIENT_NS, f"xtc{TAG}", CLIENT_ADDR)):
            run("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            run("ip", "-n", ns, "link", "set", dev, "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")

    # --- agent ---------------------------------------------------------
    def write_config(self, name, slices):
        return write_agent_config(os.path.join(self.dir, name), listen=f"{AGENT_ADDR}:0",
                                  state_dir=self.state, token_file=self.token, name=AGENT_NAME,
                                  cgroup_parent=CGROUP_PARENT, slices=slices)

    def start_agent(self, config):
        self.log = os.path.join(self.dir, f"agent-{time.monotonic_ns()}.log")
        self.agent, self.port = start_agent(self.xisa, HOST_NS, config, self.log, timeout=20)

    def stop_agent(self):
        stop_agent(self.agent, group=False)  # its containers must outlive it
        self.agent = None

    def client(self, *argv, check=True, token=None):
        return run(self.xisa, "container", *argv, "--agent", f"{AGENT_ADDR}:{self.port}",
                   "--token-file", token or self.token, check=check, ns=CLIENT_NS)

    def client_json(self, *argv):
        return json.loads(self.client(*argv, "--json").stdout)

    def raw_request(self, line):
        """Sends one raw line from the client host; returns the agent's reply."""
        p = run(sys.executable, os.path.abspath(__file__), "--raw", AGENT_ADDR, str(self.port),
                line, ns=CLIENT_NS)
        return json.loads(p.stdout)

    # --- cleanup -------------------------------------------------------
    def cleanup(self):
        self.stop_agent()
        clean_agent_leftovers(os.path.join(self.state, "runc"), AGENT_NAME, CGROUP_PARENT)
        for ns in (HOST_NS, CLIENT_NS):
            run("ip", "netns", "delete", ns, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def cgroup_file(controller, rel, name):
    """Reads a cgroup file on v1 (per-controller mount) or v2 (unified)."""
    for base in (os.path.join(CGROUP_ROOT, controller), CGROUP_ROOT):
        path = os.path.join(base, rel, name)
        if os.path.exists(path):
            with open(path) as f:
                return f.read().strip()
    raise AssertionError(f"no cgroup file {name} for {rel} ({controller})")


V1 = os.path.isdir(os.path.join(CGROUP_ROOT, "memory"))

SLICES = """
[slices.small]
cpus = "0"
memory = "64M"
cpu_quota = 0.5
max_containers = 1
io_device = "{dev}"
io_read_bps = "10M"
net_rate = "8mbit"

[slices.big]
cpus = "{other_cpus}"
memory = "96M"
max_containers = 3
{io_weight}
"""


def root_device():
    st = os.stat("/")
    major, minor = os.major(st.st_dev), os.minor(st.st_dev)
    # A partition's throttle must name its whole disk; /proc/partitions lists both.
    with open("/proc/partitions") as f:
        disks = [l.split() for l in f.read().splitlines()[2:] if l.strip()]
    for maj, mnr, _, name in disks:
        if int(maj) == major and int(mnr) == minor:
            parent = os.path.realpath(f"/sys/class/block/{name}/..")
            if os.path.exists(os.path.join(parent, "dev")):
                with open(os.path.join(parent, "dev")) as d:
                    return d.read().strip()
            return f"{maj}:{mnr}"
    return "254:0"


def weight_file():
    """The proportional I/O weight file this kernel offers (None: no such controller)."""
    probe = f"xisa-weight-probe-{TAG}"
    if V1:
        base = os.path.join(CGROUP_ROOT, "blkio")
        candidates = ("blkio.weight", "blkio.bfq.weight")
    else:
        base = CGROUP_ROOT
        candidates = ("io.weight", "io.bfq.weight")
    os.mkdir(os.path.join(base, probe))
    try:
        for name in candidates:
            if os.path.exists(os.path.join(base, probe, name)):
                return name
        return None
    finally:
        os.rmdir(os.path.join(base, probe))


def test_config_errors(w):
    overlap = w.write_config("overlap.toml", '[slices.a]\ncpus = "0"\nmemory = "32M"\n'
                                             '[slices.b]\ncpus = "0"\nmemory = "32M"\n')
    p = run(w.xisa, "agent", "--config", overlap, check=False)
    expect(p.returncode != 0 and "slices 'a' and 'b' overlap on CPUs 0" in p.stderr,
           f"overlapping slices not refused: {p.returncode} {p.stderr}")
    broken = os.path.join(w.dir, "broken.toml")
    with open(broken, "w") as f:
        f.write('listen = "127.0.0.1:0"\nisa = \n')
    p = run(w.xisa, "agent", "--config", broken, check=False)
    expect(p.returncode != 0 and "broken.toml:2:" in p.stderr, f"bad TOML: {p.stderr}")
    p = run(w.xisa, "agent", "--config", os.path.join(w.dir, "missing.toml"), check=False)
    expect(p.returncode != 0 and "missing.toml" in p.stderr, f"missing file: {p.stderr}")
    no_token = w.write_config("notoken.toml", '[slices.a]\ncpus = "0"\nmemory = "32M"\n')
    with open(no_token) as f:
        text = f.read().replace(w.token, w.token + ".absent")
    with open(no_token, "w") as f:
        f.write(text)
    p = run(w.xisa, "agent", "--config", no_token, check=False)
    expect(p.returncode != 0 and "cannot read token file" in p.stderr, f"no token: {p.stderr}")


def test_auth(w):
    reply = w.raw_request('{"op": "ping"}')
    expect(reply == {"ok": False, "error": "unauthorized"}, f"no token: {reply}")
    reply = w.raw_request('{"op": "ping", "token": "not-the-token-at-all"}')
    expect(reply == {"ok": False, "error": "unauthorized"}, f"wrong token: {reply}")
    with open(w.token) as f:
        token = f.read().strip()
    reply = w.raw_request(json.dumps({"op": "ping", "token": token}))
    expect(reply.get("ok") is True and reply["name"] == AGENT_NAME, f"right token: {reply}")
    expect(reply["cgroup"] == ("v1" if V1 else "v2"), f"cgroup mode: {reply}")
    reply = w.raw_request(json.dumps({"op": "frobnicate", "token": token}))
    expect(reply.get("ok") is False and "unknown op 'frobnicate'" in reply["error"]
           and "ping" in reply["error"], f"unknown op: {reply}")
    reply = w.raw_request(json.dumps({"op": "run", "token": token}))
    expect(reply.get("ok") is False and 'no "name" string' in reply["error"], f"no name: {reply}")
    reply = w.raw_request("{not json")
    expect(reply.get("ok") is False and "not a JSON object line" in reply["error"],
           f"malformed request: {reply}")
    log = open(w.log).read()
    expect(log.count(f"unauthorized request from {CLIENT_ADDR}") == 2,
           f"unauthorized requests not logged with the client's address:\n{log}")
    bad = os.path.join(w.dir, "bad-token")
    with open(bad, "w") as f:
        f.write("x" * 32 + "\n")
    p = w.client("list", check=False, token=bad)
    expect(p.returncode != 0 and "unauthorized" in p.stderr, f"client with bad token: {p.stderr}")


def test_run_in_slice(w, bundle):
    c = w.client_json("run", "--name", "c1", "--bundle", bundle, "--slice", "small")
    expect(c["status"] == "running" and c["pid"] > 0, f"not running: {c}")
    slice_cg = f"{CGROUP_PARENT}/small"
    cg = f"{slice_cg}/c1"
    expect(c["cgroup"] == "/" + cg, f"cgroup path: {c['cgroup']}")
    procs = cgroup_file("memory", cg, "cgroup.procs").split()
    expect(str(c["pid"]) in procs, f"pid {c['pid']} not in {cg}: {procs}")
    mem_file = "memory.limit_in_bytes" if V1 else "memory.max"
    expect(cgroup_file("memory", slice_cg, mem_file) == str(64 << 20), "slice memory limit")
    expect(cgroup_file("memory", cg, mem_file) == str(64 << 20), "container memory limit")
    expect(cgroup_file("cpuset", cg, "cpuset.cpus") == "0", "container cpuset")
    if V1:
        expect(cgroup_file("cpu", slice_cg, "cpu.cfs_quota_us") == "50000", "slice cpu quota")
        expect(cgroup_file("blkio", slice_cg, "blkio.throttle.read_bps_device")
               == f"{w.dev} {10 << 20}", "slice read bps")
    else:
        expect(cgroup_file("cpu", slice_cg, "cpu.max") == "50000 100000", "slice cpu.max")
    weight = weight_file()
    if weight:
        value = cgroup_file("blkio" if V1 else "io", f"{CGROUP_PARENT}/big", weight)
        expect(value.split()[-1] == "200", f"slice big {weight}: {value}")
    else:
        print(f"NOTE: this kernel has no proportional I/O weight file; io_weight not checked")
    qdisc = run("tc", "qdisc", "show", ns=HOST_NS).stdout
    expect("tbf" in qdisc and "rate 8Mbit" in qdisc, f"no 8mbit tbf on the host veth:\n{qdisc}")
    count = os.path.join(bundle, "rootfs", "count")
    first = wait_for_count(count, 1)
    wait_for_count(count, first + 1)  # it keeps running


def wait_for_count(path, at_least):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                value = int(f.read().strip() or 0)
            if value >= at_least:
                return value
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} did not reach {at_least} in 15 s")


def test_over_commit(w, bundle):
    p = w.client("run", "--name", "c2", "--bundle", bundle, "--slice", "small", check=False)
    expect(p.returncode != 0 and "slice 'small' is full" in p.stderr, f"count: {p.stderr}")
    p = w.client("run", "--name", "c3", "--bundle", bundle, "--slice", "big",
                 "--memory", "128M", check=False)
    expect(p.returncode != 0 and "slice 'big' has 96 MiB of its 96 MiB memory left" in p.stderr,
           f"memory: {p.stderr}")
    p = w.client("run", "--name", "c1", "--bundle", bundle, "--slice", "big", check=False)
    expect(p.returncode != 0 and "already runs" in p.stderr, f"duplicate name: {p.stderr}")
    p = w.client("run", "--name", "c3", "--bundle", bundle, "--memory", "1M", check=False)
    expect(p.returncode != 0 and "at least 4 MiB" in p.stderr, f"tiny memory: {p.stderr}")
    p = w.client("run", "--name", "c4", "--bundle", "/nonexistent", "--slice", "big", check=False)
    expect(p.returncode != 0 and "has no readable config.json" in p.stderr, f"bundle: {p.stderr}")
    names = [c["name"] for c in w.client_json("list")]
    expect(names == ["c1"], f"refused runs left containers behind: {names}")


def test_usage(w):
    c1 = f"xisa-{AGENT_NAME}-c1"
    veth = w.client_json("list")[0]
    host_veth = json.loads(open(os.path.join(w.state, "containers", "c1.json")).read())["host_veth"]
    run("ip", "-n", HOST_NS, "addr", "add", "192.0.2.1/30", "dev", host_veth)
    run("ip", "-n", c1, "addr", "add", "192.0.2.2/30", "dev", "eth0")
    run("busybox", "ping", "-c", "3", "-W", "2", "192.0.2.2", ns=HOST_NS)
    u = w.client_json("usage")
    expect(u["host"]["memory_total"] > 0 and u["host"]["cpus"] >= 1, f"host: {u['host']}")
    small = next(s for s in u["slices"] if s["name"] == "small")
    expect(small["containers"] == 1 and small["memory_reserved"] == 64 << 20, f"slice: {small}")
    cu = u["containers"][0]["usage"]
    expect(cu["cpu_seconds"] > 0, f"cpu: {cu}")
    expect(cu["memory_bytes"] > 0, f"memory: {cu}")
    expect(cu["pids"] >= 1, f"pids: {cu}")
    expect(cu["net_rx_bytes"] >= 3 * 84 and cu["net_tx_bytes"] >= 3 * 84, f"net: {cu}")
    expect(veth["usage"]["cpu_seconds"] <= cu["cpu_seconds"], "cpu time went backwards")
    text = w.client("usage").stdout
    expect("slice small: cpus 0, 1/1 containers" in text, f"usage text:\n{text}")


def test_restart_keeps_containers(w, config):
    before = w.client_json("list")
    w.stop_agent()
    w.start_agent(config)
    after = w.client_json("list")
    expect([(c["name"], c["pid"], c["status"]) for c in after]
           == [(c["name"], c["pid"], "running") for c in before],
           f"after restart: {after} (before: {before})")
    expect("container c1 (slice small) is still there" in open(w.log).read(), "reconcile log")


def test_stop(w):
    reply = w.client_json("stop", "c1", "--grace", "5")
    expect(reply["stopped"] == "c1" and reply["graceful"] is True,
           f"container did not exit on SIGTERM within 5 s: {reply}")
    expect(w.client_json("list") == [], "container still listed")
    expect(f"xisa-{AGENT_NAME}-c1" not in run("ip", "netns", "list").stdout, "netns left")
    expect(not any(os.path.isdir(d) for d in cgroup_dirs(f"{CGROUP_PARENT}/small/c1")),
           "container cgroup left")
    p = w.client("stop", "c1", check=False)
    expect(p.returncode != 0 and "no container 'c1'" in p.stderr, p.stderr)

    stubborn = os.path.join(w.dir, "stubborn")
    run(sys.executable, w.make_bundle, stubborn, "--", "/bin/sh", "-c",
        "trap '' TERM; while true; do sleep 1; done")
    w.client("run", "--name", "c5", "--bundle", stubborn, "--slice", "big")
    reply = w.client_json("stop", "c5", "--grace", "1")
    expect(reply["graceful"] is False, f"a container ignoring SIGTERM was not killed: {reply}")
    expect(w.client_json("list") == [], "killed container still listed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xisa")
    ap.add_argument("--make-bundle")
    ap.add_argument("--raw", nargs=3)
    args = ap.parse_args()
    if args.raw:
        host, port, line = args.raw
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(line.encode() + b"\n")
            print(s.makefile().readline())
        return 0
    if os.geteuid() != 0:
        print("agent_host_test: FAILED: needs root (network namespaces, runc, cgroups)")
        return 1
    for tool in ("runc", "ip", "tc", "nsenter", "busybox"):
        if not shutil.which(tool):
            print(f"agent_host_test: FAILED: {tool} is missing (run scripts/setup.sh)")
            return 1

    w = World(args)
    atexit.register(w.cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    w.dev = root_device()
    cpus = os.cpu_count()
    config = w.write_config("agent.toml", SLICES.format(
        dev=w.dev, other_cpus="1" if cpus > 1 else "0",
        io_weight="io_weight = 200" if weight_file() else ""))
    if cpus < 2:
        print("agent_host_test: FAILED: needs 2 CPUs for two disjoint slices")
        return 1
    bundle = os.path.join(w.dir, "bundle")
    run(sys.executable, w.make_bundle, bundle)
    w.make_hosts()

    tests = [("config errors", lambda: test_config_errors(w)),
             ("start agent", lambda: w.start_agent(config)),
             ("auth", lambda: test_auth(w)),
             ("run in slice", lambda: test_run_in_slice(w, bundle)),
             ("over-commit", lambda: test_over_commit(w, bundle)),
             ("usage", lambda: test_usage(w)),
             ("restart keeps containers", lambda: test_restart_keeps_containers(w, config)),
             ("stop", lambda: test_stop(w))]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            print(f"PASS {name}")
            passed += 1
        except Exception:
            print(f"FAIL {name}\n{traceback.format_exc()}")
            failed += 1
            if name in ("start agent", "run in slice"):
                break  # later steps need these
    if failed and w.agent is not None:
        print("--- agent log ---\n" + open(w.log).read())
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed != len(tests) else 0


if __name__ == "__main__":
    sys.exit(main())
