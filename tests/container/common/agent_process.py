"""Starts an `xisa agent` inside a test's network namespace and waits until it
reports the port it listens on. Shared by the container test harnesses."""
import subprocess
import time


def start_agent(xisa, netns, config, log_path, timeout, what="agent", env=None):
    """Returns (process, port). The agent runs in its own session (so a test
    can signal its process group) with stdout and stderr in `log_path`.
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
