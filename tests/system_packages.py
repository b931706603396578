"""Debian packages a test needs (chromium, postgresql, fonts), installed by the test setup itself.

CI runs on a clean machine where nothing was installed by hand: a fixture that needs a system
program calls `ensure_debian_packages(...)`, which installs what is missing with apt-get (idempotent:
nothing is run when every package is already installed). Installs are serialised with a lock file
so that two test processes never run apt-get at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

LOCK = Path("/tmp/sti-apt.lock")


def missing(packages: tuple[str, ...]) -> list[str]:
    out = []
    for pkg in packages:
        probe = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in probe.stdout:
            out.append(pkg)
    return out


def ensure_debian_packages(*packages: str) -> None:
    """Install the Debian packages that are not installed yet; raise with apt's output on failure."""
    if not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        raise RuntimeError(f"need Debian's apt-get to install {', '.join(packages)}")
    if not missing(packages):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        todo = missing(packages)  # another process may have installed them meanwhile
        if not todo:
            return
        for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "--no-install-recommends", *todo]):
            run = subprocess.run(sudo + cmd, capture_output=True, text=True, env=env, check=False)
            if run.returncode != 0:
                tail = run.stdout[-2000:] + run.stderr[-2000:]
                raise RuntimeError(f"{' '.join(cmd)} failed ({run.returncode}):\n{tail}")
