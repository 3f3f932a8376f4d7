#!/usr/bin/env python3
"""Benchmark of the xisa agent: request round trip, container run/list/stop
latency as the CLI sees it, and the bandwidth a slice's net_rate lets
through. Runs the agent inside a network namespace it creates (root needed)
and writes bench/agent/results.md.

    sudo bench/agent/run.py --xisa build/bin/xisa [--rounds 10]
"""
import argparse
import ctypes
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NS = f"xb-agent-{os.getpid()}"
ADDR = "127.0.0.1"  # the loopback of the namespace created here
RATE_MBIT = 8


def enter_netns(name):
    """Moves this process (and so its children) into network namespace `name`."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        sys.exit(f"bench: setns {name}: {os.strerror(ctypes.get_errno())}")
    os.close(fd)


def sh(*argv, check=True):
    cmd = [str(a) for a in argv]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed: {p.stderr}")
    return p


def timed(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def summary(ms):
    return f"median {statistics.median(ms):.1f} ms, min {min(ms):.1f}, max {max(ms):.1f} (n={len(ms)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xisa", required=True)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    xisa = os.path.abspath(args.xisa)
    work = tempfile.mkdtemp(prefix="xisa-agent-bench-")
    token_file = os.path.join(work, "token")
    token = os.urandom(18).hex()
    open(token_file, "w").write(token + "\n")
    name = f"b{os.getpid()}"
    config = os.path.join(work, "agent.toml")
    open(config, "w").write(
        f'listen = "{ADDR}:0"\nisa = "{os.uname().machine}"\nstate_dir = "{work}/state"\n'
        f'token_file = "{token_file}"\nname = "{name}"\ncgroup_parent = "xisa-bench-{name}"\n'
        f'[slices.s]\ncpus = "0"\nmemory = "128M"\nmax_containers = 1\n'
        f'net_rate = "{RATE_MBIT}mbit"\n')
    bundle = os.path.join(work, "bundle")
    sh(sys.executable, os.path.join(ROOT, "tests/container/common/make-bundle.py"), bundle,
       "--", "/bin/sh", "-c",
       "trap 'exit 0' TERM; "
       "while true; do nc -l -p 5000 -e sh -c 'cat > /dev/null'; done & wait")
    agent = None
    results = {}
    try:
        sh("ip", "netns", "add", NS)
        enter_netns(NS)
        sh("ip", "link", "set", "lo", "up")
        log = os.path.join(work, "agent.log")
        agent = subprocess.Popen([xisa, "agent", "--config", config], stdout=open(log, "w"),
                                 stderr=subprocess.STDOUT)
        for _ in range(100):
            if "listening on" in open(log).read():
                break
            time.sleep(0.1)
        port = int(open(log).read().split("listening on ")[1].split()[0].rsplit(":", 1)[1])
        cli = lambda *a: sh(xisa, "container", *a, "--agent", f"{ADDR}:{port}",
                            "--token-file", token_file)

        def ping():
            with socket.create_connection((ADDR, port)) as s:
                s.sendall(json.dumps({"op": "ping", "token": token}).encode() + b"\n")
                assert json.loads(s.makefile().readline())["ok"]
        results["ping request (TCP connect, token check, reply)"] = [
            timed(ping) for _ in range(args.rounds * 10)]

        run_ms, list_ms, stop_ms = [], [], []
        for i in range(args.rounds):
            run_ms.append(timed(lambda: cli("run", "--name", "c", "--bundle", bundle, "--json")))
            list_ms.append(timed(lambda: cli("list", "--json")))
            stop_ms.append(timed(lambda: cli("stop", "c", "--grace", "5", "--json")))
        results["xisa container run"] = run_ms
        results["xisa container list (1 container)"] = list_ms
        results["xisa container stop (graceful)"] = stop_ms

        # Bandwidth through the tbf-shaped veth into the container.
        cli("run", "--name", "c", "--bundle", bundle)
        rec = json.load(open(f"{work}/state/containers/c.json"))
        sh("ip", "addr", "add", "192.0.2.1/30", "dev", rec["host_veth"])
        sh("ip", "-n", rec["netns"], "addr", "add", "192.0.2.2/30", "dev", "eth0")
        time.sleep(0.5)
        seconds = 4
        sender = subprocess.Popen(["sh", "-c", "busybox nc 192.0.2.2 5000 < /dev/zero"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1)  # past the burst
        if sender.poll() is not None:
            sys.exit(f"bench: sender exited: {sender.stderr.read()}")
        before = json.loads(cli("list", "--json").stdout)[0]["usage"]["net_rx_bytes"]
        time.sleep(seconds)
        after = json.loads(cli("list", "--json").stdout)[0]["usage"]["net_rx_bytes"]
        sender.kill()
        mbit = (after - before) * 8 / seconds / 1e6
        cli("stop", "c", "--grace", "0")
    finally:
        if agent:
            agent.terminate()
            agent.wait()
        sh("runc", "--root", f"{work}/state/runc", "delete", "--force", "c", check=False)
        sh("ip", "netns", "delete", f"xisa-{name}-c", check=False)
        sh("ip", "netns", "delete", NS, check=False)
        for ctl in os.listdir("/sys/fs/cgroup"):
            top = f"/sys/fs/cgroup/{ctl}/xisa-bench-{name}"
            for d, _, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
        shutil.rmtree(work, ignore_errors=True)

    lines = ["# xisa agent benchmark", "",
             f"Command: `{' '.join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:])}` "
             f"(as root, from the repository root)", "",
             f"Machine: {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             "shared with other jobs; CLI timings include starting the `xisa` process.", ""]
    for what, ms in results.items():
        lines.append(f"- {what}: {summary(ms)}")
    lines.append(f"- bandwidth into a container of a slice with net_rate {RATE_MBIT}mbit, "
                 f"max_containers 1 (tbf on the veth), TCP over {seconds} s: {mbit:.2f} Mbit/s")
    text = "\n".join(lines) + "\n"
    open(os.path.join(HERE, "results.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
