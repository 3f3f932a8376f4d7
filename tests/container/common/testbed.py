"""What the container tests share: commands run in the test's network
namespaces, agents started and configured there, and the cleanup of what an
agent leaves on the host (runc containers, network namespaces, cgroups).

Used by tests/container/agent/agent_host_test.py and
tests/container/migrate/harness.py (which the benchmark reuses)."""
import os
import signal
import subprocess
import time

CGROUP_ROOT = "/sys/fs/cgroup"


def run(*argv, check=True, ns=None, timeout=120, env=None):
    """Runs argv (in network namespace ns if given); raises with its stderr
    when it fails and check is set."""
    cmd = (["nsenter", f"--net=/run/netns/{ns}"] if ns else []) + [str(a) for a in argv]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return p


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def write_token(directory):
    path = os.path.join(directory, "token")
    with open(path, "w") as f:
        f.write(os.urandom(18).hex() + "\n")
    return path


def write_agent_config(path, *, listen, state_dir, token_file, name, cgroup_parent, slices):
    """An agent config (criu-ext/agent/config.h) for this machine's ISA."""
    with open(path, "w") as f:
        f.write(f'listen = "{listen}"\n'
                f'isa = "{os.uname().machine}"\n'
                f'state_dir = "{state_dir}"\n'
                f'token_file = "{token_file}"\n'
                f'name = "{name}"\n'
                f'cgroup_parent = "{cgroup_parent}"\n' + slices)
    return path


def start_agent(xisa, netns, config, log_path, timeout, what="agent", env=None):
    """Starts `xisa agent` in netns and returns (process, port) once it
    reports its port. The agent runs in its own session (so a test can
    signal its process group) with stdout and stderr in log_path.
    nsenter, not `ip netns exec`: the latter hides the cgroup mounts."""
    with open(log_path, "w") as log:
        agent = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{netns}", xisa, "agent", "--config", config],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = open(log_path).read()
        if "listening on" in text:
            return agent, int(text.split("listening on ")[1].split()[0].rsplit(":", 1)[1])
        if agent.poll() is not None:
            raise AssertionError(f"{what} exited ({agent.returncode}):\n{text}")
        time.sleep(0.05)
    raise AssertionError(f"{what} did not report its port within {timeout} s:\n"
                         + open(log_path).read())


def stop_agent(agent, group=True):
    """SIGTERM to the agent (with group: to its process group, so helpers
    it started go too), SIGKILL to its process group if it lingers."""
    if agent is None or agent.poll() is not None:
        return
    if group:
        os.killpg(agent.pid, signal.SIGTERM)
    else:
        agent.terminate()
    try:
        agent.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(agent.pid, signal.SIGKILL)
        agent.wait()


def cgroup_dirs(rel):
    """The directories of cgroup `rel` in every mounted hierarchy."""
    out = [os.path.join(CGROUP_ROOT, e, rel) for e in os.listdir(CGROUP_ROOT)]
    out.append(os.path.join(CGROUP_ROOT, rel))
    return [p for p in out if os.path.isdir(p)]


def clean_agent_leftovers(runc_root, agent_name, cgroup_parent):
    """Removes what an agent named agent_name made: its runc containers, the
    containers' network namespaces (xisa-<agent>-<name>) and its cgroups."""
    if os.path.isdir(runc_root):
        for cid in os.listdir(runc_root):
            run("runc", "--root", runc_root, "delete", "--force", cid, check=False)
    for line in run("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split(" ")[0]
        if name.startswith(f"xisa-{agent_name}-"):
            run("ip", "netns", "delete", name, check=False)
    for top in cgroup_dirs(cgroup_parent):
        for dirpath, _, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
            try:
                os.rmdir(dirpath)
            except OSError:
                pass
