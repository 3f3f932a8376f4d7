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
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from agent_process import start_agent  # noqa: E402

TAG = f"{os.getpid() % 100000}"
SUBNET = f"10.{210 + os.getpid() % 40}.{os.getpid() % 250}"
SWITCH_NS = f"xm-sw-{TAG}"
CLIENT_NS = f"xm-cl-{TAG}"
CLIENT_ADDR = f"{SUBNET}.100"
CONTAINER_ADDR = f"{SUBNET}.50"
CONTAINER_MAC = "02:58:49:53:41:32"
CONTAINER_PORT = 7000
HOST_BRIDGE = "xmbr"
CGROUP_ROOT = "/sys/fs/cgroup"
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def run(*argv, check=True, ns=None, timeout=120, env=None):
    cmd = (["nsenter", f"--net=/run/netns/{ns}"] if ns else []) + [str(a) for a in argv]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


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

    def write_config(self, slices):
        path = os.path.join(self.dir, "agent.toml")
        with open(path, "w") as f:
            f.write(f'listen = "{self.addr}:0"\n'
                    f'isa = "{os.uname().machine}"\n'
                    f'state_dir = "{self.state}"\n'
                    f'token_file = "{self.world.token}"\n'
                    f'name = "{self.name}"\n'
                    f'cgroup_parent = "{self.cgroup_parent}"\n' + slices)
        return path

    def start_agent(self, slices, fault=None):
        config = self.write_config(slices)
        self.log = os.path.join(self.dir, f"agent-{time.monotonic_ns()}.log")
        env = dict(os.environ)
        env.pop("XISA_MIGRATE_FAULT", None)
        if fault:
            env["XISA_MIGRATE_FAULT"] = fault
        self.agent, self.port = start_agent(self.world.xisa, self.ns, config, self.log,
                                            timeout=30, what=f"agent {self.letter}", env=env)

    def stop_agent(self):
        if self.agent and self.agent.poll() is None:
            os.killpg(self.agent.pid, signal.SIGTERM)
            try:
                self.agent.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.agent.pid, signal.SIGKILL)
                self.agent.wait()
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
        self.token = os.path.join(self.dir, "token")
        with open(self.token, "w") as f:
            f.write(os.urandom(18).hex() + "\n")
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

    def migrate(self, name, src, dst, mode="postcopy", slice_name=None, check=True):
        to = dst.endpoint + (f"/{slice_name}" if slice_name else "")
        p = run(self.xisa, "container", "migrate", name, "--from", src.endpoint, "--to", to,
                "--token-file", self.token, "--mode", mode, "--json", check=check, ns=CLIENT_NS,
                timeout=600)
        return json.loads(p.stdout) if p.returncode == 0 else p

    # --- cleanup -------------------------------------------------------
    def cleanup(self):
        for h in self.hosts.values():
            try:
                h.stop_agent()
            except Exception:
                pass
            if os.path.isdir(h.runc_root()):
                for cid in os.listdir(h.runc_root()):
                    run("runc", "--root", h.runc_root(), "delete", "--force", cid, check=False)
        listed = run("ip", "netns", "list", check=False).stdout.splitlines()
        for line in listed:
            name = line.split(" ")[0]
            if any(name.startswith(f"xisa-{h.name}-") for h in self.hosts.values()):
                run("ip", "netns", "delete", name, check=False)
        for name in reversed(self.made_ns):
            run("ip", "netns", "delete", name, check=False)
        for h in self.hosts.values():
            for top in cgroup_dirs(h.cgroup_parent):
                for dirpath, _, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
                    try:
                        os.rmdir(dirpath)
                    except OSError:
                        pass
        shutil.rmtree(self.dir, ignore_errors=True)


def cgroup_dirs(rel):
    out = [os.path.join(CGROUP_ROOT, e, rel) for e in os.listdir(CGROUP_ROOT)]
    out.append(os.path.join(CGROUP_ROOT, rel))
    return [p for p in out if os.path.isdir(p)]


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
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        expect(answer and not answer.startswith("error"), f"server answered {answer!r} to {line!r}")
        return dict(kv.split("=", 1) for kv in answer.split())

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
