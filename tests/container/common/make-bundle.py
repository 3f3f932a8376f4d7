#!/usr/bin/env python3
"""Builds a minimal OCI bundle for container tests.

    make-bundle.py DIR                       # runs the default counter loop
    make-bundle.py DIR -- CMD [ARG...]       # runs CMD instead

DIR/rootfs holds busybox-static (Debian package busybox-static) with its
applets linked; DIR/config.json runs the command as root without a terminal
(stdio stays whatever the runtime gives it), in fresh pid/ipc/uts/mount/network
namespaces. The default command counts seconds into /count, so a test can see
that a container keeps running (also across a migration); it exits on
SIGTERM (within a second), so a graceful stop can be told from a kill."""
import json
import os
import shutil
import subprocess
import sys

BUSYBOX = "/bin/busybox"
DEFAULT_ARGS = ["/bin/sh", "-c",
                "trap 'exit 0' TERM; "
                "i=0; while true; do i=$((i+1)); echo $i > /count; sleep 1; done"]


def fail(message):
    sys.exit(f"make-bundle: error: {message}")


def make_rootfs(rootfs):
    if not os.path.exists(BUSYBOX):
        fail(f"{BUSYBOX} is missing: install busybox-static (scripts/setup.sh does)")
    for sub in ("bin", "proc", "dev", "sys", "tmp", "etc"):
        os.makedirs(os.path.join(rootfs, sub), exist_ok=True)
    shutil.copy2(BUSYBOX, os.path.join(rootfs, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True,
                             text=True).stdout.split()
    for applet in applets:
        link = os.path.join(rootfs, "bin", applet)
        if applet != "busybox" and not os.path.lexists(link):
            os.symlink("busybox", link)
    with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/:/bin/sh\n")


def make_config(args):
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    return {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": args,
            "env": ["PATH=/bin", "HOME=/"],
            "cwd": "/",
            "capabilities": {k: caps for k in
                             ("bounding", "effective", "permitted", "ambient")},
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": False},
        "hostname": "xisa-test",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "linux": {
            "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network")],
            "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }


def main():
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        fail("usage: make-bundle.py DIR [-- CMD ARG...]")
    bundle = argv[0]
    args = DEFAULT_ARGS
    if len(argv) > 1:
        if argv[1] != "--" or len(argv) < 3:
            fail("after DIR give '-- CMD [ARG...]'")
        args = argv[2:]
    make_rootfs(os.path.join(bundle, "rootfs"))
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(make_config(args), f, indent=2)


main()
