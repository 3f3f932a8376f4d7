"""Hosts, agents and a stateful container for container-migration tests and
benchmarks, all on one machine.

Topology (every address lives only inside namespaces made here):

    switch ns:  bridge br0 ---- veth ---- host A ns: bridge xmbr (A's address)
                           ---- veth ---- host B ns: bridge xmbr (B's address)
                           ---- veth ---- client ns (client address)

Each host runs its own `xisa agent` (own state dir, runc root, cgroup
parent). The container's network namespace is the agent's; this harness
plays the network plugin: it puts the container's veth host end on the host
bridge and gives eth0 the container's MAC and address, so the container is
reachable from the client on the shared segment, from whichever host runs it.

Everything made is removed by World.cleanup(), also after a failure.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from testbed import (clean_agent_leftovers, expect, run, start_agent, stop_agent,  # noqa: E402
                     write_agent_config, write_token)

TAG = f"{os.getpid() % 100000}"
SUBNET = f"10.{210 + os.getpid() % 40}.{os.getpid() % 250}"
SWITCH_NS = f"xm-sw-{TAG}"
CLIENT_NS = f"xm-cl-{TAG}"
CLIENT_ADDR = f"{SUBNET}.100"
CONTAINER_ADDR = f"{SUBNET}.50"
CONTAINER_MAC = "02:58:49:53:41:32"
CONTAINER_PORT = 7000
HOST_BRIDGE = "xmbr"
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def build_server(out_dir):
    """Compiles stateful_server.c as a static musl executable."""
    musl = "/usr/lib/x86_64-linux-musl"
    out = os.path.join(out_dir, "stateful_server")
    run("clang-19", "--target=x86_64-linux-musl", "-O2", "-static", "-nostdlib", "-nostdinc",
        "-fuse-ld=lld", "-isystem", "/usr/include/x86_64-linux-musl",
        "-isystem", "/usr/lib/llvm-19/lib/clang/19/include",
        "-o", out, os.path.join(HERE, "stateful_server.c"),
        f"{musl}/crt1.o", f"{musl}/crti.o", f"{musl}/libc.a", f"{musl}/crtn.o")
    return out


class Host:
    def __init__(self, world, letter, index):
        self.world = world
        self.letter = letter
        self.ns = f"xm-{letter}-{TAG}"
        self.index = index
        self.addr = f"{SUBNET}.{index}"
        self.name = f"m{letter}{TAG}"
        self.dir = os.path.join(world.dir, f"host-{letter}")
        self.state = os.path.join(self.dir, "state")
        self.cgroup_parent = f"xisa-mtest-{letter}-{TAG}"
        self.agent = None
        self.port = None
        os.makedirs(self.dir)

    @property
    def endpoint(self):
        return f"{self.addr}:{self.port}"

    def start_agent(self, slices, fault=None):
        config = write_agent_config(os.path.join(self.dir, "agent.toml"),
                                    listen=f"{self.addr}:0", state_dir=self.state,
                                    token_file=self.world.token, name=self.name,
                                    cgroup_parent=self.cgroup_parent, slices=slices)
        self.log = os.path.join(self.dir, f"agent-{time.monotonic_ns()}.log")
        env = dict(os.environ, XISA_MIGRATE_LOG_DIR=self.world.log_dir)
        env.pop("XISA_MIGRATE_FAULT", None)
        if fault:
            env["XISA_MIGRATE_FAULT"] = fault
        self.agent, self.port = start_agent(self.world.xisa, self.ns, config, self.log,
                                            timeout=30, what=f"agent {self.letter}", env=env)

    def stop_agent(self):
        stop_agent(self.agent)
        self.agent = None

    def client(self, *argv, check=True):
        return run(self.world.xisa, "container", *argv, "--agent", self.endpoint,
                   "--token-file", self.world.token, check=check, ns=CLIENT_NS)

    def containers(self):
        out = self.client("list", "--json").stdout
        return {c["name"]: c for c in json.loads(out)}

    def runc_root(self):
        return os.path.join(self.state, "runc")


class World:
    def __init__(self, xisa, hosts=("a", "b")):
        self.xisa = os.path.abspath(xisa)
        self.dir = tempfile.mkdtemp(prefix="xisa-migrate-test-")
        os.chmod(self.dir, 0o755)
        self.token = write_token(self.dir)
        # The agents keep each migration's CRIU logs here (migration.h).
        self.log_dir = os.path.join(self.dir, "criu-logs")
        self.hosts = {h: Host(self, h, i + 1) for i, h in enumerate(hosts)}
        self.made_ns = []

    # --- network -------------------------------------------------------
    def _ns(self, name):
        run("ip", "netns", "add", name)
        self.made_ns.append(name)
        run("ip", "-n", name, "link", "set", "lo", "up")

    def _uplink(self, ns, dev):
        peer = f"xs{dev}"[:15]
        run("ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name", peer,
            "netns", SWITCH_NS)
        run("ip", "-n", SWITCH_NS, "link", "set", peer, "master", "br0")
        run("ip", "-n", SWITCH_NS, "link", "set", peer, "up")
        run("ip", "-n", ns, "link", "set", dev, "up")

    def make_network(self):
        self._ns(SWITCH_NS)
        run("ip", "-n", SWITCH_NS, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", SWITCH_NS, "link", "set", "br0", "up")
        for h in self.hosts.values():
            self._ns(h.ns)
            self._uplink(h.ns, f"up{h.letter}{TAG}"[:15])
            # A fixed MAC: a bridge otherwise takes its lowest port's, which
            # changes as container veths come and go and strands peers' ARP.
            run("ip", "-n", h.ns, "link", "add", HOST_BRIDGE, "address",
                f"02:58:48:00:00:{h.index:02x}", "type", "bridge")
            run("ip", "-n", h.ns, "link", "set", f"up{h.letter}{TAG}"[:15], "master", HOST_BRIDGE)
            run("ip", "-n", h.ns, "addr", "add", f"{h.addr}/24", "dev", HOST_BRIDGE)
            run("ip", "-n", h.ns, "link", "set", HOST_BRIDGE, "up")
        self._ns(CLIENT_NS)
        self._uplink(CLIENT_NS, f"upc{TAG}"[:15])
        run("ip", "-n", CLIENT_NS, "addr", "add", f"{CLIENT_ADDR}/24", "dev", f"upc{TAG}"[:15])

    def set_uplink(self, host, up):
        """Cuts (or mends) host's link to the switch: its packets vanish,
        no connection is closed or reset, as when a host loses power."""
        run("ip", "-n", host.ns, "link", "set", f"up{host.letter}{TAG}"[:15],
            "up" if up else "down")

    def plumb_container(self, host, name):
        """Plays the network plugin for a container the agent started."""
        netns = f"/run/netns/xisa-{host.name}-{name}"
        links = json.loads(run("nsenter", f"--net={netns}", "ip", "-j", "link", "show", "eth0").stdout)
        peer = links[0]["link_index"]
        host_links = json.loads(run("ip", "-j", "link", "show", ns=host.ns).stdout)
        veth = next(l["ifname"] for l in host_links if l["ifindex"] == peer)
        run("ip", "link", "set", veth, "master", HOST_BRIDGE, ns=host.ns)
        for args in (["link", "set", "eth0", "address", CONTAINER_MAC],
                     ["address", "add", f"{CONTAINER_ADDR}/24", "dev", "eth0"]):
            run("nsenter", f"--net={netns}", "ip", *args)

    # --- containers ----------------------------------------------------
    def make_bundle(self, server, memory_mib, name="server"):
        bundle = os.path.join(self.dir, f"bundle-{name}-{memory_mib}")
        run("python3", os.path.join(SOURCE_DIR, "tests", "container", "common", "make-bundle.py"),
            bundle, "--", "/bin/stateful_server", CONTAINER_PORT, memory_mib)
        shutil.copy2(server, os.path.join(bundle, "rootfs", "bin", "stateful_server"))
        return bundle

    def _migrate_argv(self, name, src, dst, mode, slice_name):
        to = dst.endpoint + (f"/{slice_name}" if slice_name else "")
        return ["nsenter", f"--net=/run/netns/{CLIENT_NS}", self.xisa, "container", "migrate",
                name, "--from", src.endpoint, "--to", to, "--token-file", self.token, "--mode",
                mode]

    def migrate(self, name, src, dst, mode="postcopy", slice_name=None, check=True):
        p = run(*self._migrate_argv(name, src, dst, mode, slice_name), "--json", check=check,
                timeout=600)
        return json.loads(p.stdout) if p.returncode == 0 else p

    def start_migration(self, name, src, dst, mode="postcopy"):
        """A migration in the background; its progress lines on .stderr."""
        return subprocess.Popen(self._migrate_argv(name, src, dst, mode, None),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    # --- cleanup -------------------------------------------------------
    def cleanup(self):
        for h in self.hosts.values():
            try:
                h.stop_agent()
            except Exception:
                pass
            clean_agent_leftovers(h.runc_root(), h.name, h.cgroup_parent)
        for name in reversed(self.made_ns):
            run("ip", "netns", "delete", name, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class ServerClient:
    """A TCP connection to the container's server, run from the client
    namespace by a helper process (this script's process stays in the host
    namespace), one request line per call."""

    def __init__(self, connect_timeout=20):
        self.proc = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{CLIENT_NS}", "python3", "-u", __file__,
             "--client", CONTAINER_ADDR, str(CONTAINER_PORT), str(connect_timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        hello = self.proc.stdout.readline().strip()
        expect(hello == "connected", f"client could not connect: {hello!r}")

    def ask(self, line):
        self.send(line)
        answer = self.receive()
        expect(answer and not answer.startswith("error"), f"server answered {answer!r} to {line!r}")
        return dict(kv.split("=", 1) for kv in answer.split())

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def receive(self):
        """The server's answer line, or "error ..." if the connection failed."""
        return self.proc.stdout.readline().strip()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def client_main(addr, port, connect_timeout):
    """--client: relays stdin lines to the server, answers to stdout."""
    import sys
    deadline = time.monotonic() + float(connect_timeout)
    while True:
        try:
            sock = socket.create_connection((addr, int(port)), timeout=2)
            break
        except OSError as e:
            if time.monotonic() > deadline:
                print(f"error {e}", flush=True)
                return
            time.sleep(0.1)
    sock.settimeout(60)
    reader = sock.makefile("r")
    print("connected", flush=True)
    for line in sys.stdin:
        try:
            sock.sendall(line.encode())
            print(reader.readline().strip() or "error closed", flush=True)
        except OSError as e:
            print(f"error {e}", flush=True)


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 5 and sys.argv[1] == "--client":
        client_main(*sys.argv[2:])
