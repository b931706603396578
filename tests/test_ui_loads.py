"""`make ui` on a fresh clone with a clean environment shows the code location loaded (issue 8).

The real `dagster dev` (what `make ui` runs) is started from a copy of the working tree without
`dbt_project/target`, with nothing in the environment but PATH, HOME and DAGSTER_HOME, and its web
server is asked over GraphQL whether the `sti` location loaded and lists the `refresh` job. It is
started twice: on the fresh copy (no manifest), then again with the manifest the first start left —
the second start is the one that used to fail ("Env var required but not provided: 'STI_BUILD_DB'").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipelines.publish.dagster_home import dagster_yaml

REPO = Path(__file__).resolve().parents[1]
DAGSTER = Path(sys.executable).parent / "dagster"
LOAD_LIMIT = 180.0  # seconds for one start to load the location

QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
          ... on RepositoryLocation {
            repositories { jobs { name } assetNodes { assetKey { path } } }
          }
        }
      }
    }
  }
}
"""


def copy_working_tree(dest: Path) -> None:
    """The files git knows of (tracked, and new ones not ignored) as they are on disk now: what a clone of
    this tree would hold, without the ignored dbt target, warehouse or Dagster home."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():  # a tracked file deleted in the working tree is not copied
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ask(port: int) -> dict | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None  # not listening yet


def start_and_ask(clone: Path, home: Path, log: Path) -> dict:
    """Start `dagster dev` as `make ui` does, wait for the `sti` entry to finish loading, stop it."""
    port = free_port()
    # `make ui` puts the virtualenv's bin first on PATH (dagster-dbt's preparer runs `dbt` from PATH)
    env = {
        "PATH": f"{DAGSTER.parent}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(home)),
        "DAGSTER_HOME": str(home),
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=default_signals,
        )
    try:
        deadline = time.monotonic() + LOAD_LIMIT
        while time.monotonic() < deadline:
            assert server.poll() is None, f"dagster dev exited ({server.returncode}):\n{log.read_text()[-3000:]}"
            answer = ask(port)
            entries = (((answer or {}).get("data") or {}).get("workspaceOrError") or {}).get("locationEntries")
            entry = next((e for e in entries or [] if e["name"] == "sti"), None)
            if entry and entry["loadStatus"] == "LOADED":
                return entry
            time.sleep(1)
        raise AssertionError(f"the sti location did not load within {LOAD_LIMIT:.0f} s:\n{log.read_text()[-3000:]}")
    finally:
        stop(server)


def default_signals() -> None:
    """A runner started in the background may ignore SIGINT/SIGTERM, and children inherit that."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to the whole process group (dagster dev, web server, daemon, code servers); SIGKILL to
    whatever of it is left after 30 s."""
    for sig, grace in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            server.poll()  # reap dagster dev itself, or its zombie keeps the group alive
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def test_make_ui_loads_the_code_location_on_a_fresh_clone_with_a_clean_environment(tmp_path):
    clone = tmp_path / "clone"
    copy_working_tree(clone)
    assert not (clone / "dbt_project" / "target").exists()
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(dagster_yaml(home), encoding="utf-8")  # what `make ui` gives a new home

    for n, start in enumerate(("fresh clone, no manifest", "again, with the manifest of the first start")):
        entry = start_and_ask(clone, home, tmp_path / f"dagster-dev-{n}.log")
        location = entry["locationOrLoadError"]
        assert location["__typename"] == "RepositoryLocation", f"{start}: {location.get('message')}"
        jobs = {job["name"] for repo in location["repositories"] for job in repo["jobs"]}
        assert "refresh" in jobs, f"{start}: {sorted(jobs)}"
        keys = {tuple(node["assetKey"]["path"]) for repo in location["repositories"] for node in repo["assetNodes"]}
        # The dbt models are in the graph: the manifest was parsed without a warehouse or STI_* variable.
        assert ("marts", "fct_indicator_value") in keys, f"{start}: {sorted(keys)[:20]}"
        assert ("serving", "sti_duckdb") in keys
        assert (clone / "dbt_project" / "target" / "manifest.json").is_file()
    # Loading the location built no warehouse.
    assert not (clone / "warehouse").exists()
